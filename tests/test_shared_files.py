"""Two remedies in one file (both blocks in ~/.zshenv and ~/.zshrc): each knows the other.

Reverting the older one alone must leave the newer one "in place", and reverting the rest
must give back every byte, with no file left behind that did not exist before.
"""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox, require_program

pytestmark = [pytest.mark.real_shell]

APPLY = {
    "mantle": ("apply", "mantle", "--shell", "zsh", "--region", "us-east-1", "--yes"),
    "extra-body": ("apply", "extra-body", "--shell", "zsh", "--yes"),
}
ZSHRC = "# my zshrc\nexport CLAUDE_CODE_USE_BEDROCK=1\nalias ll='ls -l'\n"


@pytest.mark.parametrize("first", ["extra-body", "mantle"])
def test_reverting_the_older_remedy_alone_keeps_the_newer_exact(
    sandbox: Sandbox, first: str
) -> None:
    require_program("zsh")
    second = next(name for name in APPLY if name != first)
    sandbox.write(".zshrc", ZSHRC)
    original = sandbox.snapshot()
    for name in (first, second):
        done = sandbox.remedy(*APPLY[name])
        assert done.code == 0, done.stderr
    status = sandbox.remedy("status", "--json").json()
    states = {f["state"] for entry in status["applied"] for f in entry["files"]}
    assert states == {"in place"}, "an apply on top is not the user's edit"
    with_both = sandbox.snapshot()

    older = sandbox.remedy("revert", first, "--yes")
    assert older.code == 0, older.stderr
    assert "edited after" not in older.stdout + older.stderr
    status = sandbox.remedy("status", "--json").json()
    assert [e["remedy"] for e in status["applied"]] == [second]
    assert {f["state"] for f in status["applied"][0]["files"]} == {"in place"}
    assert sandbox.snapshot() != with_both

    rest = sandbox.remedy("revert", "--yes")
    assert rest.code == 0, rest.stderr
    assert "edited after" not in rest.stdout + rest.stderr
    assert sandbox.snapshot() == original, "every byte back, and no file that was not there"
    assert not (sandbox.home / ".zshenv").exists()
