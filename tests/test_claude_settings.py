"""Claude Code's own configuration: every source kind, precedence, truthiness, settings edits
and their exact revert, managed and project settings, model ids, and redaction."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import Result, Sandbox
from tests.support import figures

pytestmark = [pytest.mark.real_shell]

SETTINGS = ".claude/settings.json"
APPLY = ("apply", "mantle", "--shell", "bash", "--yes")


def system(sandbox: Sandbox) -> Path:
    return Path(sandbox.env["REMEDY_SYSTEM_ROOT"])


def write_system(sandbox: Sandbox, relative: str, data: str) -> Path:
    path = system(sandbox) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def doctor(
    sandbox: Sandbox, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    result = sandbox.remedy("doctor", "--shell", "bash", "--json", *args, cwd=cwd, env=env)
    assert result.code == 0, result.stderr
    doc: dict[str, Any] = result.json()
    return doc


def sources_of(doc: dict[str, Any], var: str) -> list[dict[str, Any]]:
    return [s for s in doc["sources"] if s["var"] == var]


def winner(doc: dict[str, Any], var: str) -> dict[str, Any]:
    (found,) = [s for s in sources_of(doc, var) if s["effective"]]
    return found


@pytest.fixture
def project(sandbox: Sandbox, tmp_path: Path) -> Path:
    folder = tmp_path / "work" / "project"
    (folder / ".claude").mkdir(parents=True)
    return folder


def test_every_source_kind_is_found_with_its_place(sandbox: Sandbox, project: Path) -> None:
    sandbox.write(".bashrc", "# mine\nexport AWS_PROFILE=dev\n")
    sandbox.write(SETTINGS, json.dumps({"env": {"CLAUDE_CODE_USE_VERTEX": "0"}, "model": "x"}))
    (project / ".claude/settings.json").write_text('{"env": {"ANTHROPIC_SMALL_FAST_MODEL": "s"}}')
    (project / ".claude/settings.local.json").write_text('{"env": {"ANTHROPIC_MODEL": "m"}}')
    write_system(
        sandbox,
        "etc/claude-code/managed-settings.json",
        '{"env": {"CLAUDE_CODE_USE_FOUNDRY": "0"}}',
    )
    write_system(
        sandbox,
        "etc/claude-code/managed-settings.d/10-x.json",
        '{"env": {"ANTHROPIC_BASE_URL": "u"}}',
    )
    write_system(sandbox, "etc/environment", 'CLAUDE_CODE_SKIP_MANTLE_AUTH="0"\n')
    sandbox.write(".config/environment.d/50-claude.conf", "ANTHROPIC_DEFAULT_OPUS_MODEL=o\n")
    sandbox.write(
        ".aws/config", "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-north-1\n"
    )
    env_file = sandbox.write(
        "wrapper.env", "# loaded by a wrapper\nCLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1\n"
    )
    doc = doctor(
        sandbox,
        "--env-file",
        str(env_file),
        cwd=project,
        env={"CLAUDE_CODE_EXTRA_BODY": "{}"},
    )
    expected: dict[str, tuple[str, str | None, dict[str, Any]]] = {
        "AWS_PROFILE": ("shell", str(sandbox.path(".bashrc")), {"line": 2}),
        "CLAUDE_CODE_USE_VERTEX": (
            "user-settings",
            str(sandbox.path(SETTINGS)),
            {"key": "env.CLAUDE_CODE_USE_VERTEX"},
        ),
        "model": ("user-settings", str(sandbox.path(SETTINGS)), {"key": "model"}),
        "ANTHROPIC_SMALL_FAST_MODEL": (
            "project-settings",
            str(project / ".claude/settings.json"),
            {},
        ),
        "ANTHROPIC_MODEL": ("local-settings", str(project / ".claude/settings.local.json"), {}),
        "CLAUDE_CODE_USE_FOUNDRY": (
            "managed-settings",
            str(system(sandbox) / "etc/claude-code/managed-settings.json"),
            {},
        ),
        "ANTHROPIC_BASE_URL": (
            "managed-settings",
            str(system(sandbox) / "etc/claude-code/managed-settings.d/10-x.json"),
            {},
        ),
        "CLAUDE_CODE_SKIP_MANTLE_AUTH": (
            "system-environment",
            str(system(sandbox) / "etc/environment"),
            {"line": 1},
        ),
        "ANTHROPIC_DEFAULT_OPUS_MODEL": (
            "environment.d",
            str(sandbox.path(".config/environment.d/50-claude.conf")),
            {"line": 1},
        ),
        "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": ("env-file", str(env_file), {"line": 2}),
        "CLAUDE_CODE_EXTRA_BODY": ("environment", None, {}),
        "AWS_REGION": (
            "aws-config",
            str(sandbox.path(".aws/config")),
            {"key": "[profile dev] region"},
        ),
    }
    for var, (kind, path, extra) in expected.items():
        found = winner(doc, var)
        assert (found["kind"], found["path"]) == (kind, path), var
        for key, value in extra.items():
            assert found[key] == value, var
    assert winner(doc, "AWS_REGION")["value"] == "eu-north-1", "the active profile's region"


def test_precedence_follows_claude_code(sandbox: Sandbox, project: Path) -> None:
    name = "CLAUDE_CODE_USE_BEDROCK"
    layers: list[tuple[str, Callable[[], object]]] = [
        ("environment", lambda: {name: "environment"}),
        (
            "system-environment",
            lambda: write_system(sandbox, "etc/environment", f"{name}=system-environment\n"),
        ),
        (
            "environment.d",
            lambda: sandbox.write(".config/environment.d/a.conf", f"{name}=environment.d\n"),
        ),
        ("shell", lambda: sandbox.write(".bashrc", f"export {name}=first\nexport {name}=shell\n")),
        (
            "user-settings",
            lambda: sandbox.write(SETTINGS, json.dumps({"env": {name: "user-settings"}})),
        ),
        (
            "project-settings",
            lambda: (project / ".claude/settings.json").write_text(
                json.dumps({"env": {name: "project-settings"}})
            ),
        ),
        (
            "local-settings",
            lambda: (project / ".claude/settings.local.json").write_text(
                json.dumps({"env": {name: "local-settings"}})
            ),
        ),
        (
            "managed-settings",
            lambda: write_system(
                sandbox,
                "etc/claude-code/managed-settings.json",
                json.dumps({"env": {name: "managed-settings"}}),
            ),
        ),
    ]
    env: dict[str, str] = {}
    for kind, plant in layers:
        planted = plant()
        if isinstance(planted, dict):
            env.update({str(k): str(v) for k, v in planted.items()})
        doc = doctor(sandbox, cwd=project, env=env)
        best = winner(doc, name)
        assert (best["kind"], best["value"]) == (kind, kind), f"after adding {kind}"


@pytest.mark.parametrize(
    ("value", "provider"),
    [
        ("1", "bedrock"),
        ("true", "bedrock"),
        (" TRUE ", "bedrock"),
        ("yes", "bedrock"),
        ("On", "bedrock"),
        ("0", "anthropic"),
        ("false", "anthropic"),
        ("", "anthropic"),
        ("2", "anthropic"),
        ("enabled", "anthropic"),
    ],
)
def test_truthiness(sandbox: Sandbox, value: str, provider: str) -> None:
    sandbox.write(SETTINGS, json.dumps({"env": {"CLAUDE_CODE_USE_BEDROCK": value}}))
    assert doctor(sandbox)["provider"] == provider


def test_bedrock_wins_over_mantle(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_MANTLE=1\nexport CLAUDE_CODE_USE_BEDROCK=1\n")
    doc = doctor(sandbox)
    assert doc["provider"] == "bedrock"
    assert "bedrock-wins" in {p["id"] for p in doc["problems"]}


STYLES = {
    "indent 2": json.dumps(
        {
            "theme": "dark",
            "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1"},
            "permissions": {"allow": []},
        },
        indent=2,
    )
    + "\n",
    "indent 4, no final newline": json.dumps(
        {"env": {"AWS_REGION": "us-east-1", "CLAUDE_CODE_USE_BEDROCK": "1"}}, indent=4
    ),
    "tabs": json.dumps(
        {"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}, "model": "us.anthropic.claude-opus-4-7"},
        indent="\t",
    )
    + "\n",
    "one line": '{"env":{"CLAUDE_CODE_USE_BEDROCK":true},"model":"opus"}',
    "crlf and unicode": (
        '{\r\n  "env": {\r\n    "CLAUDE_CODE_USE_BEDROCK": "1",\r\n'
        '    "NOTE": "caf\u00e9 \\u00e9"\r\n  }\r\n}\r\n'
    ),
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_settings_edit_and_revert_round_trip(sandbox: Sandbox, style: str) -> None:
    original = STYLES[style]
    sandbox.write(SETTINGS, original)
    result = sandbox.remedy(*APPLY, "--region", "us-east-1", "--json")
    assert result.code == 0, result.stderr
    changed = json.loads(sandbox.read(SETTINGS))
    assert "CLAUDE_CODE_USE_BEDROCK" not in changed["env"]
    assert changed["env"]["CLAUDE_CODE_USE_MANTLE"] == "1"
    before = json.loads(original)
    assert [k for k in changed if k != "env"] == [k for k in before if k != "env"], (
        "keys kept in order"
    )
    assert doctor(sandbox)["provider"] == "mantle"
    assert sandbox.remedy(*APPLY, "--region", "us-east-1", "--json").json()["changed"] is False
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.read(SETTINGS) == original.encode()


def test_revert_keeps_settings_edited_since(sandbox: Sandbox) -> None:
    sandbox.write(SETTINGS, STYLES["indent 2"])
    assert sandbox.remedy(*APPLY, "--region", "us-east-1").code == 0
    edited = json.loads(sandbox.read(SETTINGS))
    edited["theme"] = "light"
    sandbox.write(SETTINGS, json.dumps(edited, indent=2))
    assert sandbox.remedy("revert", "--yes").code == 0
    back = json.loads(sandbox.read(SETTINGS))
    assert back["theme"] == "light"
    assert back["env"]["CLAUDE_CODE_USE_BEDROCK"] == "1"
    assert "CLAUDE_CODE_USE_MANTLE" not in back["env"]


@pytest.mark.parametrize("where", ["user", "project", "managed"])
def test_malformed_json_stops_everything(sandbox: Sandbox, project: Path, where: str) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    bad = '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1",}}'
    path = {
        "user": lambda: sandbox.write(SETTINGS, bad),
        "project": lambda: write(project / ".claude/settings.json", bad),
        "managed": lambda: write_system(sandbox, "etc/claude-code/managed-settings.json", bad),
    }[where]()
    before = sandbox.snapshot()
    result = sandbox.remedy(*APPLY, "--region", "us-east-1", "--project", cwd=project)
    assert result.code == 1
    assert "is not valid JSON" in result.stderr and "line 1 column" in result.stderr
    assert path.name in result.stderr
    assert "Traceback" not in result.stderr
    assert sandbox.snapshot() == before
    doc = sandbox.remedy("doctor", "--shell", "bash", cwd=project)
    assert doc.code == 1 and "is not valid JSON" in doc.stderr


def test_managed_settings_need_an_administrator(sandbox: Sandbox) -> None:
    managed = write_system(
        sandbox,
        "etc/claude-code/managed-settings.json",
        '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}',
    )
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    before = sandbox.snapshot()
    result = sandbox.remedy(*APPLY, "--region", "us-east-1")
    assert result.code == 1
    assert "managed-settings.json" in result.stderr and "--system" in result.stderr
    assert (
        sandbox.snapshot() == before
        and managed.read_bytes() == b'{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'
    )
    doc = doctor(sandbox)
    assert any("administrator" in p["message"] for p in doc["problems"])

    if os.geteuid() != 0:
        pytest.skip("writing managed settings with --system needs root")
    result = sandbox.remedy(*APPLY, "--region", "us-east-1", "--system")
    assert result.code == 0, result.stderr
    assert "CLAUDE_CODE_USE_BEDROCK" not in json.loads(managed.read_text())["env"]
    assert sandbox.remedy("revert", "--yes").code == 0
    assert managed.read_bytes() == b'{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'


@pytest.mark.root
def test_unwritable_managed_settings_are_refused_even_with_system(sandbox: Sandbox) -> None:
    managed = write_system(
        sandbox,
        "etc/claude-code/managed-settings.json",
        '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}',
    )
    # Not writable for this user: read-only for others, immutable (chattr +i) for root,
    # whom access(2) then refuses too.
    lock = ["chattr", "+i"] if os.geteuid() == 0 else ["chmod", "0444"]
    subprocess.run([*lock, str(managed)], check=True)
    try:
        result = sandbox.remedy(*APPLY, "--region", "us-east-1", "--system")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(managed)], check=True)
    assert result.code == 1 and "cannot write" in result.stderr
    assert managed.read_text() == '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'


def test_project_settings_change_only_with_project(sandbox: Sandbox, project: Path) -> None:
    settings = project / ".claude/settings.local.json"
    settings.write_text('{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    result = sandbox.remedy(*APPLY, "--region", "us-east-1", cwd=project)
    assert result.code == 0, result.stderr
    assert "--project" in result.stdout
    assert json.loads(settings.read_text())["env"] == {"CLAUDE_CODE_USE_BEDROCK": "1"}
    result = sandbox.remedy(*APPLY, "--region", "us-east-1", "--project", cwd=project)
    assert result.code == 0, result.stderr
    # --region was given: the file that chooses the provider gets the region too.
    assert json.loads(settings.read_text())["env"] == {
        "CLAUDE_CODE_USE_MANTLE": "1",
        "AWS_REGION": "us-east-1",
    }
    assert sandbox.remedy("revert", "--yes", cwd=project).code == 0
    assert settings.read_text() == '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'


def test_model_ids_are_rewritten_for_mantle_and_restored(sandbox: Sandbox) -> None:
    sandbox.write(
        ".bashrc",
        "export ANTHROPIC_DEFAULT_OPUS_MODEL=us.anthropic.claude-opus-4-7\n"
        "export ANTHROPIC_SMALL_FAST_MODEL=anthropic.claude-haiku-4-5\n",
    )
    original_settings = json.dumps(
        {
            "env": {
                "CLAUDE_CODE_USE_BEDROCK": "1",
                "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-7",
            },
            "model": "global.anthropic.claude-opus-4-7",
        },
        indent=2,
    )
    sandbox.write(SETTINGS, original_settings)
    original = sandbox.snapshot()
    result = sandbox.remedy(*APPLY, "--region", "eu-west-1")
    assert result.code == 0, result.stderr
    settings = json.loads(sandbox.read(SETTINGS))
    assert settings["env"]["ANTHROPIC_MODEL"] == "anthropic.claude-opus-4-7"
    assert settings["model"] == "anthropic.claude-opus-4-7"
    env = sandbox.shell_env("bash")
    assert env["ANTHROPIC_DEFAULT_OPUS_MODEL"] == "anthropic.claude-opus-4-7"
    assert env["ANTHROPIC_SMALL_FAST_MODEL"] == "anthropic.claude-haiku-4-5", "already a Mantle id"
    assert doctor(sandbox)["provider"] == "mantle"
    assert not [p for p in doctor(sandbox)["problems"] if p["id"] == "profile-model-id"]
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


def test_region_from_aws_config_is_pinned(sandbox: Sandbox) -> None:
    sandbox.write(".aws/config", "[default]\nregion = ap-southeast-2\n")
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    result = sandbox.remedy(*APPLY)
    assert result.code == 0, result.stderr
    assert "~/.aws/config" in result.stdout
    assert sandbox.shell_env("bash")["AWS_REGION"] == "ap-southeast-2"


def test_region_in_settings_is_not_pinned(sandbox: Sandbox) -> None:
    sandbox.write(SETTINGS, '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-west-2"}}')
    assert sandbox.remedy(*APPLY).code == 0
    assert b"AWS_REGION" not in sandbox.read(".bashrc")


SECRET = "Sup3rSecretValue-do-not-print-9f8e7d"
SECRET_VARS = [
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "ANTHROPIC_API_KEY",
    "MY_DB_PASSWORD",
]


def test_a_secret_planted_everywhere_never_appears_in_any_output(
    sandbox: Sandbox, project: Path
) -> None:
    lines = "".join(f"export {v}={SECRET}\n" for v in SECRET_VARS)
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n" + lines)
    sandbox.write(
        ".config/fish/config.fish", "".join(f"set -gx {v} {SECRET}\n" for v in SECRET_VARS)
    )
    env_json = {v: SECRET for v in SECRET_VARS}
    sandbox.write(
        SETTINGS, json.dumps({"env": {"CLAUDE_CODE_USE_BEDROCK": "1", **env_json}}, indent=2)
    )
    (project / ".claude/settings.json").write_text(json.dumps({"env": env_json}))
    write_system(sandbox, "etc/claude-code/managed-settings.json", json.dumps({"env": env_json}))
    write_system(sandbox, "etc/environment", lines.replace("export ", ""))
    sandbox.write(".config/environment.d/x.conf", lines.replace("export ", ""))
    env_file = sandbox.write("x.env", lines)
    sandbox.write(
        ".aws/config", f"[default]\nregion = us-east-1\naws_secret_access_key = {SECRET}\n"
    )
    env = {
        **dict.fromkeys(SECRET_VARS, SECRET),
        "ANTHROPIC_BEDROCK_BASE_URL": f"https://me:{SECRET}@proxy.example",
    }
    runs: list[Result] = [
        sandbox.remedy("doctor", "--all-shells", "--env-file", str(env_file), env=env, cwd=project),
        sandbox.remedy(
            "doctor", "--all-shells", "--json", "--env-file", str(env_file), env=env, cwd=project
        ),
        sandbox.remedy(*APPLY, "--dry-run", env=env, cwd=project),
        sandbox.remedy(*APPLY, "--dry-run", "--json", env=env, cwd=project),
        sandbox.remedy(*APPLY, "--json", env=env, cwd=project),
        sandbox.remedy("status", env=env),
        sandbox.remedy("status", "--json", env=env),
        sandbox.remedy("revert", "--dry-run", env=env),
        sandbox.remedy("revert", "--dry-run", "--json", env=env),
        sandbox.remedy("revert", "--yes", "--json", env=env),
    ]
    assert runs[1].json()["sources"], "doctor saw the sources"
    assert any("redacted" in r.stdout for r in runs)
    for run in runs:
        assert SECRET not in run.stdout + run.stderr
    # The journal names files and hashes, never their contents (backups, which hold
    # the bytes, are 0600 in a 0700 folder: test_cli_files.test_state_is_private).
    assert sandbox.remedy(*APPLY, env=env, cwd=project).code == 0
    journal = (sandbox.home / ".local/state/remedy/journal.json").read_text()
    assert SECRET not in journal
    figures.add("outputs checked for a planted secret", len(runs) + 1)


def test_doctor_without_claude_is_a_finding(sandbox: Sandbox) -> None:
    doc = doctor(sandbox, env={"PATH": "/usr/bin:/bin"})
    assert doc["claude"]["install_method"] == "missing"
    assert "claude-missing" in {p["id"] for p in doc["problems"]}


def fake_claude(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "claude"
    script.write_text(f"#!/bin/sh\necho '{version} (Claude Code)'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.parametrize(
    ("version", "affected", "first"),
    [
        ("2.1.111", True, "mantle"),
        ("2.1.112", True, "mantle"),
        ("2.1.113", False, None),
        ("2.1.129", True, "mantle"),
        ("2.1.90", True, "upgrade"),
        ("2.1.330", False, None),
    ],
)
def test_doctor_version_table(
    sandbox: Sandbox, tmp_path: Path, version: str, affected: bool, first: str | None
) -> None:
    fake_claude(tmp_path / "bin", version)
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    doc = doctor(sandbox, env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    assert doc["claude"]["version"] == version
    assert doc["affected"] is affected
    recommended = [r["remedy"] for r in doc["recommendations"]]
    assert (recommended[0] if recommended else None) == first
    if affected:
        assert recommended[-1] == "extra-body"


def test_fixed_version_is_a_setting(sandbox: Sandbox, tmp_path: Path) -> None:
    fake_claude(tmp_path / "bin", "2.1.115")
    # A region: without one the catalogue's aws-region-missing would find a problem too.
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n")
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"}
    assert doctor(sandbox, env=env)["affected"] is False
    assert doctor(sandbox, "--fixed-version", "2.1.120", env=env)["affected"] is True
    assert doctor(sandbox, env={**env, "REMEDY_FIXED_VERSION": "2.1.120"})["affected"] is True
    bad = sandbox.remedy("doctor", "--fixed-version", "soon", env=env)
    assert bad.code == 2


def test_doctor_human_output_marks_the_winner(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    sandbox.write(SETTINGS, '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    result = sandbox.remedy("doctor", "--shell", "bash", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    starred = [line for line in lines if line.strip().startswith("*")]
    assert any("settings.json" in line for line in starred)
    assert "override every shell start-up file" in result.stdout


def test_mantle_says_when_no_model_is_pinned_and_pins_one_on_request(sandbox: Sandbox) -> None:
    sandbox.write(SETTINGS, '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    result = sandbox.remedy(*APPLY, "--region", "us-east-1")
    assert result.code == 0, result.stderr
    assert "anthropic.claude-haiku-4-5" in result.stdout and "--model" in result.stdout
    assert "mantle-default-model" in {p["id"] for p in doctor(sandbox)["problems"]}
    assert sandbox.remedy("revert", "--yes").code == 0

    result = sandbox.remedy(
        *APPLY, "--region", "us-east-1", "--model", "us.anthropic.claude-opus-4-7"
    )
    assert result.code == 0, result.stderr
    assert "haiku" not in result.stdout
    settings = json.loads(sandbox.read(SETTINGS))
    assert settings["env"]["ANTHROPIC_MODEL"] == "anthropic.claude-opus-4-7"
    assert sandbox.shell_env("bash")["ANTHROPIC_MODEL"] == "anthropic.claude-opus-4-7"
    assert "mantle-default-model" not in {p["id"] for p in doctor(sandbox)["problems"]}


def test_doctor_lists_every_shells_files_but_the_users_shell_decides(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=0\n")
    sandbox.write(".config/fish/config.fish", "set -gx CLAUDE_CODE_USE_BEDROCK 1\n")
    doc = doctor(sandbox)
    found = {
        (s["shell"], s["value"], s["effective"]) for s in sources_of(doc, "CLAUDE_CODE_USE_BEDROCK")
    }
    assert found == {("bash", "0", True), ("fish", "1", False)}
    assert doc["provider"] == "anthropic"
    fish = sandbox.remedy("doctor", "--shell", "fish", "--json").json()
    assert fish["provider"] == "bedrock"


def test_doctor_finds_claude_on_the_path_a_new_shell_gets(sandbox: Sandbox) -> None:
    fake_claude(sandbox.home / "tools", "2.1.111")
    sandbox.write(".bashrc", 'export PATH="$HOME/tools:$PATH"\n')
    doc = doctor(sandbox, env={"PATH": "/usr/bin:/bin"})
    assert doc["claude"]["version"] == "2.1.111"
    assert doc["claude"]["found_on"] == "the PATH a new bash gets"
