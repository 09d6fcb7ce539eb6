"""How text for a person is laid out at a terminal's width: one hanging-indent rule for prose,
and commands to type printed whole, each on a line of its own. Pure functions over text.

The rule, everywhere (doctor, list, apply's notes, auto's plan, verify, revert, --help):
- a line is an optional label ("  verdict   ", "note:", "  1.") and its text; continuation
  lines start at the column where the text starts (one column after the label; without a
  label, where the text's own first word is);
- a word is never broken (a path, a model id, a URL): a word too long for the room at that
  column goes on a line of its own, moved left only as far as it needs to end within the
  width (at column 0 when it is wider than the terminal), so the terminal never wraps it
  into column 0 mid-line;
- a command to type (`Command`) is never wrapped: it is printed alone on a line of its own,
  COMMAND_INDENT columns right of the text's column (moved left like a long word when it
  needs to be), with nothing else on the line and, in colour, bold cyan throughout
  (COMMAND_STYLE), so a triple-click copies exactly the command. The prose around it goes
  on at the text's column.

A command travels inside prose as text (a note, a finding's message, an error, the JSON
document) in backquotes: str(Command("remedy verify")) is "`remedy verify`", and `parts`
finds it again when the text is laid out. A backquoted span without a space (`claude`,
`env`) is a name, not a command: it stays in the prose.
"""

from __future__ import annotations

import os
import re
import shlex
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import click

COMMAND_INDENT = 4
COMMAND_STYLE = {"fg": "cyan", "bold": True}


@dataclass(frozen=True)
class Command:
    """A command line for the person to type, printed whole on a line of its own."""

    text: str

    def __str__(self) -> str:
        # Markdown's rule: a command holding a backquote is fenced by two.
        fence = "``" if "`" in self.text else "`"
        return f"{fence}{self.text}{fence}"


def shell_word(text: str) -> str:
    """`text` as one word of a command a person's shell reads back exactly: shlex's single
    quotes, and quoted too where shlex leaves a word bare that zsh would expand at its
    start (`=-` is "the path of the command -", `~x` a user's home)."""
    bare = shlex.quote(text)
    return f"'{text}'" if bare == text and text[:1] in ("=", "~") else bare


def home_word(path: Path, home: Path) -> str:
    """A path as a word of a command: `~/` kept where it is in the home (the shell expands
    it), the rest quoted as shell_word does."""
    try:
        inside = path.relative_to(home).as_posix()
    except ValueError:
        return shell_word(str(path))
    return "~/" + shlex.quote(inside) if inside != "." else "~"


# A backquoted span holding a space: a command. Two backquotes fence one that holds one.
_SPAN = re.compile(r"``(?=[^`\n]* )(.+?)``|`(?=[^`\n]* )([^`\n]+)`")


def parts(text: str) -> list[str | Command]:
    """Prose split at the commands it holds, in order."""
    found: list[str | Command] = []
    at = 0
    for match in _SPAN.finditer(text):
        found.append(text[at : match.start()])
        found.append(Command(match.group(1) or match.group(2)))
        at = match.end()
    found.append(text[at:])
    return [part for part in found if isinstance(part, Command) or part.strip()]


def commands_in(text: str) -> list[Command]:
    return [part for part in parts(text) if isinstance(part, Command)]


def _visible(text: str) -> int:
    return len(click.unstyle(text))


def _plain(text: str) -> str:
    return text


class _Lines:
    """The lines of one logical line being laid out; `width` 0: never wrapped."""

    def __init__(self, width: int, hang: int, first: str, style: Callable[[str], str]) -> None:
        self.width = width or 10**9
        self.hang = hang
        self.style = style
        self.done: list[str] = []
        self.head = first  # the label (or the indentation) the first word follows
        self.words: list[str] = []

    def _used(self) -> int:
        return _visible(self.head) + sum(_visible(w) for w in self.words) + len(self.words) - 1

    def flush(self) -> None:
        if self.words:
            self.done.append(self.head + self.style(" ".join(self.words)))
        elif self.head.strip():
            self.done.append(self.head.rstrip())  # a label whose text went below it
        self.head, self.words = " " * self.hang, []

    def alone(self, text: str, indent: int, style: Callable[[str], str]) -> None:
        """`text` on a line of its own at `indent`, moved left as far as it must to fit."""
        self.flush()
        self.done.append(" " * max(0, min(indent, self.width - _visible(text))) + style(text))

    def word(self, word: str) -> None:
        room = self.width - (self._used() + 1 if self.words else _visible(self.head))
        if _visible(word) <= room:
            self.words.append(word)
            return
        if self.words:
            self.flush()
            self.word(word)
        else:
            self.alone(word, self.hang, self.style)


