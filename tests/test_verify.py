"""`remedy verify` and `remedy apply auto` with the real Claude Code 2.1.111 from npm.

The sandbox user is an affected one: Bedrock on, Opus 4.7. The user's `claude` is the real
client, put on the PATH their shell gives (as an npm global install would be).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from remedies.verify.standin import StandIn
from tests.conftest import Sandbox, require_program
from tests.support import claude_client, figures, terminal
from tests.support.client_homes import affected_bedrock_user, client_home
from tests.support.documents import runs

VERIFY = ("verify", "--shell", "bash", "--json")


@pytest.fixture(scope="module")
def claude() -> Path:
    return claude_client.install()


@pytest.fixture
def user(sandbox: Sandbox, claude: Path) -> Sandbox:
    """Bedrock on in the shell and in Claude Code's settings; claude on the shell's PATH."""
    return affected_bedrock_user(sandbox, claude)


def verify(sandbox: Sandbox, *args: str) -> tuple[int, dict[str, object]]:
    result = sandbox.remedy(*VERIFY, *args)
    assert result.stdout, result.stderr
    doc: dict[str, object] = json.loads(result.stdout)
    return result.code, doc


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_fails_before_any_remedy(user: Sandbox) -> None:
    """Every request goes to bedrock-runtime with body betas; Opus 4.7's alone is refused,
    as the service did (the client's default, Sonnet 4.5, and the alias are answered)."""
    code, doc = verify(user)
    assert code == 1 and doc["verdict"] == "failed"
    by_model = {run["model"]: run for run in runs(doc)}
    assert set(by_model) >= {"claude-opus-4-7", "sonnet"}, by_model
    for model, run in by_model.items():
        assert run["endpoint"] == "bedrock" and run["body_betas"], run
        opus = model == "claude-opus-4-7"
        assert run["verdict"] == ("invalid-beta-flag" if opus else "ok"), run
        assert ("invalid beta flag" in str(run["output"])) is opus, run


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_passes_after_mantle(user: Sandbox) -> None:
    assert user.remedy("apply", "mantle", "--shell", "bash", "--yes").code == 0
    code, doc = verify(user)
    assert code == 0 and doc["verdict"] == "ok" and doc["applied"] == ["mantle"]
    for run in runs(doc):
        assert run["endpoint"] == "mantle" and run["body_betas"] == []
        assert run["host"] == "bedrock-mantle.us-east-1.api.aws", "the host it stood in for"
        assert run["header_betas"], "betas travel in the header"
        assert run["output"] == "Hello!"
        # No model pinned: what a plain `claude -p` asks for, named, and said in the verdict.
        assert run["model"] == "anthropic.claude-haiku-4-5 (the client's default)", run
    assert "you will get Haiku unless you pin a model" in str(doc["message"])
    pinned = user.remedy("apply", "mantle", "--shell", "bash", "--yes", "--model", "opus")
    assert pinned.code == 0, pinned.stderr
    code, doc = verify(user)
    assert code == 0 and "Haiku" not in str(doc["message"])


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_fails_after_extra_body_alone(user: Sandbox) -> None:
    assert user.remedy("apply", "extra-body", "--shell", "bash", "--yes").code == 0
    code, doc = verify(user)
    assert code == 1 and doc["verdict"] == "failed"
    assert "extra-body workaround did not remove them" in str(doc["message"])


@pytest.mark.real_shell
@pytest.mark.real_client
def test_an_upgrade_is_not_called_proven_offline(user: Sandbox) -> None:
    """At or above the fixed version the fix is on the service side: offline can't prove it."""
    code, doc = verify(user, "--fixed-version", "2.1.111")
    assert code == 1 and doc["verdict"] == "unproven"
    assert "--live" in str(doc["message"])


@pytest.mark.real_shell
@pytest.mark.real_client
def test_human_output_names_endpoint_betas_and_verdict(user: Sandbox) -> None:
    result = user.remedy("verify", "--shell", "bash")
    assert result.code == 1
    assert (
        "endpoint bedrock" in result.stdout and "in the body: interleaved-thinking" in result.stdout
    )
    assert "verdict    failed" in result.stdout
    # What to run, on a line of its own under the label (issue 26: commands never wrapped).
    assert "  next\n                 remedy apply mantle\n" in result.stdout, result.stdout


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_auto_keeps_the_first_remedy_that_verifies(user: Sandbox) -> None:
    original = user.snapshot()
    result = user.remedy(
        "apply", "auto", "--shell", "bash", "--prefer", "extra-body", "--yes", "--json"
    )
    assert result.code == 0, result.stderr
    doc = result.json()
    tried = [
        (t["remedy"], t.get("verified"), t.get("reverted"))
        for t in doc["tried"]
        if t.get("applied")
    ]
    assert tried == [("extra-body", False, True), ("mantle", True, None)]
    assert doc["verified"] == "mantle"
    status = user.remedy("status", "--json").json()
    assert [a["remedy"] for a in status["applied"]] == ["mantle"], "extra-body was reverted"
    assert b"CLAUDE_CODE_EXTRA_BODY" not in user.read(".bashrc")
    assert verify(user)[0] == 0
    assert user.remedy("revert", "--yes").code == 0
    assert user.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_auto_dry_run_changes_nothing(user: Sandbox) -> None:
    original = user.snapshot()
    result = user.remedy("apply", "auto", "--shell", "bash", "--dry-run")
    assert result.code == 0, result.stderr
    assert "1. mantle" in result.stdout and "extra-body" in result.stdout
    assert "+++" not in result.stdout, "the plan, not diffs"
    assert user.snapshot() == original


@pytest.mark.real_shell  # doctor's verdict asks the real shells
def test_apply_auto_when_nothing_is_wrong(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "auto", "--shell", "bash", "--yes")
    assert result.code == 0
    assert "nothing to fix" in result.stdout


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.every_client_run_real
def test_settings_pointing_outside_are_redirected_to_the_stand_in(user: Sandbox) -> None:
    user.write(
        ".claude/settings.json",
        json.dumps(
            {
                "env": {
                    "CLAUDE_CODE_USE_BEDROCK": "1",
                    "ANTHROPIC_BEDROCK_BASE_URL": "https://bedrock-runtime.example.com",
                    "AWS_BEARER_TOKEN_BEDROCK": "secret-token",
                },
                "apiKeyHelper": "touch ~/HELPER_RAN",
                "hooks": {
                    "SessionStart": [
                        {"hooks": [{"type": "command", "command": "touch ~/HOOK_RAN"}]}
                    ]
                },
            }
        ),
    )
    code, doc = verify(user)
    assert code == 1
    assert runs(doc)[0]["endpoint"] == "bedrock", "the request reached the stand-in"
    assert not list(user.home.rglob("*_RAN")), "no helper or hook of the user's ran"


@pytest.mark.real_client
@pytest.mark.real_shell
def test_managed_settings_that_force_an_endpoint_are_refused(user: Sandbox) -> None:
    managed = Path(user.env["REMEDY_SYSTEM_ROOT"]) / "etc/claude-code/managed-settings.json"
    managed.parent.mkdir(parents=True)
    managed.write_text('{"env": {"ANTHROPIC_BEDROCK_BASE_URL": "https://gateway.example.com"}}')
    result = user.remedy("verify", "--shell", "bash")
    assert result.code == 1
    assert "cannot be redirected" in result.stderr and "nothing was sent" in result.stderr


_CONNECT = re.compile(
    r"connect\(\d+, \{sa_family=(AF_INET6?)[^}]*?"
    r"(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")"
)


