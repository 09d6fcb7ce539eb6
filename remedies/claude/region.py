"""The AWS region Mantle will use, where it comes from, and whether our block must pin it.

Claude Code builds the Mantle URL from AWS_REGION, else AWS_DEFAULT_REGION, in its own
environment; 2.1.111 does not read ~/.aws/config for it (docs/claude-code.md,
"Region reading"). So a region found only in ~/.aws/config, given with --region, or present
only in this process, is written into our block; one that every configured shell, a settings
file or the login environment already provides is not.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from remedies.claude.sources import Picture, Source, from_key_value_file
from remedies.context import Context
from remedies.errors import BadInput
from remedies.output import path_shown
from shells.base import Shell

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
# us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-northwest-1 ...
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
# environment.d and /etc/environment reach every session; a project's .envrc comes with
# the project, which is where its Bedrock switch is.
_PROVIDED_EVERYWHERE = ("environment.d", "system-environment", "envrc")
_SHELL = ("shell", "new-shell")


# The commercial, GovCloud and China regions, from AWS's own list (botocore's
# endpoints.json partitions "aws", "aws-us-gov", "aws-cn"; AWS General Reference, "Regions
# and Zones"), as of 2026-11. A well-formed name that is not here (eu-west-99) is a typo far
# more often than a region announced since: REMEDY_EXTRA_REGIONS=name[,name] accepts one.
KNOWN_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "af-south-1",
        "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-7",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-south-1", "eu-south-2", "eu-north-1",
        "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
        "us-gov-east-1", "us-gov-west-1",
        "cn-north-1", "cn-northwest-1",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    value: str
    source: str  # for a person: "--region", "~/.bashrc:4", "~/.aws/config [default] region"
    pin: bool  # our block must set AWS_REGION
    replaces: str | None = None  # the region configured before, when --region differs


# Where the client sends a model request, by endpoint; a *_BASE_URL variable replaces the
# default (docs/claude-code.md, "Default base URLs and overrides").
_HOSTS = {
    "mantle": ("ANTHROPIC_BEDROCK_MANTLE_BASE_URL", "bedrock-mantle.{region}.api.aws"),
    "bedrock": ("ANTHROPIC_BEDROCK_BASE_URL", "bedrock-runtime.{region}.amazonaws.com"),
}


def real_host(endpoint: str, env: Mapping[str, str]) -> str | None:
    """The host the client would reach for `endpoint` with this environment (the client's
    own, settings applied): what an offline check, which answers on loopback, stands in for."""
    if endpoint not in _HOSTS:
        return None
    override, template = _HOSTS[endpoint]
    if env.get(override):
        return urlsplit(env[override]).hostname or env[override]
    region = next((env[name] for name in REGION_VARIABLES if env.get(name)), None)
    return template.format(region=region) if region else None


def machine_region_file(ctx: Context) -> str | None:
    """The region /etc/environment gives every login (PAM), the one machine-wide file with
    one; a value built from other variables is not guessed at."""
    path = ctx.system_path("/etc/environment")
    for source in from_key_value_file(ctx, path, "system-environment"):
        if source.var in REGION_VARIABLES and source.value and not source.dynamic:
            return source.value
    return None


def check_region(value: str, env: Mapping[str, str]) -> str:
    if not REGION.match(value):
        raise BadInput(f"{value!r} is not an AWS region name (e.g. us-east-1)")
    extra = {r.strip() for r in env.get("REMEDY_EXTRA_REGIONS", "").split(",") if r.strip()}
    if value not in KNOWN_REGIONS and value not in extra:
        close = difflib.get_close_matches(value, sorted(KNOWN_REGIONS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise BadInput(
            f"{value!r} is not an AWS region remedy knows; {hint}if it is a new one, run "
            f"with REMEDY_EXTRA_REGIONS={value}"
        )
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
        chosen = Region(check_region(explicit, ctx.env), "--region", pin=True)
        try:
            before = find_region(ctx, shells, picture, None)
        except BadInput:
            return chosen
        if before.value != chosen.value:
            return replace(chosen, replaces=f"{before.value}, from {before.source}")
        return chosen
    pinned = earlier_pin(picture, "AWS_REGION")
    if pinned is not None and REGION.match(pinned):
        # A re-run with fewer flags keeps what an earlier run pinned.
        return Region(pinned, "the region remedy pinned before", pin=True)
    _one_region(picture)
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
        from_a_shell = _from_new_shells(ctx, picture)
        if from_a_shell is not None:
            return from_a_shell
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


def _from_new_shells(ctx: Context, picture: Picture) -> Region | None:
    """The region only some kinds of new shell get (a login file: ~/.zprofile, ~/.bash_profile,
    /etc/profile.d), named where the real shell's trace says it was set. The others do not
    have it, so our block pins it: every kind then reaches the same Mantle."""
    for env in picture.new_shells:
        for name in REGION_VARIABLES:
            value = env.env.get(name, "").strip()
            if not REGION.match(value):
                continue
            at = env.where_set(name)
            # No trace line (bash ignores PS4 as root): the line of that shell's files that
            # sets this very value, else the kind of shell that got it.
            line = next(
                (
                    s
                    for s in picture.of(name)
                    if s.kind == "shell" and s.shell == env.shell and s.value == value
                ),
                None,
            )
            if at:
                where = f"{path_shown(at[0], ctx.home)}:{at[1]}"
            else:
                where = line.where(ctx.home) if line else f"a new {env.label}"
            return Region(value, where, pin=True)
    return None


def _one_region(picture: Picture) -> None:
    """The shells being fixed must agree on the region: one block pins one region for all
    of them, and pinning bash's in zsh would move every AWS tool zsh runs (aws, terraform)."""
    where: dict[str, list[str]] = {}
    for env in picture.new_shells:
        value = next((env.env[n].strip() for n in REGION_VARIABLES if env.env.get(n)), "")
        if REGION.match(value):
            where.setdefault(value, []).append(env.label)
    if len(where) > 1:
        each = "; ".join(f"{value} in {', '.join(labels)}" for value, labels in where.items())
        raise BadInput(
            f"your shells use different AWS regions ({each}), and Mantle needs one: pass "
            "--region REGION, or fix one shell at a time with --shell NAME"
        )
