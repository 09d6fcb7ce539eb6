"""`remedy apply auto`: doctor, then the remedies best first, each proven or taken back.

For each candidate: apply it, run the offline verify, keep it if Claude Code would succeed,
revert it otherwise (only what this run applied), and stop at the first that verifies. The
order is the doctor's recommendation, with --prefer names moved to the front.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.interface import EnvRemedy
from remedies.claude.diagnosis import diagnose
from remedies.claude.installs import find_claude
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.claude.sources import collect
from remedies.commands.apply_env import Scopes, apply_env_remedy, scope_params, shell_params
from remedies.commands.revert import revert
from remedies.context import Context
from remedies.engine.change_report import RunOptions, common_params
from remedies.engine.journal import applied_remedies
from remedies.engine.new_shell import new_shell_envs
from remedies.engine.shell_choice import choose_shells
from remedies.errors import EXIT_FAILURE, RemedyError
from remedies.options import fixed_version_option
from remedies.output import Output, wants_colour
from remedies.verify.offline import verify_offline
from shells import SHELLS

NOT_OFFLINE = (
    "no offline check can verify it (the fix was on the service side); run "
    "`remedy apply upgrade`, then `remedy verify --live`"
)


@dataclass(frozen=True)
class AutoRequest:
    prefer: tuple[str, ...]
    shell_names: tuple[str, ...]
    all_shells: bool
    scopes: Scopes
    fixed_version: str
    given: dict[str, Any]  # options meant for the remedies (--region, --model)


def command() -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, **kw: Any) -> None:
        options = RunOptions(kw.pop("dry_run"), kw.pop("yes"), kw.pop("json_mode"))
        request = AutoRequest(
            prefer=tuple(p for item in kw.pop("prefer") for p in item.split(",") if p),
            shell_names=kw.pop("shell_names"),
            all_shells=kw.pop("all_shells"),
            scopes=Scopes(project=kw.pop("project"), system=kw.pop("system")),
            fixed_version=kw.pop("fixed_version"),
            given={k: v for k, v in kw.items() if v is not None},
        )
        code = apply_auto(ctx, options, request)
        if code:
            raise click.exceptions.Exit(code)

    return click.Command(
        "auto",
        callback=callback,
        short_help="Try the remedies best first; keep the first that verifies.",
        help=(
            "Run the doctor, then try the remedies it recommends, best first: apply one, "
            "verify it offline with your real claude, keep it if Claude Code would succeed, "
            "revert it if not, and stop at the first that verifies. --dry-run shows the plan."
        ),
        params=[
            click.Option(
                ["--prefer"],
                multiple=True,
                metavar="NAME[,NAME]",
                help="Try these remedies first, in this order.",
            ),
            click.Option(["--region"], metavar="REGION", help="Passed to mantle."),
            click.Option(["--model"], metavar="MODEL", help="Passed to mantle."),
            fixed_version_option(DEFAULT_FIXED_VERSION),
            *shell_params(),
            *scope_params(),
            *common_params(),
        ],
    )


def _plan(recommended: list[str], prefer: tuple[str, ...]) -> list[str]:
    ordered = [*prefer, *(r for r in recommended if r not in prefer)]
    return list(dict.fromkeys(ordered))


def _apply(
    ctx: Context, remedy: EnvRemedy, request: AutoRequest, *, dry_run: bool
) -> dict[str, Any]:
    """Apply (or preview) one remedy as this run was asked to, printing nothing."""
    return apply_env_remedy(
        ctx,
        remedy,
        RunOptions(dry_run=dry_run, yes=True, json_mode=False),
        shell_names=request.shell_names,
        all_shells=request.all_shells,
        scopes=request.scopes,
        remedy_options=_remedy_options(remedy, request.given),
        out=Output(silent=True),
    )


def _remedy_options(remedy: EnvRemedy, given: dict[str, Any]) -> dict[str, Any]:
    """The options the user gave that this remedy takes; it supplies its own defaults."""
    names = {param.name for param in remedy.options()}
    return {name: value for name, value in given.items() if name in names}


def apply_auto(ctx: Context, options: RunOptions, request: AutoRequest) -> int:
    out = Output(options.json_mode, wants_colour(ctx.env))
    quiet = Output(silent=True)
    shells = choose_shells(ctx, request.shell_names, request.all_shells)
    everyone = [*shells, *(s for s in SHELLS if s.name not in {c.name for c in shells})]
    diagnosis = diagnose(collect(ctx, everyone), find_claude(ctx), request.fixed_version)
    plan = _plan([r.remedy for r in diagnosis.recommendations], request.prefer)
    doc: dict[str, Any] = {
        "remedy": "auto",
        "affected": diagnosis.affected,
        "plan": plan,
        "tried": [],
        "verified": None,
        "changed": False,
        "dry_run": options.dry_run,
    }
    if not plan:
        doc["message"] = "nothing to fix here: the doctor found no problem a remedy fixes"
        out.document(doc) if options.json_mode else out.say(doc["message"])
        return 0
    if options.dry_run:
        _show_plan(ctx, out, doc, plan, request)
        return 0
    if ctx.interactive and not options.yes and not options.json_mode:
        out.say(f"Plan: try {', then '.join(plan)}; keep the first that verifies, revert the rest.")
        if not click.confirm("Go ahead?", default=False):
            raise RemedyError("nothing changed: you said no")
    for name in plan:
        attempt = _try(ctx, quiet, name, request)
        doc["tried"].append(attempt)
        doc["changed"] = doc["changed"] or attempt.get("kept", False)
        if attempt.get("verified"):
            doc["verified"] = name
            break
    _report(out, doc, options.json_mode)
    return 0 if doc["verified"] else EXIT_FAILURE


def _try(ctx: Context, quiet: Output, name: str, request: AutoRequest) -> dict[str, Any]:
    remedy = registry.load(name) if registry.known(name) else None
    if not isinstance(remedy, EnvRemedy):
        return {"remedy": name, "applied": False, "error": NOT_OFFLINE}
    step = RunOptions(dry_run=False, yes=True, json_mode=False)
    try:
        applied = _apply(ctx, remedy, request, dry_run=False)
    except RemedyError as e:
        return {"remedy": name, "applied": False, "error": str(e)}
    shell = choose_shells(ctx, request.shell_names, request.all_shells)[0]
    result = verify_offline(
        ctx,
        new_shell_envs(ctx, shell),
        model=request.given.get("model"),
        fixed_version=request.fixed_version,
        applied=applied_remedies(ctx),
    )
    attempt = {
        "remedy": name,
        "applied": True,
        "changed": applied["changed"],
        "verified": result.ok,
        "verdict": result.verdict,
        "message": result.message,
        "files": applied["files"],
    }
    if result.ok:
        return {**attempt, "kept": applied["changed"]}
    if applied["changed"]:
        revert(ctx, (name,), step, out=quiet)
    return {**attempt, "reverted": applied["changed"]}


def _show_plan(
    ctx: Context, out: Output, doc: dict[str, Any], plan: list[str], request: AutoRequest
) -> None:
    for name in plan:
        remedy = registry.load(name) if registry.known(name) else None
        if not isinstance(remedy, EnvRemedy):
            doc["tried"].append({"remedy": name, "would": f"skip: {NOT_OFFLINE}"})
            continue
        try:
            would = _apply(ctx, remedy, request, dry_run=True)
            doc["tried"].append(
                {
                    "remedy": name,
                    "would": "apply, verify, revert if it fails",
                    "files": would["files"],
                }
            )
        except RemedyError as e:
            doc["tried"].append({"remedy": name, "would": f"fail: {e}"})
    if out.json_mode:
        out.document(doc)
        return
    out.say("Plan (dry run; nothing was written):", bold=True)
    for number, step in enumerate(doc["tried"], 1):
        files = ", ".join(f["path"] for f in step.get("files", []))
        out.say(f"  {number}. {step['remedy']}: {step['would']}" + (f" ({files})" if files else ""))


def _report(out: Output, doc: dict[str, Any], json_mode: bool) -> None:
    if json_mode:
        out.document(doc)
        return
    for step in doc["tried"]:
        if not step.get("applied"):
            out.say(f"  {step['remedy']}: not applied: {step.get('error')}")
            continue
        state = "kept" if step.get("verified") else ("reverted" if step.get("reverted") else "left")
        out.say(f"  {step['remedy']}: {step['verdict']} ({state}): {step['message']}")
    if doc["verified"]:
        out.say(f"{doc['verified']} verified: Claude Code would succeed.", bold=True)
    else:
        out.say("No remedy verified; everything this run applied was reverted.", bold=True)