# The homes the loopback trace judges: the seed's Bedrock user; a user with no provider
# (an OAuth login the probe does not get: it gets a stand-in key); a gateway user. With a
# key, 2.1.111 also asks api.anthropic.com whether metrics are enabled, whatever its
# ANTHROPIC_BASE_URL says (found by review): only the probe's proxy keeps that here.
LOOPBACK_HOMES = {
    "bedrock": ((), 1, "invalid beta flag"),
    "first-party": ((), 0, "Hello"),
    "gateway": (
        ("ANTHROPIC_BASE_URL=https://gw.example.com", "ANTHROPIC_AUTH_TOKEN=t0ken"),
        0,
        "Hello",
    ),
}


@pytest.mark.real_client
@pytest.mark.slow
@pytest.mark.parametrize("kind", LOOPBACK_HOMES)
def test_a_probe_connects_to_nothing_but_loopback(
    sandbox: Sandbox, claude: Path, tmp_path: Path, kind: str
) -> None:
    """Every connect(2) of remedy, the shells and the client, traced: loopback only."""
    exports, code, said = LOOPBACK_HOMES[kind]
    if kind == "bedrock":
        affected_bedrock_user(sandbox, claude)
    else:
        client_home(sandbox, claude, *exports)
    strace = require_program("strace")
    log = tmp_path / "connect.log"

    done = subprocess.run(
        [
            strace,
            "-f",
            "-qq",
            "-e",
            "trace=connect",
            "-o",
            str(log),
            sys.executable,
            "-m",
            "remedies",
            "verify",
            "--shell",
            "bash",
        ],
        env=sandbox.env,
        cwd=sandbox.home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert said in done.stdout, "the client really ran and was answered"
    addresses = [m.group(2) or m.group(3) for m in _CONNECT.finditer(log.read_text())]
    assert addresses, "strace saw the client connect to the stand-in"
    outside = [
        a for a in addresses if not (a.startswith("127.") or a in ("::1", "::ffff:127.0.0.1"))
    ]
    assert outside == []


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("hello", "ok"),
        ("beta", "invalid-beta-flag"),
        ("denied", "auth"),
        ("missing-model", "model"),
        ("closed", "network"),
    ],
)
def test_live_outcomes_are_classified(
    sandbox: Sandbox, claude: Path, answer: str, outcome: str
) -> None:
    """--live runs the user's claude exactly as configured; here "the service" is a stand-in
    (AWS itself cannot run here), answering each way the real one can."""
    rejection = {
        "beta": (400, b'{"message":"invalid beta flag"}', {"Content-Type": "application/json"}),
        "denied": (
            403,
            b'{"message":"The security token included in the request is invalid."}',
            {"Content-Type": "application/json"},
        ),
        "missing-model": (
            404,
            b'{"message":"The provided model identifier is invalid."}',
            {"Content-Type": "application/json"},
        ),
    }.get(answer)
    with StandIn(reject_body_beta=answer != "hello", rejection=rejection) as standin:
        url = "http://127.0.0.1:9" if answer == "closed" else standin.url
        sandbox.write(
            ".bashrc",
            f"export PATH={claude.parent}:$PATH\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
            f"export AWS_REGION=us-east-1\nexport ANTHROPIC_BEDROCK_BASE_URL={url}\n"
            "export CLAUDE_CODE_SKIP_BEDROCK_AUTH=1\n"
            "export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n",
        )
        result = sandbox.remedy("verify", "--live", "--shell", "bash", "--json", "--timeout", "60")
    doc = json.loads(result.stdout)
    assert doc["outcome"] == outcome, doc
    assert result.code == (0 if outcome == "ok" else 1)


