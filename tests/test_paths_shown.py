"""Paths are shown as `~/...` in every line meant for a person; absolute only in --json.
Every command a person runs on a home with Bedrock in a sourced file and in settings.json,
each way it ends (changes, dry run, nothing to do, an error)."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox
from tests.support import claude_client

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]


def test_no_human_line_shows_the_home_as_an_absolute_path(sandbox: Sandbox) -> None:
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n. ~/.config/shell/claude.sh\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".config/shell/claude.sh", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    sandbox.write(
        ".claude/settings.json",
        '{\n  "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "DISABLE_PROMPT_CACHING": "1"}\n}\n',
    )
    home = str(sandbox.home)
    bash = ("--shell", "bash")
    runs = [
        ("doctor", *bash),
        ("list",),
        ("status",),
        ("apply", "mantle", *bash, "--region", "eu-west-1", "--dry-run"),
        ("apply", "mantle", *bash, "--region", "eu-west-1", "--yes"),
        ("apply", "mantle", *bash, "--region", "eu-west-1", "--yes"),  # nothing to do
        ("apply", "prompt-caching-off", *bash, "--yes"),
        ("status",),
        ("verify", *bash),
        ("doctor", *bash),
        ("revert", "--dry-run"),
        ("revert", "--yes"),
        ("apply", "extra-body", "--value", "[1]", "--yes"),  # an error
        ("apply", "auto", *bash, "--dry-run"),
    ]
    for args in runs:
        done = sandbox.remedy(*args)
        said = done.stdout + done.stderr
        lines = [line for line in said.splitlines() if home in line]
        assert not lines, (args, lines)
    # --json keeps the absolute paths a program needs.
    assert home in sandbox.remedy("doctor", *bash, "--json").stdout
