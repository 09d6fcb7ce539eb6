"""mantle: send Claude Code to the Bedrock Mantle endpoint, which Opus 4.7 accepts.

Claude Code picks its provider in this order (FACTS.md): CLAUDE_CODE_USE_BEDROCK, then
..._FOUNDRY, ..._ANTHROPIC_AWS, ..._MANTLE. So turning Mantle on is not enough: Bedrock must be
off everywhere a new shell could get it, or it still wins. Mantle's default URL is
https://bedrock-mantle.<AWS_REGION>.api.aws/anthropic, so a region is required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from remedies.context import Context
from remedies.envedit import EnvEdit
from remedies.region import find_region
from remedies.remedy import EnvRemedy, Proposal
from shells.base import Shell

NAME = "mantle"


def _options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--region"],
            metavar="REGION",
            help="AWS region of the Mantle endpoint (default: the one your shells already set).",
        )
    ]


def propose(ctx: Context, shells: Sequence[Shell], options: Mapping[str, Any]) -> Proposal:
    region = find_region(ctx, list(shells), options.get("region"))
    settings: list[tuple[str, str]] = [("CLAUDE_CODE_USE_MANTLE", "1")]
    # Pin the region in our block unless every shell we configure already sets it itself:
    # a region given with --region, or only present in this process, would not reach them.
    if not all(s.name in region.in_files_of for s in shells):
        settings.append(("AWS_REGION", region.value))
    notes = [f"AWS region {region.value}, from {region.source}."]
    return Proposal(
        edit=EnvEdit(
            unset=("CLAUDE_CODE_USE_BEDROCK",),
            set=tuple(settings),
            comment="Claude Code: use Bedrock Mantle (fixes '400 invalid beta flag' with Opus 4.7)",
        ),
        notes=tuple(notes),
        details={"region": region.value, "region_source": region.source},
    )


REMEDY = EnvRemedy(
    name=NAME,
    summary="Use the Bedrock Mantle endpoint (official workaround; recommended).",
    help=(
        "Make Claude Code use the Bedrock Mantle endpoint: unset CLAUDE_CODE_USE_BEDROCK "
        "(your own assignments are disabled, since Bedrock wins over Mantle) and set "
        "CLAUDE_CODE_USE_MANTLE=1, plus AWS_REGION when your shells do not set it already."
    ),
    propose=propose,
    options=_options,
)
