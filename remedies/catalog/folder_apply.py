"""apply and the folder it runs in: the project's `.envrc`, mise's `[env]` and Claude Code's
project settings files (claude.project_env).

Those files win over every new shell in this folder, so an apply that fixed the shells but not
them has not fixed `claude` here. They are changed with `--project`, or when the person at the
terminal says yes to one question; otherwise apply ends with a note that names each file, the
line or key and what it really sets, and says the folder was not fixed: never "done" in
silence. mise's files are named with the line to write instead (remedy does not edit them).
"""

from __future__ import annotations

from remedies.catalog.interface import Proposal
from remedies.claude.project_env import (
    MISE_NOT_EDITED,
    contrary_here,
    mise_fix,
    not_fixed_note,
    set_here,
)
from remedies.claude.settings_files import load, settings_files
from remedies.claude.sources import Source
from remedies.context import Context
from remedies.engine.change_report import Asker
from remedies.output import display

_WHY = {
    "envrc": "direnv loads it in this folder, over your shells",
    "mise": "mise loads it in this folder, over your shells",
}


def _contrary(ctx: Context, proposal: Proposal) -> list[Source]:
    edit = proposal.edit
    return contrary_here(ctx, edit.unset, edit.set)


def _settings_here(ctx: Context, proposal: Proposal) -> list[str]:
    """The folder's settings files the remedy would change: `~/p/.claude/settings.json`."""
    if proposal.settings is None:
        return []
    found = []
    for file in settings_files(ctx):
        if file.scope not in ("project", "local"):
            continue
        loaded = load(file, display(ctx, file.path))
        if loaded is not None and proposal.settings(loaded):
            found.append(display(ctx, file.path))
    return found


def ask_about_folder(
    ctx: Context, asker: Asker, proposal: Proposal, *, yes: bool, dry_run: bool
) -> bool:
    """At a terminal, without --yes: change this folder's files too? (what --project does)."""
    if yes or dry_run or not ctx.interactive:
        return False
    editable = [s for s in _contrary(ctx, proposal) if s.kind == "envrc"]
    lines = [f"{set_here(s, ctx.home)} ({_WHY[s.kind]})\n" for s in editable]
    lines += [
        f"{path} sets what this remedy changes, over every shell\n"
        for path in _settings_here(ctx, proposal)
    ]
    if not lines:
        return False
    return asker.ask("Change this folder's files too (as --project does)?", lines)


def folder_notes(ctx: Context, remedy: str, proposal: Proposal, *, project: bool) -> list[str]:
    """What apply leaves unfixed in this folder's direnv and mise files, and why. Settings
    files say their own (claude.settings_plan)."""
    edit = proposal.edit
    notes = []
    for source in _contrary(ctx, proposal):
        if source.kind == "mise":
            fix = mise_fix(source, edit.unset, edit.set)
            notes.append(f"{set_here(source, ctx.home)}: " + MISE_NOT_EDITED.format(fix=fix))
        elif not project:
            notes.append(not_fixed_note(ctx, remedy, [source], _WHY[source.kind]))
    return notes
