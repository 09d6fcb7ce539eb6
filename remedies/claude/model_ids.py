"""Model ids on Mantle: `anthropic.<model>`, never a Bedrock inference-profile id.

bedrock-runtime accepts cross-region inference profiles such as `us.anthropic.claude-opus-4-7`
or `global.anthropic.claude-opus-4-7`; Mantle rejects them with a 400 naming the model
(docs/claude-code.md, "Model id forms"), so a pinned id in that form must be rewritten when
switching to Mantle.
"""

from __future__ import annotations

import re

# Geography prefixes of Bedrock cross-region inference profiles.
_PROFILE_PREFIX = re.compile(r"(?:us|us-gov|eu|apac|ap|jp|au|ca|global)\.(?=anthropic\.)")


def mantle_model_id(model: str) -> str | None:
    """The Mantle form of `model`, or None when it needs no change."""
    match = _PROFILE_PREFIX.match(model.strip())
    return model.strip()[match.end() :] if match else None


def is_opus_4_7(model: str | None) -> bool:
    return model is not None and "opus-4-7" in model


# Bedrock inference-profile geographies, as Claude Code 2.1.111 maps a region to one (its
# cli.js: us-* but us-gov-* -> us, eu-* -> eu, ap-* -> apac, anything else -> global) and the
# prefixes it recognises on a model id.
_GEOGRAPHIES = ("us", "eu", "apac", "global")


def geography(region: str) -> str:
    """The inference-profile prefix Claude Code uses for models in `region`."""
    if region.startswith("us-") and not region.startswith("us-gov-"):
        return "us"
    if region.startswith("eu-"):
        return "eu"
    if region.startswith("ap-"):
        return "apac"
    return "global"


def profile_prefix(model: str) -> str | None:
    """The geography prefix of a Bedrock model id (an ARN's last part counts), if any."""
    last = model.rsplit("/", 1)[-1] if model.startswith("arn:") else model
    return next((g for g in _GEOGRAPHIES if last.startswith(f"{g}.anthropic.")), None)


def fit_to_region(model: str, region: str | None) -> str | None:
    """The id Claude Code itself would use in `region`, or None when `model` fits already.

    A `us.`/`eu.`/`apac.` profile from another geography gets this region's prefix (the
    client does the same to its own defaults); a bare `anthropic.` id on bedrock-runtime gets
    one too ("on-demand throughput isn't supported"). `global.` profiles work everywhere and
    ARNs name their region themselves: both are left alone, as is any id when no region is
    known (the fix then is a region, not a prefix)."""
    model = model.strip()
    if not region or model.startswith("arn:"):
        return None
    wanted = geography(region.strip())
    prefix = profile_prefix(model)
    if prefix in ("global", wanted):
        return None
    if prefix is not None:
        return f"{wanted}.{model[len(prefix) + 1 :]}"
    return f"{wanted}.{model}" if model.startswith("anthropic.") else None


def fits_region(model: str, region: str) -> bool:
    """Whether a model id Claude Code sent is one the region serves (by its prefix)."""
    prefix = profile_prefix(model)
    return prefix in (None, "global", geography(region))
