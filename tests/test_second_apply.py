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


def test_status_lists_a_remedy_applied_twice_once(sandbox: Sandbox) -> None:
    """`apply mantle`, then verify's advice `apply mantle --model ...`: two journal entries,
    one remedy (found by review: status listed mantle twice)."""
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    assert sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes").code == 0
    pin = ("--model", "anthropic.claude-opus-4-7")
    assert sandbox.remedy("apply", "mantle", *pin, "--shell", "bash", "--yes").code == 0
    status = sandbox.remedy("status", "--json").json()
    (mantle,) = status["applied"]
    assert mantle["remedy"] == "mantle" and mantle["details"]["model"], mantle
    paths = [f["path"] for f in mantle["files"]]
    assert len(paths) == len(set(paths)) and str(sandbox.home / ".bashrc") in paths, paths
    person = sandbox.remedy("status")
    assert person.stdout.count("mantle (applied") == 1, person.stdout
