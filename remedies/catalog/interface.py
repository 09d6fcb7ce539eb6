"""What a remedy is: a name, a line of help, and a command that applies it.

Most remedies only change environment variables; they are an `EnvRemedy`: data (which
variables to set or unset, decided by `propose`) plus the shared apply flow in
`remedies.catalog.env_apply` (its command: `remedies.commands.apply_env`). A remedy of another
kind (an upgrade, say) brings its own command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol, Union

from remedies.claude.request_proof import Proof
from remedies.claude.settings_files import SettingsPlanner
from remedies.claude.sources import is_on
from remedies.engine.envedit import EnvEdit

if TYPE_CHECKING:
    from pathlib import Path

    import click

    from remedies.claude.installs import ClaudeOnPath
    from remedies.claude.sources import Picture
    from remedies.context import Context
    from remedies.engine.journal import Entry
    from shells.base import Shell


@dataclass(frozen=True)
class Proposal:
    """What an EnvRemedy wants done here, and what the user should know about it."""

    edit: EnvEdit
    notes: tuple[str, ...] = ()  # shown with the result (caveats, where a value came from)
    details: Mapping[str, Any] = field(default_factory=dict)  # kept in the journal entry
    # What to change in one of Claude Code's settings files (None: leave them alone).
    settings: SettingsPlanner | None = None


@dataclass(frozen=True)
class MachineProposal:
    """What an EnvRemedy puts in its managed-settings drop-in (`--machine`, `export`): the
    variables, in the order written, and what the administrator should know."""

    env: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)  # kept in the journal entry


class Undoable(Protocol):
    """A remedy that takes back a journal entry of its own (an installer run)."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    def undo(self, ctx: Context, entry: Entry) -> str:
        """Take back what this entry of the journal did; a sentence saying what is back."""
        ...

    def describe_undo(self, entry: Entry) -> str:
        """What undo would do, for a dry run: "install Claude Code 2.1.111 again at ..."."""
        ...


class ActionRemedy(Undoable, Protocol):
    def command(self) -> click.Command:
        """The `remedy apply NAME` command."""
        ...


@dataclass(frozen=True)
class EnvRemedy:
    name: str
    summary: str
    help: str
    propose: Callable[[Context, Sequence[Shell], Mapping[str, Any]], Proposal]
    options: Callable[[], list[click.Parameter]] = list
    # The machine-wide form (`apply NAME --machine`, `export NAME`); None: user scope only.
    # Given a context it may read this machine's managed settings and /etc (never a home);
    # given None (an export for other machines) it reads nothing and needs its options.
    machine: Callable[[Context | None, Mapping[str, Any]], MachineProposal] | None = None
    # What the request the real client sends must show once it is applied (verify checks).
    proof: Proof | None = None
    # Whether a new shell with this environment has what the remedy fixes (its files turn
    # the bad setting on): apply then fixes that shell too, not only the one the user runs.
    # None: only the shells the user runs or names.
    needed_in: Callable[[Mapping[str, str]], bool] | None = None
    # Given what doctor found (each kind of new shell's picture, the claude that runs, the
    # home): why what the remedy fixes is not here at all (a remedy file's [when] holds in
    # none: the first condition that fails), else None. apply then changes nothing unless
    # --force (catalog.needed_here). None: no such test (the built-ins fix the shells they
    # are asked to).
    not_needed: Callable[[Sequence[Picture], ClaudeOnPath, Path], str | None] | None = None


def bedrock_on(env: Mapping[str, str]) -> bool:
    """The switch every Bedrock remedy fixes: Claude Code would reach bedrock-runtime."""
    return is_on(env.get("CLAUDE_CODE_USE_BEDROCK"))


@dataclass(frozen=True)
class VersionPin:
    """A remedy that installs a version and keeps it there: an installer run (undone with
    `undo`) plus an environment edit (`env`, applied and reverted like any EnvRemedy). Its
    command composes the two (commands.apply_pin)."""

    name: str
    summary: str
    help: str
    env: EnvRemedy
    undo_entry: Callable[[Context, Entry], str]
    describe_entry: Callable[[Entry], str]

    def undo(self, ctx: Context, entry: Entry) -> str:
        return self.undo_entry(ctx, entry)

    def describe_undo(self, entry: Entry) -> str:
        return self.describe_entry(entry)


Remedy = Union[EnvRemedy, ActionRemedy, VersionPin]
