"""`remedy verify`: prove it with the user's real `claude`."""

from __future__ import annotations

from typing import Any

import click

from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.context import Context
from remedies.engine.journal import applied_remedies
from remedies.engine.new_shell import new_shell_envs
from remedies.engine.shell_choice import choose_shells
from remedies.errors import EXIT_FAILURE
from remedies.options import fixed_version_option, json_option, timeout_option
from remedies.output import Output, wants_colour
from remedies.verify.live import LiveResult, verify_live
from remedies.verify.offline import OfflineResult, ProbeRun, default_model, verify_offline


@click.pass_obj
def _verify(ctx: Context, /, **options: Any) -> None:
    code = verify(ctx, **options)
    if code:
        raise click.exceptions.Exit(code)


command = click.Command(
    "verify",
    callback=_verify,
    short_help="Prove it, with your real claude.",
    help=(
        "Run your own `claude -p 'say hello'` with exactly the environment a new shell of "
        "yours gets, plus your Claude Code settings. Offline (the default), every endpoint "
        "points at a loopback stand-in that answers as the services did: bedrock-runtime "
        "rejects any anthropic_beta in the request body (Opus 4.7's 400 invalid beta flag), "
        "Mantle answers. Nothing leaves this machine. --live sends the prompt to the real "
        "service with your credentials, the only way to prove an upgrade. Exit 0 only if "
        "Claude Code would have succeeded."
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
            help="The model to ask for (default: the one you pinned, else claude-opus-4-7).",
        ),
        click.Option(
            ["--shell", "shell_name"],
            metavar="NAME",
            help="The shell whose new-shell environment to use (default: the one you run).",
        ),
        timeout_option(90, "the client"),
        fixed_version_option(DEFAULT_FIXED_VERSION),
        json_option(),
    ],
)


def verify(
    ctx: Context,
    *,
    offline: bool,
    model: str | None,
    shell_name: str | None,
    timeout: float,
    fixed_version: str,
    json_mode: bool,
) -> int:
    out = Output(json_mode, wants_colour(ctx.env))
    shell = choose_shells(ctx, (shell_name,) if shell_name else (), False)[0]
    envs = new_shell_envs(ctx, shell)
    if not offline:
        live = verify_live(ctx, envs[0], model or default_model(ctx, envs[0].env), timeout)
        out.document(live.to_json()) if json_mode else _print_live(out, live)
        return 0 if live.ok else EXIT_FAILURE
    result = verify_offline(
        ctx,
        envs,
        model=model,
        fixed_version=fixed_version,
        applied=applied_remedies(ctx),
        timeout=timeout,
    )
    out.document(result.to_json()) if json_mode else _print_offline(out, result)
    return 0 if result.ok else EXIT_FAILURE


def _claude_line(out: Output, result: OfflineResult | LiveResult) -> None:
    c = result.claude
    out.say(f"  claude     {c.path} ({c.version or 'version unknown'}, {c.install_method})")


def _print_run(out: Output, run: ProbeRun) -> None:
    request = f", {run.path}" if run.path else ""
    out.say(f"  {run.shell:<10} endpoint {run.endpoint}{request}")
    header = ", ".join(run.header_betas) or "none"
    body = ", ".join(run.body_betas) or "none"
    out.say(f"  {'':<10} betas in the header: {header}; in the body: {body}")
    out.say(f"  {'':<10} model {run.model}; the client said: {run.output or '(nothing)'}")


def _print_offline(out: Output, result: OfflineResult) -> None:
    out.say("remedy verify, offline: your claude, your environment, a loopback stand-in", bold=True)
    _claude_line(out, result)
    out.say(f"  applied    {', '.join(result.applied) or 'nothing'}")
    for run in result.runs:
        _print_run(out, run)
    colour = {"ok": "green", "unproven": "yellow"}.get(result.verdict, "red")
    out.say(f"  verdict    {out.paint(result.verdict, fg=colour, bold=True)}: {result.message}")


def _print_live(out: Output, result: LiveResult) -> None:
    out.say("remedy verify, live: your claude against the real service", bold=True)
    _claude_line(out, result)
    out.say(f"  {result.shell:<10} model {result.model}; exit {result.exit_code}")
    out.say(f"  {'':<10} the client said: {result.output or '(nothing)'}")
    colour = "green" if result.ok else "red"
    out.say(f"  outcome    {out.paint(result.outcome, fg=colour, bold=True)}")
