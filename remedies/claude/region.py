"""The AWS region Mantle will use, where it comes from, and whether our block must pin it.

Claude Code builds the Mantle URL from AWS_REGION, else AWS_DEFAULT_REGION, in its own
environment (FACTS.md); it does not read ~/.aws/config for it. So a region found only in
~/.aws/config, given with --region, or present only in this process, is written into our
block; one that every configured shell, a settings file or the login environment already
provides is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from remedies.claude.sources import Picture, Source
from remedies.context import Context
from remedies.errors import BadInput
from shells.base import Shell

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
# us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-northwest-1 ...
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
# environment.d and /etc/environment reach every session; a project's .envrc comes with
# the project, which is where its Bedrock switch is.
_PROVIDED_EVERYWHERE = ("environment.d", "system-environment", "envrc")
_SHELL = ("shell", "new-shell")


@dataclass(frozen=True)
class Region:
    value: str
    source: str  # for a person: "--region", "~/.bashrc:4", "~/.aws/config [default] region"
    pin: bool  # our block must set AWS_REGION


def check_region(value: str) -> str:
    if not REGION.match(value):
        raise BadInput(f"{value!r} is not an AWS region name (e.g. us-east-1)")
    return value


def _usable(source: Source | None) -> bool:
    return (
        source is not None
        and not source.ours  # remedy's own block is never the user's setting
        and source.applies
        and source.value is not None
        and not source.dynamic
        and REGION.match(source.value.strip()) is not None
    )


def earlier_pin(picture: Picture, name: str) -> str | None:
    """The value remedy's own block sets for `name`, if it does."""
    return next(
        (s.value for s in picture.sources if s.ours and s.var == name and s.value is not None),
        None,
    )


def find_region(
    ctx: Context, shells: list[Shell], picture: Picture, explicit: str | None
) -> Region:
    if explicit:
        return Region(check_region(explicit), "--region", pin=True)
    pinned = earlier_pin(picture, "AWS_REGION")
    if pinned is not None and REGION.match(pinned):
        # A re-run with fewer flags keeps what an earlier run pinned.
        return Region(pinned, "the region remedy pinned before", pin=True)
    winner = next(
        (w for w in map(picture.effective, REGION_VARIABLES) if _usable(w)),
        None,
    ) or next(
        (
            s
            for s in sorted(picture.sources, key=lambda s: s.rank, reverse=True)
            if s.var in REGION_VARIABLES and _usable(s)
        ),
        None,
    )
    if winner is None or winner.value is None:
        raise BadInput(
            "the Mantle endpoint needs an AWS region and none was found in the environment, "
            "your start-up files, Claude Code's settings or ~/.aws/config; pass --region "
            "REGION (e.g. --region us-east-1)"
        )
    in_shells = {s.shell for s in picture.sources if s.kind in _SHELL and _usable(s)}
    asked = {env.shell for env in picture.new_shells}
    if all(s.name in asked for s in shells):
        # The real shells answer: every kind of new shell (a terminal, a login, an IDE's
        # `zsh -c`) must already have a region, or our block pins it.
        everywhere = all(
            any(env.env.get(v) for v in REGION_VARIABLES) for env in picture.new_shells
        )
    else:
        everywhere = all(s.name in in_shells for s in shells)
    provided = (
        winner.kind.endswith("-settings")
        or winner.kind in _PROVIDED_EVERYWHERE
        or (winner.kind in _SHELL and everywhere)
    )
    return Region(winner.value.strip(), winner.where(ctx.home), pin=not provided)
