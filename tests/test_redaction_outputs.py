"""Secrets never printed, end to end: diffs, doctor and fleet-report, through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

from remedies.engine.diffs import unified_diff
from tests.conftest import Sandbox
from tests.support import terminal

SECRET = "Sup3rSecretValue-do-not-print-9f8e7d"
TAIL = "second-line-of-the-secret-4a1b"
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but \n


# --- diffs ------------------------------------------------------------------------------


def test_a_diff_masks_every_line_of_a_value_continued_onto_later_lines() -> None:
    old = (
        f"export GITHUB_TOKEN={SECRET}\\\n{TAIL}\n"
        f'export AWS_SECRET_ACCESS_KEY="{SECRET}\n{TAIL}"\n'
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    ).encode()
    new = old.replace(b"export CLAUDE_CODE_USE_BEDROCK=1", b": # disabled: export X=1")
    diff = unified_diff(old, new, ".bashrc")
    assert SECRET not in diff and TAIL not in diff
    # The first context line is the GITHUB_TOKEN's second line: masked, its first unseen.
    assert " <redacted>\n export AWS_SECRET_ACCESS_KEY=<redacted>\n <redacted>\n" in diff
    assert "+: # disabled: export X=1\n" in diff
    created = unified_diff(None, old, ".bashrc")
    assert SECRET not in created and TAIL not in created
    assert created.count("\n") == 2 + 1 + old.count(b"\n")  # ---, +++, @@, the lines


def test_a_diff_still_shows_a_line_whose_secret_changed() -> None:
    diff = unified_diff(b"export GITHUB_TOKEN=old\n", b"export GITHUB_TOKEN=new\n", "f")
    assert "-export GITHUB_TOKEN=<redacted>\n+export GITHUB_TOKEN=<redacted>\n" in diff


def test_a_dry_run_diff_masks_a_multi_line_secret(sandbox: Sandbox) -> None:
    sandbox.write(
        ".bashrc",
        "alias ll='ls -l'\n"
        f'export GITHUB_TOKEN="{SECRET}\n{TAIL}"\n'
        f"export X=1 AWS_SESSION_TOKEN={SECRET}\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n",
    )
    for extra in ((), ("--json",)):
        result = sandbox.remedy(
            "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run", *extra
        )
        assert result.code == 0, result.stderr
        assert SECRET not in result.stdout + result.stderr
        assert TAIL not in result.stdout + result.stderr
        assert "<redacted>" in result.stdout


# --- doctor -----------------------------------------------------------------------------


def test_doctor_redacts_a_line_it_cannot_evaluate(sandbox: Sandbox) -> None:
    sandbox.write(
        ".bashrc",
        f"export AWS_REGION=us-east-1 GITHUB_TOKEN={SECRET}\n"
        f"export CLAUDE_CODE_USE_BEDROCK=1; export AWS_BEARER_TOKEN_BEDROCK={SECRET}\n"
        'export ANTHROPIC_MODEL="$(printf \x1b]0;pwned\x07\x1b[2J)"\n',
    )
    env = {"PATH": "/usr/bin:/bin"}
    human = sandbox.remedy("doctor", "--shell", "bash", env=env)
    assert human.code in (0, 1), human.stderr
    assert "(not evaluated)" in human.stdout, "the lines are shown"
    assert "AWS_REGION=us-east-1 GITHUB_TOKEN=<redacted>" in human.stdout
    assert SECRET not in human.stdout + human.stderr
    assert not CONTROL.search(human.stdout), "no escape sequence reaches the terminal"
    document = sandbox.remedy("doctor", "--shell", "bash", "--json", env=env)
    assert SECRET not in document.stdout + document.stderr
    values = [s["value"] for s in document.json()["sources"]]
    assert "export AWS_REGION=us-east-1 GITHUB_TOKEN=<redacted>" in values


# --- fleet-report -----------------------------------------------------------------------


def _reports(folder: Path) -> None:
    folder.mkdir()
    reports = {
        "h1": {
            "host": "h1\x1b]0;owned\x07\x1b[2J\x1b[31m",
            "rc": 1,
            "error": f'bash: line 3: export GITHUB_TOKEN="{SECRET}\n{TAIL}": not valid',
        },
        "h2": {
            "host": "h2\x9b2J\x7f",
            "rc": 1,
            "message": f"cannot reach https://user:{SECRET}@proxy.example/ \x1b[8mhidden",
        },
        "h3": {
            "host": "h3",
            "rc": 0,
            "changed": True,
            "claude": {"version": "2.0.1\x1b[1A\x1b[2K"},
        },
        "h4": {"host": "h4", "rc": 1, "error": f'{{"api_key": "{SECRET}"}}'},
    }
    for name, report in reports.items():
        (folder / f"{name}.json").write_text(json.dumps(report))
    (folder / "bad\x1b[31m.json").write_text("not json")
    (folder / "list.json").write_text("[1, 2]")


def test_fleet_report_prints_no_secret_and_no_control_character(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    _reports(folder)
    human = sandbox.remedy("fleet-report", str(folder))
    assert human.code == 0, human.stderr
    printed = human.stdout + human.stderr
    assert SECRET not in printed
    assert "GITHUB_TOKEN=<redacted>" in printed
    assert "https://<redacted>@proxy.example/" in printed
    assert not CONTROL.search(printed), "no escape sequence reaches the terminal"
    assert "failed 3" in printed and "h1" in printed and "h2" in printed
    assert "list.json is not a readable report" in printed

    document = sandbox.remedy("fleet-report", str(folder), "--json")
    assert document.code == 0, document.stderr
    assert SECRET not in document.stdout
    summary = document.json()
    strings = [
        *summary["errors"],
        *summary["errors"].values(),
        *summary["versions"],
        *summary["unreadable"],
        *(host for hosts in summary["outcomes"].values() for host in hosts),
    ]
    assert strings and not any(CONTROL.search(s) or "\n" in s for s in strings), strings
    assert not any(SECRET in s or TAIL in s for s in strings)
    assert sorted(summary["outcomes"]["failed"]) == ["h1", "h2", "h4"]
    assert summary["versions"] == {"claude 2.0.1": 1}


def test_a_terminal_is_not_told_a_line_that_holds_a_secret(sandbox: Sandbox) -> None:
    """doctor at a terminal names what this terminal lacks and, when it can, the line to type:
    never a line that would print a secret, whether its name or its shape says so."""
    sandbox.write(
        ".bashrc",
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "export ANTHROPIC_BEDROCK_BASE_URL=https://termS3cret@gw.example/\n"
        "export ANTHROPIC_MODEL=sk-ant-api03-modelS3cret\n",
    )
    env = {**sandbox.env, "PATH": "/usr/bin:/bin"}
    code, screen = terminal.Terminal(["doctor", "--shell", "bash"], env).finish()
    assert code == 0, screen
    assert "this terminal still has" in screen, screen
    assert "termS3cret" not in screen and "modelS3cret" not in screen, screen
    assert "https://<redacted>@gw.example/" in screen, "the value is shown, masked"
    assert "the model is pinned to <redacted>" in screen, screen
    # The same finding in JSON, where no terminal's filter stands between it and the reader.
    document = sandbox.remedy("doctor", "--shell", "bash", "--json", env={"PATH": "/usr/bin:/bin"})
    assert "modelS3cret" not in document.stdout + document.stderr
    messages = [p["message"] for p in document.json()["problems"]]
    assert any(m.startswith("the model is pinned to <redacted>") for m in messages), messages
