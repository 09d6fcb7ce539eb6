"""Revert says what happened (issue 26): with nothing applied it says so, exit 0, before it
asks anything (it asked for --yes without a terminal); and each file's line says what became
of it: put back as it was, removed because remedy created it, or remedy's lines taken out
with the user's later edits kept (each was "restored")."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

BEDROCK = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n"


@pytest.mark.parametrize("names", [(), ("extra-body",)])
def test_nothing_applied_is_said_before_anything_is_asked(
    sandbox: Sandbox, names: tuple[str, ...]
) -> None:
    sandbox.write(".bashrc", BEDROCK)
    done = sandbox.remedy("revert", *names)  # no --yes, no terminal
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("nothing to revert:"), done.stdout
    assert done.stderr == ""


def test_each_file_says_what_became_of_it(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", BEDROCK)
    assert sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes").code == 0
    done = sandbox.remedy("revert", "--yes", "--json").json()
    said = {f["path"]: f["summary"] for f in done["files"]}
    assert said == {
        str(sandbox.home / ".bashrc"): "put back as it was",
        str(sandbox.home / ".profile"): "removed (remedy created it)",
    }, said
    assert sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes").code == 0
    with (sandbox.home / ".bashrc").open("a") as bashrc:
        bashrc.write("alias ll='ls -l'\n")
    person = sandbox.remedy("revert", "--yes")
    assert "~/.bashrc: remedy's lines taken out, your later edits kept" in person.stdout
