"""`apply --machine`: one managed-settings drop-in for every user; revert puts every byte back.

The machine's folders live under REMEDY_SYSTEM_ROOT here (the real /etc is changed only by
tests/test_machine_client.py, which the real client needs). Root is needed: the managed
folder belongs to the administrator.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.support.system import a_machine, require_root

pytestmark = [pytest.mark.root]

APPLY = ("apply", "mantle", "--machine", "--region", "eu-west-3", "--yes")
DROPIN = "etc/claude-code/managed-settings.d/zz-remedy-mantle.json"


@pytest.fixture
def machine(sandbox: Sandbox) -> Path:
    require_root("changing a machine's managed settings")
    return a_machine(Path(sandbox.env["REMEDY_SYSTEM_ROOT"]))


def tree(root: Path) -> dict[str, object]:
    """Every path under root with its bytes (files) or mode (folders): the machine as it is."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if name.startswith("var/lib/remedy"):
            continue  # remedy's own journal
        info = path.lstat()
        found[name] = path.read_bytes() if stat.S_ISREG(info.st_mode) else oct(info.st_mode)
    return found


@pytest.mark.real_shell
def test_one_public_drop_in_and_revert_puts_the_machine_back(
    sandbox: Sandbox, machine: Path
) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    home_before = sandbox.snapshot()
    before = tree(machine)
    applied = sandbox.remedy(*APPLY, "--json")
    assert applied.code == 0, applied.stderr
    doc = applied.json()
    assert doc["changed"] is True and doc["scope"] == "machine"
    dropin = machine / DROPIN
    assert json.loads(dropin.read_bytes()) == {
        "env": {
            "CLAUDE_CODE_USE_BEDROCK": "0",
            "CLAUDE_CODE_USE_MANTLE": "1",
            "AWS_REGION": "eu-west-3",
        }
    }
    # Every user must be able to read it, whatever root's umask: 0644 file, 0755 folders.
    assert stat.S_IMODE(dropin.stat().st_mode) == 0o644 and dropin.stat().st_uid == 0
    assert stat.S_IMODE(dropin.parent.stat().st_mode) == 0o755
    state = machine / "var/lib/remedy"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert sandbox.snapshot() == home_before, "no home is touched"
    assert not (sandbox.home / ".local").exists()
    # doctor, as the user: the drop-in named as remedy's, and it wins over the shell.
    doctor = sandbox.remedy("doctor", "--shell", "bash")
    assert "zz-remedy-mantle.json env.CLAUDE_CODE_USE_MANTLE (remedy's drop-in" in doctor.stdout
    assert "Provider     mantle" in doctor.stdout, doctor.stdout
    mine = sandbox.remedy("status")
    assert "For every user of this machine: mantle" in mine.stdout, mine.stdout
    assert sandbox.remedy("status", "--json").json()["machine"] == ["mantle"]
    status = sandbox.remedy("status", "--machine", "--json").json()
    assert [a["remedy"] for a in status["applied"]] == ["mantle"]
    again = sandbox.remedy(*APPLY, "--json")
    assert again.code == 0 and again.json()["changed"] is False
    back = sandbox.remedy("revert", "--machine", "--yes")
    assert back.code == 0, back.stderr
    assert tree(machine) == before, "the machine byte for byte as before"


