"""Root working in another user's home (a fleet run as root for a named user): it must not
be led by that user's symlinks to files they do not own, and everything it leaves there
belongs to the user. Needs root (to add a user)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import figures, fleet
from tests.conftest import REPO, Sandbox, base_env
from tests.system import add_user, give, new_user_name, remove_user, require_root

APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
PLANTED = b"export CLAUDE_CODE_USE_BEDROCK=1\n"


@pytest.fixture
def user() -> Iterator[tuple[str, Path]]:
    require_root("the privilege tests (a second user)")
    name = new_user_name()
    home = add_user(name)
    try:
        yield name, home
    finally:
        remove_user(name)


def as_root_for(home: Path) -> Sandbox:
    return Sandbox(home)


def test_root_will_not_follow_a_users_symlink_to_a_root_file(
    user: tuple[str, Path], tmp_path: Path
) -> None:
    name, home = user
    secret = tmp_path / "shadow"
    secret.write_bytes(b"root:$6$SALT$HASH-that-must-stay-secret:19000:0:99999:7:::\n")
    secret.chmod(0o600)
    before = secret.read_bytes()
    (home / ".bashrc").unlink(missing_ok=True)  # useradd copied /etc/skel's
    os.symlink(secret, home / ".bashrc")
    give(home / ".bashrc", name)
    sandbox = as_root_for(home)
    for args in (APPLY, (*APPLY[:-1], "--dry-run"), (*APPLY[:-1], "--dry-run", "--json")):
        result = sandbox.remedy(*args)
        assert result.code == 1, args
        assert "will not follow it" in result.stderr and "owned by root" in result.stderr
        assert b"HASH-that-must-stay-secret" not in (result.stdout + result.stderr).encode()
        assert "Traceback" not in result.stderr
        figures.add("privilege attacks refused")
    assert secret.read_bytes() == before
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.stat().st_uid == 0


def test_root_leaves_the_users_files_and_state_the_users(user: tuple[str, Path]) -> None:
    name, home = user
    account = pwd.getpwnam(name)
    (home / ".bashrc").write_bytes(PLANTED)
    give(home / ".bashrc", name)
    (home / ".bashrc").chmod(0o640)
    sandbox = as_root_for(home)
    assert sandbox.remedy(*APPLY).code == 0
    mine = [
        home / ".bashrc",
        home / ".profile",
        home / ".local",
        home / ".local/state",
        *(home / ".local/state/remedy").rglob("*"),
        home / ".local/state/remedy",
    ]
    for path in mine:
        st = path.lstat()
        assert (st.st_uid, st.st_gid) == (account.pw_uid, account.pw_gid), path
    assert stat.S_IMODE((home / ".bashrc").stat().st_mode) == 0o640, "mode kept"
    assert stat.S_IMODE((home / ".local/state/remedy").stat().st_mode) == 0o700

    # The user can now work with the state root left behind, as themselves (with the system
    # Python and the zipapp: the test's own Python lives where other users cannot go).
    pyz = home / "remedy.pyz"
    shutil.copy(fleet.zipapp(), pyz)
    give(pyz, name)
    env = {**base_env(home), "HOME": str(home)}

    def as_user(*args: str) -> subprocess.CompletedProcess[str]:
        argv = ["runuser", "-u", name, "--", "/usr/bin/python3", str(pyz), *args]
        return subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, check=False)

    status = as_user("status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"remedy": "mantle"' in status.stdout
    revert = as_user("revert", "--yes")
    assert revert.returncode == 0, revert.stderr
    assert (home / ".bashrc").read_bytes() == PLANTED
    figures.add("privilege checks passed")
