"""Commands: one module per `remedy <command>`, each exposing `command`.

COMMANDS is the one place a command is registered: its module and its line in `remedy
--help`, together, so that the help lists the commands without importing them (each command
module imports what its command needs). A new command is a module and a row here;
tests/test_registration.py holds each row to its module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Registered:
    """A `remedy <command>`: where it lives, and what `remedy --help` says of it."""

    module: str  # exposes `command`, a click.Command of the same name and short help
    short_help: str
    # Reads nothing in a home (root runs it as root); every other command works in a home,
    # and root does that only as the home's owner (remedies/privilege.py).
    reads_no_home: bool = False


COMMANDS: dict[str, Registered] = {
    "completion": Registered(
        "remedies.commands.completion",
        "Print the shell completion script.",
        reads_no_home=True,
    ),
    "doctor": Registered(
        "remedies.commands.doctor", "What is wrong here, and where each setting comes from."
    ),
    "export": Registered(
        "remedies.commands.export",
        "A remedy for MDM: its settings (json, mobileconfig, reg, ps1) or scripts to run.",
        reads_no_home=True,
    ),
    "fleet-report": Registered(
        "remedies.commands.fleet_report",
        "Summarise the reports of a fleet rollout.",
        reads_no_home=True,
    ),
    "list": Registered(
        "remedies.commands.list_remedies",
        "The remedies there are, best first.",
        reads_no_home=True,
    ),
    "apply": Registered(
        "remedies.commands.apply", "Fix it (idempotent; --dry-run shows the diff)."
    ),
    "check": Registered(
        "remedies.commands.check_file", "Validate a remedy file and run its proof offline."
    ),
    "new": Registered(
        "remedies.commands.new_file", "Write a skeleton remedy file to fill in.", reads_no_home=True
    ),
    "revert": Registered("remedies.commands.revert", "Put back every byte an apply changed."),
    "status": Registered(
        "remedies.commands.status", "What is applied where, and whether files changed since."
    ),
    "verify": Registered("remedies.commands.verify", "Prove it, with your real claude."),
}


def short_help(name: str) -> str:
    """A command's line in `remedy --help`, for its own module to give click."""
    return COMMANDS[name].short_help
