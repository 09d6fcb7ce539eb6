"""`remedy apply NAME --machine`: one managed-settings drop-in fixes every user of the machine.

Editing each user's dotfiles is the way for a user without admin rights, and the fragile way
for a fleet: IDEs, cron jobs and CI runners that never start a shell are missed. Claude Code's
managed settings beat the process environment and every user or project settings file, so
one small file of remedy's own in the managed-settings folder fixes them all; revert removes
it (and the folder, if remedy made it). No home is read: root never acts on a user's files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from remedies.catalog.apply_result import ApplyResult
from remedies.catalog.interface import EnvRemedy, MachineProposal
from remedies.claude.installs import all_on_path, read_version
from remedies.claude.known_issues import parse_version
from remedies.claude.managed_dropin import (
    DROPIN_MIN_VERSION,
    loaded_managed,
    need_administrator,
    overrules,
)
from remedies.claude.managed_formats import check_carried, dropin_bytes, settings_for
from remedies.claude.managed_paths import DROPIN_FOLDER, MAIN_FILE, dropin_path, managed_dir
from remedies.claude.settings_files import ENV, LoadedSettings
from remedies.context import Context
from remedies.engine.change_report import (
    Asker,
    RunOptions,
    consent,
    consent_possible,
    file_changes,
)
from remedies.engine.fileio import read_state, sha256
from remedies.engine.journal import Journal, locked
from remedies.engine.jsonedit import JsonOp, apply_ops
from remedies.engine.transaction import Change, commit_apply, recover
from remedies.engine.undo import JsonUndo
from remedies.errors import BadInput, FileProblem, RemedyError
from remedies.root_programs import root_may_run


def _safe_folders(ctx: Context) -> None:
    """The managed folder and its drop-in folder are real folders, or absent: a symlink
    would send root's writes somewhere else, a file in the way would be destroyed."""
    for folder in (managed_dir(ctx), managed_dir(ctx) / DROPIN_FOLDER):
        if folder.is_symlink():
            raise FileProblem(f"{folder} is a symlink; remedy does not write through it")
        if folder.exists() and not folder.is_dir():
            raise FileProblem(f"{folder} is not a folder; nothing was changed")


def _installed_version(ctx: Context) -> tuple[str | None, str | None]:
    """The version of the claude on root's PATH, and a note when it cannot be known. Root
    runs only a claude it owns, in folders only root can write: never a user's program."""
    found = all_on_path(ctx, "claude")
    if not found:
        return None, (
            f"no claude on root's PATH: the drop-in is read by Claude Code {DROPIN_MIN_VERSION} "
            "and later"
        )
    if not root_may_run(Path(found[0])):
        return None, (
            f"{found[0]} is not root's own, so root does not run it to ask its version: the "
            f"drop-in is read by Claude Code {DROPIN_MIN_VERSION} and later"
        )
    version, problem = read_version(ctx, found[0])
    if version is None:
        # Root's guard may still refuse it (the node its `#!` line finds): said, not hidden.
        return None, f"{problem}: the drop-in is read by Claude Code {DROPIN_MIN_VERSION} and later"
    return version, None


def _main_file_change(ctx: Context, loaded: list[LoadedSettings], env: dict[str, str]) -> Change:
    """Before 2.1.83 only managed-settings.json is read: our keys edited into it as text
    (restored byte for byte on revert), or the file created."""
    path = managed_dir(ctx) / MAIN_FILE
    main = next((s for s in loaded if s.file.path == path), None)
    if main is None:
        return Change(
            read_state(path), dropin_bytes(settings_for(env)), public=True, summary="created"
        )
    return _keys_change(main, env, str(path))


def _keys_change(settings: LoadedSettings, env: dict[str, str], where: str) -> Change:
    ops: list[JsonOp] = [(ENV, name, json.dumps(value)) for name, value in env.items()]
    if not isinstance(settings.document.get("env"), dict):
        ops = [((), "env", json.dumps(env))]  # a file without an env object gets ours
    new_text, undo = apply_ops(settings.text, ops, where)
    return Change(
        settings.state,
        new_text.encode("utf-8"),
        undo=JsonUndo(tuple(undo)),
        summary=f"settings: {', '.join(env)}",
    )


