"""`remedy revert [NAME...]`: take back what apply did, newest first, from the journal."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.upgrade import revert_upgrade
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
from remedies.engine.fileio import remove_empty_folders
from remedies.engine.journal import Entry, FileRecord, Journal, locked
from remedies.engine.revert_plan import plan_revert
from remedies.engine.transaction import commit, recover, rewrite_journal
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
        # Newest first by the order they were applied in; sets of txids keep this linear in
        # the number of entries (comparing whole entries made 20,000 take 26 s).
        newest_first = sorted(journal.entries, key=lambda e: e.seq, reverse=True)
        chosen = [e for e in newest_first if not names or e.remedy in names]
        chosen_ids = {e.txid for e in chosen}
        kept = [e for e in journal.entries if e.txid not in chosen_ids]
        upgrades = [e for e in chosen if e.details.get("kind") == "upgrade"]
        chosen = [e for e in chosen if e.details.get("kind") != "upgrade"]
        changes, notes = plan_revert(ctx, state, chosen, kept)
        reverted = sorted({e.remedy for e in [*chosen, *upgrades]})
        doc: dict[str, Any] = {
            "remedy": names[0] if len(names) == 1 else (list(names) or None),
            "reverted": reverted,
            "changed": False,
            "dry_run": options.dry_run,
            "files": describe(ctx, changes, with_diff=options.dry_run),
            "notes": notes,
        }
        if upgrades:
            doc["versions"] = [
                {
                    "from": e.details.get("to"),
                    "to": e.details.get("from"),
                    "path": e.details.get("path"),
                }
                for e in upgrades
            ]
        if not chosen and not upgrades:
            what = " ".join(names) if names else "anything"
            finish_without_changes(out, doc, f"nothing to revert: {what} is not applied here.")
            return doc
        if options.dry_run:
            for version in doc.get("versions", []):
                out.say(f"Would install Claude Code {version['to']} again at {version['path']}.")
            present_dry_run(ctx, out, doc, changes)
            return doc
        confirm(ctx, out, options, changes, f"Revert {', '.join(reverted)}?")
        for entry in upgrades:
            # Installers are not transactions: each is run, checked, then forgotten.
            put_back = revert_upgrade(ctx, entry)
            rewrite_journal(ctx, state, partial(_without, entry))
            out.say(f"Claude Code {put_back} is back at {entry.details.get('path')}.")
            kept = [e for e in kept if e.txid != entry.txid]

        def next_journal(txid: str, records: list[FileRecord], created: list[str]) -> Journal:
            return Journal(committed=txid, entries=tuple(kept))

        commit(
            ctx,
            state,
            changes,
            make_journal=next_journal,
            release_backups=tuple(e.txid for e in chosen),
            keep_backups=False,
        )
        remove_empty_folders([Path(p) for e in chosen for p in e.created_folders])
    doc["changed"] = bool(changes)
    if options.json_mode:
        out.document(doc)
        return doc
    out.say(f"Reverted {', '.join(reverted)}:", bold=True)
    report_files(ctx, out, changes)
    for note in notes:
        out.note(note)
    return doc
