"""A full disk and a read-only filesystem, for real: a small tmpfs the test mounts. Needs root
(to mount): it fails in CI, where .ci/run runs as root, and skips elsewhere.

Whatever the free space left, a run either completes or fails with one line and leaves every
file exactly as it was; a later run with room completes and reverts exactly."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.support import figures

pytestmark = [pytest.mark.root]

PLANTED = {
    ".bashrc": b"# laptop\nexport CLAUDE_CODE_USE_BEDROCK=1\n" + b"# padding\n" * 300,
    ".bash_profile": b". ~/.bashrc\nexport CLAUDE_CODE_USE_BEDROCK=1\n",
    ".claude/settings.json": b'{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  }\n}\n',
}
APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
SIZE = 256 * 1024


def require_root() -> None:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the filesystem fault tests need root in CI (to mount a tmpfs)")
        pytest.skip("needs root to mount a tmpfs")


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    require_root()
    mount = tmp_path / "fs"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def plant(home: Path) -> dict[str, bytes]:
    for name, data in PLANTED.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(data)
    return Sandbox(home).snapshot()


def planted_home(fs: Path) -> tuple[Sandbox, dict[str, bytes]]:
    """A HOME on the small filesystem, planted as an affected user's; its bytes."""
    home = fs / "home"
    home.mkdir()
    return Sandbox(home), plant(home)


def fill(fs: Path, leave: int) -> Path:
    """Take all free space but `leave` bytes."""
    filler = fs / "filler"
    filler.unlink(missing_ok=True)
    free = os.statvfs(fs).f_bavail * os.statvfs(fs).f_frsize
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def no_leftovers(home: Path) -> None:
    assert [p for p in home.rglob("*") if ".remedy-" in p.name] == []


@pytest.mark.real_shell
@pytest.mark.parametrize("leave", [0, 4096, 8192, 12288, 16384, 24576])
def test_a_full_disk_at_any_step_changes_nothing(small_fs: Path, leave: int) -> None:
    sandbox, original = planted_home(small_fs)
    home = sandbox.home
    filler = fill(small_fs, leave)
    result = sandbox.remedy(*APPLY)
    if result.code == 0:
        figures.add("full-disk runs that had room")
        filler.unlink()
    else:
        assert result.code == 1
        assert "No space left on device" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert sandbox.snapshot() == original, f"bytes changed with {leave} bytes free"
        no_leftovers(home)
        figures.add("full-disk faults survived")
        filler.unlink()
        assert sandbox.remedy(*APPLY).code == 0, "with room, the next run completes"
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
def test_a_full_disk_during_revert(small_fs: Path) -> None:
    sandbox, original = planted_home(small_fs)
    assert sandbox.remedy(*APPLY).code == 0
    applied = sandbox.snapshot()
    filler = fill(small_fs, 0)
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 1 and "No space left" in result.stderr
    assert sandbox.snapshot() == applied, "a revert that cannot finish changes nothing"
    filler.unlink()
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original
    figures.add("full-disk faults survived")


@pytest.mark.real_shell
def test_a_read_only_filesystem(small_fs: Path) -> None:
    sandbox, original = planted_home(small_fs)
    assert sandbox.remedy(*APPLY).code == 0
    applied = sandbox.snapshot()
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    try:
        for args in (
            APPLY,
            ("revert", "--yes"),
            ("apply", "extra-body", "--shell", "bash", "--yes"),
        ):
            result = sandbox.remedy(*args)
            assert result.code == 1, args
            assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr
            assert sandbox.snapshot() == applied
            figures.add("read-only faults survived")
        status = sandbox.remedy("status")
        assert status.code == 0, "reading still works"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


MACHINE = ("apply", "mantle", "--machine", "--region", "eu-west-3", "--yes")


def machine_tree(root: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if name.startswith(("var/lib/remedy", "filler")):
            continue
        found[name] = path.read_bytes() if path.is_file() else "folder"
    return found


@pytest.mark.parametrize("leave", [0, 2048, 4096, 8192, 16384])
def test_machine_scope_on_a_full_disk_changes_nothing(
    small_fs: Path, sandbox: Sandbox, leave: int
) -> None:
    for folder in ("etc", "var/lib"):
        (small_fs / folder).mkdir(parents=True)
    env = {"REMEDY_SYSTEM_ROOT": str(small_fs)}
    original = machine_tree(small_fs)
    filler = fill(small_fs, leave)
    result = sandbox.remedy(*MACHINE, env=env)
    if result.code == 0:
        figures.add("full-disk runs that had room")
    else:
        assert result.code == 1, result.stderr
        assert "No space left on device" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert machine_tree(small_fs) == original, f"/etc changed with {leave} bytes free"
        figures.add("full-disk faults survived")
    filler.unlink()
    assert sandbox.remedy(*MACHINE, env=env).code == 0, "with room, the next run completes"
    assert sandbox.remedy("revert", "--machine", "--yes", env=env).code == 0
    assert machine_tree(small_fs) == original


def test_machine_scope_on_a_read_only_etc(small_fs: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    """/etc read-only (an immutable image), /var/lib writable: one line, /etc untouched."""
    root = tmp_path / "machine"
    (root / "var/lib").mkdir(parents=True)
    (root / "etc").symlink_to(small_fs)  # REMEDY_SYSTEM_ROOT/etc is the small filesystem
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    try:
        result = sandbox.remedy(*MACHINE, env={"REMEDY_SYSTEM_ROOT": str(root)})
        assert result.code == 1, result.stderr
        assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert list(small_fs.iterdir()) == []
        figures.add("read-only faults survived")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)
