"""`remedy verify`: prove it with the user's real `claude`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import click

from remedies.catalog.proofs_here import applied_proofs, found_proofs, with_bases
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.claude.sources import WATCHED
from remedies.claude.this_terminal import compare
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.journal import applied_remedies, configured_shells
from remedies.engine.new_shell import ShellEnv, envs_of_each
from remedies.engine.shell_choice import installed, shells_in_use
from remedies.errors import EXIT_FAILURE
from remedies.options import (
    fixed_version_option,
    json_option,
    machine_option,
    timeout_option,
)
from remedies.output import Output, wants_colour
from remedies.verify.here import in_this_folder
from shells import shell_named

if TYPE_CHECKING:
    from remedies.verify.live import LiveResult
    from remedies.verify.offline import OfflineResult


@dataclass(frozen=True)
class VerifyRequest:
    """What `remedy verify` was asked."""

    offline: bool = True  # False: --live, the real service
    model: str | None = None  # None: the one pinned, else the client's own
    shell_name: str | None = None  # None: the one the user runs, and every one applied to
    timeout: float = 90
    fixed_version: str = DEFAULT_FIXED_VERSION
    machine: bool = False  # as any user of this machine: no shell, no home


@click.pass_obj
def _verify(ctx: Context, /, *, json_mode: bool, **given: Any) -> None:
    result = core(ctx, VerifyRequest(**given))
    Output(json_mode, wants_colour(ctx.env)).show(result)
    if not result.ok:  # exit 0 only if Claude Code would have succeeded
        raise click.exceptions.Exit(EXIT_FAILURE)


command = click.Command(
    "verify",
    callback=_verify,
    short_help=short_help("verify"),
    help=(
        "Run your own `claude -p 'say hello'` with exactly the environment a new shell of "
        "yours gets, also with this folder's direnv .envrc and mise [env] (read, never run), "
        "plus your Claude Code settings and this folder's; at a terminal whose own "
        "environment differs, with that too. Offline (the default), every endpoint "
        "points at a loopback stand-in that answers as the services did: bedrock-runtime "
        "rejects any anthropic_beta in an Opus 4.7 request's body (its 400 invalid beta "
        "flag) and answers other models, Mantle answers. Each request is also held to the "
        "[proof] of every remedy applied here and of every remedy whose problem doctor finds "
        "here (its [when] holds) and that is not applied. Nothing leaves this machine. "
        "--live sends the prompt to the real "
        "service with your credentials, the only way to prove an upgrade. Exit 0 only if "
        "Claude Code would have succeeded and every such proof holds."
    ),
    params=[
        click.Option(
            ["--offline/--live"],
            default=True,
            help="Loopback stand-in (default) or the real service.",
        ),
        click.Option(
            ["--model"],
            metavar="MODEL",
            help="The model to ask for (default: the one you pinned, else none: the client's own).",
        ),
        click.Option(
            ["--shell", "shell_name"],
            metavar="NAME",
            help="Judge only this shell's new shells (default: every shell doctor judges, "
            "and every shell an apply configured).",
        ),
        machine_option(
            "As any user or IDE of this machine: the managed settings in force, an empty "
            "environment, no user settings."
        ),
        timeout_option(90, "the client"),
        fixed_version_option(DEFAULT_FIXED_VERSION),
        json_option(),
    ],
)


def core(ctx: Context, request: VerifyRequest) -> OfflineResult | LiveResult:
    """Run the user's own claude as a new shell would, and say whether it would succeed."""
    if request.machine:
        return _verify_machine(ctx, request)
    shell_name = request.shell_name
    # Every shell the user may start (--shell narrows it), and every shell an apply
    # configured: a fix that holds in zsh but not in the bash an IDE task starts is not one.
    shells = shells_in_use(ctx, (shell_name,) if shell_name else (), False)
    if not shell_name:
        named = [shell_named(name) for name in configured_shells(ctx)]
        shells += [s for s in named if s is not None and s.name not in {c.name for c in shells}]
    shell = shells[0]
    asked = [shells[0], *(s for s in shells[1:] if installed(ctx, s))]
    # Untraced, as a person's shells start: the client needs their environments, not lines.
    # The stand-in's machinery (http.server, ssl, email) loads while the shells run.
    envs, unasked = envs_of_each(ctx, asked, traced=False, meanwhile=_load_offline)
    for name, why in unasked:  # another shell's start-up file that waits: not judged, said
        ctx.warn(f"not judged: {name}: {why}")
    # This folder's .envrc and mise [env], laid over each (verify.here): judged too.
    folder = in_this_folder(ctx, envs)
    # A terminal keeps what it started with: new shells may be fixed while this one is not.
    stale = compare(ctx.env, folder.here.env, WATCHED, shell) if ctx.interactive else None
    if not request.offline:
        from remedies.verify.live import verify_live  # --live only: its imports too
        from remedies.verify.offline import default_model

        here = folder.here
        live = verify_live(
            ctx, here, request.model or default_model(ctx, here.env), request.timeout
        )
        return replace(live, terminal=stale)
    from remedies.verify.here import judged_here
    from remedies.verify.offline import verify_offline

    applied = applied_remedies(ctx)
    # Each applied remedy by its own proof, and each problem doctor finds in a kind of new
    # shell by its remedy's (catalog.proofs_here): not only the first bug's 400.
    proofs = applied_proofs(ctx, applied)
    found = with_bases(found_proofs(ctx, asked, envs, applied), folder.over)
    result = verify_offline(
        ctx,
        folder.envs,
        model=request.model,
        fixed_version=request.fixed_version,
        applied=applied,
        timeout=request.timeout,
        proofs=proofs,
        found=found,
    )
    # No "ok" while the folder's files or this terminal still reach bedrock-runtime; this
    # terminal is held to the proofs of the shell the user runs.
    held = [*proofs, *found.get(folder.here.label, ())]
    result = judged_here(
        ctx, result, folder, model=request.model, timeout=request.timeout, proofs=held
    )
    return replace(result, terminal=stale)


def _load_offline() -> None:
    import remedies.verify.offline  # noqa: F401  (loaded now, used once the shells answer)


def _verify_machine(ctx: Context, request: VerifyRequest) -> OfflineResult:
    """What any user, cron job or IDE on this machine gets: nothing from a shell or a home,
    the managed settings in force. As root, only a claude root owns is run."""
    from pathlib import Path

    from remedies.claude.installs import all_on_path
    from remedies.claude.managed_paths import applied_on_machine
    from remedies.errors import RemedyError
    from remedies.root_programs import root_may_run
    from remedies.verify.offline import verify_offline

    empty = {"PATH": ctx.env.get("PATH", ""), "HOME": str(ctx.home)}
    found = all_on_path(ctx, "claude")
    if found and os.geteuid() == 0 and not root_may_run(Path(found[0])):
        raise RemedyError(
            f"{found[0]} is not root's own, so root does not run it; run `remedy verify "
            "--machine` as a user"
        )
    return verify_offline(
        ctx,
        [ShellEnv("an empty environment", login=False, env=empty, interactive=True)],
        model=request.model,
        fixed_version=request.fixed_version,
        applied=applied_on_machine(ctx),
        timeout=request.timeout,
    )
