"""A person at a terminal, or no one: the diff and the question, consent, colour, this
terminal's stale environment, Ctrl-C and end of input.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Sandbox
from tests.support import terminal
from tests.support.cli import BASHRC, PLANTED, no_traceback


@pytest.mark.real_shell
def test_no_colour_when_piped_or_with_no_color(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    for env in ({}, {"NO_COLOR": "1"}):
        result = sandbox.remedy(
            "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run", env=env
        )
        assert "\x1b[" not in result.stdout + result.stderr


@pytest.mark.real_shell
@pytest.mark.parametrize(("answer", "code"), [(b"n\n", 1), (b"y\n", 0)])
@pytest.mark.parametrize("command", ["apply", "revert"])
def test_piped_output_at_a_terminal_still_shows_the_diff_and_asks(
    sandbox: Sandbox, answer: bytes, code: int, command: str
) -> None:
    """`remedy apply mantle | tee apply.log`: a person is at the terminal (stdin), so the
    diff and the question reach them there (stderr), and nothing changes without a yes."""
    sandbox.write(BASHRC, PLANTED)
    apply = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    if command == "revert":
        assert sandbox.remedy(*apply, "--yes").code == 0
    before = sandbox.snapshot()
    args = apply if command == "apply" else ["revert"]
    status, screen = terminal.answer(args, sandbox.env, answer, piped=True)
    assert "+++ ~/.bashrc" in screen and "[y/N]" in screen, screen
    assert status == code
    assert (sandbox.snapshot() != before) == (code == 0)


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "args",
    [
        ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "extra-body", "--shell", "bash"],
        ["apply", "auto", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "upgrade"],
        ["revert"],
        ["revert", "mantle"],
    ],
)
def test_with_no_one_to_ask_nothing_changes_without_yes(sandbox: Sandbox, args: list[str]) -> None:
    """A script, cron or an IDE task has no terminal to say yes at: a change needs --yes,
    and without it the command is refused before anything is written."""
    sandbox.write(BASHRC, PLANTED)
    if args[0] == "revert":
        applied = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
        assert sandbox.remedy(*applied).code == 0
    before = sandbox.snapshot()
    state = sorted(p.relative_to(sandbox.home) for p in sandbox.home.rglob("*"))
    result = sandbox.remedy(*args)
    assert result.code == 2, result.stdout + result.stderr
    no_traceback(result.stderr)
    assert "--yes" in result.stderr and "--dry-run" in result.stderr
    assert sandbox.snapshot() == before
    assert sorted(p.relative_to(sandbox.home) for p in sandbox.home.rglob("*")) == state, (
        "no state folder, lock or backup for a refused run"
    )
    assert sandbox.remedy(*args, "--dry-run").code != 2, "a dry run needs no consent"


def test_json_at_a_terminal_asks_on_stderr_and_keeps_stdout_the_document(
    sandbox: Sandbox,
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--json"]
    at = terminal.Terminal(args, sandbox.env, piped=True)
    assert at.wait_for(b"[y/N]"), at.screen
    at.type(b"y\n")
    code, screen = at.finish()
    assert at.process.stdout is not None
    document = json.loads(at.process.stdout.read())
    assert code == 0, screen
    assert "+++ ~/.bashrc" in screen
    assert document["changed"] is True


@pytest.mark.parametrize(("answer", "code"), [(b"n\n", 1), (b"y\n", 0)])
def test_on_a_terminal_it_shows_the_diff_and_asks(
    sandbox: Sandbox, answer: bytes, code: int
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    status, screen = terminal.answer(args, sandbox.env, answer)
    assert "+++ ~/.bashrc" in screen and "[y/N]" in screen
    assert status == code
    if code:
        # Saying no is a choice, not a failure: said plainly, without "error:".
        assert "nothing changed: you said no" in screen and "error" not in screen
    changed = sandbox.read(BASHRC) != PLANTED
    assert changed == (code == 0)


def test_colour_on_a_terminal(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    env = {k: v for k, v in sandbox.env.items() if k != "NO_COLOR"}
    _status, screen = terminal.answer(args, env, b"n\n")
    assert "\x1b[32m+" in screen, "added lines are green on a terminal"
    _status, screen = terminal.answer(args, {**env, "NO_COLOR": "1"}, b"n\n")
    assert "\x1b[" not in screen


@pytest.mark.real_shell
def test_apply_at_a_terminal_says_this_terminal_is_stale(sandbox: Sandbox) -> None:
    """New shells get the change; the terminal remedy ran in does not, and `claude` there
    still fails. Said plainly, with the exact lines for the user's shell."""
    sandbox.write(BASHRC, PLANTED)
    env = {**sandbox.env, "CLAUDE_CODE_USE_BEDROCK": "1"}
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    code, screen = terminal.Terminal(args, env).finish()
    assert code == 0, screen
    assert "this terminal still has CLAUDE_CODE_USE_BEDROCK=1" in screen
    # Each line of the fix a command of its own, on a line of its own (issue 26).
    lines = [line.strip() for line in screen.replace("\r", "").splitlines()]
    assert "unset CLAUDE_CODE_USE_BEDROCK" in lines, screen
    assert "export CLAUDE_CODE_USE_MANTLE=1" in lines, screen
    # A narrow window: the line wraps at its width, hanging under its label.
    sandbox.remedy("revert", "--yes")
    code, screen = terminal.Terminal(args, env, columns=60).finish()
    assert code == 0, screen
    lines = screen.replace("\r", "").splitlines()
    assert max(len(line) for line in lines) <= 60, screen
    assert any(line.startswith("      CLAUDE_CODE") for line in lines), screen
    # Not a terminal (a script, Ansible): nothing to say about one.
    again = sandbox.remedy("revert", "--yes")
    assert again.code == 0
    piped = sandbox.remedy(*args, env={"CLAUDE_CODE_USE_BEDROCK": "1"})
    assert piped.code == 0 and "this terminal" not in piped.stdout + piped.stderr


