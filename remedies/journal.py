"""The journal: what each apply changed, so that revert can take exactly that back.

Layout under the state folder (0700; every file 0600, as backups may hold secrets copied
from start-up files):

    lock                  held while a command reads or changes anything
    journal.json          {"version": 1, "committed": TXID, "entries": [ENTRY, ...]}
    pending.json          the transaction under way, written before any file changes
    backups/TXID/N        the bytes a file had before transaction TXID changed it

An ENTRY names its remedy and, per file, the hashes before and after, the backup, and an
`undo` recipe used when the user has edited the file since (then their edits are kept).
`committed` is the id of the last transaction that completed: a pending.json with that id
finished, one with another id is rolled back (see transaction.recover).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from remedies.errors import Conflict, RemedyError
from remedies.fileio import belongs_to_folder, private_folder, write_private

VERSION = 1


@dataclass(frozen=True)
class FileRecord:
    path: str  # as the user knows it
    target: str  # the regular file written
    existed: bool
    old_sha256: str | None
    new_sha256: str | None
    backup: str | None  # relative to the state folder
    undo: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    txid: str
    remedy: str
    at: str
    files: tuple[FileRecord, ...]
    details: dict[str, Any] = field(default_factory=dict)
    created_folders: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Entry:
        return cls(
            txid=str(raw["txid"]),
            remedy=str(raw["remedy"]),
            at=str(raw["at"]),
            files=tuple(FileRecord(**f) for f in raw["files"]),
            details=dict(raw.get("details", {})),
            created_folders=tuple(raw.get("created_folders", ())),
        )


@dataclass(frozen=True)
class Journal:
    committed: str | None = None
    entries: tuple[Entry, ...] = ()

    def to_bytes(self) -> bytes:
        doc = {
            "version": VERSION,
            "committed": self.committed,
            "entries": [asdict(e) for e in self.entries],
        }
        return json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes, where: Path) -> Journal:
        try:
            doc = json.loads(data)
            if doc.get("version") != VERSION:
                raise ValueError(f"version {doc.get('version')!r}, expected {VERSION}")
            return cls(
                committed=doc.get("committed"),
                entries=tuple(Entry.from_json(e) for e in doc.get("entries", [])),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise RemedyError(
                f"the journal {where} is damaged ({e}); move it aside to start afresh"
            ) from e


class StateFolder:
    """The journal's folder. Every method expects the caller to hold the lock."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.json"

    @property
    def pending_path(self) -> Path:
        return self.root / "pending.json"

    def backup_path(self, relative: str) -> Path:
        return self.root / relative

    def load(self) -> Journal:
        try:
            data = self.journal_path.read_bytes()
        except FileNotFoundError:
            return Journal()
        except OSError as e:
            raise RemedyError(f"cannot read the journal {self.journal_path}: {e.strerror}") from e
        return Journal.from_bytes(data, self.journal_path)

    def save(self, journal: Journal) -> None:
        private_folder(self.root)
        write_private(self.journal_path, journal.to_bytes())

    def write_backup(self, txid: str, index: int, data: bytes) -> str:
        folder = private_folder(private_folder(self.root / "backups") / txid)
        write_private(folder / str(index), data)
        return f"backups/{txid}/{index}"

    def read_backup(self, relative: str | None) -> bytes | None:
        if relative is None:
            return None
        try:
            return self.backup_path(relative).read_bytes()
        except OSError:
            return None

    def drop_backups(self, txid: str) -> None:
        folder = self.root / "backups" / txid
        if folder.is_dir():
            for item in folder.iterdir():
                item.unlink()
            folder.rmdir()

    def read_pending(self) -> dict[str, Any] | None:
        try:
            raw = json.loads(self.pending_path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            # pending.json is written atomically, so a damaged one was never a valid record:
            # no file was touched under it.
            self.pending_path.unlink(missing_ok=True)
            raise RemedyError(f"discarded a damaged {self.pending_path}: {e}") from e
        return raw if isinstance(raw, dict) else None

    def write_pending(self, record: dict[str, Any]) -> None:
        private_folder(self.root)
        write_private(self.pending_path, json.dumps(record, indent=1).encode())

    def clear_pending(self) -> None:
        self.pending_path.unlink(missing_ok=True)


@contextmanager
def locked(root: Path, timeout: float, *, read_only: bool = False) -> Iterator[StateFolder]:
    """Hold the state folder's lock: concurrent runs on one HOME take turns.

    read_only (a dry run, status): when there is no state folder yet there is nothing to
    protect, and creating one would be a write, so none is made.
    """
    if read_only and not (root / "lock").exists():
        yield StateFolder(root)
        return
    try:
        if read_only:
            # Readers share the lock, on a descriptor that needs no write access (a
            # read-only filesystem can still be looked at); writers wait for them.
            fd = os.open(root / "lock", os.O_RDONLY | os.O_NOFOLLOW)
        else:
            private_folder(root)
            fd = os.open(root / "lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            belongs_to_folder(root / "lock")
    except OSError as e:
        raise RemedyError(
            f"cannot use remedy's state folder {root}: {e.strerror}; nothing was changed"
        ) from e
    mode = fcntl.LOCK_SH if read_only else fcntl.LOCK_EX
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Conflict(
                        f"another remedy has held {root / 'lock'} for {timeout:g} s; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.02)
        yield StateFolder(root)
    finally:
        os.close(fd)  # closing releases the lock
