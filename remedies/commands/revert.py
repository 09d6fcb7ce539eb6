"""`remedy revert [NAME...]`: take back what apply did, newest first, from the journal."""

from __future__ import annotations

from functools import partial
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.interface import ActionRemedy, EnvRemedy
from remedies.context import Context
from remedies.engine.change_report import (
    RunOptions,
    common_params,
    confirm,
    describe,
    finish_without_changes,
    present_dry_run,
    report_files,
)
from remedies.engine.journal import Entry, locked
from remedies.engine.revert_plan import choose, commit_revert, plan_revert
from remedies.engine.transaction import recover, rewrite_journal
from remedies.errors import BadInput
from remedies.output import Output, wants_colour


@click.pass_obj
def _revert(
    ctx: Context, names: tuple[str, ...], dry_run: bool, yes: bool, json_mode: bool
) -> None:
    revert(ctx, names, RunOptions(dry_run, yes, json_mode))


command = click.Command(
    "revert",
    callback=_revert,
    short_help="Put back every byte an apply changed.",
    help=(
        "Take back what `remedy apply` did: files we did not see edited since get their exact "
        "old bytes back; in files edited since, only our block goes and the lines we disabled "
        "come back. With no NAME, everything applied is reverted, newest first."
    ),
    params=[click.Argument(["names"], nargs=-1, metavar="[NAME]..."), *common_params()],
)


def _without(gone: Entry, _txid: str, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    return tuple(e for e in entries if e.txid != gone.txid)


def _action_of(entry: Entry) -> ActionRemedy | None:
    """The remedy that undoes this entry itself (an upgrade runs an installer), or None when
    the journal's records say everything (files) or the remedy is not installed any more."""
    if entry.files or not registry.known(entry.remedy):
        return None
    remedy = registry.load(entry.remedy)
    return None if isinstance(remedy, EnvRemedy) else remedy


def revert(
    ctx: Context, names: tuple[str, ...], options: RunOptions, out: Output | None = None
) -> dict[str, Any]:
    """Revert; the result is returned as the --json document and, unless silent, printed."""
    out = out or Output(options.json_mode, wants_colour(ctx.env))
    with locked(ctx, read_only=options.dry_run) as state:
        for line in [] if options.dry_run else recover(ctx, state):
            out.warn(line)
        journal = state.load()
        applied = {e.remedy for e in journal.entries}
        for name in names:
            if name not in applied and not registry.known(name):
                raise BadInput(
                    f"unknown remedy {name!r}; applied here: {', '.join(sorted(applied)) or 'none'}"
                )
        chosen, kept = choose(journal, names)
        actions = [(e, a) for e in chosen if (a := _action_of(e)) is not None]
        changes, notes = plan_revert(ctx, state, chosen, kept)
        reverted = sorted({e.remedy for e in chosen})
        doc: dict[str, Any] = {
            "remedy": names[0] if len(names) == 1 else (list(names) or None),
            "reverted": reverted,
            "changed": False,
            "dry_run": options.dry_run,
            "files": describe(ctx, changes, with_diff=options.dry_run),
            "notes": notes,
        }
        if actions:
            doc["actions"] = [
                {"remedy": e.remedy, "undo": action.describe_undo(e)} for e, action in actions
            ]
        if not chosen:
            what = " ".join(names) if names else "anything"
            finish_without_changes(out, doc, f"nothing to revert: {what} is not applied here.")
            return doc
        if options.dry_run:
            for item in doc.get("actions", []):
                out.say(f"Would {item['undo']}.")
            present_dry_run(ctx, out, doc, changes)
            return doc
        confirm(ctx, out, options, changes, f"Revert {', '.join(reverted)}?")
        for entry, action in actions:
            # Actions are not transactions: each is run, checked, then forgotten.
            said = action.undo(ctx, entry)
            rewrite_journal(ctx, state, partial(_without, entry))
            out.say(said)
        commit_revert(ctx, state, changes, gone=chosen, kept=kept)
    doc["changed"] = bool(changes) or bool(actions)
    if options.json_mode:
        out.document(doc)
        return doc
    out.say(f"Reverted {', '.join(reverted)}:", bold=True)
    report_files(ctx, out, changes)
    for note in notes:
        out.note(note)
    return doc
