"""The steps apply and revert share once the changes are planned: show, ask, commit, report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from remedies.context import Context
from remedies.engine.diffs import colour_diff, unified_diff
from remedies.engine.transaction import Change
from remedies.errors import RemedyError
from remedies.output import Output, display


def common_params() -> list[click.Parameter]:
    """--dry-run, --yes and --json, shared by every command that changes files."""
    return [
        click.Option(
            ["--dry-run"], is_flag=True, help="Show a unified diff per file; write nothing."
        ),
        click.Option(["--yes", "-y"], is_flag=True, help="Do not ask before changing files."),
        click.Option(
            ["--json", "json_mode"], is_flag=True, help="Print one JSON document on stdout."
        ),
    ]


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    yes: bool = False
    json_mode: bool = False


def describe(ctx: Context, changes: list[Change], with_diff: bool) -> list[dict[str, Any]]:
    files = []
    for change in changes:
        item: dict[str, Any] = {
            "path": str(change.state.path),
            "action": change.action,
            "summary": change.summary,
        }
        if change.state.target != change.state.path:
            item["target"] = str(change.state.target)
        if with_diff:
            item["diff"] = unified_diff(
                change.state.data, change.new, display(ctx, change.state.path).lstrip("~/")
            )
        files.append(item)
    return files


def show_diffs(ctx: Context, out: Output, changes: list[Change]) -> None:
    if out.silent:
        return
    for change in changes:
        label = display(ctx, change.state.path).lstrip("~/")
        diff = unified_diff(change.state.data, change.new, label)
        click.echo(colour_diff(diff, out.colour), nl=False)


def confirm(
    ctx: Context, out: Output, options: RunOptions, changes: list[Change], question: str
) -> None:
    """On a terminal, without --yes: show what will change and ask. Elsewhere: go ahead."""
    if options.yes or not ctx.interactive or options.json_mode:
        return
    show_diffs(ctx, out, changes)
    if not click.confirm(question, default=False):
        raise RemedyError("nothing changed: you said no")


def report_files(ctx: Context, out: Output, changes: list[Change]) -> None:
    width = max((len(c.action) for c in changes), default=0)
    for change in changes:
        action = out.paint(
            change.action.ljust(width), fg="green" if change.action != "deleted" else "red"
        )
        summary = f": {change.summary}" if change.summary else ""
        out.say(f"  {action}  {display(ctx, change.state.path)}{summary}")


def finish_without_changes(out: Output, doc: dict[str, Any], message: str) -> None:
    """Nothing to do: the document in --json mode, else the notes and one line."""
    if out.json_mode:
        out.document(doc)
        return
    for note in doc.get("notes", []):
        out.note(note)
    out.say(message)


def present_dry_run(ctx: Context, out: Output, doc: dict[str, Any], changes: list[Change]) -> None:
    if out.json_mode:
        out.document(doc)
        return
    show_diffs(ctx, out, changes)
    for note in doc.get("notes", []):
        out.note(note)
    out.say(f"Dry run: {len(changes)} file(s) would change; nothing was written.")
