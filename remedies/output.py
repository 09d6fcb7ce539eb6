"""How results reach the user: plain lines on a terminal (coloured), or one JSON document."""

from __future__ import annotations

import select
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from remedies.errors import Declined, Interrupted
from remedies.layout import COMMAND_STYLE, Command, layout, terminal_width

if TYPE_CHECKING:
    from remedies.context import Context


def path_shown(path: Path | str, home: Path) -> str:
    """A path as a person reads it: ~/.bashrc rather than /home/ann/.bashrc."""
    text = str(path)
    root = str(home).rstrip("/")
    return "~" + text[len(root) :] if text == root or text.startswith(root + "/") else text


def display(ctx: Context, path: Path | str) -> str:
    """A path as a person reads it, relative to the home remedy works in."""
    return path_shown(path, ctx.home)


def _read_line() -> str | None:
    """A line typed at the terminal, None at its end. It waits in short steps, between which
    Python runs its signal handlers: a Ctrl-C typed just as the question appears is never
    lost (input() under readline can miss one that arrives before it blocks, and then waits
    for ever: seen on a loaded machine)."""
    while not select.select([sys.stdin], [], [], 0.1)[0]:
        pass
    line = sys.stdin.readline()
    return line or None


def _width(err: bool) -> int:
    return terminal_width(sys.stderr if err else sys.stdout)


def wants_colour(env: Mapping[str, str]) -> bool:
    # no-color.org: any non-empty NO_COLOR turns colour off; a pipe never gets colour.
    return sys.stdout.isatty() and not env.get("NO_COLOR")


class Result(Protocol):
    """What a command's core returns: a frozen value, rendered once by Output.show."""

    def to_json(self) -> dict[str, Any]:
        """The --json document (paths absolute)."""
        ...

    def for_person(self, out: Output) -> None:
        """The same, as lines for a person (paths as ~/...)."""
        ...


@dataclass(frozen=True)
class Output:
    json_mode: bool = False
    colour: bool = False
    # A step of a larger command (apply auto runs apply, verify and revert): it reports
    # through its return value and prints nothing itself but warnings.
    silent: bool = False

    def say(self, text: str = "", *, label: str = "", **style: Any) -> None:
        """A line for a person, laid out by remedies.layout's one rule: continuation lines
        start where `text` starts (after `label`, which may be painted), and the commands
        in it (`Command`, backquoted) are printed whole on lines of their own. Silent in
        --json mode, where stdout is the document alone."""
        if not self.json_mode and not self.silent:
            click.echo("\n".join(self.lines(text, _width(err=False), label=label, **style)))

    def command(self, command: Command, *, under: int = 0) -> None:
        """A command to type, alone on its line, under text that starts at column `under`."""
        self.say(" " * under + str(command))

    def note(self, text: str) -> None:
        if not self.json_mode and not self.silent:
            click.echo(self.noted(text, _width(err=False)))

    def noted(self, text: str, width: int) -> str:
        """A note as its lines (for the asker's stream too, where the diff is shown)."""
        return "\n".join(self.lines(text, width, label=self.paint("note:", fg="cyan")))

    def warn(self, text: str) -> None:
        label = self.paint("remedy: warning:", fg="yellow")
        click.echo("\n".join(self.lines(text, _width(err=True), label=label)), err=True)

    def lines(self, text: str, width: int, *, label: str = "", **style: Any) -> list[str]:
        return layout(
            text,
            width,
            label=label,
            style=lambda line: self.paint(line, **style) if style else line,
            command_style=lambda line: self.paint(line, **COMMAND_STYLE),
        )

    def ask(
        self, question: str, *, interrupted: str = "interrupted at the question; nothing changed"
    ) -> bool:
        """A yes/no question for the person at the terminal (no is the default). When stdout
        is a pipe, a file or the --json document, the question (and what it is about) goes
        to stderr, which they see. Ctrl-C: Interrupted; Ctrl-D: Declined."""
        err = self._asks_on_stderr()
        try:
            while True:
                click.echo(f"{question} [y/N]: ", nl=False, err=err)
                line = _read_line()
                if line is None:
                    click.echo("", err=err)
                    raise Declined()  # Ctrl-D: no answer is no
                answer = line.strip().lower()
                if answer in ("y", "yes"):
                    return True
                if answer in ("", "n", "no"):
                    return False
                click.echo("Please answer y or n.", err=err)
        except KeyboardInterrupt:
            raise Interrupted(interrupted) from None

    def asker_width(self) -> int:
        return _width(err=self._asks_on_stderr())

    def to_asker(self, text: str) -> None:
        """What a question is about (a diff), where the question itself is shown."""
        click.echo(text, nl=False, err=self._asks_on_stderr())

    def _asks_on_stderr(self) -> bool:
        return self.json_mode or not sys.stdout.isatty()

    def paint(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.colour else text

    def show(self, result: Result) -> None:
        """The one place a command's result reaches the user: one JSON document, or lines
        for a person."""
        if self.json_mode:
            self.document(result.to_json())
        else:
            result.for_person(self)

    def document(self, doc: Mapping[str, Any]) -> None:
        if not self.silent:
            import json  # here: only --json pays for it

            click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
