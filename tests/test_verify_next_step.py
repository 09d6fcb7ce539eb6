"""A failed verify's next step fits the failure (issue 25): mantle is the answer to the seed's
400 on bedrock-runtime only; on Vertex, a gateway or a remedy's own proof, doctor is."""

from __future__ import annotations

from remedies.claude.installs import ClaudeOnPath
from remedies.verify.offline import OfflineResult, ProbeRun


def failed(endpoint: str, verdict: str) -> OfflineResult:
    run = ProbeRun("bash", "claude-opus-4-7", 1, "API Error", endpoint, None, verdict=verdict)
    return OfflineResult(ClaudeOnPath(None), [run], "failed", "Claude Code would fail", [])


def test_the_seeds_400_is_sent_to_mantle() -> None:
    assert str(failed("bedrock", "invalid-beta-flag").next_step).startswith("`remedy apply mantle`")


def test_a_vertex_failure_is_not_sent_to_mantle() -> None:
    for endpoint in ("vertex", "anthropic", "bedrock"):
        step = str(failed(endpoint, "failed").next_step)
        # The command after what it does (issue 26: a command ends its sentence).
        assert "mantle" not in step and step.endswith("`remedy doctor`"), step
