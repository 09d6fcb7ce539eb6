"""The steps apply and revert share once the changes are planned: show, ask, commit, report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import click

from remedies.context import Context
from remedies.engine.diffs import colour_diff, unified_diff
from remedies.engine.transaction import Change
from remedies.errors import BadInput, Declined
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


Stage = Literal["nothing", "dry-run", "done"]


@dataclass(frozen=True)
class FileShown:
    """One file a run changes (or would): both the absolute path (--json) and ~/... (people)."""

    path: str
    shown: str
    action: str
    summary: str
    target: str | None = None
    diff: str | None = None

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"path": self.path, "action": self.action, "summary": self.summary}
        if self.target is not None:
            item["target"] = self.target
        if self.diff is not None:
            item["diff"] = self.diff
        return item


@dataclass(frozen=True)
class FileChanges:
    """What a change to files came to: the part of a result apply and revert share."""

    stage: Stage
    dry_run: bool
    files: tuple[FileShown, ...] = ()
    notes: tuple[str, ...] = ()
    notes_shown: bool = False  # already shown before the question: not twice

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "files": [f.to_json() for f in self.files],
            "notes": list(self.notes),
        }

    def show_notes(self, out: Output) -> None:
        for note in () if self.notes_shown else self.notes:
            out.note(note)

    def show_dry_run(self, out: Output) -> None:
        for item in self.files:
            click.echo(colour_diff(item.diff or "", out.colour), nl=False)
        self.show_notes(out)
        out.say(f"Dry run: {len(self.files)} file(s) would change; nothing was written.")

    def show_to_asker(self, out: Output) -> None:
        """A dry run's diffs and notes, where a question about them is asked."""
        for item in self.files:
            out.to_asker(colour_diff(item.diff or "", out.colour))
        for note in self.notes:
            out.to_asker(out.noted(note, out.asker_width()) + "\n")

    def show_files(self, out: Output) -> None:
        width = max((len(f.action) for f in self.files), default=0)
        for item in self.files:
            colour = "green" if item.action != "deleted" else "red"
            summary = f": {item.summary}" if item.summary else ""
            label = f"  {out.paint(item.action.ljust(width), fg=colour)} "
            out.say(f"{item.shown}{summary}", label=label)


def file_changes(
    ctx: Context, changes: list[Change], notes: list[str], *, dry_run: bool
) -> FileChanges:
    """Planned changes as a result: nothing to do, a dry run (with diffs), or done."""
    stage: Stage = "nothing" if not changes else ("dry-run" if dry_run else "done")
    files = []
    for change in changes:
        shown = display(ctx, change.state.path)
        target = change.state.target
        files.append(
            FileShown(
                path=str(change.state.path),
                shown=shown,
                action=change.action,
                summary=change.summary,
                target=str(target) if target != change.state.path else None,
                diff=unified_diff(change.state.data, change.new, shown)
                if stage == "dry-run"
                else None,
            )
        )
    return FileChanges(stage, dry_run, tuple(files), tuple(notes))


def consent_possible(ctx: Context, *, yes: bool, dry_run: bool) -> None:
    """A change needs consent: --yes, or a "y" typed at the terminal. With no terminal on
    stdin (a script, cron, an IDE task) no one can type it, so the command refuses at its
    start, before anything is written; a dry run changes nothing and needs none."""
    if not (yes or dry_run or ctx.interactive):
        raise BadInput(
            "no one can be asked here (stdin is not a terminal): add --yes to go ahead, "
            "or --dry-run to see what would change"
        )


class Asker(Protocol):
    """Whom a run speaks to before its result is shown: the warnings it meets on the way (a
    run it recovered) and the question that gives consent, with what it is about. A command
    passes the person at its terminal (AtTerminal); a core prints nothing itself."""

    def warn(self, text: str) -> None: ...

    def ask(self, question: str, about: Sequence[str | FileChanges]) -> bool:
        """Show `about` in order (lines as they are, each FileChanges as its diffs and
        notes) where the question is asked; the answer."""
        ...


@dataclass(frozen=True)
class AtTerminal:
    """The person at the terminal, through the command's Output (stderr when stdout is a
    pipe or the --json document)."""

    out: Output

    def warn(self, text: str) -> None:
        self.out.warn(text)

    def ask(self, question: str, about: Sequence[str | FileChanges]) -> bool:
        for part in about:
            if isinstance(part, str):  # a line of prose (the plan): laid out as say's are
                lines = self.out.lines(part.rstrip("\n"), self.out.asker_width())
                self.out.to_asker("\n".join(lines) + "\n")
            else:
                part.show_to_asker(self.out)
        return self.out.ask(question)


def consent(
    ctx: Context,
    asker: Asker,
    changes: list[Change],
    question: str,
    *,
    yes: bool,
    notes: Sequence[str] = (),
) -> bool:
    """Without --yes: show what will change, everything that should change the user's mind
    (the notes: "often does not work; prefer mantle"), then ask at the terminal (the command
    refused at its start when there is none: consent_possible). True when the notes were
    shown here; a no is Declined."""
    if yes or not ctx.interactive:
        return False
    if not asker.ask(question, [file_changes(ctx, changes, list(notes), dry_run=True)]):
        raise Declined()
    return True
