"""`remedy revert [NAME...]`: take back what apply did, newest first, from the journal."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.interface import EnvRemedy, Undoable
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.change_report import (
    Asker,
    AtTerminal,
    FileChanges,
    common_params,
    consent,
    consent_possible,
    file_changes,
)
from remedies.engine.journal import Entry, applied_remedies, locked
from remedies.engine.revert_plan import choose, commit_revert, plan_revert
from remedies.engine.transaction import recover, rewrite_journal
from remedies.errors import BadInput, RemedyError
from remedies.options import machine_option
from remedies.output import Output, wants_colour
from remedies.typos import unknown


@dataclass(frozen=True)
class RevertRequest:
    """`remedy revert [NAME]...`, as asked."""

    names: tuple[str, ...] = ()  # remedies (or remedy files by path); none: everything
    dry_run: bool = False
    yes: bool = False  # consent given: no question
    machine: bool = False  # what `apply --machine` did (ctx.machine is set by cli.Invocation)


@click.pass_obj
def _revert(
    ctx: Context,
    /,
    names: tuple[str, ...],
    *,
    dry_run: bool,
    yes: bool,
    json_mode: bool,
    machine: bool,
) -> None:
    out = Output(json_mode, wants_colour(ctx.env))
    out.show(core(ctx, RevertRequest(names, dry_run, yes, machine), AtTerminal(out)))


def core(ctx: Context, request: RevertRequest, asker: Asker) -> RevertResult:
    """Revert (or preview it). `asker` hears the warnings and the question; the result is
    shown by the caller."""
    # `remedy revert ./fix.toml` (a fleet's REMEDY=./fix.toml): the name the file declares.
    names = tuple(_name_of(ctx, name) for name in request.names)
    if request.machine:
        from remedies.claude.managed_dropin import need_administrator

        need_administrator(ctx)
    checked = _named_not_by_file(request.names, names)
    if any(not registry.known(name, ctx) for name in checked):
        _check_names(ctx, checked, set(applied_remedies(ctx)))  # a typo first, then consent
    if not _anything_to_revert(ctx, names):
        # Said before anything is asked (issue 26: with nothing applied, a revert without a
        # terminal asked for --yes).
        return RevertResult(names, (), file_changes(ctx, [], [], dry_run=request.dry_run))
    consent_possible(ctx, yes=request.yes, dry_run=request.dry_run)
    return _take_back(ctx, names, request, asker)


def _anything_to_revert(ctx: Context, names: tuple[str, ...]) -> bool:
    """Whether the journal holds an entry of `names` (any, with none), or a run that was
    interrupted (its recovery is a revert's to make)."""
    if not ctx.state_dir.exists():
        return False
    with locked(ctx, read_only=True) as state:
        if state.pending_path.exists():
            return True
        chosen, _kept = choose(state.load(), names)
    return bool(chosen)


def _named_not_by_file(given: tuple[str, ...], names: tuple[str, ...]) -> tuple[str, ...]:
    """The names to check for typos: a remedy file's name is what the file declares (a
    fleet's revert reaches hosts where it was never applied: nothing to revert there)."""
    from remedies.catalog.data_sources import is_path

    return tuple(name for arg, name in zip(given, names) if not is_path(arg))


def _name_of(ctx: Context, name: str) -> str:
    from remedies.catalog.data_sources import is_path, read_spec

    return read_spec(ctx.given_path(name), name).name if is_path(name) else name


def _complete_applied(
    click_ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[str]:
    """The remedies applied here; nothing (and nothing created) when none is."""
    if os.geteuid() == 0:
        return []  # root reads a user's journal only as that user (remedies/privilege.py)
    # Completion parses without running the group's callback: no Context was made yet.
    ctx = click_ctx.find_object(Context) or Context.from_process()
    if not ctx.state_dir.exists():
        return []
    try:
        names = applied_remedies(ctx)
    except RemedyError:
        return []
    return [name for name in names if name.startswith(incomplete)]


command = click.Command(
    "revert",
    callback=_revert,
    short_help=short_help("revert"),
    help=(
        "Take back what `remedy apply` did: files we did not see edited since get their exact "
        "old bytes back; in files edited since, only our block goes and the lines we disabled "
        "come back. With no NAME, everything applied is reverted, newest first."
    ),
    params=[
        click.Argument(["names"], nargs=-1, metavar="[NAME]...", shell_complete=_complete_applied),
        machine_option(
            "Take back what `apply --machine` did for every user (needs an administrator)."
        ),
        *common_params(),
    ],
)


@dataclass(frozen=True)
class Undo:
    """A remedy that undoes its own entry (an upgrade runs an installer)."""

    remedy: str
    undo: str  # what it does, for the dry run and --json
    said: str = ""  # what it said once done


@dataclass(frozen=True)
class RevertResult:
    asked: tuple[str, ...]
    reverted: tuple[str, ...]
    changes: FileChanges
    actions: tuple[Undo, ...] = ()

    @property
    def changed(self) -> bool:
        return self.changes.stage == "done" or (bool(self.actions) and not self.changes.dry_run)

    def to_json(self) -> dict[str, Any]:
        asked = self.asked
        doc: dict[str, Any] = {
            "remedy": asked[0] if len(asked) == 1 else (list(asked) or None),
            "reverted": list(self.reverted),
            "changed": self.changed,
            **self.changes.to_json(),
        }
        if self.actions:
            doc["actions"] = [{"remedy": a.remedy, "undo": a.undo} for a in self.actions]
        return doc

    def for_person(self, out: Output) -> None:
        if not self.reverted:
            self.changes.show_notes(out)
            if self.asked:
                out.say(f"nothing to revert: {' '.join(self.asked)} is not applied here.")
            else:
                out.say("nothing to revert: no remedy is applied here.")
            return
        if self.changes.dry_run:
            for action in self.actions:
                out.say(f"Would {action.undo}.")
            self.changes.show_dry_run(out)
            return
        for action in self.actions:
            out.say(action.said)
        out.say(f"Reverted {', '.join(self.reverted)}:", bold=True)
        self.changes.show_files(out)
        self.changes.show_notes(out)


def _without(gone: Entry, _txid: str, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    return tuple(e for e in entries if e.txid != gone.txid)


def _action_of(entry: Entry) -> Undoable | None:
    """The remedy that undoes this entry itself (an upgrade runs an installer), or None when
    the journal's records say everything (files) or the remedy is not installed any more."""
    if entry.files or not registry.known(entry.remedy):
        return None
    remedy = registry.load(entry.remedy)
    return None if isinstance(remedy, EnvRemedy) else remedy


def _check_names(ctx: Context, names: tuple[str, ...], applied: set[str]) -> None:
    for name in names:
        if name not in applied and not registry.known(name, ctx):
            here = ", ".join(sorted(applied)) or "none"
            known = [*applied, *registry.names(ctx)]
            raise BadInput(unknown("remedy", name, known, f"applied here: {here}"))


def _take_back(
    ctx: Context, names: tuple[str, ...], request: RevertRequest, asker: Asker
) -> RevertResult:
    """The revert itself, once the names are known good and consent is possible."""
    checked = _named_not_by_file(request.names, names)
    if not ctx.state_dir.exists():
        _check_names(ctx, checked, set())  # nothing applied: a bad name must not create a lock
    with locked(ctx, read_only=request.dry_run) as state:
        for line in [] if request.dry_run else recover(ctx, state):
            asker.warn(line)
        journal = state.load()
        _check_names(ctx, checked, {e.remedy for e in journal.entries})
        chosen, kept = choose(journal, names)
        actions = [(e, a) for e in chosen if (a := _action_of(e)) is not None]
        changes, notes = plan_revert(ctx, state, chosen, kept)
        reverted = tuple(sorted({e.remedy for e in chosen}))
        planned = [Undo(e.remedy, action.describe_undo(e)) for e, action in actions]
        if not chosen or request.dry_run:
            preview = file_changes(ctx, changes, notes, dry_run=request.dry_run)
            return RevertResult(names, reverted, preview, tuple(planned))
        question = f"Revert {', '.join(reverted)}?"
        shown = consent(ctx, asker, changes, question, yes=request.yes, notes=notes)
        done = []
        for (entry, action), undo in zip(actions, planned):
            # Actions are not transactions: each is run, checked, then forgotten.
            said = action.undo(ctx, entry)
            rewrite_journal(ctx, state, partial(_without, entry))
            done.append(Undo(undo.remedy, undo.undo, said))
        commit_revert(ctx, state, changes, gone=chosen, kept=kept)
    result = file_changes(ctx, changes, notes, dry_run=False)
    return RevertResult(names, reverted, replace(result, notes_shown=shown), tuple(done))
