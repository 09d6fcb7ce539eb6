"""remedy's state folder is data, never instructions: a crafted journal, pending record,
backup name or state file of the wrong kind is refused with one line and nothing is touched,
whoever runs remedy. Also: installing checks, in the same step, that the file is still what
was read (an editor's save is never lost), and revert goes by the order of application."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from remedies.engine import fileio
from remedies.errors import Conflict
from tests.conftest import Sandbox
from tests.support import figures

TXID = "20260101T000000Z-0123abcd"
APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
PLANTED = b"export CLAUDE_CODE_USE_BEDROCK=1\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def state(sandbox: Sandbox, name: str, data: bytes) -> Path:
    return sandbox.write(f".local/state/remedy/{name}", data)


def record(path: Path, backup: str | None = f"backups/{TXID}/0") -> dict[str, object]:
    return {
        "path": str(path),
        "target": str(path),
        "existed": True,
        "old_sha256": sha(b"old"),
        "new_sha256": sha(path.read_bytes()) if path.exists() else sha(b"new"),
        "backup": backup,
        "undo": {},
    }


def journal_with(*entries: Mapping[str, object]) -> bytes:
    return json.dumps({"version": 1, "committed": None, "entries": list(entries)}).encode()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    victim = tmp_path / "outside" / "file"
    victim.parent.mkdir()
    victim.write_bytes(b"not remedy's\n")
    return victim


def crafted(sandbox: Sandbox, victim: Path, case: str) -> None:
    bashrc = sandbox.write(".bashrc", PLANTED)
    entry: dict[str, object] = {"txid": TXID, "remedy": "mantle", "at": "x"}
    if case == "target outside":
        entry["files"] = [record(victim)]
    elif case == "relative path":
        entry["files"] = [{**record(bashrc), "target": "../../outside/file"}]
    elif case == "dotdot path":
        entry["files"] = [{**record(bashrc), "target": f"{sandbox.home}/../outside/file"}]
    elif case == "bad txid":
        entry["txid"] = "../../outside"
        entry["files"] = [record(bashrc, backup=None)]
    elif case == "backup outside":
        entry["files"] = [record(bashrc, backup=f"backups/{TXID}/../../../../outside/file")]
    elif case == "created folder outside":
        entry["files"] = [record(bashrc)]
        entry["created_folders"] = [str(victim.parent)]
    state(sandbox, "journal.json", journal_with(entry))


CASES = [
    "target outside",
    "relative path",
    "dotdot path",
    "bad txid",
    "backup outside",
    "created folder outside",
]


@pytest.mark.real_shell
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", [("revert", "--yes"), ("status",), APPLY])
def test_a_crafted_journal_is_refused(
    sandbox: Sandbox, outside: Path, case: str, command: tuple[str, ...]
) -> None:
    crafted(sandbox, outside, case)
    before = sandbox.snapshot()
    result = sandbox.remedy(*command)
    assert result.code == 1, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "journal.json" in result.stderr and "Traceback" not in result.stderr
    assert outside.read_bytes() == b"not remedy's\n"
    assert sandbox.snapshot() == before
    figures.add("crafted state files refused")


@pytest.mark.real_shell
def test_a_crafted_pending_record_is_set_aside(sandbox: Sandbox, outside: Path) -> None:
    sandbox.write(".bashrc", PLANTED)
    pending = {"txid": TXID, "files": [{**record(outside, None), "existed": False, "temp": "x"}]}
    state(sandbox, "pending.json", json.dumps(pending).encode())
    result = sandbox.remedy(*APPLY)
    assert result.code == 1 and "pending.json" in result.stderr, result.stderr
    assert outside.read_bytes() == b"not remedy's\n"
    assert (sandbox.home / ".local/state/remedy/pending.json.damaged").exists()
    assert sandbox.read(".bashrc") == PLANTED
    # Set aside, the next run goes ahead.
    assert sandbox.remedy(*APPLY).code == 0
    figures.add("crafted state files refused")


@pytest.mark.real_shell
@pytest.mark.parametrize("name", ["lock", "journal.json", "pending.json"])
@pytest.mark.parametrize("command", [("status",), ("revert", "--dry-run"), APPLY])
def test_a_fifo_in_place_of_a_state_file_never_blocks(
    sandbox: Sandbox, name: str, command: tuple[str, ...]
) -> None:
    sandbox.write(".bashrc", PLANTED)
    sandbox.write(".local/state/remedy/.keep", b"")
    (sandbox.home / ".local/state/remedy").chmod(0o700)
    os.mkfifo(sandbox.home / ".local/state/remedy" / name)
    result = sandbox.remedy(*command, timeout=60)  # a blocked open would hang here
    if result.code == 0:
        # Only status and dry runs, which never read pending.json (nothing to recover).
        assert name == "pending.json" and command[0] in ("status", "revert")
    else:
        assert result.code == 1, result.stderr
        assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
        figures.add("crafted state files refused")
    assert sandbox.read(".bashrc") == PLANTED


def test_a_symlinked_state_folder_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    sandbox.write(".bashrc", PLANTED)
    sandbox.write(".local/state/.keep", b"")
    os.symlink(elsewhere, sandbox.home / ".local/state/remedy")
    result = sandbox.remedy(*APPLY)
    assert result.code == 1 and "state folder" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []
    assert (elsewhere.stat().st_mode & 0o777) == 0o755
    assert sandbox.read(".bashrc") == PLANTED
    figures.add("crafted state files refused")


@pytest.mark.real_shell
def test_revert_goes_by_the_order_of_application_not_by_txid(sandbox: Sandbox) -> None:
    """Two applies in one second get txids in random order: make them sort the wrong way
    round, and revert must still give back the user's exact bytes."""
    original = b'{\n  "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-1"}\n}\n'
    sandbox.write(".bashrc", PLANTED)
    sandbox.write(".claude/settings.json", original)
    assert sandbox.remedy(*APPLY).code == 0
    extra = ("apply", "extra-body", "--shell", "bash", "--yes")
    assert sandbox.remedy(*extra).code == 0, "second apply"
    root = sandbox.home / ".local/state/remedy"
    doc = json.loads((root / "journal.json").read_bytes())
    first, second = doc["entries"]
    assert first["seq"] < second["seq"]
    # The second apply's txid now sorts before the first's.
    old_first, old_second = first["txid"], second["txid"]
    new_first, new_second = "20991231T235959Z-ffffffff", "20000101T000000Z-00000000"
    for entry, old, new in ((first, old_first, new_first), (second, old_second, new_second)):
        entry["txid"] = new
        for rec in entry["files"]:
            if rec["backup"]:
                rec["backup"] = rec["backup"].replace(old, new)
        if (root / "backups" / old).exists():
            os.rename(root / "backups" / old, root / "backups" / new)
    doc["committed"] = new_second
    (root / "journal.json").write_bytes(json.dumps(doc).encode())
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 0, result.stderr
    assert "edited after" not in result.stdout + result.stderr
    assert sandbox.read(".claude/settings.json") == original
    assert sandbox.read(".bashrc") == PLANTED


