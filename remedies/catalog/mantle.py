"""mantle: send Claude Code to the Bedrock Mantle endpoint, which Opus 4.7 accepts.

Claude Code picks its provider in this order (docs/claude-code.md, "Provider precedence"):
CLAUDE_CODE_USE_BEDROCK, then ..._FOUNDRY, ..._ANTHROPIC_AWS, ..._MANTLE. So turning Mantle on
is not enough: Bedrock must be off everywhere a new shell could get it, and in Claude Code's
settings files, whose `env` overrides every shell. Mantle also needs a region and rejects
Bedrock inference-profile model ids (`us.anthropic.…`), so pinned ids are rewritten to
`anthropic.…`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click

from remedies.catalog.interface import EnvRemedy, MachineProposal, Proposal, bedrock_on
from remedies.catalog.registry import builtin_summary
from remedies.claude.asking import ask_shells
from remedies.claude.collect import collect
from remedies.claude.managed_dropin import loaded_managed, machine_value
from remedies.claude.model_ids import mantle_model_id
from remedies.claude.region import (
    REGION_VARIABLES,
    check_region,
    earlier_pin,
    find_region,
    machine_region_file,
)
from remedies.claude.settings_files import ENV, LoadedSettings
from remedies.claude.sources import (
    MODEL_VARIABLES,
    Picture,
    users_shell_line,
)
from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.jsonedit import JsonOp
from remedies.errors import BadInput
from shells.base import Shell

NAME = "mantle"
BEDROCK = "CLAUDE_CODE_USE_BEDROCK"
MANTLE = "CLAUDE_CODE_USE_MANTLE"


# Measured with Claude Code 2.1.111 against a stand-in: on Mantle, when no model is named (and
# for the aliases opus and sonnet) the client asks for anthropic.claude-haiku-4-5. A switch
# that leaves the model unpinned would silently trade Opus for Haiku, so we say so and offer
# --model.
def unpinned_note(machine: bool = False, export: bool = False) -> str:
    """The note for an apply (or an export) that leaves the model unpinned, with what pins
    it (backquoted: printed whole on a line of its own, remedies.layout)."""
    scope = " --machine" if machine else ""
    how = (
        "export again with `--model anthropic.claude-opus-4-7`"
        if export
        else f"`remedy apply mantle{scope} --model anthropic.claude-opus-4-7`"
    )
    return (
        "no model is pinned: on Mantle, Claude Code 2.1.111 asks for anthropic.claude-haiku-4-5 "
        f"unless a model is named. To pin Opus 4.7: {how}"
    )


def _options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--region"],
            metavar="REGION",
            callback=_known_region,
            help="AWS region of the Mantle endpoint (default: the one your shells and settings "
            "give; with --machine, the managed settings' or /etc/environment's; an export reads "
            "nothing here, so it needs one). Checked against AWS's list; "
            "REMEDY_EXTRA_REGIONS=NAME accepts a newer one.",
        ),
        click.Option(
            ["--model"],
            metavar="MODEL",
            help="Pin ANTHROPIC_MODEL, e.g. anthropic.claude-opus-4-7 (inference-profile ids "
            "such as us.anthropic.… are rewritten).",
        ),
    ]


def _known_region(
    click_ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """Checked while the options are read: bad input must not create a state folder."""
    if value is None:
        return None
    ctx = click_ctx.find_object(Context)
    try:
        return check_region(value, ctx.env if ctx else {})
    except BadInput as e:
        raise click.BadParameter(str(e)) from None


def _shell_model_pins(picture: Picture) -> list[tuple[str, str]]:
    """Model variables a new shell gets in inference-profile form, rewritten for Mantle."""
    pins = []
    for name in MODEL_VARIABLES:
        winner = users_shell_line(picture, name)
        if winner is None or winner.value is None:
            continue
        rewritten = mantle_model_id(winner.value)
        if rewritten:
            pins.append((name, rewritten))
    return pins


def settings_ops(
    loaded: LoadedSettings, region_pin: str | None, model_pin: str | None = None
) -> list[JsonOp]:
    """In a settings file that chooses the provider: Bedrock off, Mantle on, ids rewritten."""
    env = loaded.env
    ops: list[JsonOp] = []
    chooses_provider = BEDROCK in env or MANTLE in env
    if chooses_provider:
        # Additions first, while the user's members are all there to copy the spacing from.
        if env.get(MANTLE) != "1":
            ops.append((ENV, MANTLE, '"1"'))
        if region_pin and not any(v in env for v in REGION_VARIABLES):
            ops.append((ENV, "AWS_REGION", json.dumps(region_pin)))
    wants_pin = model_pin and (chooses_provider or "ANTHROPIC_MODEL" in env)
    if wants_pin and env.get("ANTHROPIC_MODEL") != model_pin:
        ops.append((ENV, "ANTHROPIC_MODEL", json.dumps(model_pin)))
    if BEDROCK in env:
        ops.append((ENV, BEDROCK, None))
    for name in MODEL_VARIABLES:
        if name == "ANTHROPIC_MODEL" and model_pin:
            continue
        rewritten = mantle_model_id(env[name]) if name in env else None
        if rewritten:
            ops.append((ENV, name, json.dumps(rewritten)))
    model = loaded.document.get("model")
    rewritten_model = mantle_model_id(model) if isinstance(model, str) else None
    if rewritten_model:
        ops.append(((), "model", json.dumps(rewritten_model)))
    return ops


def propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
    names = (BEDROCK, MANTLE, *REGION_VARIABLES, "AWS_PROFILE", *MODEL_VARIABLES)
    picture = collect(ctx, list(shells), names=names, truth=ask_shells(ctx, shells, names))
    region = find_region(ctx, list(shells), picture, options.get("region"))
    settings: list[tuple[str, str]] = [(MANTLE, "1")]
    if region.pin:
        settings.append(("AWS_REGION", region.value))
    # A re-run without --model keeps the model an earlier run pinned.
    model: str | None = options.get("model") or earlier_pin(picture, "ANTHROPIC_MODEL")
    model_pin = (mantle_model_id(model) or model.strip()) if model else None
    pins = _shell_model_pins(picture)
    if model_pin:
        pins = [(n, v) for n, v in pins if n != "ANTHROPIC_MODEL"]
        settings.append(("ANTHROPIC_MODEL", model_pin))
    settings += pins
    notes = [f"AWS region {region.value}, from {region.source}."]
    if region.replaces:
        notes.append(
            f"--region {region.value} differs from the region configured here "
            f"({region.replaces}): your own AWS_REGION lines are disabled"
        )
    if not model_pin and picture.model() is None:
        notes.append(unpinned_note())
    notes += [
        f"{name} rewritten to {value}: Mantle rejects inference-profile ids."
        for name, value in pins
    ]
    pinned_region = region.value if region.pin else None
    return Proposal(
        edit=EnvEdit(
            unset=(BEDROCK,),
            set=tuple(settings),
            comment="Claude Code: use Bedrock Mantle (fixes '400 invalid beta flag' with Opus 4.7)",
        ),
        notes=tuple(notes),
        details={"region": region.value, "region_source": region.source, "model": model_pin},
        settings=lambda loaded: settings_ops(loaded, pinned_region, model_pin),
    )


def propose_machine(ctx: Context | None, options: Mapping[str, Any]) -> MachineProposal:
    """For every user: Bedrock off (managed settings cannot unset, and "0" is off), Mantle
    on, the region, and a model pin in Mantle form when asked or when the machine's pin
    must be rewritten."""
    managed = loaded_managed(ctx) if ctx else []
    region, source = options.get("region"), "--region"
    if not region and ctx:
        region, source = machine_value(managed, "AWS_REGION"), "managed settings"
    if not region and ctx:
        region, source = machine_region_file(ctx), "/etc/environment"
    if not region:
        where = (
            "no region is set for the whole machine (managed settings or /etc/environment), "
            "and no home is read for one"
            if ctx
            else "an export is for other machines, so nothing here is read for one"
        )
        raise BadInput(f"needs --region REGION: {where}")
    env: list[tuple[str, str]] = [(BEDROCK, "0"), (MANTLE, "1"), ("AWS_REGION", region)]
    notes = [f"AWS region {region}, from {source}."]
    asked = options.get("model")
    pinned = machine_value(managed, "ANTHROPIC_MODEL")
    model = (mantle_model_id(asked) or asked.strip()) if asked else None
    if model is None and pinned and mantle_model_id(pinned):
        model = mantle_model_id(pinned)
        notes.append(f"ANTHROPIC_MODEL rewritten to {model}: Mantle rejects inference-profile ids.")
    if model:
        env.append(("ANTHROPIC_MODEL", model))
    elif pinned is None:
        notes.append(unpinned_note(machine=True, export=ctx is None))
    return MachineProposal(
        env=tuple(env),
        notes=tuple(notes),
        details={"region": region, "region_source": source, "model": model},
    )


REMEDY = EnvRemedy(
    name=NAME,
    summary=builtin_summary(NAME),
    help=(
        "Make Claude Code use the Bedrock Mantle endpoint: unset CLAUDE_CODE_USE_BEDROCK "
        "(your own assignments are disabled, since Bedrock wins over Mantle) and set "
        "CLAUDE_CODE_USE_MANTLE=1, plus AWS_REGION when it is not configured already. "
        "Claude Code's settings files that set these are changed too (their env overrides "
        "every shell), and pinned inference-profile model ids (us.anthropic.…) become "
        "Mantle ids (anthropic.…)."
    ),
    propose=propose,
    options=_options,
    needed_in=bedrock_on,
    machine=propose_machine,
)
