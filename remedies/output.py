"""How results reach the user: plain lines on a terminal (coloured), or one JSON document."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

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
            click.echo(click.style(text, **style) if style and self.colour else text)

    def note(self, text: str) -> None:
        if not self.json_mode and not self.silent:
            click.echo(self.paint("note: ", fg="cyan") + text)

    def warn(self, text: str) -> None:
        click.echo(self.paint("remedy: warning: ", fg="yellow") + text, err=True)

    def ask(self, question: str) -> bool:
        """A yes/no question for the person at the terminal. When stdout is a pipe, a file
        or the --json document, the question (and what it is about) goes to stderr, which
        they see."""
        return click.confirm(question, default=False, err=self._asks_on_stderr())

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
            click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