def test_an_editors_save_between_check_and_install_is_kept(tmp_path: Path) -> None:
    """The editor saves by rename after remedy read the file and staged its own bytes."""
    target = tmp_path / ".bashrc"
    target.write_bytes(b"as read\n")
    read = fileio.read_state(target)
    temp = tmp_path / ".bashrc.remedy-test.tmp"
    fileio.stage(read, b"ours\n", temp)
    saved = tmp_path / ".bashrc.editor-swp"
    saved.write_bytes(b"the user's save\n")
    os.replace(saved, target)
    with pytest.raises(Conflict):
        fileio.install(temp, target, expected=read.data)
    assert target.read_bytes() == b"the user's save\n"
    fileio.discard(temp)
    # And with nothing in between, the install goes through.
    read = fileio.read_state(target)
    fileio.stage(read, b"ours\n", temp)
    fileio.install(temp, target, expected=read.data)
    assert target.read_bytes() == b"ours\n" and not temp.exists()


def test_a_file_created_meanwhile_is_not_clobbered(tmp_path: Path) -> None:
    target = tmp_path / ".profile"
    read = fileio.read_state(target)
    temp = tmp_path / ".profile.remedy-test.tmp"
    fileio.stage(read, b"ours\n", temp)
    target.write_bytes(b"made by the user just now\n")
    with pytest.raises(Conflict):
        fileio.install(temp, target, expected=None)
    assert target.read_bytes() == b"made by the user just now\n"


def test_revert_is_linear_in_journal_entries(sandbox: Sandbox) -> None:
    """20,000 entries took 26 s when entries were compared whole, and were quadratic; the
    timeout is a hang guard, not a timing (speed is measured in make bench)."""
    entries = [
        {"txid": f"20260101T000000Z-{i:08x}", "remedy": "extra-body", "at": "x", "files": []}
        for i in range(20000)
    ]
    state(sandbox, "journal.json", journal_with(*entries))
    result = sandbox.remedy("revert", "--dry-run", "--json", timeout=120)
    assert result.code == 0, result.stderr
    assert result.json()["reverted"] == ["extra-body"]
