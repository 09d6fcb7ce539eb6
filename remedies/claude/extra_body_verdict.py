"""What the community's CLAUDE_CODE_EXTRA_BODY workaround is worth, in the same words wherever
it is named (list, doctor, apply). Kept apart from known_issues: `remedy list` prints it
without loading the table of known issues and what that imports."""

from __future__ import annotations

EXTRA_BODY_WORTH = "community workaround; often does not work"
EXTRA_BODY_MEASURED = (
    "with Claude Code 2.1.111, 2.1.112 and 2.1.330 the request body still carried anthropic_beta"
)
