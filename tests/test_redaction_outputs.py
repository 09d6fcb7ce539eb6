"""Secrets never printed, end to end: diffs, doctor and fleet-report, through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from remedies.engine.diffs import unified_diff
from tests.conftest import Sandbox
from tests.support import figures, terminal

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


@pytest.mark.real_shell
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


@pytest.mark.real_shell
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


# --- secrets by their shape (issue 22, item 7) ------------------------------------------

# Each line of a start-up file: its secret, and how the line reads masked. None of these
# variables is named like a secret but the *_HEADERS ones (now secret by name): the shape
# gives each away. Every line sits next to one `apply mantle` changes, so every line is in
# the diff and the check cannot pass by the line being left out.
SHAPED_LINES = [
    (
        "hdrS3cret1",
        'export ANTHROPIC_CUSTOM_HEADERS="Authorization: Bearer sk-ant-api03-hdrS3cret1"',
        "export ANTHROPIC_CUSTOM_HEADERS=<redacted>",
    ),
    (
        "otelS3cret2",
        "export OTEL_EXPORTER_OTLP_HEADERS=x-tenant=t,api-key=otelS3cret2",
        "export OTEL_EXPORTER_OTLP_HEADERS=<redacted>",
    ),
    (
        "tokS3cret3",
        "export HTTPS_PROXY=http://tokS3cret3@proxy.example:3128",
        "export HTTPS_PROXY=http://<redacted>@proxy.example:3128",
    ),
    (
        "slashS3cret4",
        "export HTTP_PROXY=http://user:pa/slashS3cret4@proxy.example:3128",
        "export HTTP_PROXY=http://<redacted>@proxy.example:3128",
    ),
    ("dfltS3cret5", ": ${ANTHROPIC_API_KEY:=dfltS3cret5}", ": ${ANTHROPIC_API_KEY:=<redacted>"),
    (
        "xkeyS3cret6",
        "alias gw='curl -H \"X-Api-Key: xkeyS3cret6\" https://gw.example/v1'",
        "alias gw='curl -H \"X-Api-Key: <redacted>",
    ),
    (
        "bearerS3cret7",
        'export GATEWAY_AUTHZ="Bearer bearerS3cret7"',
        'export GATEWAY_AUTHZ="Bearer <redacted>"',
    ),
    (
        "YmFzaWNTM2NyZXQ4",
        "export PROXY_HEADER_VALUE='basic YmFzaWNTM2NyZXQ4'",
        "export PROXY_HEADER_VALUE='basic <redacted>'",
    ),
    ("skantS3cret9", "export GATEWAY=sk-ant-api03-skantS3cret9", "export GATEWAY=<redacted>"),
    (
        "Q7SHAPE0AWS0KEY1",
        "# rotated AKIAQ7SHAPE0AWS0KEY1 last week",
        "# rotated <redacted> last week",
    ),
    (
        "cookieS3cret11",
        "alias gwc='curl -H \"Cookie: session=cookieS3cret11\" https://gw.example'",
        "alias gwc='curl -H \"Cookie: <redacted>",
    ),
]
# A line doctor cannot evaluate is shown whole, and the value of each endpoint and profile.
DOCTOR_LINE = (
    'export AWS_PROFILE=dev ANTHROPIC_CUSTOM_HEADERS="Authorization: Bearer docS3cretA"'
    " NOTE=AKIAQ7DOCTOR00KEY222 HTTPS_PROXY=http://docS3cretB@proxy"
)
DOCTOR_SHOWN = "export AWS_PROFILE=dev ANTHROPIC_CUSTOM_HEADERS=<redacted>"
DOCTOR_URL = ("export ANTHROPIC_BEDROCK_BASE_URL=https://user:pa/urlS3cretC@gw.example/", "")
# ~/.claude/settings.json: three members before the one apply changes, the rest after it.
SHAPED_SETTINGS = {
    "ANTHROPIC_BASE_URL": "http://setTokS3cretD@gw.example/",
    "ANTHROPIC_CUSTOM_HEADERS": "x-api-key: setHdrS3cretE\nAuthorization: Bearer setS3cretF",
    "AWS_PROFILE": "AKIAQ7SETTINGS0KEY22",
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "HTTPS_PROXY": "http://user:pa/setSlashS3cretG?#@proxy.example:3128",
    "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Basic%20c2V0QmFzaWNTM2NyZXRI,x-tenant=t",
    "GATEWAY": "sk-ant-api03-setSkantS3cretI",
}
SETTINGS_SHOWN = [
    '"ANTHROPIC_BASE_URL": "http://<redacted>@gw.example/"',
    '"ANTHROPIC_CUSTOM_HEADERS": "<redacted>"',
    '"AWS_PROFILE": "<redacted>"',
    '"HTTPS_PROXY": "http://<redacted>@proxy.example:3128"',
    '"OTEL_EXPORTER_OTLP_HEADERS": "<redacted>"',
    '"GATEWAY": "<redacted>"',
]
SHAPED_SECRETS = [
    *(secret for secret, _line, _shown in SHAPED_LINES),
    "docS3cretA",
    "Q7DOCTOR00KEY222",
    "docS3cretB",
    "urlS3cretC",
    "setTokS3cretD",
    "setHdrS3cretE",
    "setS3cretF",
    "Q7SETTINGS0KEY22",
    "setSlashS3cretG",
    "c2V0QmFzaWNTM2NyZXRI",
    "setSkantS3cretI",
]


def _plant_shapes(sandbox: Sandbox) -> None:
    lines = ["export CLAUDE_CODE_USE_BEDROCK=1"]
    for _secret, line, _shown in SHAPED_LINES:
        lines += [line, "export CLAUDE_CODE_USE_BEDROCK=1"]
    lines += [DOCTOR_LINE, DOCTOR_URL[0]]
    sandbox.write(".bashrc", "\n".join(lines) + "\n")
    sandbox.write(".claude/settings.json", json.dumps({"env": SHAPED_SETTINGS}, indent=2))


def _strings(document: object) -> str:
    """Every string a JSON document holds, one a line (a diff's lines as they print)."""
    if isinstance(document, str):
        return document + "\n"
    if isinstance(document, dict):
        return "".join(_strings(k) + _strings(v) for k, v in document.items())
    if isinstance(document, list):
        return "".join(_strings(v) for v in document)
    return ""


def _leaks(printed: str) -> list[str]:
    return [s for s in SHAPED_SECRETS if s in printed]


@pytest.mark.real_shell
def test_a_secret_of_each_shape_is_never_printed(sandbox: Sandbox, tmp_path: Path) -> None:
    _plant_shapes(sandbox)
    apply = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run")
    runs = 0

    human = sandbox.remedy(*apply)
    assert human.code == 0, human.stderr
    document = sandbox.remedy(*apply, "--json")
    assert document.code == 0, document.stderr
    diffs = _strings(document.json())
    for printed in (human.stdout + human.stderr, diffs):
        runs += 1
        assert _leaks(printed) == [], printed
        for _secret, _line, shown in SHAPED_LINES:
            assert shown in printed, f"{shown!r} is not in the diff"
        for shown in SETTINGS_SHOWN:
            assert shown in printed, f"{shown!r} is not in the diff"
    assert _leaks(document.stdout) == []

    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json", env={"PATH": "/usr/bin:/bin"})
    runs += 1
    assert doctor.code == 0, doctor.stderr
    assert _leaks(doctor.stdout + doctor.stderr) == []
    values = {(s["var"], s["value"]) for s in doctor.json()["sources"]}
    assert ("AWS_PROFILE", DOCTOR_SHOWN) in {(v, s[: len(DOCTOR_SHOWN)]) for v, s in values}
    assert ("ANTHROPIC_BEDROCK_BASE_URL", "https://<redacted>@gw.example/") in values
    assert ("ANTHROPIC_BASE_URL", "http://<redacted>@gw.example/") in values
    assert ("AWS_PROFILE", "<redacted>") in values
    person = sandbox.remedy("doctor", "--shell", "bash", env={"PATH": "/usr/bin:/bin"})
    runs += 1
    assert _leaks(person.stdout + person.stderr) == [], person.stdout

    # A fleet: each host's report as the playbook's callback saves it (remedy's JSON, then
    # host, action, rc and the last line remedy printed on stderr), one host failing on each
    # line, quoting it as a shell's message does.
    folder = tmp_path / "reports"
    folder.mkdir()
    failed = [line for _secret, line, _shown in SHAPED_LINES] + [DOCTOR_LINE]
    for index, line in enumerate(failed):
        report = {**document.json(), "host": f"h{index}", "action": "apply", "rc": 1}
        report["error"] = f"remedy: error: ~/.bashrc: bash: line {index}: {line}: not valid"
        (folder / f"h{index}.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    fleet = sandbox.remedy("fleet-report", str(folder))
    fleet_json = sandbox.remedy("fleet-report", str(folder), "--json")
    runs += 2
    assert fleet.code == 0 and fleet_json.code == 0, fleet.stderr + fleet_json.stderr
    assert f"failed {len(failed)}" in fleet.stdout, fleet.stdout
    for printed in (fleet.stdout + fleet.stderr, _strings(fleet_json.json())):
        assert _leaks(printed) == [], printed
        for _secret, _line, shown in SHAPED_LINES:
            assert shown in printed, f"{shown!r} is not in the fleet report"

    # Applied for real: what status and revert say of it.
    assert sandbox.remedy(*apply[:-1], "--yes").code == 0
    for args in (("status",), ("status", "--json"), ("revert", "--dry-run", "--json")):
        result = sandbox.remedy(*args)
        runs += 1
        assert result.code == 0, result.stderr
        assert _leaks(result.stdout + result.stderr) == [], result.stdout
    figures.add("outputs checked for a secret of each shape", runs)


@pytest.mark.real_shell
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
