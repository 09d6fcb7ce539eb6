"""pin: install a given Claude Code version with its own installer, and keep it there.

When a release breaks a configuration (a beta a gateway rejects, a model id it no longer
accepts), the quickest fix a platform team can roll out is often the version before. The
client updates itself, though, so a pin needs DISABLE_AUTOUPDATER=1 where every new shell
gets it. Two journal entries, both named `pin`: the installer run (the version before and how
to put it back, written before the installer runs, as `upgrade` does) and the start-up file
edit. `remedy revert pin` takes back both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from remedies.catalog.interface import EnvRemedy, Proposal, VersionPin
from remedies.catalog.registry import builtin_summary
from remedies.catalog.upgrade import revert_upgrade
from remedies.claude.settings_files import ENV, LoadedSettings
from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.journal import Entry
from remedies.engine.jsonedit import JsonOp
from shells.base import Shell

NAME = "pin"
KEEP = ("DISABLE_AUTOUPDATER", "1")


def _settings(loaded: LoadedSettings) -> list[JsonOp]:
    """A settings file that turns the updater back on would beat every shell."""
    name, value = KEEP
    if name in loaded.env and loaded.env[name] != value:
        return [(ENV, name, json.dumps(value))]
    return []


def _propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
    return Proposal(
        edit=EnvEdit(set=(KEEP,), comment="Claude Code: keep the pinned version (no auto-update)"),
        notes=("`remedy revert pin` installs the version before again and lets it update",),
        settings=_settings,
    )


def _undo(ctx: Context, entry: Entry) -> str:
    put_back = revert_upgrade(ctx, entry)
    return f"Claude Code {put_back} is back at {entry.details.get('path')}."


def _describe(entry: Entry) -> str:
    return f"install Claude Code {entry.details.get('from')} again at {entry.details.get('path')}"


SUMMARY = builtin_summary(NAME)
REMEDY = VersionPin(
    name=NAME,
    summary=SUMMARY,
    help=(
        "Install Claude Code VERSION (--to, required) with the tool that installed the claude "
        "that runs (npm or the native installer; never sudo), then set DISABLE_AUTOUPDATER=1 "
        "where every new shell gets it, so it stays there. `remedy revert pin` installs the "
        "version before again and takes the setting out."
    ),
    env=EnvRemedy(name=NAME, summary=SUMMARY, help=SUMMARY, propose=_propose),
    undo_entry=_undo,
    describe_entry=_describe,
)
