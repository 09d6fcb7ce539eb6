"""`remedy apply NAME` for remedies that set and unset environment variables: the command
line, read into an ApplyRequest; the flow itself is catalog.env_apply (for this user) or
commands.apply_machine (--machine, for every user of the machine)."""

from __future__ import annotations

from typing import Any

import click

from remedies.catalog.apply_result import ApplyResult
from remedies.catalog.env_apply import ApplyRequest, Scopes, apply_env
from remedies.catalog.interface import EnvRemedy
from remedies.context import Context
from remedies.engine.change_report import Asker, AtTerminal, RunOptions, common_params
from remedies.errors import BadInput
from remedies.options import machine_option
from remedies.output import Output, wants_colour
from shells import supported_names


def shell_params() -> list[click.Parameter]:
    return [
        click.Option(
            ["--shell", "shell_names"],
            multiple=True,
            metavar="NAME",
            shell_complete=lambda _c, _p, partial: [
                n for n in supported_names() if n.startswith(partial)
            ],
            help="A shell to configure (repeatable); default: the one you run, and every "
            "other shell you may start whose new shells have what the remedy fixes.",
        ),
        click.Option(["--all-shells"], is_flag=True, help="Every supported shell installed here."),
    ]


def force_params() -> list[click.Parameter]:
    return [
        click.Option(
            ["--force"],
            is_flag=True,
            help="Apply even where what the remedy fixes is not found here (its [when] holds "
            "in no new shell); without it, apply says which condition failed and changes "
            "nothing.",
        )
    ]


def scope_params() -> list[click.Parameter]:
    return [
        click.Option(
            ["--project"],
            is_flag=True,
            help="Also change this folder's direnv .envrc, .claude/settings.json and "
            "settings.local.json (at a terminal, apply asks when they need it).",
        ),
        click.Option(
            ["--system"],
            is_flag=True,
            help="Also change managed settings (/etc/claude-code); needs an administrator.",
        ),
    ]


def env_apply_command(remedy: EnvRemedy) -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, **kwargs: Any) -> None:
        json_mode: bool = kwargs.pop("json_mode")
        machine: bool = kwargs.pop("machine", False)
        shell_names, all_shells = kwargs.pop("shell_names"), kwargs.pop("all_shells")
        scopes = Scopes(project=kwargs.pop("project"), system=kwargs.pop("system"))
        dry_run, yes = kwargs.pop("dry_run"), kwargs.pop("yes")
        force: bool = kwargs.pop("force", False)
        request = ApplyRequest(
            remedy,
            shell_names,
            all_shells,
            scopes,
            remedy_options=kwargs,  # what is left: the remedy's own (--region, --value)
            dry_run=dry_run,
            yes=yes,
            force=force,
        )
        out = Output(json_mode, wants_colour(ctx.env))
        out.show(core(ctx, request, AtTerminal(out), machine=machine))

    return click.Command(
        remedy.name,
        callback=callback,
        help=remedy.help,
        short_help=remedy.summary,
        params=[
            *remedy.options(),
            *(force_params() if remedy.not_needed else []),
            *shell_params(),
            *scope_params(),
            *(
                [
                    machine_option(
                        "Fix every user of this machine with one managed-settings drop-in "
                        "(/etc/claude-code/managed-settings.d); needs an administrator."
                    )
                ]
                if remedy.machine
                else []
            ),
            *common_params(),
        ],
    )


def core(
    ctx: Context, request: ApplyRequest, asker: Asker, *, machine: bool = False
) -> ApplyResult:
    """Apply (or preview) an EnvRemedy: for this user's shells, or with `machine` for every
    user of this machine. `asker` hears the warnings and the question; the result is shown
    by the caller."""
    if not machine:
        return apply_env(ctx, request, asker)
    from remedies.commands.apply_machine import apply_machine

    if request.shell_names or request.all_shells or request.scopes.project:
        raise BadInput(
            "--machine changes no shell or project: drop --shell, --all-shells and --project"
        )
    return apply_machine(
        ctx,
        request.remedy,
        RunOptions(request.dry_run, request.yes),
        system=request.scopes.system,
        remedy_options=request.remedy_options,
        asker=asker,
    )
