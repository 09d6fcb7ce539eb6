"""Every new shell a user may start, not one (issue 24, items 1-3): a login-only file
(~/.zprofile, ~/.bash_profile: what macOS Terminal and iTerm read), and two shells' files
(a user who moved to zsh keeps a ~/.bashrc an IDE's bash still reads). Real shells decide;
remedy runs in the test process. Before, doctor judged one kind of one shell: it said "not
affected" for each home here, apply refused for want of a region on the next line, and an
apply from bash left zsh broken while doctor and verify said all was well."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Sandbox, require_program
from tests.support import claude_client

pytestmark = [pytest.mark.real_shell]

BEDROCK = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-west-2\n"

LOGIN_ONLY = {
    # shell: (the login-only file, the kinds of new shell it reaches)
    "zsh": (".zprofile", ["login zsh"]),
    "bash": (".bash_profile", ["login bash"]),
}


def judged(doc: dict[str, object]) -> dict[str, bool]:
    rows = doc["judged"]
    assert isinstance(rows, list)
    return {row["shell"]: row["affected"] for row in rows}


@pytest.mark.parametrize("shell", sorted(LOGIN_ONLY))
def test_a_login_only_file_is_judged_and_fixed(sandbox: Sandbox, shell: str) -> None:
    login_file, reached = LOGIN_ONLY[shell]
    sandbox.write(login_file, BEDROCK)
    env = {"SHELL": require_program(shell)}
    before = sandbox.snapshot()

    doc = sandbox.remedy("doctor", "--json", env=env).json()
    assert doc["affected"] is True, doc["judged"]
    assert [label for label, bad in judged(doc).items() if bad] == reached
    problem = next(p for p in doc["problems"] if p["severity"] == "problem")
    assert problem["shells"] == reached, problem
    winners = {s["var"]: s for s in doc["sources"] if s["effective"]}
    assert winners["CLAUDE_CODE_USE_BEDROCK"]["path"].endswith(login_file), winners

    applied = sandbox.remedy("apply", "mantle", "--yes", env=env)
    assert applied.code == 0, applied.stderr
    assert f"AWS region us-west-2, from ~/{login_file}:2" in applied.stdout, applied.stdout
    after = sandbox.remedy("doctor", "--json", env=env).json()
    assert after["affected"] is False, after["judged"]
    assert set(judged(after)) >= {shell, f"login {shell}"}
    for kind in (False, True):
        got = sandbox.shell_env(shell, login=kind)
        assert got.get("CLAUDE_CODE_USE_MANTLE") == "1", (kind, got)
        assert got.get("AWS_REGION") == "us-west-2", (kind, got)
    fixed = sandbox.snapshot()
    assert sandbox.remedy("apply", "mantle", "--yes", env=env).code == 0
    assert sandbox.snapshot() == fixed, "a second apply changes nothing"
    assert sandbox.remedy("revert", "--yes", env=env).code == 0
    assert sandbox.snapshot() == before


def two_shells(sandbox: Sandbox) -> dict[str, bytes]:
    sandbox.write(".bashrc", BEDROCK)
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".zshrc", BEDROCK)
    return sandbox.snapshot()


def test_two_shells_both_judged_both_fixed(sandbox: Sandbox) -> None:
    """From bash, with Bedrock in ~/.bashrc and ~/.zshrc: doctor names both, apply fixes
    both and says so, and afterwards no kind of new shell of either is affected."""
    before = two_shells(sandbox)
    env = {"SHELL": require_program("bash")}
    doc = sandbox.remedy("doctor", "--json", env=env).json()
    assert doc["shells"][:2] == ["bash", "zsh"], doc["shells"]
    assert {"bash", "login bash", "zsh", "login zsh"} <= {
        label for label, bad in judged(doc).items() if bad
    }
    # The other shell's line is not "no effect": it is what zsh's new shells use.
    text = sandbox.remedy("doctor", env=env).stdout
    assert "~/.zshrc:1  (used in zsh, login zsh)" in text, text

    applied = sandbox.remedy("apply", "mantle", "--yes", "--json", env=env).json()
    assert applied["shells"] == ["bash", "zsh"], applied
    after = sandbox.remedy("doctor", "--json", env=env).json()
    assert after["affected"] is False, after["judged"]
    assert after["provider"] == "mantle"
    assert sandbox.shell_env("zsh").get("CLAUDE_CODE_USE_MANTLE") == "1"
    assert sandbox.remedy("revert", "--yes", env=env).code == 0
    assert sandbox.snapshot() == before


def test_shell_narrows_and_the_other_shell_stays_named(sandbox: Sandbox) -> None:
    """`--shell bash` fixes bash only; doctor then still says affected, naming zsh."""
    two_shells(sandbox)
    env = {"SHELL": require_program("bash")}
    applied = sandbox.remedy("apply", "mantle", "--yes", "--shell", "bash", env=env)
    assert applied.code == 0, applied.stderr
    doc = sandbox.remedy("doctor", "--json", env=env).json()
    assert doc["affected"] is True
    bad = {label for label, affected in judged(doc).items() if affected}
    assert bad and all("zsh" in label for label in bad), bad
    text = sandbox.remedy("doctor", env=env).stdout
    assert "(in zsh, login zsh" in text, text


def test_a_shell_without_the_problem_is_left_alone_and_named(sandbox: Sandbox) -> None:
    """fish has a config.fish of its own that does not turn Bedrock on: apply leaves it
    (switching a working shell's provider is not a fix) and says so."""
    two_shells(sandbox)
    sandbox.write(".config/fish/config.fish", "set -gx EDITOR vim\n")
    env = {"SHELL": require_program("bash")}
    applied = sandbox.remedy("apply", "mantle", "--yes", "--json", env=env).json()
    assert [item["shell"] for item in applied["left_alone"]] == ["fish"], applied
    assert applied["shells"] == ["bash", "zsh"], applied
    assert b"remedy" not in sandbox.read(".config/fish/config.fish")
    text = sandbox.remedy("apply", "mantle", "--yes", env=env).stdout
    assert "left alone: fish" in text, text


@pytest.mark.real_client
@pytest.mark.parametrize("layout", ["login-only zsh", "two shells"])
def test_verify_agrees_with_doctor_with_the_real_client(sandbox: Sandbox, layout: str) -> None:
    """The e2e pair with the real client: verify fails where doctor says affected (before:
    it exited 0 from bash while zsh still got the 400), passes once apply fixed every
    shell, and names each kind of new shell it ran."""
    claude: Path = claude_client.install()
    on_path = f"export PATH={claude.parent}:$PATH\n"
    if layout == "login-only zsh":
        sandbox.write(".zprofile", on_path + BEDROCK)
        env = {"SHELL": require_program("zsh")}
        broken = {"login zsh"}
    else:
        sandbox.write(".bashrc", on_path + BEDROCK)
        sandbox.write(".profile", ". ~/.bashrc\n")
        sandbox.write(".zshrc", on_path + BEDROCK)
        env = {"SHELL": require_program("bash")}
        broken = {"bash", "login bash", "zsh", "login zsh"}
    before = sandbox.snapshot()

    def verify() -> tuple[int, dict[str, set[str]]]:
        done = sandbox.remedy("verify", "--json", env=env)
        doc = json.loads(done.stdout)
        # A run stands for every kind of new shell with the same environment; each kind is
        # asked several models (Opus 4.7's request is the one refused).
        verdicts: dict[str, set[str]] = {}
        for run in doc["runs"]:
            for label in [run["shell"], *run["same_for"]]:
                verdicts.setdefault(label, set()).add(run["verdict"])
        return done.code, verdicts

    code, verdicts = verify()
    assert code == 1, verdicts
    assert {label for label, v in verdicts.items() if "invalid-beta-flag" in v} == broken
    assert sandbox.remedy("doctor", "--json", env=env).json()["affected"] is True
    assert sandbox.remedy("apply", "mantle", "--yes", env=env).code == 0
    code, verdicts = verify()
    assert code == 0 and broken <= set(verdicts), verdicts
    assert sandbox.remedy("revert", "--yes", env=env).code == 0
    assert sandbox.snapshot() == before


def test_another_shell_that_cannot_be_asked_is_named_not_fatal(sandbox: Sandbox) -> None:
    """A forgotten ~/.zshrc that exits (or waits) must not stop doctor or apply for a bash
    user: that shell is named as not judged, and left alone."""
    sandbox.write(".bashrc", BEDROCK)
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".zshrc", "exit 3\n")
    env = {"SHELL": require_program("bash")}
    doctor = sandbox.remedy("doctor", "--json", env=env)
    assert doctor.code == 0, doctor.stderr
    doc = doctor.json()
    assert doc["affected"] is True
    assert "zsh" in {row["shell"] for row in doc["not_judged"]}, doc["not_judged"]
    assert "not judged: zsh" in sandbox.remedy("doctor", env=env).stdout
    applied = sandbox.remedy("apply", "mantle", "--yes", "--json", env=env)
    assert applied.code == 0, applied.stderr
    left = {item["shell"]: item["why"] for item in applied.json()["left_alone"]}
    assert left["zsh"].startswith("it could not be asked"), applied.stdout
    assert sandbox.read(".zshrc") == b"exit 3\n"
    # The shell the user runs must answer: there, it is still an error.
    zsh_user = sandbox.remedy("doctor", "--shell", "zsh", env=env)
    assert zsh_user.code == 1 and "printed no environment" in zsh_user.stderr, zsh_user.stderr
