"""apply honours a remedy file's [when] (issue 25): where it holds in no kind of new shell the
user may start, apply changes nothing, exits 0 and names the condition that failed; --force
applies it anyway; a remedy applied before goes on as usual ("already in place")."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

# A gateway fix a platform engineer would write for Vertex hosts only.
VERTEX_FIX = """\
name = "vertex-gateway-betas"
summary = "Turn experimental betas off for Claude Code on Vertex behind our gateway"
worth = "configuration fix"

[when]
provider = ["vertex"]
absent = ["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"]

[what]
set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1" }
"""
BEDROCK = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n"
VERTEX = (
    "export CLAUDE_CODE_USE_VERTEX=1\nexport CLOUD_ML_REGION=us-east5\n"
    "export ANTHROPIC_VERTEX_PROJECT_ID=my-project\n"
)


def home(sandbox: Sandbox, bashrc: str) -> None:
    sandbox.write(".bashrc", bashrc)
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write("fixes/vertex-fix.toml", VERTEX_FIX)


def apply(sandbox: Sandbox, *more: str) -> tuple[int, dict[str, object]]:
    path = str(sandbox.home / "fixes/vertex-fix.toml")
    result = sandbox.remedy("apply", path, "--shell", "bash", "--yes", "--json", *more)
    assert "Traceback" not in result.stderr, result.stderr
    return result.code, result.json()


def test_a_vertex_fix_on_a_bedrock_home_changes_nothing(sandbox: Sandbox) -> None:
    home(sandbox, BEDROCK)
    before = sandbox.snapshot()
    code, doc = apply(sandbox)
    assert code == 0 and doc["changed"] is False, doc
    assert doc["not_needed"] == (
        "Claude Code's provider here is bedrock, not vertex "
        "(in every new shell judged: bash, login bash)"
    ), doc
    assert sandbox.snapshot() == before
    person = sandbox.remedy(
        "apply", str(sandbox.home / "fixes/vertex-fix.toml"), "--shell", "bash", "--yes"
    )
    assert person.code == 0, person.stderr
    assert person.stdout.startswith("vertex-gateway-betas is not needed here: Claude Code's")
    assert "nothing was changed (--force applies it anyway)" in person.stdout
    assert sandbox.remedy("status", "--json").json()["applied"] == []


def test_force_applies_it_anyway(sandbox: Sandbox) -> None:
    home(sandbox, BEDROCK)
    code, doc = apply(sandbox, "--force")
    assert code == 0 and doc["changed"] is True and doc["not_needed"] is None, doc
    assert sandbox.shell_env("bash")["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"] == "1"


def test_on_a_vertex_home_it_applies_and_a_rerun_is_already_in_place(sandbox: Sandbox) -> None:
    home(sandbox, VERTEX)
    code, doc = apply(sandbox)
    assert code == 0 and doc["changed"] is True, doc
    assert sandbox.shell_env("bash")["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"] == "1"
    # Its [when] no longer holds (the variable is set now), but it was applied: a re-run
    # finds its lines in place instead of calling it not needed.
    code, doc = apply(sandbox)
    assert code == 0 and doc["changed"] is False and doc["not_needed"] is None, doc


def test_bad_input_still_comes_first(sandbox: Sandbox) -> None:
    """Where it is not needed, a wrong option is still exit 2 with one line."""
    home(sandbox, BEDROCK)
    result = sandbox.remedy("apply", "vertex-region-missing", "--vertex-region", "Mars", "--yes")
    assert result.code == 2 and "Mars" in result.stderr, result.stderr


def test_the_shells_named_are_the_ones_judged(sandbox: Sandbox) -> None:
    """A login sh gets Vertex from ~/.profile while bash gets Bedrock: `--shell sh` is judged
    in sh (it used to be judged in bash alone, and said "not needed")."""
    sandbox.write(".bashrc", BEDROCK)
    sandbox.write(".bash_profile", ". ~/.bashrc\n")
    sandbox.write(".profile", VERTEX)
    sandbox.write("fixes/vertex-fix.toml", VERTEX_FIX)
    path = str(sandbox.home / "fixes/vertex-fix.toml")
    done = sandbox.remedy("apply", path, "--shell", "sh", "--yes", "--json")
    assert done.code == 0 and done.json()["not_needed"] is None, done.stdout + done.stderr
    assert done.json()["changed"] is True


def test_a_folder_that_turns_bedrock_on_does_not_make_the_home_not_needed(
    sandbox: Sandbox,
) -> None:
    """The home's shells are on Vertex; run from a project whose .claude/settings.json turns
    Bedrock on, apply still fixes the home (it serves every folder), unless --project."""
    home(sandbox, VERTEX)
    project = sandbox.home / "proj"
    sandbox.write("proj/.claude/settings.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}\n')
    path = str(sandbox.home / "fixes/vertex-fix.toml")
    done = sandbox.remedy("apply", path, "--shell", "bash", "--yes", "--json", cwd=project)
    assert done.code == 0 and done.json()["changed"] is True, done.stdout + done.stderr


def test_reverting_a_remedy_file_that_was_never_applied_here_is_nothing_to_do(
    sandbox: Sandbox,
) -> None:
    """A fleet's revert reaches the hosts where the file was not needed: nothing to revert,
    exit 0 (it was "unknown remedy", exit 2)."""
    home(sandbox, BEDROCK)
    before = sandbox.snapshot()
    path = str(sandbox.home / "fixes/vertex-fix.toml")
    done = sandbox.remedy("revert", path, "--yes", "--json")
    assert done.code == 0, done.stdout + done.stderr
    assert sandbox.snapshot() == before