def test_what_should_change_the_users_mind_comes_before_the_question(sandbox: Sandbox) -> None:
    """extra-body's caveat is shown with the diff, before [y/N], not after the yes."""
    sandbox.write(BASHRC, PLANTED)
    status, screen = terminal.answer(
        ["apply", "extra-body", "--shell", "bash"], sandbox.env, b"y\n"
    )
    assert status == 0, screen
    question = screen.index("[y/N]")
    caveat = screen.index("Prefer")
    assert caveat < question, screen
    assert screen.count("Prefer") == 1, "said once, before the question"


def test_json_on_a_pty_is_the_document_alone(sandbox: Sandbox) -> None:
    """Ansible over `ssh -tt` runs remedy on a pty that merges stderr into stdout: with
    --json, no progress line may come before the document."""
    sandbox.write(BASHRC, PLANTED)
    code, screen = terminal.Terminal(["doctor", "--shell", "bash", "--json"], sandbox.env).finish()
    assert code == 0, screen
    assert screen.startswith("{"), screen[:300]
    json.loads(screen)
    _code, screen = terminal.Terminal(["doctor", "--shell", "bash"], sandbox.env).finish()
    assert screen.startswith("asking a new bash what it gets..."), "progress without --json"


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "args",
    [
        ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "auto", "--shell", "bash", "--region", "us-east-1"],
        ["revert"],
    ],
)
def test_ctrl_c_at_the_question_changes_nothing(sandbox: Sandbox, args: list[str]) -> None:
    sandbox.write(BASHRC, PLANTED)
    if args == ["revert"]:
        applied = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
        assert sandbox.remedy(*applied).code == 0
    before = sandbox.snapshot()
    at = terminal.Terminal(args, sandbox.env)
    assert at.wait_for(b"[y/N]"), at.screen
    at.type(b"\x03")
    code, screen = at.finish()
    assert code == 130, screen
    # On a line of its own, not after the ^C the terminal echoed.
    assert "\r\nremedy: error: interrupted at the question; nothing changed" in screen, screen
    assert "Traceback" not in screen
    assert sandbox.snapshot() == before


@pytest.mark.parametrize("moment", [1, 3])
def test_ctrl_c_mid_apply_leaves_the_home_as_it_was(sandbox: Sandbox, moment: int) -> None:
    """Ctrl-C while new shells are asked: before the change (the 1st shell asked), or while
    the change is being checked (the 3rd): exit 130, and nothing stays changed."""
    sandbox.write(BASHRC, PLANTED)
    before = sandbox.snapshot()
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    at = terminal.Terminal(args, sandbox.env)
    asked = at.wait_for(b"asking a new", count=moment)
    at.type(b"\x03")
    code, screen = at.finish()
    if not asked or code == 0:
        # It finished first (a fast machine): then it must have done the whole job.
        assert code == 0, screen
        assert sandbox.remedy("revert", "--yes").code == 0
        pytest.skip("apply finished before the interrupt landed")
    assert code == 130, screen
    assert "\r\nremedy: error: interrupted" in screen and "Traceback" not in screen, screen
    assert sandbox.snapshot() == before, screen
    assert sandbox.remedy("status", "--json").json()["applied"] == []


@pytest.mark.parametrize(("keys", "code"), [(b"\x04", 1), (b"maybe\nyes\n", 0)])
def test_end_of_input_is_no_and_a_stray_answer_is_asked_again(
    sandbox: Sandbox, keys: bytes, code: int
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    status, screen = terminal.answer(args, sandbox.env, keys)
    assert status == code, screen
    if code == 1:
        assert "nothing changed: you said no" in screen and sandbox.read(BASHRC) == PLANTED
    else:
        assert "Please answer y or n." in screen and sandbox.read(BASHRC) != PLANTED
