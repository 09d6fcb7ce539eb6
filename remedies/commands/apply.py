"""`remedy apply NAME`: one subcommand per remedy in the registry, and `apply auto`.

An EnvRemedy is data; its command is built here (remedies.commands.apply_env). An
ActionRemedy brings its own.
"""

from __future__ import annotations

import click


class ApplyGroup(click.Group):
    """`remedy apply NAME`: one subcommand per remedy in the registry."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from remedies.catalog import registry

        return ["auto", *registry.names()]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from remedies.catalog import registry
        from remedies.catalog.interface import EnvRemedy

        if cmd_name == "auto":
            from remedies.commands.apply_auto import command

            return command()
        if not registry.known(cmd_name):
            from remedies.typos import did_you_mean

            hint = did_you_mean(cmd_name, ["auto", *registry.names()])
            raise click.UsageError(f"no remedy {cmd_name!r}{hint} (`remedy list` shows them)", ctx)
        remedy = registry.load(cmd_name)
        if isinstance(remedy, EnvRemedy):
            from remedies.commands.apply_env import env_apply_command

            return env_apply_command(remedy)
        return remedy.command()


command = ApplyGroup(
    "apply",
    short_help="Fix it (idempotent; --dry-run shows the diff).",
    help=(
        "Apply a remedy. Changes go in a marked block at the end of your start-up files; "
        "your own lines that set the same variables are disabled, and `remedy revert` puts "
        "every byte back. Run `remedy list` to see the remedies."
    ),
)
