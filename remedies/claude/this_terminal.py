"""The terminal a person types in keeps the environment it started with.

After a fix, new shells are right and this one is not: `claude` typed here still goes to
bedrock-runtime. apply, verify and doctor compare this process's environment with what a new
shell gets and say so plainly, with the lines that fix it here in the user's shell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from remedies.layout import Command
from remedies.redact import holds_secret, printable, shown
from shells.base import Shell


@dataclass(frozen=True)
class Drift:
    """One variable this terminal has other than a new shell does (None: not set)."""

    name: str
    here: str | None
    new: str | None

    def described(self) -> str:
        if self.here is None:
            return f"{self.name} unset"
        return f"{self.name}={printable(shown(self.name, self.here) or '')}"


@dataclass(frozen=True)
class StaleTerminal:
    """This terminal against a new shell: what differs, and what to type here."""

    drifts: tuple[Drift, ...]
    fix: str | None  # None when a line would have to print a secret value
    # The same, one command a line: each is printed whole on a line of its own, so that
    # one joined line wider than the terminal is never wrapped mid-command.
    fixes: tuple[Command, ...] = ()

    def line(self) -> str:
        has = ", ".join(d.described() for d in self.drifts)
        run = " ".join(str(fix) for fix in self.fixes)
        how = "open a new terminal" + (f", or run: {run}" if self.fix else "")
        return f"this terminal still has {has}: {how}"

    def to_json(self) -> dict[str, Any]:
        return {
            "differs": [
                {"name": d.name, "here": shown(d.name, d.here), "new": shown(d.name, d.new)}
                for d in self.drifts
            ],
            "fix": self.fix,
        }


def compare(
    here: Mapping[str, str], new: Mapping[str, str], names: Iterable[str], shell: Shell
) -> StaleTerminal | None:
    """What this terminal (`here`) has other than a new shell (`new`), for `names`."""
    drifts = tuple(
        Drift(name, here.get(name), new.get(name))
        for name in dict.fromkeys(names)
        if here.get(name) != new.get(name)
    )
    if not drifts:
        return None
    fixes = [
        shell.render_unset(d.name) if d.new is None else shell.render_set(d.name, d.new)
        for d in drifts
    ]
    # Not by name alone: `export HTTPS_PROXY=http://TOKEN@proxy` would print the token.
    secret = any(d.new is not None and holds_secret(d.name, d.new) for d in drifts)
    if secret:
        return StaleTerminal(drifts, None)
    return StaleTerminal(drifts, "; ".join(fixes), tuple(Command(fix) for fix in fixes))


def after_edit(
    here: Mapping[str, str], unset: Iterable[str], set_: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """What a new shell gets once an edit is in place, for the variables it touches."""
    gone = set(unset)
    new = {name: value for name, value in here.items() if name not in gone}
    new.update(set_)
    return new