def _only_ours(path: Path, now: bytes | None, journal: Journal) -> None:
    """Our drop-in's name is ours, but an administrator may have made a file of that name
    (or edited ours since): replacing it would drop what they put there (issue 22: a
    `permissions.deny` gone until a revert). Only a file remedy wrote, unchanged since, is
    replaced; anything else is named and left alone."""
    if now is None:
        return
    written = [r for e in journal.entries for r in e.files if r.path == str(path)]
    if not written:
        raise RemedyError(
            f"{path} is not remedy's: no `remedy apply --machine` wrote it. Rename it (it "
            "sorts last, so a new name must too), or remove it if it is an old copy; nothing "
            "was changed"
        )
    if written[-1].new_sha256 != sha256(now):
        raise RemedyError(
            f"{path} was changed since remedy wrote it; `remedy revert --machine` keeps those "
            "changes and names the file. Merge them into a file of your own, then run again; "
            "nothing was changed"
        )


def plan_machine(
    ctx: Context, remedy: str, proposal: MachineProposal, *, system: bool, journal: Journal
) -> tuple[list[Change], list[str]]:
    """The files to change for the whole machine, and notes."""
    env = dict(proposal.env)
    notes = list(proposal.notes)
    loaded = loaded_managed(ctx)
    version, unknown = _installed_version(ctx)
    if unknown:
        notes.append(unknown)
    parsed = parse_version(version) if version else None
    floor = parse_version(DROPIN_MIN_VERSION)
    if parsed is not None and floor is not None and parsed < floor:
        if not system:
            raise RemedyError(
                f"Claude Code {version} reads no {DROPIN_FOLDER} (from {DROPIN_MIN_VERSION} on): "
                f"upgrade it, or add --system to edit {managed_dir(ctx) / MAIN_FILE} instead"
            )
        notes.append(f"Claude Code {version} reads no {DROPIN_FOLDER}: {MAIN_FILE} is edited")
        change = _main_file_change(ctx, loaded, env)
        return ([change] if change.new != change.state.data else []), notes
    path = dropin_path(ctx, remedy)
    changes: list[Change] = []
    now = read_state(path)
    new = dropin_bytes(settings_for(env))
    if now.data != new:
        _only_ours(path, now.data, journal)
        changes.append(Change(now, new, public=True, summary="remedy's drop-in"))
    for overrule in overrules(loaded, path, env):
        if not system:
            raise RemedyError(
                f"{overrule.path} sorts after remedy's drop-in and sets "
                f"{', '.join(overrule.names)}: Claude Code would take its values. Add --system "
                "to change them there too; nothing was changed"
            )
        theirs = next(s for s in loaded if s.file.path == overrule.path)
        changes.append(
            _keys_change(theirs, {n: env[n] for n in overrule.names}, str(overrule.path))
        )
    return changes, notes


def apply_machine(
    ctx: Context,
    remedy: EnvRemedy,
    options: RunOptions,
    *,
    system: bool,
    remedy_options: Mapping[str, Any],
    asker: Asker,
) -> ApplyResult:
    if remedy.machine is None:
        raise BadInput(f"{remedy.name} has no machine scope; run it without --machine")
    proposal = remedy.machine(ctx, remedy_options)  # bad input, before anything is touched
    # A value JSON cannot carry exactly (NUL, a lone surrogate from an argument that is not
    # UTF-8) is refused in one line naming it, by the same rule as `remedy export`.
    check_carried("json", settings_for(dict(proposal.env)))
    need_administrator(ctx)
    consent_possible(ctx, yes=options.yes, dry_run=options.dry_run)
    _safe_folders(ctx)
    with locked(ctx, read_only=options.dry_run) as state:
        for line in [] if options.dry_run else recover(ctx, state):
            asker.warn(line)
        changes, notes = plan_machine(
            ctx, remedy.name, proposal, system=system, journal=state.load()
        )
        if not changes or options.dry_run:
            preview = file_changes(ctx, changes, notes, dry_run=options.dry_run)
            return ApplyResult(remedy.name, (), preview, machine=True)
        question = f"Apply {remedy.name} for every user of this machine?"
        shown = consent(ctx, asker, changes, question, yes=options.yes, notes=notes)
        details = {**proposal.details, "scope": "machine"}
        committed = commit_apply(ctx, state, changes, remedy=remedy.name, details=details)
        for warning in committed.warnings:
            asker.warn(warning)
    done = file_changes(ctx, changes, notes, dry_run=False)
    return ApplyResult(remedy.name, (), replace(done, notes_shown=shown), machine=True)
