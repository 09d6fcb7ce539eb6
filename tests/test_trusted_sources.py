"""What root reads as instructions, and what it overwrites (issue 22, items 6, 11 and 12):

- /etc/remedy/remedies is trusted like /etc/sudoers.d: a file there that is a symlink,
  writable by others, or not root's (nor in a folder only root can write) is skipped with a
  warning naming it: doctor no longer recommends it, `apply NAME --machine` cannot use it;
- root never reads a remedy folder a user owns (`list` and `export` stay root, and a home
  left at the user's must not feed them a symlink into a root-only file);
- an administrator's own file with the name of remedy's drop-in is named and left alone.
Needs root: the files must belong to someone else than the run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.support import figures
from tests.support.accounts import User
from tests.support.system import a_machine, require_root

pytestmark = [pytest.mark.root]

SOMEONE = 4242
FIX = """\
name = "{name}"
summary = "Turn Mantle on"

[when]
provider = ["bedrock"]

[what]
set = {{ CLAUDE_CODE_USE_MANTLE = "1" }}
"""


@pytest.fixture
def system(sandbox: Sandbox) -> Path:
    require_root("files that belong to someone else than the run")
    root = a_machine(Path(sandbox.env["REMEDY_SYSTEM_ROOT"]))
    (root / "etc/remedy/remedies").mkdir(parents=True)
    return root


def hostile_files(system: Path, elsewhere: Path) -> dict[str, Path]:
    """One remedy file per way /etc/remedy/remedies can be untrustworthy."""
    folder = system / "etc/remedy/remedies"
    found = {}
    theirs = elsewhere / "theirs.toml"
    theirs.write_text(FIX.format(name="linked"))
    os.chown(theirs, SOMEONE, SOMEONE)
    found["linked"] = folder / "linked.toml"
    found["linked"].symlink_to(theirs)
    found["writable"] = folder / "writable.toml"
    found["writable"].write_text(FIX.format(name="writable"))
    found["writable"].chmod(0o664)
    found["owned"] = folder / "owned.toml"
    found["owned"].write_text(FIX.format(name="owned"))
    os.chown(found["owned"], SOMEONE, SOMEONE)
    return found


@pytest.mark.real_shell
def test_untrusted_files_in_etc_are_skipped_and_named(
    sandbox: Sandbox, system: Path, tmp_path: Path
) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n")
    (system / "etc/remedy/remedies/trusted.toml").write_text(FIX.format(name="trusted"))
    files = hostile_files(system, tmp_path)
    doctor = sandbox.remedy("doctor", "--json", "--shell", "bash")
    assert doctor.code == 0, doctor.stderr
    recommended = {r["remedy"] for r in doctor.json()["recommendations"]}
    assert "trusted" in recommended
    assert not recommended & set(files), recommended
    for name in files:
        assert f"skipped the remedy file {files[name]}" in doctor.stderr, doctor.stderr
    for name in files:
        machine = sandbox.remedy("apply", name, "--machine", "--yes")
        assert machine.code == 2 and f"no remedy {name!r}" in machine.stderr, machine.stderr
    assert not (system / "etc/claude-code").exists(), "nothing written for every user"
    figures.add("untrusted remedy files skipped", len(files))


def test_a_writable_etc_folder_is_not_trusted(sandbox: Sandbox, system: Path) -> None:
    folder = system / "etc/remedy/remedies"
    (folder / "fix.toml").write_text(FIX.format(name="fix"))
    folder.chmod(0o777)
    listed = sandbox.remedy("list", "--json")
    assert listed.code == 0, listed.stderr
    assert "fix" not in {r["name"] for r in listed.json()["remedies"]}
    assert "can be written by others" in listed.stderr, listed.stderr
    figures.add("untrusted remedy files skipped")


@pytest.mark.parametrize("command", [("list",), ("export", "owned-fix", "--format", "json")])
def test_root_never_reads_a_users_remedy_folder(
    user: User, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """`list` and `export` stay root; HOME left at a user's must not make root read their
    files, nor follow their symlink into a file only root may read."""
    secret = tmp_path / "shadow"
    secret.write_text("root_password_hash = 'do not show'\n")
    secret.chmod(0o600)
    user.write(".config/remedy/remedies/owned-fix.toml", FIX.format(name="owned-fix").encode())
    link = user.home / ".config/remedy/remedies/shadow.toml"
    link.symlink_to(secret)
    os.lchown(link, user.uid, user.gid)
    result = user.remedy(*command)
    assert "do not show" not in result.stdout + result.stderr
    assert "root_password_hash" not in result.stdout + result.stderr
    assert "skipped the remedy file ~/.config/remedy/remedies/shadow.toml" in result.stderr
    if command[0] == "list":
        assert result.code == 0, result.stderr
        assert "owned-fix" not in result.stdout, "a user's remedy is not root's to list"
    else:
        assert result.code == 2 and "no remedy 'owned-fix'" in result.stderr, result.stderr
    figures.add("privilege attacks refused")


ADMINS = (
    b'{\n  "permissions": {"deny": ["Bash(curl:*)"]},\n  "env": {"AWS_REGION": "us-east-1"}\n}\n'
)
DROPIN = "etc/claude-code/managed-settings.d/zz-remedy-mantle.json"
APPLY = ("apply", "mantle", "--machine", "--region", "eu-west-3", "--yes")


def test_an_administrators_file_with_our_name_is_left_alone(sandbox: Sandbox, system: Path) -> None:
    theirs = system / DROPIN
    theirs.parent.mkdir(parents=True)
    theirs.write_bytes(ADMINS)
    refused = sandbox.remedy(*APPLY)
    line = refused.refused("is not remedy's")
    assert str(theirs) in line
    assert theirs.read_bytes() == ADMINS
    figures.add("privilege attacks refused")


def test_our_drop_in_edited_by_hand_is_named_not_overwritten(
    sandbox: Sandbox, system: Path
) -> None:
    first = sandbox.remedy(*APPLY)
    assert first.code == 0, first.stderr
    dropin = system / DROPIN
    again = sandbox.remedy(*APPLY[:-2], "us-west-2", "--yes")
    assert again.code == 0, "our own, unchanged: a new region replaces it"
    assert json.loads(dropin.read_bytes())["env"]["AWS_REGION"] == "us-west-2"
    edited = dropin.read_bytes().replace(b'"env"', b'"permissions": {"deny": []},\n  "env"')
    dropin.write_bytes(edited)
    refused = sandbox.remedy(*APPLY)
    refused.refused("was changed since remedy wrote it", str(dropin))
    assert dropin.read_bytes() == edited


def test_a_second_run_in_one_process_judges_the_files_afresh(
    sandbox: Sandbox, system: Path
) -> None:
    """What root judged of a folder is kept for one run: in-process, tests run remedy many
    times in one process, and a folder made writable between two runs must be seen so (the
    judgements were cached for the process: the second `list` still trusted the file)."""
    fix = system / "etc/remedy/remedies/fix.toml"
    fix.write_text(FIX.format(name="my-fix"))
    assert "my-fix" in sandbox.remedy("list").stdout
    fix.parent.chmod(0o777)
    second = sandbox.remedy("list")
    assert "my-fix" not in second.stdout, second.stdout
    assert "can be written by others" in second.stderr, second.stderr
