"""How results reach the user: plain lines on a terminal (coloured), or one JSON document."""

from __future__ import annotations

import os
import re
import select
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from remedies.errors import Declined, Interrupted

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


# The label a line hangs from: "  verdict    ", "  warning ", "note: ".
_LABEL = re.compile(r" *\S+ +")
_LONGEST_LABEL = 16


def wrap(text: str, width: int) -> str:
    """A line for a person, wrapped at `width` columns, continuation lines hanging under
    the text after its label. Words are never split (a path or a command stays whole and
    copyable), colour codes take no room, and a line that fits comes back unchanged."""
    if width < 30 or len(click.unstyle(text)) <= width or "\n" in text:
        return text
    label = _LABEL.match(click.unstyle(text))
    lead = len(text) - len(text.lstrip(" "))
    hang = label.end() if label and label.end() <= _LONGEST_LABEL else lead + 2
    lines: list[str] = []
    line = ""
    for word in text[lead:].split(" "):
        if not line:
            line = " " * (hang if lines else lead) + word
        elif not word and len(click.unstyle(line)) >= width:
            continue  # a double space at the break: the break is the space
        elif len(click.unstyle(line)) + 1 + len(click.unstyle(word)) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = " " * hang + word
    lines.append(line)
    return "\n".join(lines)


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
    """The terminal's width, or 0 (no wrapping) for a pipe or a file."""
    stream = sys.stderr if err else sys.stdout
    if not stream.isatty():
        return 0
    # shutil.get_terminal_size, without importing shutil (and its archive modules) for it.
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError):
        return 80


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

    def say(self, text: str = "", **style: Any) -> None:
        """A line for a person; silent in --json mode, where stdout is the document alone."""
        if not self.json_mode and not self.silent:
            text = wrap(text, _width(err=False))
            click.echo(click.style(text, **style) if style and self.colour else text)

    def note(self, text: str) -> None:
        if not self.json_mode and not self.silent:
            click.echo(wrap(self.paint("note: ", fg="cyan") + text, _width(err=False)))

    def warn(self, text: str) -> None:
        line = self.paint("remedy: warning: ", fg="yellow") + text
        click.echo(wrap(line, _width(err=True)), err=True)

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
