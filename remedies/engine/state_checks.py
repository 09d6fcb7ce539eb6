"""What remedy reads back from its own state folder is data, never instructions.

The journal, pending.json and the backup names sit in a folder the user can write. A crafted
entry must not make remedy write, delete or empty anything it would not touch on its own, so
every path and name read from there is checked before use: transaction ids of exactly the
form remedy writes, backup names inside the state folder, and files only where remedy edits
files (the home, the folders the user's environment moves start-up files to, a project's
`.claude/settings*.json`, Claude Code's managed-settings folders). A check that fails refuses
the whole state file with one line naming it; nothing is touched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from remedies.context import Context
from remedies.errors import RemedyError

# transaction.new_txid: <UTC second>-<8 hex digits>; nothing else names a backup folder.
_TXID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
_PROJECT_SETTINGS = ("settings.json", "settings.local.json")
# Variables that move start-up or settings files out of the home (shells/, claude_settings).
_MOVERS = ("XDG_CONFIG_HOME", "ZDOTDIR", "CLAUDE_CONFIG_DIR", "ENV")
_MANAGED = ("etc/claude-code", "Library/Application Support/ClaudeCode")


class DamagedState(RemedyError):
    """A state file says something remedy never writes; it is refused, not obeyed."""


@dataclass(frozen=True)
class Places:
    """Where remedy edits files: a state file naming anything else was not written by it."""

    roots: tuple[Path, ...]
    projects: bool = True  # a project's .claude/settings*.json, anywhere (not for --machine)

    def holds(self, path: Path) -> bool:
        if self.projects and path.parent.name == ".claude" and path.name in _PROJECT_SETTINGS:
            return True  # a project's settings, wherever the project is (--project)
        return any(root == path or root in path.parents for root in self.roots)


def places_for(ctx: Context) -> Places:
    managed = [ctx.system_path(folder) for folder in _MANAGED]
    if ctx.machine:
        # The machine's journal names managed settings only: never a file in a home.
        return Places(tuple(Path(os.path.normpath(root)) for root in managed), projects=False)
    roots = [ctx.home]
    for name in _MOVERS:
        value = ctx.env.get(name, "")
        if value.startswith("/"):
            roots.append(Path(value))
    roots += managed
    return Places(tuple(Path(os.path.normpath(root)) for root in roots))


def txid(value: object, where: Path) -> str:
    if not isinstance(value, str) or not _TXID.fullmatch(value):
        raise DamagedState(f"{where} names a transaction {value!r} remedy never made; {ASIDE}")
    return value


def backup_name(value: object, of_txid: str, where: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(rf"backups/{of_txid}/\d+", value):
        raise DamagedState(f"{where} names a backup {value!r} remedy never made; {ASIDE}")
    return value


def file_path(value: object, places: Places, where: Path) -> Path:
    """An absolute, normal path where remedy edits files, or a refusal."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or "\0" in value
        or os.path.normpath(value) != value
        or not places.holds(Path(value))
    ):
        raise DamagedState(f"{where} names {value!r}, which is not a file remedy edits; {ASIDE}")
    return Path(value)


def folder_paths(values: Iterable[object], places: Places, where: Path) -> list[Path]:
    """Folders remedy made (and removes when empty): where it edits files, or a project's
    `.claude` folder."""
    found = []
    for value in values:
        if isinstance(value, str) and value.endswith("/.claude"):
            # judged as the settings file it was made for
            found.append(file_path(f"{value}/settings.json", places, where).parent)
        else:
            found.append(file_path(value, places, where))
    return found


ASIDE = "nothing was changed. Move it aside to start afresh"
