"""`remedy apply upgrade` and `remedy revert upgrade`, for each way Claude Code is installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, Result, Sandbox, network_settings, require_program
from tests.support import fake_installers

UPGRADE = ("apply", "upgrade", "--yes", "--json")
NPM_CACHE = REPO / ".cache" / "npm"  # shared by the tests, so the registry is asked once


# upgrade asks the user's shell for the PATH a new terminal gets (claude.asking).
pytestmark = [pytest.mark.real_shell]


def version_of(claude: Path) -> str:
    done = subprocess.run(
        [str(claude), "--version"],
        capture_output=True,
        text=True,
        check=True,
        env={
            "HOME": "/nonexistent",
            "PATH": "/usr/bin:/bin",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        },
    )
    return done.stdout.split()[0]


def run(sandbox: Sandbox, bin_dir: Path, *args: str, extra: dict[str, str] | None = None) -> Result:
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "npm_config_cache": str(NPM_CACHE), **(extra or {})}
    return sandbox.remedy(*args, env=env, timeout=900)


@pytest.fixture
def npm_global(tmp_path: Path) -> Path:
    """The real @anthropic-ai/claude-code@2.1.111, installed globally into a temporary prefix."""
    npm = require_program("npm")
    prefix = tmp_path / "npm-global"
    subprocess.run(
        [
            npm,
            "install",
            "-g",
            "--prefix",
            str(prefix),
            "@anthropic-ai/claude-code@2.1.111",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ],
        check=True,
        capture_output=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env={
            **network_settings(),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "npm_config_cache": str(NPM_CACHE),
        },
    )
    return prefix


@pytest.mark.real_client
def test_npm_upgrade_then_nothing_then_revert(sandbox: Sandbox, npm_global: Path) -> None:
    bin_dir = npm_global / "bin"
    first = run(sandbox, bin_dir, *UPGRADE, "--to", "2.1.112")
    assert first.code == 0, first.stderr
    doc = first.json()
    assert (doc["method"], doc["from"], doc["to"], doc["changed"]) == (
        "npm",
        "2.1.111",
        "2.1.112",
        True,
    )
    assert doc["commands"][0]["exit_code"] == 0
    assert "install" in doc["commands"][0]["argv"] and "-g" in doc["commands"][0]["argv"]
    assert version_of(bin_dir / "claude") == "2.1.112"

    again = run(sandbox, bin_dir, *UPGRADE, "--to", "2.1.112")
    assert again.code == 0 and again.json()["changed"] is False

    back = run(sandbox, bin_dir, "revert", "upgrade", "--yes", "--json")
    assert back.code == 0, back.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"
    assert run(sandbox, bin_dir, "status", "--json").json()["applied"] == []


def test_already_fixed_does_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.113", latest="2.1.200")
    result = run(sandbox, bin_dir, *UPGRADE)
    assert result.code == 0 and result.json()["changed"] is False
    assert "already at or above 2.1.113" in result.json()["message"]


def test_dry_run_prints_the_command_and_runs_nothing(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.200")
    result = run(sandbox, bin_dir, "apply", "upgrade", "--dry-run")
    assert result.code == 0, result.stderr
    assert "claude update" in result.stdout and "nothing was run" in result.stdout
    assert "Would upgrade" in result.stdout
    assert version_of(bin_dir / "claude") == "2.1.111"
    doc = run(sandbox, bin_dir, "apply", "upgrade", "--dry-run", "--json").json()
    assert (doc["from"], doc["to"], doc["changed"]) == ("2.1.111", "latest", False)


def test_native_update_and_revert_with_claude_install(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    result = run(sandbox, bin_dir, *UPGRADE)
    assert result.code == 0, result.stderr
    doc = result.json()
    assert (doc["method"], doc["from"], doc["to"]) == ("native", "2.1.111", "2.1.150")
    assert doc["commands"][0]["argv"][1:] == ["update"]
    assert version_of(bin_dir / "claude") == "2.1.150"
    back = run(sandbox, bin_dir, "revert", "upgrade", "--yes")
    assert back.code == 0, back.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"


def test_from_cron_the_claude_a_new_terminal_runs_is_upgraded(sandbox: Sandbox) -> None:
    """Run with the system PATH (cron, an MDM's script, Ansible), upgrade finds the claude
    the user's ~/.bashrc puts first, as doctor does, and runs its installer; revert finds it
    the same way. Before, it said "no `claude` on PATH" where doctor had judged one."""
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    (sandbox.home / ".bashrc").write_text(f"export PATH={bin_dir}:$PATH\n")
    cron = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    result = sandbox.remedy(*UPGRADE, env=cron)
    assert result.code == 0, result.stderr
    assert (result.json()["from"], result.json()["to"]) == ("2.1.111", "2.1.150")
    assert version_of(bin_dir / "claude") == "2.1.150"
    back = sandbox.remedy("revert", "upgrade", "--yes", env=cron)
    assert back.code == 0, back.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"


def test_from_cron_a_login_shells_path_counts_too(sandbox: Sandbox) -> None:
    """Ubuntu's ~/.profile adds ~/.local/bin for login shells only: a cron run, whose
    non-login bash never reads it, must still find the claude there (found by review)."""
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    (sandbox.home / ".profile").write_text(f'PATH="{bin_dir}:$PATH"\n')
    cron = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    result = sandbox.remedy(*UPGRADE, env=cron)
    assert result.code == 0, result.stderr
    assert version_of(bin_dir / "claude") == "2.1.150"


def test_a_shell_that_cannot_answer_stops_upgrade(sandbox: Sandbox) -> None:
    """Where the user's shell cannot say which claude a new terminal runs, upgrade does not
    guess with its own PATH (it upgraded another claude and said done: found by review)."""
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    (sandbox.home / ".bashrc").write_text("kill -KILL $$\n")
    result = sandbox.remedy(
        *UPGRADE, env={"PATH": f"{bin_dir}:/usr/bin:/bin", "SHELL": "/bin/bash"}
    )
    assert result.code == 1, result.stdout + result.stderr
    assert "a new bash printed no environment" in result.stderr, result.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"


def test_a_relative_path_entry_of_a_new_shell_is_not_searched(sandbox: Sandbox) -> None:
    """`.` in the PATH a new shell gets is the folder that shell runs in: upgrade, run from
    another folder, must not run a `claude` it finds there (found by review)."""
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    elsewhere = sandbox.home.parent / "elsewhere"
    elsewhere.mkdir()
    planted = elsewhere / "claude"
    planted.write_text(f"#!/bin/sh\ntouch {elsewhere}/ran\necho '2.1.100 (Claude Code)'\n")
    planted.chmod(0o755)
    (sandbox.home / ".bashrc").write_text(f"export PATH=.:{bin_dir}:$PATH\n")
    cron = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    result = sandbox.remedy(*UPGRADE, "--dry-run", env=cron, cwd=elsewhere, process=True)
    assert result.code == 0, result.stderr
    assert result.json()["path"] == str(bin_dir / "claude"), result.stdout
    assert not (elsewhere / "ran").exists(), "a claude in the folder remedy ran from was run"


def test_native_pinned_version(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    result = run(sandbox, bin_dir, *UPGRADE, "--to", "2.1.120")
    assert result.code == 0, result.stderr
    assert result.json()["commands"][0]["argv"][1:] == ["install", "2.1.120"]
    assert version_of(bin_dir / "claude") == "2.1.120"


def test_a_version_that_did_not_move_is_a_failure(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150", stuck=True)
    result = run(sandbox, bin_dir, *UPGRADE)
    assert result.code == 1
    assert "still 2.1.111" in result.stderr and "#50044" in result.stderr
    assert run(sandbox, bin_dir, "status", "--json").json()["applied"] == [], "nothing to revert"


def test_homebrew_upgrade_and_why_it_cannot_go_back(sandbox: Sandbox, tmp_path: Path) -> None:
    bin_dir = fake_installers.homebrew(tmp_path / "homebrew", "2.1.111", latest="2.1.140")
    result = run(sandbox, bin_dir, *UPGRADE)
    assert result.code == 0, result.stderr
    assert result.json()["commands"][0]["argv"][1:] == ["upgrade", "--cask", "claude-code"]
    assert version_of(bin_dir / "claude") == "2.1.140"
    pinned = run(sandbox, bin_dir, *UPGRADE, "--to", "2.1.150")
    assert pinned.code == 2 and "leave out --to" in pinned.stderr
    back = run(sandbox, bin_dir, "revert", "upgrade", "--yes")
    assert back.code == 1 and "Homebrew keeps no older versions" in back.stderr
    assert "claude install 2.1.111" in back.stderr


def test_eacces_names_the_folder_and_never_uses_sudo(sandbox: Sandbox, tmp_path: Path) -> None:
    bin_dir = fake_installers.npm_layout(tmp_path / "usr", "2.1.111", fake_installers.NPM_EACCES)
    result = run(sandbox, bin_dir, *UPGRADE)
    assert result.code == 1
    assert f"{tmp_path / 'usr'}/lib/node_modules/@anthropic-ai is not writable" in result.stderr
    assert "npm config set prefix" in result.stderr and "native installer" in result.stderr
    assert "sudo" not in result.stderr.replace("never uses sudo", "")
    assert run(sandbox, bin_dir, "status", "--json").json()["applied"] == []


def test_missing_npm(sandbox: Sandbox, tmp_path: Path) -> None:
    bin_dir = fake_installers.npm_layout(tmp_path / "usr", "2.1.111", npm_script=None)
    result = sandbox.remedy(*UPGRADE, env={"PATH": str(bin_dir)})
    assert result.code == 1 and "npm is not on PATH" in result.stderr


def test_a_hanging_installer_times_out(sandbox: Sandbox, tmp_path: Path) -> None:
    bin_dir = fake_installers.npm_layout(tmp_path / "usr", "2.1.111", fake_installers.NPM_HANGS)
    result = run(sandbox, bin_dir, *UPGRADE, "--timeout", "2")
    assert result.code == 1 and "did not finish within 2 s" in result.stderr


def test_several_installs_the_first_is_upgraded(sandbox: Sandbox, tmp_path: Path) -> None:
    first = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    second = fake_installers.homebrew(tmp_path / "homebrew", "2.1.100", latest="2.1.140")
    result = run(sandbox, first, *UPGRADE, extra={"PATH": f"{first}:{second}:/usr/bin:/bin"})
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["method"] == "native" and len(doc["others"]) == 1 and "homebrew" in doc["others"][0]
    assert version_of(second / "claude") == "2.1.100", "the shadowed install is left alone"


@pytest.mark.real_shell
def test_clean_workarounds_after_an_upgrade(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    assert run(sandbox, bin_dir, "apply", "extra-body", "--shell", "bash", "--yes").code == 0
    result = run(sandbox, bin_dir, *UPGRADE, "--clean-workarounds")
    assert result.code == 0, result.stderr
    assert result.json()["workarounds_reverted"] == ["extra-body"]
    assert b"CLAUDE_CODE_EXTRA_BODY" not in sandbox.read(".bashrc")
    applied = [a["remedy"] for a in run(sandbox, bin_dir, "status", "--json").json()["applied"]]
    assert applied == ["upgrade"]


def test_bad_versions_are_usage_errors(sandbox: Sandbox) -> None:
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    assert run(sandbox, bin_dir, *UPGRADE, "--to", "latest-please").code == 2
    assert run(sandbox, bin_dir, *UPGRADE, "--fixed-version", "x").code == 2


def test_no_claude_at_all(sandbox: Sandbox, tmp_path: Path) -> None:
    result = sandbox.remedy(*UPGRADE, env={"PATH": str(tmp_path)})
    assert result.code == 1 and "no `claude` on PATH" in result.stderr


PIN = ("apply", "pin", "--shell", "bash", "--yes", "--json")


@pytest.mark.real_shell
@pytest.mark.real_client
def test_pin_installs_keeps_and_reverts_with_npm(sandbox: Sandbox, npm_global: Path) -> None:
    """The real client from npm: pin to another version, updates off in every new shell;
    revert puts the version before back and every byte of the start-up files."""
    bin_dir = npm_global / "bin"
    sandbox.write(".bashrc", "# my bashrc\nalias ll='ls -l'\n")
    original = sandbox.snapshot()
    dry = run(sandbox, bin_dir, "apply", "pin", "--to", "2.1.112", "--shell", "bash", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "Would install Claude Code 2.1.112 (npm)" in dry.stdout and "+export" in dry.stdout
    assert version_of(bin_dir / "claude") == "2.1.111" and sandbox.snapshot() == original

    pinned = run(sandbox, bin_dir, *PIN, "--to", "2.1.112")
    assert pinned.code == 0, pinned.stderr
    doc = pinned.json()
    assert (doc["from"], doc["to"], doc["changed"], doc["env"]["changed"]) == (
        "2.1.111",
        "2.1.112",
        True,
        True,
    )
    assert version_of(bin_dir / "claude") == "2.1.112"
    assert sandbox.shell_env("bash")["DISABLE_AUTOUPDATER"] == "1"
    again = run(sandbox, bin_dir, *PIN, "--to", "2.1.112")
    assert again.code == 0 and again.json()["changed"] is False, again.stdout

    back = run(sandbox, bin_dir, "revert", "pin", "--yes", "--json")
    assert back.code == 0, back.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"
    assert sandbox.snapshot() == original
    assert run(sandbox, bin_dir, "status", "--json").json()["applied"] == []


@pytest.mark.real_client
def test_pin_stops_before_the_installer_when_the_edit_cannot_be_made(
    sandbox: Sandbox, npm_global: Path
) -> None:
    """A ~/.bashrc remedy refuses to touch (a named pipe): the installer never runs."""
    import os

    bin_dir = npm_global / "bin"
    os.mkfifo(sandbox.home / ".bashrc")
    refused = run(sandbox, bin_dir, *PIN, "--to", "2.1.112")
    assert refused.code != 0 and "named pipe" in refused.stderr, refused.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"


def test_pin_needs_a_version(sandbox: Sandbox) -> None:
    for args in ((), ("--to", "soon")):
        refused = sandbox.remedy("apply", "pin", "--yes", *args)
        assert refused.code == 2 and "--to" in refused.stderr, refused.stderr


def test_pin_from_cron_finds_the_claude_upgrade_finds(sandbox: Sandbox) -> None:
    """pin and upgrade find claude the same way, as does their revert (found by review: pin
    still looked on this process's PATH, revert on the new shell's)."""
    bin_dir = fake_installers.native(sandbox.home, "2.1.111", latest="2.1.150")
    (sandbox.home / ".bashrc").write_text(f"export PATH={bin_dir}:$PATH\n")
    cron = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    pinned = sandbox.remedy(*PIN, "--to", "2.1.120", env=cron)
    assert pinned.code == 0, pinned.stderr
    assert version_of(bin_dir / "claude") == "2.1.120"
    back = sandbox.remedy("revert", "pin", "--yes", env=cron)
    assert back.code == 0, back.stderr
    assert version_of(bin_dir / "claude") == "2.1.111"


def test_an_npm_failure_is_said_by_its_cause_not_its_log() -> None:
    """npm ends every failure with where its log is, in the user's home, which an MDM's
    administrator never sees: every failure read the same (found by review)."""
    from remedies.claude.installers import Plan, explain_failure

    plan = Plan(["/usr/bin/npm", "install", "--prefix", "/p", "@anthropic-ai/claude-code"], "npm")
    output = (
        "npm error code SELF_SIGNED_CERT_IN_CHAIN\n"
        "npm error errno SELF_SIGNED_CERT_IN_CHAIN\n"
        "npm error request to https://registry.npmjs.org/x failed, reason: self-signed "
        "certificate in certificate chain\n"
        "npm error A complete log of this run can be found in: /home/u/.npm/_logs/1-debug-0.log\n"
    )
    said = explain_failure(plan, 1, output)
    assert said.endswith(": npm error code SELF_SIGNED_CERT_IN_CHAIN"), said
    assert explain_failure(plan, 7, "something else\n").endswith("(exit 7): something else")