def layout(
    text: str,
    width: int,
    *,
    label: str = "",
    style: Callable[[str], str] = _plain,
    command_style: Callable[[str], str] = _plain,
) -> list[str]:
    """One line for a person (`label`, then `text`) as the lines the terminal shows, by the
    rule of this module's docstring. The label may be coloured: colour takes no room."""
    if "\n" in text:
        rows = text.split("\n")
        pad = " " * (_visible(label) + 1) if label else ""
        first = layout(rows[0], width, label=label, style=style, command_style=command_style)
        for row in rows[1:]:
            first += layout(pad + row, width, style=style, command_style=command_style)
        return first
    pieces = parts(text)
    head = label + " " if label else " " * (len(text) - len(text.lstrip(" ")))
    if not any(isinstance(piece, Command) for piece in pieces) and (
        not width or _visible(head + text.lstrip(" ")) <= width
    ):
        return [head + style(text.lstrip(" ")) if text.strip() else label]  # fits: as written
    lines = _Lines(width, _visible(head), head, style)
    for piece in pieces:
        if isinstance(piece, Command):
            lines.alone(piece.text, lines.hang + COMMAND_INDENT, command_style)
        else:
            for word in piece.split():
                lines.word(word)
    lines.flush()
    return lines.done


def wrap(text: str, width: int, *, label: str = "") -> str:
    """`layout`, as one string (`width` 0, for a pipe or a file: no wrapping, but commands
    still on lines of their own)."""
    return "\n".join(layout(text, width, label=label))


def terminal_width(stream: TextIO) -> int:
    """The width of the terminal `stream` shows on, or 0 (no wrapping) for a pipe or a file."""
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


def on_stderr(text: str) -> str:
    """A progress line, laid out for stderr's terminal as any line of prose is."""
    import sys

    return "\n".join(layout(text, terminal_width(sys.stderr)))


def _help_fill(text: str, width: int, indent: str) -> str:
    """click's wrap_text with preserve_paragraphs, minus its breaking of long words and at
    hyphens ("anthropic.claude-" / "opus-4-7" was one id, "/etc/claude-" / "code/" one path)."""
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out: list[str] = []
    for lines in filter(None, paragraphs):
        if lines[0].strip() == "\b":  # click's mark for a block kept as written: a table
            out.append("\n".join(_row(indent + line, width) for line in lines[1:]))
            continue
        extra = " " * (len(lines[0]) - len(lines[0].lstrip()))
        wrapper = textwrap.TextWrapper(
            max(width, 20),
            initial_indent=indent + extra,
            subsequent_indent=indent + extra,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.append(wrapper.fill(" ".join(line.strip() for line in lines)))
    return "\n\n".join(out)


_TABLE_ROW = re.compile(r"(\s*\S.*?\s)\s+(\S.*)")


def _row(line: str, width: int) -> str:
    """A row of a table kept as written ("  remedy doctor      what is wrong here"): when it
    is too wide, its text hangs under the text's column, as a definition's does."""
    row = _TABLE_ROW.fullmatch(line)
    if row is None or len(line) <= width:
        return line
    return "\n".join(layout(row.group(2), width, label=line[: row.start(2) - 1]))


class HelpFormatter(click.HelpFormatter):
    """--help by the same rule: a word (an id, a path, an option) is never broken, and a
    definition's continuation lines start where its text starts."""

    def write_text(self, text: str) -> None:
        self.write(_help_fill(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        column = self.current_indent + first_col
        for first, second in rows:
            term = " " * self.current_indent + first
            if not second:
                self.write(term + "\n")
                continue
            if len(first) <= first_col - col_spacing:
                label = term + " " * (first_col - len(first) - 1)
            else:
                self.write(term + "\n")
                label = " " * (column - 1)
            self.write("\n".join(layout(" ".join(second.split()), self.width, label=label)))
            self.write("\n")
