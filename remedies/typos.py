"""Did you mean: the nearest known name to one mistyped (`remedy aply`, `apply mantel`), and
the one form every mistyped name is said in (issue 26: a shell got no suggestion, a remedy
two bracketed hints, a completion shell click's "Invalid value for '{bash|zsh|fish}'"):

    no shell 'zhs'; did you mean 'zsh'? (one of: bash, zsh, fish)
    no remedy 'mantel'; did you mean 'mantle'? (`remedy list` shows them)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'mantle'?" for the closest choice, or "" when none is close."""
    import difflib  # here: loaded for a typo only, not by every run

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown(kind: str, given: str, choices: Iterable[str], listed: str | None = None) -> str:
    """The one line for a mistyped name: what it is not, the nearest, where the names are
    (`listed`, else all of them)."""
    names = list(choices)
    where = listed or f"one of: {', '.join(names)}"
    return f"no {kind} {given!r}{did_you_mean(given, names)} ({where})"


class UnknownName(click.UsageError):
    """A mistyped name (exit 2). Its line says where the names are, so no `--help` pointer
    follows it."""


class NamedChoice(click.Choice):  # type: ignore[type-arg]
    """click.Choice whose wrong value is said in the one form (UnknownName)."""

    def __init__(self, kind: str, choices: Sequence[str]) -> None:
        super().__init__(choices)
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        raise UnknownName(unknown(self.kind, str(value), [str(c) for c in self.choices]), ctx)
