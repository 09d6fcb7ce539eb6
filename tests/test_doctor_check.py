"""`remedy doctor --check`, the compliance contract an MDM's detection script runs (issue 27):
it changes nothing, and its exit code is the answer: 0 nothing to fix, 1 a remedy applies,
2 bad usage, 3 cannot tell; with --json, one line of JSON."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.conftest import Sandbox, require_program
from tests.support import claude_client
from tests.support.client_homes import BEDROCK, client_home

pytestmark = [pytest.mark.real_shell]


def checked(sandbox: Sandbox, *more: str) -> tuple[int, dict[str, Any]]:
    before = sandbox.snapshot()
    done = sandbox.remedy("doctor", "--check", "--json", "--shell", "bash", *more)
    assert sandbox.snapshot() == before, "a check changes nothing"
    assert "Traceback" not in done.stderr, done.stderr
    (line,) = done.stdout.splitlines()  # one line of JSON
    doc = json.loads(line)
    assert doc["exit"] == done.code, doc
    return done.code, doc


def test_no_claude_is_cannot_tell(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "".join(f"export {line}\n" for line in BEDROCK))
    code, doc = checked(sandbox)
    assert (code, doc["state"], doc["why"]) == (
        3,
        "cannot tell",
        "no claude on the PATH a new shell gets",
    ), doc


@pytest.mark.real_client
def test_a_broken_home_needs_a_remedy_and_a_fixed_one_is_compliant(sandbox: Sandbox) -> None:
    client_home(sandbox, claude_client.install(), *BEDROCK)
    code, doc = checked(sandbox)
    assert code == 1 and doc["state"] == "needs a remedy", doc
    assert doc["remedies"][0] == "mantle" and "invalid-beta-flag" in doc["problems"], doc
    person = sandbox.remedy("doctor", "--check", "--shell", "bash")
    assert person.stdout.startswith("needs a remedy: mantle"), person.stdout
    pin = ("--model", "anthropic.claude-opus-4-7")
    assert sandbox.remedy("apply", "mantle", *pin, "--shell", "bash", "--yes").code == 0
    code, doc = checked(sandbox)
    assert (code, doc["state"], doc["remedies"]) == (0, "compliant", []), doc


def test_bad_usage_is_exit_2(sandbox: Sandbox) -> None:
    done = sandbox.remedy("doctor", "--check", "--shell", "zhs")
    assert done.code == 2 and done.stdout == "", done.stdout + done.stderr


@pytest.mark.slow
def test_a_start_up_file_that_waits_is_cannot_tell(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nsleep 60\n")
    code, doc = checked(sandbox)
    assert code == 3 and doc["state"] == "cannot tell", doc
    assert "it was running ~/.bashrc:2: sleep 60" in str(doc["why"]), doc


def test_a_secret_a_start_up_file_prints_is_masked(sandbox: Sandbox) -> None:
    """A start-up file that fails after printing a secret: the why goes to an MDM's console
    and inventory, masked (found by review: it went as it was)."""
    secret = "sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    sandbox.write(".bashrc", f"echo ANTHROPIC_API_KEY={secret} >&2\nexit 4\n")
    code, doc = checked(sandbox)
    assert code == 3 and "printed no environment" in str(doc["why"]), doc
    assert secret[:20] not in str(doc["why"]), doc
    person = sandbox.remedy("doctor", "--shell", "bash")
    assert secret[:20] not in person.stdout + person.stderr


def test_an_env_file_that_is_not_there_is_bad_usage(sandbox: Sandbox) -> None:
    """A mistyped --env-file passed the check as compliant (found by review)."""
    done = sandbox.remedy("doctor", "--check", "--shell", "bash", "--env-file", "/nope.env")
    assert done.code == 2 and done.stdout == "", done.stdout + done.stderr
    assert done.stderr.strip() == "remedy: error: --env-file /nope.env: no such file"


def test_a_home_that_is_not_there_is_named(sandbox: Sandbox) -> None:
    """Shells start in the home: without one, the why blamed the shell's program."""
    gone = sandbox.home / "gone"
    done = sandbox.remedy("doctor", "--check", "--shell", "bash", env={"HOME": str(gone)})
    assert done.code == 3, done.stdout + done.stderr
    assert done.stdout.strip() == (
        f"cannot tell: the home {gone} is not a folder here, so no new shell can start"
    ), done.stdout