@pytest.mark.real_client
@pytest.mark.slow
def test_ctrl_c_during_apply_auto_takes_back_what_it_applied(user: Sandbox) -> None:
    """SIGINT at any moment of `apply auto --yes`: either it finished, or exit 130 and the
    home is exactly as before (what this run applied was taken back), and the message says
    so. Never "nothing changed" while a remedy stays applied."""
    original = user.snapshot()
    outcomes = []
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "remedies", "apply", "auto", "--shell", "bash", "--yes"],
            env=user.env,
            cwd=user.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=300)
        applied = [a["remedy"] for a in user.remedy("status", "--json").json()["applied"]]
        outcomes.append(process.returncode)
        if process.returncode == -signal.SIGINT:
            # Python itself was still starting (a loaded machine): nothing was read yet; or
            # it was ending, the run done (seen on a loaded machine: the signal landed in
            # the interpreter's shutdown). Either way nothing half-done and no message.
            assert applied in ([], ["mantle"]), (applied, err)
            if applied:
                assert user.remedy("revert", "--yes").code == 0
            assert user.snapshot() == original
        elif process.returncode == 130:
            assert "interrupted" in err and "nothing was changed" in err, err
            assert applied == [], f"{applied} left applied after: {err}"
            assert user.snapshot() == original
        else:
            assert process.returncode == 0, (delay, process.returncode, _out, err)
            assert applied == ["mantle"]
            assert user.remedy("revert", "--yes").code == 0
            assert user.snapshot() == original
    assert 130 in outcomes, "no interrupt landed mid-run: the test proved nothing"


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.slow
def test_ctrl_c_at_every_step_of_apply_auto_takes_back_what_it_applied(user: Sandbox) -> None:
    """SIGINT at each step of `apply auto --yes` in turn (REMEDY_INTERRUPT_AT sends the real
    signal there): exit 130, "nothing was changed", and the home exactly as before, nothing
    applied and no temp file left; or, past the last step, the run done. The timed test above
    once landed between two renames and left .bashrc new and .profile old."""
    original = user.snapshot()
    for point in range(1, 40):
        run = user.remedy(
            "apply", "auto", "--shell", "bash", "--yes", env={"REMEDY_INTERRUPT_AT": str(point)}
        )
        if run.code == 0:
            assert point > 8, "the run passed too few steps to mean anything"
            figures.add("Ctrl-C at each step of apply auto", point - 1)
            assert user.remedy("revert", "--yes").code == 0
            assert user.snapshot() == original
            return
        assert run.code == 130, (point, run.stderr)
        assert "nothing was changed" in run.stderr, (point, run.stderr)
        applied = user.remedy("status", "--json").json()["applied"]
        assert applied == [], (point, applied, run.stderr)
        assert user.snapshot() == original, (point, run.stderr)
    pytest.fail("apply auto never completed")