@pytest.mark.real_shell
def test_umask_077_still_gives_every_user_a_readable_drop_in(
    sandbox: Sandbox, machine: Path
) -> None:
    done = subprocess.run(
        ["sh", "-c", 'umask 077 && exec "$0" -m remedies "$@"', *_python(), *APPLY],
        env=sandbox.env,
        cwd=sandbox.home,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((machine / DROPIN).stat().st_mode) == 0o644
    assert stat.S_IMODE((machine / "etc/claude-code").stat().st_mode) == 0o755


def _python() -> list[str]:
    import sys

    return [sys.executable]


def test_a_later_admin_file_that_overrules_is_named(sandbox: Sandbox, machine: Path) -> None:
    admin = machine / "etc/claude-code/managed-settings.d/zzzz-admin.json"
    admin.parent.mkdir(parents=True)
    original = b'{\n  "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "OTHER": "x"}\n}\n'
    admin.write_bytes(original)
    before = tree(machine)
    refused = sandbox.remedy(*APPLY)
    assert refused.code == 1
    assert str(admin) in refused.stderr and "CLAUDE_CODE_USE_BEDROCK" in refused.stderr
    assert "--system" in refused.stderr
    assert tree(machine) == before
    # --system allows changing it there too; revert gives it back byte for byte.
    allowed = sandbox.remedy(*APPLY, "--system")
    assert allowed.code == 0, allowed.stderr
    assert json.loads(admin.read_bytes())["env"] == {"CLAUDE_CODE_USE_BEDROCK": "0", "OTHER": "x"}
    assert sandbox.remedy("revert", "--machine", "--yes").code == 0
    assert admin.read_bytes() == original
    assert tree(machine) == before


def test_an_earlier_admin_file_is_left_alone(sandbox: Sandbox, machine: Path) -> None:
    admin = machine / "etc/claude-code/managed-settings.d/50-admin.json"
    admin.parent.mkdir(parents=True)
    admin.write_bytes(b'{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    applied = sandbox.remedy(*APPLY, "--json")
    assert applied.code == 0, applied.stderr
    assert [f["path"] for f in applied.json()["files"]] == [str(machine / DROPIN)]


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_managed_folder_that_is_not_a_folder_is_refused(
    sandbox: Sandbox, machine: Path, kind: str
) -> None:
    folder = machine / "etc/claude-code"
    elsewhere = sandbox.home / "elsewhere"
    elsewhere.mkdir()
    if kind == "symlink":
        folder.symlink_to(elsewhere)
    else:
        folder.write_bytes(b"not a folder\n")
    before = tree(machine)
    result = sandbox.remedy(*APPLY)
    assert result.code == 1, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert tree(machine) == before
    assert list(elsewhere.iterdir()) == []


def test_no_region_is_bad_input_and_writes_nothing(sandbox: Sandbox, machine: Path) -> None:
    before = tree(machine)
    result = sandbox.remedy("apply", "mantle", "--machine", "--yes")
    assert result.code == 2
    assert "needs --region" in result.stderr
    assert tree(machine) == before and not (machine / "var/lib/remedy").exists()


def test_the_region_the_machine_has_is_used(sandbox: Sandbox, machine: Path) -> None:
    (machine / "etc/environment").write_text('AWS_REGION="ap-south-1"\n')
    result = sandbox.remedy("apply", "mantle", "--machine", "--yes", "--json")
    assert result.code == 0, result.stderr
    assert json.loads((machine / DROPIN).read_bytes())["env"]["AWS_REGION"] == "ap-south-1"


def test_a_hand_edited_drop_in_is_kept_on_revert(sandbox: Sandbox, machine: Path) -> None:
    assert sandbox.remedy(*APPLY).code == 0
    edited = b'{"env": {"CLAUDE_CODE_USE_MANTLE": "1", "ADMIN": "mine"}}\n'
    (machine / DROPIN).write_bytes(edited)
    back = sandbox.remedy("revert", "--machine", "--yes")
    assert back.code == 0, back.stderr
    assert (machine / DROPIN).read_bytes() == edited, "someone's edit is never lost"
    assert "edited" in back.stdout + back.stderr


def test_shell_options_make_no_sense_with_machine(sandbox: Sandbox, machine: Path) -> None:
    result = sandbox.remedy(*APPLY, "--shell", "bash")
    assert result.code == 2 and "--machine changes no shell" in result.stderr


@pytest.mark.real_client
def test_an_old_claude_needs_system_and_gets_the_main_file(
    sandbox: Sandbox, machine: Path, request: pytest.FixtureRequest
) -> None:
    """Before 2.1.83 no drop-in is read: refused, or with --system the main file edited."""
    # Root asks a claude its version only if root owns it and every folder above it: not
    # under /tmp, where a checkout may live. /run is root's own on every Linux.
    folder = Path(tempfile.mkdtemp(prefix="remedy-old-claude-", dir="/run"))
    folder.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    claude = folder / "claude"
    claude.write_text('#!/bin/sh\necho "2.1.80 (Claude Code)"\n')
    claude.chmod(0o755)
    env = {"PATH": f"{folder}:{os.environ['PATH']}"}
    before = tree(machine)
    refused = sandbox.remedy(*APPLY, env=env)
    assert refused.code == 1 and "2.1.80" in refused.stderr and "--system" in refused.stderr
    assert tree(machine) == before
    main = machine / "etc/claude-code/managed-settings.json"
    main.parent.mkdir()
    main.write_bytes(b'{"permissions": {"deny": []}}\n')
    before = tree(machine)
    allowed = sandbox.remedy(*APPLY, "--system", env=env)
    assert allowed.code == 0, allowed.stderr
    assert json.loads(main.read_bytes())["env"]["CLAUDE_CODE_USE_MANTLE"] == "1"
    assert not (machine / DROPIN).exists()
    assert sandbox.remedy("revert", "--machine", "--yes", env=env).code == 0
    assert tree(machine) == before
