"""End to end with the real Claude Code 2.1.111: Bedrock switched on only in
~/.claude/settings.json (a shell-only fix would change nothing), `remedy apply mantle`,
and the client's requests go to Mantle with no anthropic_beta in the body."""

from __future__ import annotations

from pathlib import Path

import pytest

from remedies.verify.standin import StandIn
from tests.conftest import Sandbox
from tests.support import claude_client

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]


@pytest.fixture(scope="module")
def claude() -> Path:
    return claude_client.install()


def test_settings_only_bedrock_is_fixed_by_mantle(sandbox: Sandbox, claude: Path) -> None:
    settings = sandbox.write(
        ".claude/settings.json", '{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  }\n}\n'
    )
    original = settings.read_bytes()
    with StandIn() as standin:

        def new_shell_asks() -> claude_client.Asked:
            return claude_client.ask(claude, standin, sandbox.shell_env("bash"), sandbox.home)

        before = new_shell_asks()
        assert before.endpoint == "bedrock" and before.body_betas
        assert before.code == 1 and "invalid beta flag" in before.stdout

        applied = sandbox.remedy(
            "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"
        )
        assert applied.code == 0, applied.stderr
        after = new_shell_asks()
        assert after.endpoint == "mantle", after
        assert not after.body_betas
        assert after.code == 0 and after.stdout.strip() == "Hello!"

        assert sandbox.remedy("revert", "--yes").code == 0
        assert settings.read_bytes() == original
        again = new_shell_asks()
        assert again.endpoint == "bedrock" and again.code == 1


def test_a_shell_only_fix_would_not_have_been_enough(sandbox: Sandbox, claude: Path) -> None:
    """The measurement behind editing settings: settings env beats the shell's."""
    sandbox.write(".claude/settings.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    sandbox.write(".bashrc", "unset CLAUDE_CODE_USE_BEDROCK\nexport CLAUDE_CODE_USE_MANTLE=1\n")
    with StandIn() as standin:
        asked = claude_client.ask(claude, standin, sandbox.shell_env("bash"), sandbox.home)
    assert asked.endpoint == "bedrock" and asked.code == 1


def test_on_mantle_an_unpinned_model_is_haiku_and_model_pins_opus(
    sandbox: Sandbox, claude: Path
) -> None:
    """Why mantle warns about an unpinned model and offers --model (measured, 2.1.111)."""
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    with StandIn() as standin:
        assert (
            sandbox.remedy(
                "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"
            ).code
            == 0
        )
        unpinned = claude_client.ask(
            claude, standin, sandbox.shell_env("bash"), sandbox.home, model=None
        )
        assert unpinned.endpoint == "mantle"
        assert set(unpinned.models) == {"anthropic.claude-haiku-4-5"}
        assert sandbox.remedy("revert", "--yes").code == 0

        pin = ("--model", "anthropic.claude-opus-4-7")
        assert (
            sandbox.remedy(
                "apply", "mantle", "--shell", "bash", "--region", "us-east-1", *pin, "--yes"
            ).code
            == 0
        )
        pinned = claude_client.ask(
            claude, standin, sandbox.shell_env("bash"), sandbox.home, model=None
        )
        assert pinned.endpoint == "mantle" and pinned.code == 0
        assert "anthropic.claude-opus-4-7" in pinned.models
