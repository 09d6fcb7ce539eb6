"""`remedy apply NAME`: one subcommand per remedy in the registry, and `apply auto`.

An EnvRemedy is data; its command is built here (remedies.commands.apply_env). An
ActionRemedy brings its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from remedies.commands import short_help

if TYPE_CHECKING:
    from remedies.catalog.interface import Remedy
    from remedies.context import Context


class ApplyGroup(click.Group):
    """`remedy apply NAME`: one subcommand per remedy in the registry."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from remedies.catalog import registry

        return ["auto", *registry.names(_context(ctx))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from remedies.catalog import registry
        from remedies.catalog.interface import EnvRemedy, VersionPin

        if cmd_name == "auto":
            from remedies.commands.apply_auto import command

            return command()
        here = _context(ctx)
        if _is_path(cmd_name):
            remedy = _from_file(cmd_name, here)
        elif not registry.known(cmd_name, here):
            from remedies.typos import UnknownName, unknown

            names = ["auto", *registry.names(here)]
            raise UnknownName(unknown("remedy", cmd_name, names, "`remedy list` shows them"), ctx)
        else:
            remedy = registry.load(cmd_name, here)
        if isinstance(remedy, EnvRemedy):
            from remedies.commands.apply_env import env_apply_command

            return env_apply_command(remedy)
        if isinstance(remedy, VersionPin):
            from remedies.commands.apply_pin import command as pin_command

            return pin_command(remedy)
        return remedy.command()


def _context(click_ctx: click.Context) -> Context | None:
    from remedies.context import Context

    found = click_ctx.find_object(Context)
    return found if isinstance(found, Context) else None


def _is_path(name: str) -> bool:
    from remedies.catalog.data_sources import is_path

    return is_path(name)


def _from_file(name: str, ctx: Context | None) -> Remedy:
    """`remedy apply ./fix.toml`: a remedy file given by path, under its own name (which may
    not shadow one the catalogue has)."""
    from remedies.catalog import registry
    from remedies.catalog.data_remedy import to_remedy
    from remedies.catalog.data_sources import read_spec
    from remedies.errors import BadInput

    spec = read_spec(ctx.given_path(name) if ctx is not None else Path(name), name)
    if registry.known(spec.name, ctx):
        raise BadInput(f"{name}: name {spec.name!r} is already a remedy's; choose another")
    return to_remedy(spec)


command = ApplyGroup(
    "apply",
    short_help=short_help("apply"),
    help=(
        "Apply a remedy. Changes go in a marked block at the end of your start-up files; "
        "your own lines that set the same variables are disabled, and `remedy revert` puts "
        "every byte back. Run `remedy list` to see the remedies."
    ),
)
