"""Claude Code's machine-wide layer: the managed-settings folder and remedy's drop-in there.

Measured with the real client (docs/claude-code.md, "Machine-wide managed settings";
docs/machine.md, "Measured"): `managed-settings.d/*.json` is read from 2.1.83 on; its files
merge in name order, later scalars win, dot-files are ignored; managed `env` beats the process
environment and every user or project settings file. So one small file of remedy's own, named
to sort after the administrator's files, fixes every user of the machine, and removing it puts
the machine back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from remedies.claude.managed_paths import DROPIN_FOLDER, MAIN_FILE, managed_dir
from remedies.claude.settings_files import LoadedSettings, SettingsFile, load
from remedies.context import Context
from remedies.errors import RemedyError

DROPIN_MIN_VERSION = "2.1.83"


def need_administrator(ctx: Context) -> None:
    """The managed-settings folder belongs to the administrator (and so does the journal)."""
    if os.geteuid() != 0:
        raise RemedyError(
            f"--machine changes {managed_dir(ctx)} for every user of this machine and needs "
            "an administrator: run it with sudo"
        )


def managed_files(ctx: Context) -> list[SettingsFile]:
    """The managed settings files Claude Code reads, lowest precedence first: the main file,
    then the drop-ins in name order (dot-files are not read)."""
    folder = managed_dir(ctx)
    drop_ins = sorted(
        p for p in (folder / DROPIN_FOLDER).glob("*.json") if not p.name.startswith(".")
    )
    return [
        SettingsFile(folder / MAIN_FILE, "managed"),
        *(SettingsFile(p, "managed") for p in drop_ins),
    ]


@dataclass(frozen=True)
class Overrule:
    """A managed file that would beat remedy's drop-in for some of the variables it sets."""

    path: Path
    names: tuple[str, ...]


def loaded_managed(ctx: Context) -> list[LoadedSettings]:
    found = []
    for file in managed_files(ctx):
        loaded = load(file, str(file.path))
        if loaded is not None:
            found.append(loaded)
    return found


def overrules(loaded: list[LoadedSettings], ours: Path, env: Mapping[str, str]) -> list[Overrule]:
    """Drop-ins after ours in name order that set one of our variables to something else:
    Claude Code would take theirs. (The main file is merged first, so it never does:
    measured with 2.1.111, docs/machine.md, "Measured".)"""
    found = []
    for settings in loaded:
        path = settings.file.path
        if path.parent != ours.parent or path.name <= ours.name:
            continue
        names = tuple(n for n, v in env.items() if n in settings.env and settings.env[n] != v)
        if names:
            found.append(Overrule(path, names))
    return found


def machine_value(loaded: list[LoadedSettings], name: str) -> str | None:
    """What the managed layer gives `name` now (later files win), None when unset."""
    value = None
    for settings in loaded:
        if name in settings.env:
            value = settings.env[name]
    return value
