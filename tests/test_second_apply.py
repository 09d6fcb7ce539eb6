"""A second apply changes no byte, whatever form Claude Code's settings take (issue 26: with
`"model"` pinned in ~/.claude/settings.json a second `remedy apply mantle --yes` was seen to
add `env.ANTHROPIC_MODEL`, and `remedy status` then listed mantle twice). Every settings form
a user may have: a model pin, an `env` block, both, Bedrock turned on there or not."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

FORMS = {
    "model pin": {"model": "us.anthropic.claude-opus-4-7"},
    "model alias": {"model": "opus"},
    "env pin": {"env": {"ANTHROPIC_MODEL": "us.anthropic.claude-opus-4-7"}},
    "env bedrock": {"env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1"}},
    "both": {
        "model": "us.anthropic.claude-opus-4-7-v1:0",
        "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_MODEL": "opus"},
    },
}
APPLIES = [["mantle"], ["mantle", "--model", "anthropic.claude-opus-4-7"], ["extra-body"]]


@pytest.mark.parametrize("args", APPLIES, ids=" ".join)
@pytest.mark.parametrize("form", FORMS)
def test_a_second_apply_changes_no_byte(sandbox: Sandbox, form: str, args: list[str]) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    sandbox.write(".claude/settings.json", json.dumps(FORMS[form], indent=2) + "\n")
    first = sandbox.remedy("apply", *args, "--shell", "bash", "--yes")
    assert first.code == 0, first.stdout + first.stderr
    after_first = sandbox.snapshot()
    second = sandbox.remedy("apply", *args, "--shell", "bash", "--yes", "--json")
    assert second.code == 0, second.stdout + second.stderr
    assert second.json()["changed"] is False, second.stdout
    assert sandbox.snapshot() == after_first
    status = sandbox.remedy("status", "--json").json()
    assert [entry["remedy"] for entry in status["applied"]] == [args[0]], status
