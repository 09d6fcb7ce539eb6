"""extra-body: the community CLAUDE_CODE_EXTRA_BODY workaround, offered because users ask.

Measured with the real client (docs/claude-code.md, "Body betas by version"): 2.1.111,
2.1.112 and 2.1.330 still send `anthropic_beta` in the body with this set, so it does not fix
the 400 there. We say so every time; we never call it verified unless a check shows it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click

from remedies.catalog.interface import EnvRemedy, MachineProposal, Proposal, bedrock_on
from remedies.catalog.registry import builtin_summary
from remedies.claude.extra_body_verdict import EXTRA_BODY_MEASURED, EXTRA_BODY_WORTH
from remedies.claude.settings_files import ENV, LoadedSettings
from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.jsonedit import JsonOp
from remedies.errors import BadInput
from shells.base import Shell

NAME = "extra-body"
VARIABLE = "CLAUDE_CODE_EXTRA_BODY"
DEFAULT_VALUE = '{"thinking":{"type":"adaptive"}}'
CAVEAT = f"extra-body is a {EXTRA_BODY_WORTH}: {EXTRA_BODY_MEASURED}. Prefer `remedy apply mantle`."


def _options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--value"],
            metavar="JSON",
            default=DEFAULT_VALUE,
            show_default=True,
            help="The JSON object to put in CLAUDE_CODE_EXTRA_BODY.",
        )
    ]


def check_value(value: str) -> str:
    try:
        parsed = json.loads(value)
    except ValueError as e:
        raise BadInput(
            f"--value is not valid JSON ({e}); for example: --value '{DEFAULT_VALUE}'"
        ) from e
    if not isinstance(parsed, dict):
        raise BadInput(f"--value must be a JSON object; for example: --value '{DEFAULT_VALUE}'")
    if "\0" in value:
        raise BadInput("--value cannot contain a NUL character")
    return value


def settings_ops(loaded: LoadedSettings, value: str) -> list[JsonOp]:
    """A settings file that sets the variable gets the new value (its env beats the shell)."""
    current = loaded.env.get(VARIABLE)
    if current is None or current == value:
        return []
    return [(ENV, VARIABLE, json.dumps(value, ensure_ascii=False))]


def propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
    value = check_value(str(options.get("value", DEFAULT_VALUE)))
    return Proposal(
        edit=EnvEdit(
            set=((VARIABLE, value),),
            comment="Claude Code: community workaround for '400 invalid beta flag' (unreliable)",
        ),
        notes=(CAVEAT,),
        settings=lambda loaded: settings_ops(loaded, value),
    )


def propose_machine(ctx: Context | None, options: Mapping[str, Any]) -> MachineProposal:
    value = check_value(str(options.get("value", DEFAULT_VALUE)))
    return MachineProposal(env=((VARIABLE, value),), notes=(CAVEAT,))


REMEDY = EnvRemedy(
    name=NAME,
    summary=builtin_summary(NAME),
    help=(
        "Set CLAUDE_CODE_EXTRA_BODY to a JSON object (default "
        + DEFAULT_VALUE
        + "). Community-sourced and not always effective: measured with Claude Code 2.1.111 to "
        "2.1.330 the request body still carried anthropic_beta. Prefer `mantle`."
    ),
    propose=propose,
    options=_options,
    needed_in=bedrock_on,
    machine=propose_machine,
)
