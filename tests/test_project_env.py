"""Per-folder environments count (issue 24, items 9 and 10): a project's direnv `.envrc`,
mise's `[env]` and Claude Code's project settings files, judged in the folder remedy runs in,
with real shells, real direnv and the real Claude Code 2.1.111.

Before: doctor named the `.envrc`, `apply mantle` said done, and `remedy verify` typed in that
very folder (even in a shell direnv had loaded) exited 0 while `claude` there got the 400;
apply's note for a project settings file named a key the file does not set.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sandbox, require_program
from tests.support import claude_client, terminal
from tests.support.documents import runs

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"
PROJECT = "work/proj"
ENVRC = f"~/{PROJECT}/.envrc"
LOCAL = f"~/{PROJECT}/.claude/settings.local.json"
MISE = f"~/{PROJECT}/.mise.toml"
# Read as data, never run: were it run, this file would appear.
ENVRC_TEXT = (
    "# the project's AWS account\n"
    'touch "$HOME/ENVRC_RAN"\n'
    "export CLAUDE_CODE_USE_BEDROCK=1\n"
    "export AWS_REGION=us-west-2\n"
)


@pytest.fixture(scope="module")
def claude() -> Path:
    return claude_client.install()


@pytest.fixture
def home(sandbox: Sandbox, claude: Path) -> Sandbox:
    """A user whose shells are already on Mantle (claude on PATH), and a project folder."""
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\nexport AWS_REGION=us-east-1\n"
        "export CLAUDE_CODE_USE_MANTLE=1\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.path(PROJECT).mkdir(parents=True)
    return sandbox


def direnv(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[bytes]:
    executable = require_program("direnv")
    return subprocess.run(
        [executable, *args],
        env=sandbox.env,
        cwd=sandbox.path(PROJECT),
        capture_output=True,
        timeout=30,
        check=True,
    )


def direnv_exports(sandbox: Sandbox) -> dict[str, str]:
    """What a shell in the project has once direnv's hook ran: `direnv exec` (the test runs
    the .envrc; remedy never does)."""
    dump = direnv(sandbox, "exec", ".", "env", "-0").stdout
    found = dict(item.split("=", 1) for item in dump.decode().split("\0") if "=" in item)
    assert found.get("DIRENV_FILE", "").endswith(".envrc"), found.keys()
    return found


@pytest.fixture
def envrc(home: Sandbox) -> Sandbox:
    home.write(f"{PROJECT}/.envrc", ENVRC_TEXT)
    direnv(home, "allow", ".")
    assert not home.path("ENVRC_RAN").exists(), "`direnv allow` does not run it"
    return home


def remedy_json(sandbox: Sandbox, *args: str) -> tuple[int, dict[str, Any]]:
    result = sandbox.remedy(*args, "--json", cwd=sandbox.path(PROJECT))
    assert result.stdout, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return result.code, doc


# --- direnv ---------------------------------------------------------------------------------


@pytest.mark.real_shell
@pytest.mark.real_client
def test_doctor_in_an_envrc_folder_is_affected_and_names_it(envrc: Sandbox) -> None:
    code, doc = remedy_json(envrc, "doctor", "--shell", "bash")
    assert code == 0 and doc["affected"] is True, doc
    problems = " ".join(str(p["message"]) for p in doc["problems"])
    assert f"{ENVRC}:3" in problems and BEDROCK in problems, problems
    commands = [r["command"] for r in doc["recommendations"]]
    assert "remedy apply mantle --project" in commands, commands
    assert not envrc.path("ENVRC_RAN").exists(), "the .envrc was run"


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_in_an_envrc_folder_fails_and_names_it(envrc: Sandbox) -> None:
    code, doc = remedy_json(envrc, "verify", "--shell", "bash")
    assert code == 1 and doc["verdict"] == "failed", doc
    here = [r for r in runs(doc) if ENVRC in str(r["shell"])]
    assert here and all(r["endpoint"] == "bedrock" for r in here), runs(doc)
    assert ENVRC in str(doc["message"]), doc["message"]
    assert not envrc.path("ENVRC_RAN").exists(), "the .envrc was run, not read"
    # Outside the folder the same user's shells are on Mantle: verify there is fine.
    outside = envrc.remedy("verify", "--shell", "bash", "--json")
    assert outside.code == 0, outside.stdout


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_without_project_says_this_folder_is_not_fixed(envrc: Sandbox) -> None:
    result = envrc.remedy("apply", "mantle", "--shell", "bash", "--yes", cwd=envrc.path(PROJECT))
    assert result.code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert f"{ENVRC}:3 sets {BEDROCK}=1" in said, said
    assert "apply did not fix this folder" in said and "--project" in said, said
    code, doc = remedy_json(envrc, "verify", "--shell", "bash")
    assert code == 1 and ENVRC in str(doc["message"]), doc


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_project_fixes_the_envrc_and_verify_agrees(envrc: Sandbox) -> None:
    original = envrc.snapshot()
    done = envrc.remedy(
        "apply", "mantle", "--shell", "bash", "--project", "--yes", cwd=envrc.path(PROJECT)
    )
    assert done.code == 0, done.stderr
    assert "did not fix" not in done.stdout, done.stdout
    code, doc = remedy_json(envrc, "verify", "--shell", "bash")
    assert code == 0 and doc["verdict"] == "ok", doc
    # Judged with the folder's .envrc too: its region is the one the client would reach.
    here = [r for r in runs(doc) if ENVRC in str(r["shell"])]
    assert here and all(r["host"] == "bedrock-mantle.us-west-2.api.aws" for r in here), runs(doc)
    # Real direnv agrees: the folder still loads (allowed) and no longer turns Bedrock on.
    loaded = direnv_exports(envrc)
    assert BEDROCK not in loaded and loaded.get("CLAUDE_CODE_USE_MANTLE") == "1", loaded
    envrc.path("ENVRC_RAN").unlink()  # direnv ran it, as it does
    assert envrc.remedy("revert", "--yes").code == 0
    assert envrc.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_a_terminal_with_direnvs_exports_is_not_ok(envrc: Sandbox) -> None:
    """Typed into a shell direnv loaded before the fix (cwd the project, its exports and
    DIRENV_FILE in the environment), verify must not say ok: `claude` there gets the 400."""
    loaded = direnv_exports(envrc)
    assert loaded[BEDROCK] == "1"
    done = envrc.remedy(
        "apply", "mantle", "--shell", "bash", "--project", "--yes", cwd=envrc.path(PROJECT)
    )
    assert done.code == 0, done.stderr
    # As `direnv exec . remedy verify` runs it (no terminal): this process is that shell.
    result = envrc.remedy(
        "verify", "--shell", "bash", "--json", env=loaded, cwd=envrc.path(PROJECT)
    )
    doc = json.loads(result.stdout)
    assert result.code == 1 and doc["verdict"] != "ok", doc
    mine = [r for r in runs(doc) if r["shell"] == "this terminal"]
    assert mine and mine[0]["endpoint"] == "bedrock", runs(doc)
    # At a real terminal: no "ok" anywhere on the screen.
    code, screen = terminal.Terminal(
        ["verify", "--shell", "bash"], loaded, cwd=envrc.path(PROJECT)
    ).finish()
    assert code == 1, screen
    assert "verdict    ok" not in screen and "this terminal" in screen, screen


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_at_a_terminal_asks_about_the_project(envrc: Sandbox) -> None:
    """Without --project, a person at a terminal is asked whether to fix this folder too."""
    at = terminal.Terminal(
        ["apply", "mantle", "--shell", "bash"], envrc.env, cwd=envrc.path(PROJECT)
    )
    assert at.wait_for(b"[y/N]"), at.screen
    assert b".envrc" in at.screen, at.screen
    at.type(b"y\n")
    assert at.wait_for(b"[y/N]", count=2), at.screen
    at.type(b"y\n")
    code, screen = at.finish()
    assert code == 0, screen
    assert b"unset CLAUDE_CODE_USE_BEDROCK" in envrc.read(f"{PROJECT}/.envrc"), screen


# --- Claude Code's project settings ------------------------------------------------------


@pytest.fixture
def local(home: Sandbox) -> Sandbox:
    home.write(
        f"{PROJECT}/.claude/settings.local.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}'
    )
    return home


@pytest.mark.real_shell
@pytest.mark.real_client
def test_project_settings_note_names_what_the_file_sets_and_project_fixes_it(
    local: Sandbox,
) -> None:
    original = local.snapshot()
    result = local.remedy("apply", "mantle", "--shell", "bash", "--yes", cwd=local.path(PROJECT))
    assert result.code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert f"{LOCAL} sets env.{BEDROCK}=1" in said, said
    assert "CLAUDE_CODE_USE_MANTLE for this project" not in said, said
    assert "apply did not fix this folder" in said, said
    code, doc = remedy_json(local, "verify", "--shell", "bash", "--model", "claude-opus-4-7")
    assert code == 1 and runs(doc)[0]["endpoint"] == "bedrock", doc
    done = local.remedy(
        "apply", "mantle", "--shell", "bash", "--project", "--yes", cwd=local.path(PROJECT)
    )
    assert done.code == 0, done.stderr
    code, doc = remedy_json(local, "verify", "--shell", "bash", "--model", "claude-opus-4-7")
    assert code == 0 and all(r["endpoint"] == "mantle" for r in runs(doc)), doc
    assert local.remedy("revert", "--yes").code == 0
    assert local.snapshot() == original


# --- mise ------------------------------------------------------------------------------------


@pytest.fixture
def mise(home: Sandbox) -> Sandbox:
    home.write(
        f"{PROJECT}/.mise.toml", '[tools]\nnode = "22"\n\n[env]\nCLAUDE_CODE_USE_BEDROCK = "1"\n'
    )
    return home


@pytest.mark.real_shell
@pytest.mark.real_client
def test_mise_env_is_judged_in_its_folder_and_named(mise: Sandbox) -> None:
    code, doc = remedy_json(mise, "doctor", "--shell", "bash")
    assert doc["affected"] is True, doc
    problems = " ".join(str(p["message"]) for p in doc["problems"])
    assert f"{MISE}:5" in problems, problems
    code, doc = remedy_json(mise, "verify", "--shell", "bash")
    assert code == 1 and MISE in str(doc["message"]), doc
    result = mise.remedy("apply", "mantle", "--shell", "bash", "--yes", cwd=mise.path(PROJECT))
    assert result.code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert f"{MISE}:5 sets {BEDROCK}=1" in said and "apply did not fix this folder" in said, said


def test_mise_env_is_read_as_mise_reads_it(sandbox: Sandbox) -> None:
    """Nearest folder wins, `false` unsets, numbers and true are strings, a template is not
    evaluated; the line is where the key is in [env]. Read in the test process: no mise."""
    from remedies.claude.project_env import folder_env, from_mise
    from remedies.context import Context

    sandbox.write(
        "work/mise.toml", '[env]\nAWS_REGION = "eu-west-1"\nCLAUDE_CODE_USE_BEDROCK = 1\n'
    )
    sandbox.write(
        f"{PROJECT}/.mise.toml",
        '[tools]\nnode = "22"\n[env]\nCLAUDE_CODE_USE_BEDROCK = false\n'
        "CLAUDE_CODE_USE_MANTLE = true\n"
        'ANTHROPIC_MODEL = "{{ env.MODEL }}"\n',
    )
    ctx = Context.from_environment(sandbox.env, sandbox.path(PROJECT))
    names = (BEDROCK, "CLAUDE_CODE_USE_MANTLE", "AWS_REGION", "ANTHROPIC_MODEL")
    found = {(s.var, s.value, s.line, Path(s.path or "").name) for s in from_mise(ctx, names)}
    assert (BEDROCK, "1", 3, "mise.toml") in found
    assert (BEDROCK, None, 4, ".mise.toml") in found
    assert ("CLAUDE_CODE_USE_MANTLE", "true", 5, ".mise.toml") in found
    here = folder_env(ctx, names)
    assert here is not None
    laid = here.over({BEDROCK: "1", "ANTHROPIC_MODEL": "claude-opus-4-7"})
    assert laid == {
        "CLAUDE_CODE_USE_MANTLE": "true",
        "AWS_REGION": "eu-west-1",
        "ANTHROPIC_MODEL": "claude-opus-4-7",
    }, laid
    assert [s.var for s in here.unread] == ["ANTHROPIC_MODEL"]


@pytest.mark.real_shell
@pytest.mark.real_client
def test_apply_auto_keeps_nothing_the_folder_undoes(envrc: Sandbox) -> None:
    """apply auto verifies in the folder it runs in: without --project mantle cannot fix the
    .envrc, so it is not kept as verified; with --project it is."""
    folder = envrc.path(PROJECT)
    left = envrc.remedy("apply", "auto", "--shell", "bash", "--yes", "--json", cwd=folder)
    assert left.json()["verified"] is None, left.stdout
    assert envrc.remedy("status", "--json").json()["applied"] == [], "each was taken back"
    done = envrc.remedy(
        "apply", "auto", "--shell", "bash", "--project", "--yes", "--json", cwd=folder
    )
    assert done.code == 0 and done.json()["verified"] == "mantle", done.stdout
