"""The test suite's replay of the real client's probe runs (tests/support/client_replay.py)
says what the real client says: a replayed verify is the real verify's, word for word (ports
aside); a home that differs in anything the client reads is run for real; a test marked
every_client_run_real has nothing replayed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.support import claude_client, figures
from tests.support.client_replay import every_run_real

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]
# One model, so one probe per verify (Opus 4.7: its request is the one refused).
VERIFY = ("verify", "--shell", "bash", "--json", "--model", "claude-opus-4-7")
REAL = "client probes run for real"
REPLAYED = "client probes replayed"


def bedrock_home(sandbox: Sandbox, claude: Path, settings: str) -> None:
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n",
    )
    sandbox.write(".claude/settings.json", settings)


def counts() -> tuple[int, int]:
    return figures.COUNTS.get(REAL, 0), figures.COUNTS.get(REPLAYED, 0)


def verified(sandbox: Sandbox) -> dict[str, object]:
    result = sandbox.remedy(*VERIFY)
    assert result.code == 1, result.stderr
    doc: dict[str, object] = json.loads(
        re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", result.stdout)
    )
    return doc


def test_a_replayed_verify_is_the_real_one(tmp_path: Path) -> None:
    """Two homes alike in all the client reads: the second verify is replayed, and says
    exactly what a real run on it says."""
    claude = claude_client.install()
    first, second = Sandbox(tmp_path / "a"), Sandbox(tmp_path / "b")
    for sandbox in (first, second):
        sandbox.home.mkdir()
        bedrock_home(sandbox, claude, '{"env": {"AWS_REGION": "eu-west-1"}}')
    with every_run_real():
        real = verified(second)
    verified(first)  # recorded (or replayed from an earlier test: either is the client's)
    before = counts()
    replayed = verified(second)
    after = counts()
    assert after[0] == before[0], "nothing ran for real"
    assert after[1] - before[1] == len(replayed["runs"]) == 1  # type: ignore[arg-type]
    assert replayed == real


def test_what_the_client_reads_differs_so_it_runs(tmp_path: Path) -> None:
    claude = claude_client.install()
    first, second = Sandbox(tmp_path / "a"), Sandbox(tmp_path / "b")
    for sandbox, region in ((first, "ap-south-1"), (second, "ap-south-2")):
        sandbox.home.mkdir()
        bedrock_home(sandbox, claude, json.dumps({"env": {"AWS_REGION": region}}))
    verified(first)
    before = counts()
    doc = verified(second)
    assert counts()[0] - before[0] == 1, "a settings file that differs: the probe is real"
    assert "ap-south-2" in json.dumps(doc)


@pytest.mark.every_client_run_real
def test_a_test_marked_every_client_run_real_has_nothing_replayed(sandbox: Sandbox) -> None:
    bedrock_home(sandbox, claude_client.install(), '{"env": {"AWS_REGION": "eu-west-1"}}')
    verified(sandbox)
    before = counts()
    verified(sandbox)
    assert counts()[1] == before[1]
    assert counts()[0] - before[0] == 1


def test_a_stand_in_that_answers_otherwise_gets_the_real_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inputs, but the stand-in now answers the same status with other words: the
    replay is refused and the client runs, so what it prints is what it would print."""
    from remedies.verify import standin

    claude = claude_client.install()
    first, second = Sandbox(tmp_path / "a"), Sandbox(tmp_path / "b")
    for sandbox in (first, second):
        sandbox.home.mkdir()
        bedrock_home(sandbox, claude, '{"env": {"AWS_REGION": "sa-east-1"}}')
    verified(first)
    monkeypatch.setattr(standin, "INVALID_BETA_BODY", b'{"message":"model not enabled"}')
    otherwise = "client probes the stand-in answered otherwise, run for real"
    before = figures.COUNTS.get(otherwise, 0)
    doc = verified(second)
    assert figures.COUNTS.get(otherwise, 0) - before == 1
    assert "model not enabled" in json.dumps(doc)
