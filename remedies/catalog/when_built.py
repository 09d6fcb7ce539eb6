"""The broken configuration a remedy file's `[when]` describes, built for `remedy check` where
this machine's own does not meet it (issue 25: check runs anywhere, CI included).

A platform engineer writes a Vertex fix on a Bedrock laptop, or checks a file in CI where no
Claude Code is configured at all: check then runs the client with the configuration `[when]`
names instead of this machine's, and says so. Nothing of the user's Claude Code configuration
is kept (their settings could turn another provider on); what runs is:

- the provider's flag (the first `provider` named; none for `anthropic`);
- what the provider needs to send a request at all, as stand-ins, unless `[when]` wants it
  absent: a region for Bedrock and Mantle (us-east-1), a region and a project for Vertex
  (2.1.111 sends nothing without them, measured); credentials come from verify.containment;
- a rename's old name with a stand-in value (a model id for a model variable);
- each `present` variable with a stand-in value (a URL for a `*_BASE_URL`, else "1"), each
  `matching` one with a value its regex matches (the first of "1", "true", "on" and the
  pattern's own literal text that does), each `set_in` one where it says (settings or shell);
- `absent` variables left out.

A `rewrite` gets the value its rule rewrites, for the first variable it names: for
"region-prefix", an `eu.` inference profile with AWS_REGION us-east-1. A `matching` regex none
of the candidates matches needs a value only its author knows: that cannot be built, and
check says why instead of guessing. Values are data: they only ever go into the child's environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from remedies.catalog import linear_regex
from remedies.catalog.data_format import RemedySpec
from remedies.claude.config_variables import is_configuration
from remedies.claude.sources import MODEL_VARIABLES

FLAGS = {
    "bedrock": "CLAUDE_CODE_USE_BEDROCK",
    "mantle": "CLAUDE_CODE_USE_MANTLE",
    "vertex": "CLAUDE_CODE_USE_VERTEX",
    "foundry": "CLAUDE_CODE_USE_FOUNDRY",
    "anthropic-aws": "CLAUDE_CODE_USE_ANTHROPIC_AWS",
}
# What each provider needs before the client sends a request, as stand-ins.
NEEDS = {
    "bedrock": {"AWS_REGION": "us-east-1"},
    "mantle": {"AWS_REGION": "us-east-1"},
    "vertex": {"CLOUD_ML_REGION": "us-east5", "ANTHROPIC_VERTEX_PROJECT_ID": "remedy-stand-in"},
}
STAND_IN_URL = "https://gateway.stand-in.invalid"
STAND_IN_MODEL = "claude-haiku-4-5"
_CANDIDATES = ("1", "true", "on")
# Each rewrite rule (data_remedy.rewritten): a value it rewrites, and what goes with it.
BROKEN_BY_RULE = {
    "region-prefix": (
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        {"AWS_REGION": "us-east-1"},
    ),
}


@dataclass(frozen=True)
class Built:
    """The configuration check runs with, and what it is in words."""

    shell_env: dict[str, str]
    settings_env: dict[str, str]
    said: tuple[str, ...]  # "CLAUDE_CODE_USE_VERTEX=1", ...


def build(spec: RemedySpec, base: Mapping[str, str]) -> Built | str:
    """The configuration `[when]` describes, over `base` (a new shell's environment) with
    every Claude Code variable of the user's taken out; or why it cannot be built."""
    when = spec.when
    shell = {k: v for k, v in base.items() if not is_configuration(k)}
    built: dict[str, str] = {}
    provider = when.providers[0] if when.providers else None
    if provider in FLAGS:
        built[FLAGS[provider]] = "1"
    built.update(NEEDS.get(provider or "", {}))
    for name in when.present:
        built[name] = STAND_IN_URL if name.endswith("_BASE_URL") else "1"
    for name, pattern in when.matching:
        value = _matching(pattern)
        if value is None:
            return f"no stand-in value matches its {name} pattern {pattern}"
        built[name] = value
    in_settings: dict[str, str] = {}
    for name, place in when.set_in:
        value = built.pop(name, None) or (STAND_IN_URL if name.endswith("_BASE_URL") else "1")
        (in_settings if place == "settings" else built)[name] = value
    for name, rule in spec.rewrite[:1]:
        if rule not in BROKEN_BY_RULE:
            return f"no value is known that its rule {rule} rewrites"
        value, goes_with = BROKEN_BY_RULE[rule]
        built.update({name: value, **goes_with})
    if spec.rename and not any(old in built for old, _new in spec.rename):
        old = spec.rename[0][0]  # a rename's problem is its old name set (catalog.rename)
        built[old] = STAND_IN_MODEL if old in MODEL_VARIABLES else "1"
    for name in when.absent:
        built.pop(name, None)
    said = tuple(f"{k}={v}" for k, v in {**built, **in_settings}.items())
    return Built({**shell, **built}, in_settings, said)


def _matching(pattern: str) -> str | None:
    literal = re.sub(r"\\[sAZ]\*?|[\^$]", "", pattern).replace("\\", "")
    for candidate in (*_CANDIDATES, literal):
        if linear_regex.search(pattern, candidate):
            return candidate
    return None
