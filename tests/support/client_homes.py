"""The home of a user whose new shells run the real client: the set-up real-client tests
share (a `.bashrc` that puts `claude` first on PATH and exports the configuration under test,
a `.profile` that reads it, so a login shell gets the same, and settings where given)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Sandbox

BEDROCK = ("CLAUDE_CODE_USE_BEDROCK=1", "AWS_REGION=us-east-1")
VERTEX = (
    "CLAUDE_CODE_USE_VERTEX=1",
    "CLOUD_ML_REGION=us-east5",
    "ANTHROPIC_VERTEX_PROJECT_ID=my-project-123",
)
BEDROCK_IN_SETTINGS = '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'


def client_home(
    sandbox: Sandbox,
    claude: Path,
    *exports: str,
    settings: str | None = None,
    login: bool = True,
) -> Sandbox:
    """`exports` ("NAME=value", written as they are) after `claude`'s folder on PATH;
    `login`: a `.profile` that reads `.bashrc`; `settings`: `~/.claude/settings.json`."""
    lines = "".join(f"export {line}\n" for line in exports)
    sandbox.write(".bashrc", f"export PATH={claude.parent}:$PATH\n{lines}")
    if login:
        sandbox.write(".profile", ". ~/.bashrc\n")
    if settings is not None:
        sandbox.write(".claude/settings.json", settings)
    return sandbox


def affected_bedrock_user(sandbox: Sandbox, claude: Path) -> Sandbox:
    """The seed's user: Bedrock on in the shell and in Claude Code's settings."""
    return client_home(sandbox, claude, *BEDROCK, settings=BEDROCK_IN_SETTINGS)
