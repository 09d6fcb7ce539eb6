"""Root and a throwaway user, for the tests where privilege is the point: remedy run by root
for a user's home (as a fleet host runs it, from the zipapp with the system Python), and a
root-owned system file that no attack may touch. Registered as a pytest plugin in
tests/conftest.py, so every test module can ask for `user` and `victim`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Result, base_env, require_program
from tests.support import figures, fleet
from tests.support.system import (
    add_user,
    new_user_name,
    remove_user,
    require_root,
    why_killed,
)

APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
PLANTED = b"export CLAUDE_CODE_USE_BEDROCK=1\n"
SYSTEM_PYTHON = "/usr/bin/python3"
TXID = "20260101T000000Z-0123abcd"


@dataclass
class User:
    name: str
    home: Path
    uid: int
    gid: int
    pyz: Path

    def remedy(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        """remedy run by root for this user's home, as the fleet playbook runs it (with
        PYTHONNOUSERSITE=1: Python must not load the user's site folder as root); `env`
        adds to that (None: leave it out)."""
        merged = {**base_env(self.home), "PYTHONNOUSERSITE": "1", **(env or {})}
        done = subprocess.run(
            [SYSTEM_PYTHON, str(self.pyz), *args],
            env={k: v for k, v in merged.items() if v is not None},
            cwd="/",
            capture_output=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        stderr = done.stderr.decode() + why_killed(done.returncode)
        return Result(done.returncode, done.stdout.decode(), stderr)

    def write(self, relative: str, data: bytes, mode: int = 0o644) -> Path:
        """A file the user made, as the user would have: theirs, folders included."""
        path = self.home / relative
        folder = path.parent
        folder.mkdir(parents=True, exist_ok=True)
        while folder != self.home:
            os.chown(folder, self.uid, self.gid)
            folder = folder.parent
        path.write_bytes(data)
        path.chmod(mode)
        os.chown(path, self.uid, self.gid)
        return path

    def state(self, name: str, data: bytes) -> Path:
        path = self.write(f".local/state/remedy/{name}", data, 0o600)
        for folder in (path.parent, self.home / ".local/state/remedy"):
            folder.chmod(0o700)
        return path


@contextlib.contextmanager
def throwaway_user() -> Iterator[User]:
    """A new user with a home, and remedy's zipapp in a root-only folder, as Ansible's remote
    temp folder is (remedy must still work from there); both gone afterwards."""
    require_program(SYSTEM_PYTHON)
    name = new_user_name()
    home = add_user(name)
    account = pwd.getpwnam(name)
    hidden = Path(tempfile.mkdtemp(prefix="remedy-root-only-"))
    hidden.chmod(0o700)
    pyz = hidden / "remedy.pyz"
    shutil.copy(fleet.zipapp(), pyz)
    for skel in (".bashrc", ".profile", ".bash_logout", ".kshrc"):
        (home / skel).unlink(missing_ok=True)
    try:
        yield User(name, home, account.pw_uid, account.pw_gid, pyz)
    finally:
        remove_user(name)
        shutil.rmtree(hidden, ignore_errors=True)


@pytest.fixture
def user() -> Iterator[User]:
    require_root("the privilege tests (a second user)")
    with throwaway_user() as made:
        yield made


@pytest.fixture
def victim() -> Iterator[Path]:
    """A root-owned, world-readable system file (as /etc/passwd is) in a root-owned folder."""
    folder = Path(tempfile.mkdtemp(prefix="remedy-victim-"))
    folder.chmod(0o755)
    target = folder / "passwd"
    target.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    target.chmod(0o644)
    (folder / "other").write_bytes(b"keep me\n")
    try:
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def untouched(victim: Path) -> None:
    assert victim.read_bytes() == b"root:x:0:0:root:/root:/bin/bash\n"
    assert (victim.parent / "other").read_bytes() == b"keep me\n"
    st = victim.stat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o644)
    assert stat.S_IMODE(victim.parent.stat().st_mode) == 0o755


def refused(result: Result, *words: str) -> None:
    result.refused(*words)
    figures.add("privilege attacks refused")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def journal(*entries: Mapping[str, object]) -> bytes:
    return json.dumps({"version": 1, "committed": None, "entries": list(entries)}).encode()
