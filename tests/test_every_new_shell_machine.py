"""/etc/profile.d on an IT-managed Linux machine (issue 24, item 2): a login bash reads it
through /etc/profile, so Claude Code started from a login shell reaches bedrock-runtime.
doctor must say affected and name the file's line; apply must read the region on the next
line and fix every kind of new shell. The file is written at its real path, as root, in a
machine of the test's own (tests.support.private_machine); remedy runs for a throwaway
user, as a fleet host runs it, so the user's shells (not root's) say file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.accounts import throwaway_user
from tests.support.private_machine import in_private_machine

pytestmark = [pytest.mark.real_shell, pytest.mark.root]

DROP_IN = Path("/etc/profile.d/remedy-test-claude.sh")


def test_a_profile_d_file_is_judged_named_and_its_region_read(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if not in_private_machine(request, tmp_path):
        return
    DROP_IN.write_text(
        "# managed by IT\nexport CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"
    )
    with throwaway_user() as user:
        user.write(".bashrc", b"alias ll='ls -l'\n")
        before = {p.name: p.read_bytes() for p in user.home.iterdir() if p.is_file()}
        env = {"SHELL": "/bin/bash"}

        doc = user.remedy("doctor", "--json", "--shell", "bash", env=env).json()
        assert doc["affected"] is True, doc["judged"]
        bad = [row["shell"] for row in doc["judged"] if row["affected"]]
        assert bad == ["login bash"], doc["judged"]
        winner = next(
            s for s in doc["sources"] if s["var"] == "CLAUDE_CODE_USE_BEDROCK" and s["effective"]
        )
        assert (winner["path"], winner["line"]) == (str(DROP_IN), 2), winner

        applied = user.remedy("apply", "mantle", "--yes", "--shell", "bash", env=env)
        assert applied.code == 0, applied.stderr
        assert f"AWS region eu-west-1, from {DROP_IN}:3" in applied.stdout, applied.stdout
        after = user.remedy("doctor", "--json", "--shell", "bash", env=env).json()
        assert after["affected"] is False, after["judged"]
        assert DROP_IN.read_bytes().startswith(b"# managed by IT"), "root's file untouched"

        assert user.remedy("revert", "--yes", env=env).code == 0
        now = {p.name: p.read_bytes() for p in user.home.iterdir() if p.is_file()}
        assert now == before
