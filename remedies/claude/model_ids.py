"""Model ids on Mantle: `anthropic.<model>`, never a Bedrock inference-profile id.

bedrock-runtime accepts cross-region inference profiles such as `us.anthropic.claude-opus-4-7`
or `global.anthropic.claude-opus-4-7`; Mantle rejects them with a 400 naming the model
(FACTS.md), so a pinned id in that form must be rewritten when switching to Mantle.
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