@pytest.mark.real_shell
@pytest.mark.real_client
def test_a_person_sees_what_verify_is_doing(user: Sandbox) -> None:
    """No silent seconds: a line per shell asked and per claude run, on the terminal's
    stderr; none of it in --json's stdout."""
    _code, screen = terminal.Terminal(["verify", "--shell", "bash"], user.env).finish()
    assert "asking a new bash what it gets..." in screen, screen
    assert "running your claude in a new bash" in screen, screen
    piped = user.remedy("verify", "--shell", "bash", "--json")
    assert "running your claude" not in piped.stdout + piped.stderr
    json.loads(piped.stdout)


@pytest.mark.real_shell
@pytest.mark.real_client
def test_a_terminal_that_still_has_bedrock_is_named_by_verify_and_doctor(user: Sandbox) -> None:
    """After a fix, new shells are right; the terminal the person typed in is not, and
    `claude` there still fails. verify and doctor say so, with the lines that fix it."""
    assert user.remedy("apply", "mantle", "--shell", "bash", "--yes").code == 0
    stale = {**user.env, "CLAUDE_CODE_USE_BEDROCK": "1"}
    code, screen = terminal.Terminal(["verify", "--shell", "bash"], stale).finish()
    # New shells are fixed, but `claude` typed in this terminal still gets the 400: no "ok"
    # while the shell verify was typed into is broken (issue 24, item 9; exit 0 before).
    assert code == 1, screen
    assert "Claude Code typed in this terminal would fail" in screen, screen
    # The label column is as wide as "this terminal", the widest row (issue 26).
    assert "next          open a new terminal" in screen, screen
    said = "this terminal still has CLAUDE_CODE_USE_BEDROCK=1, CLAUDE_CODE_USE_MANTLE unset"
    assert said in screen, screen
    assert "or run:\r\n" in screen and "    unset CLAUDE_CODE_USE_BEDROCK\r\n" in screen, screen
    assert "    export CLAUDE_CODE_USE_MANTLE=1\r\n" in screen, screen
    code, screen = terminal.Terminal(["doctor", "--shell", "bash"], stale).finish()
    assert said in screen, screen
    assert re.search(r"this terminal\s+CLAUDE_CODE_USE_BEDROCK=1", screen), screen
    # A terminal that started after the fix has nothing to say.
    fresh = {**user.env, **user.shell_env("bash")}
    fresh = {k: fresh[k] for k in fresh if k not in {"PWD", "SHLVL", "_", "OLDPWD"}}
    _code, screen = terminal.Terminal(["doctor", "--shell", "bash"], fresh).finish()
    assert "this terminal still has" not in screen, screen
    # Not at a terminal: no terminal to speak of, and JSON says so.
    doc = json.loads(user.remedy("doctor", "--shell", "bash", "--json", env=stale).stdout)
    assert doc["this_terminal"] is None


@pytest.mark.real_client
def test_apply_auto_at_a_terminal_shows_what_changes_as_apply_does(user: Sandbox) -> None:
    """The diff of the remedy tried first and its notes come before the question; the files
    now changed are listed after it, and no note is said twice."""
    at = terminal.Terminal(["apply", "auto", "--shell", "bash"], user.env)
    assert at.wait_for(b"[y/N]"), at.screen
    at.type(b"y\n")
    code, screen = at.finish()
    assert code == 0, screen
    question = screen.index("[y/N]")
    assert screen.index("+++ ~/.bashrc") < question
    assert screen.index("note: AWS region us-east-1") < question
    assert re.search(r"modified\s+~/\.bashrc: block added", screen[question:]), screen
    assert screen.count("note: AWS region us-east-1") == 1, screen


def test_apply_auto_refuses_an_unknown_region_before_writing(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "auto", "--region", "eu-west-99", "--yes")
    assert result.code == 2
    assert "did you mean 'eu-west-3'" in result.stderr
    assert list(sandbox.home.iterdir()) == [], "no state folder, lock or backup"


@pytest.mark.real_client
def test_ctrl_c_while_verify_runs_claude(user: Sandbox) -> None:
    """Ctrl-C typed while the real claude runs: 130, one line of its own, no traceback."""
    at = terminal.Terminal(["verify", "--shell", "bash"], user.env)
    assert at.wait_for(b"running your claude"), at.screen
    at.type(b"\x03")
    code, screen = at.finish()
    assert code == 130, screen
    assert "\r\nremedy: error: interrupted" in screen and "Traceback" not in screen, screen
