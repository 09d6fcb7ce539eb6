"""What a remedy is: a name, a line of help, and a command that applies it.

Most remedies only change environment variables; they are an `EnvRemedy`: data (which
variables to set or unset, decided by `propose`) plus the shared apply flow in
`remedies.commands.apply_env`. A remedy of another kind (an upgrade, say) brings its own command.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from remedies.claude.settings_files import SettingsPlanner
from remedies.engine.envedit import EnvEdit

if TYPE_CHECKING:
    import click

    from remedies.context import Context
    from shells.base import Shell


@dataclass(frozen=True)
class Proposal:
    """What an EnvRemedy wants done here, and what the user should know about it."""

    edit: EnvEdit
    notes: tuple[str, ...] = ()  # shown with the result (caveats, where a value came from)
    details: Mapping[str, Any] = field(default_factory=dict)  # kept in the journal entry
    # What to change in one of Claude Code's settings files (None: leave them alone).
    settings: SettingsPlanner | None = None


class Remedy(Protocol):
    name: str
    summary: str

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

    def command(self) -> click.Command:
        from remedies.commands.apply_env import env_apply_command

        return env_apply_command(self)
