"""What the command-line tests share: a planted ~/.bashrc and what a clean error looks like."""

from __future__ import annotations

BASHRC = ".bashrc"
PLANTED = b"alias ll='ls -l'\nexport CLAUDE_CODE_USE_BEDROCK=1\n"


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