def test_a_damaged_state_is_cannot_tell(sandbox: Sandbox) -> None:
    """remedy's journal damaged: the remediation would stop at it, so the check cannot tell
    (it passed as compliant: found by review); and a home with no state gets none made."""
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    code, doc = checked(sandbox)
    assert not (sandbox.home / ".local").exists(), "a check writes nothing"
    sandbox.write(".local/state/remedy/journal.json", "garbage\n")
    (sandbox.home / ".local/state/remedy").chmod(0o700)
    (sandbox.home / ".local/state/remedy/journal.json").chmod(0o600)
    code, doc = checked(sandbox)
    assert code == 3 and "journal" in str(doc["why"]) and "damaged" in str(doc["why"]), doc


def test_a_folder_remedy_cannot_read_is_cannot_tell() -> None:
    """An OSError inside doctor (its state folder made by root in the user's home, mode 700)
    was the general failure, exit 1, which here means "needs a remedy" (found by review)."""
    from remedies.commands.doctor_check import Compliance, answer

    def unreadable() -> Any:
        raise PermissionError(13, "Permission denied", "/home/u/.local/state/remedy")

    checked = answer(unreadable, "mantle")
    assert checked.state is Compliance.CANNOT_TELL
    assert checked.state.exit_code == 3
    assert checked.why == "/home/u/.local/state/remedy: Permission denied"


@pytest.mark.real_shell
def test_a_relative_path_entry_is_not_searched_here(sandbox: Sandbox) -> None:
    """`.` in a new shell's PATH is the folder that shell will run in: doctor, run in
    another folder, must not run (nor judge) a `claude` it finds there."""
    elsewhere = sandbox.home.parent / "elsewhere"
    elsewhere.mkdir()
    planted = elsewhere / "claude"
    planted.write_text(f"#!/bin/sh\ntouch {elsewhere}/ran\necho '2.1.100 (Claude Code)'\n")
    planted.chmod(0o755)
    sandbox.write(".bashrc", "export PATH=.:$PATH\nexport CLAUDE_CODE_USE_BEDROCK=1\n")
    done = sandbox.remedy(
        "doctor", "--check", "--shell", "bash", env={"PATH": "/usr/bin:/bin"},
        cwd=elsewhere, process=True,
    )  # fmt: skip
    assert not (elsewhere / "ran").exists(), done.stdout + done.stderr
    assert done.code == 3, done.stdout + done.stderr


@pytest.mark.real_shell
def test_asking_ksh_leaves_no_history(sandbox: Sandbox) -> None:
    """An interactive ksh writes the probe's command to ~/.sh_history: an MDM's hourly check
    grew it without end (found by review). doctor, apply and revert leave no history."""
    require_program("ksh")
    sandbox.write(".kshrc", "HISTSIZE=500\nexport CLAUDE_CODE_USE_BEDROCK=1\n")
    sandbox.write(".profile", "export ENV=$HOME/.kshrc\n")
    before = sandbox.snapshot()
    env = {"SHELL": shutil.which("ksh") or "ksh"}
    for args, code in (
        (("doctor", "--check", "--shell", "ksh"), 3),  # no claude here: cannot tell
        (("apply", "mantle", "--shell", "ksh", "--region", "us-east-1", "--yes"), 0),
        (("revert", "--yes"), 0),
    ):
        done = sandbox.remedy(*args, env=env)
        assert done.code == code, (args, done.stdout, done.stderr)
    assert not (sandbox.home / ".sh_history").exists()
    assert sandbox.snapshot() == before
