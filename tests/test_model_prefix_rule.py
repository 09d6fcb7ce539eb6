"""The region-prefix rule (claude.model_ids.fit_to_region), against what Claude Code 2.1.111
does itself (its cli.js maps us-* but us-gov-* to us, eu-* to eu, ap-* to apac, anything else
to global, and swaps or adds the prefix the same way), and its properties: a rewritten id fits
its region, and rewriting again changes nothing (so apply is idempotent)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remedies.claude.model_ids import fit_to_region, fits_region, geography

REGIONS = st.sampled_from(
    ["us-east-1", "us-west-2", "us-gov-west-1", "eu-west-1", "eu-central-2", "ap-northeast-1",
     "ap-southeast-2", "ca-central-1", "sa-east-1", "me-central-1"]
)  # fmt: skip
PREFIXES = st.sampled_from(["", "us.", "eu.", "apac.", "global.", "jp.", "arn:aws:bedrock:x::"])
MODELS = st.sampled_from(
    ["anthropic.claude-opus-4-7", "anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-opus-4-7"]
)


@pytest.mark.parametrize(
    ("model", "region", "wanted"),
    [
        ("us.anthropic.claude-opus-4-7", "eu-west-1", "eu.anthropic.claude-opus-4-7"),
        ("eu.anthropic.claude-opus-4-7", "ap-northeast-1", "apac.anthropic.claude-opus-4-7"),
        ("anthropic.claude-opus-4-7", "us-east-2", "us.anthropic.claude-opus-4-7"),
        ("us.anthropic.claude-opus-4-7", "ca-central-1", "global.anthropic.claude-opus-4-7"),
        ("us.anthropic.claude-opus-4-7", "us-gov-west-1", "global.anthropic.claude-opus-4-7"),
        ("us.anthropic.claude-opus-4-7", "us-west-2", None),
        ("global.anthropic.claude-opus-4-7", "eu-west-1", None),
        ("arn:aws:bedrock:eu-west-1:1:inference-profile/us.anthropic.x", "eu-west-1", None),
        ("claude-opus-4-7", "eu-west-1", None),  # not a Bedrock id: not ours to change
        ("us.anthropic.claude-opus-4-7", None, None),  # no region: the fix is a region
    ],
)
def test_the_rule_on_ids_people_pin(model: str, region: str | None, wanted: str | None) -> None:
    assert fit_to_region(model, region) == wanted


@given(PREFIXES, MODELS, REGIONS)
def test_a_rewritten_id_fits_and_is_not_rewritten_again(
    prefix: str, model: str, region: str
) -> None:
    pinned = prefix + model
    new = fit_to_region(pinned, region)
    settled = pinned if new is None else new
    assert fit_to_region(settled, region) is None
    if new is not None:
        assert fits_region(new, region)
        assert new.startswith(f"{geography(region)}.")
        assert new.endswith(model)
