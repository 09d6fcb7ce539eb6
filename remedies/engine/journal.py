"""The journal: what each apply changed, so that revert can take exactly that back.

Layout under the state folder (0700; every file 0600, as backups may hold secrets copied
from start-up files):

    lock                  held while a command reads or changes anything
    journal.json          {"version": 1, "committed": TXID, "entries": [ENTRY, ...]}
    pending.json          the transaction under way, written before any file changes
                          (engine.pending)
    backups/TXID/N        the bytes a file had before transaction TXID changed it

An ENTRY names its remedy and, per file, the hashes before and after, the backup, and an
`undo` recipe used when the user has edited the file since (then their edits are kept;
engine.undo). Every record is checked as it is read: a journal remedy did not write is
refused (DamagedState), never obeyed.
`committed` is the id of the last transaction that completed: a pending.json with that id
finished, one with another id is rolled back (see transaction.recover).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remedies.context import Context
from remedies.engine import state_checks
from remedies.engine import undo as recipes
from remedies.engine.fileio import belongs_to_folder, private_folder, read_all, write_private
from remedies.engine.startup_bounds import kind
from remedies.engine.state_checks import DamagedState, Places
from remedies.engine.undo import NoUndo, UndoRecipe
from remedies.errors import Conflict, RemedyError

VERSION = 1
# The journal of a few thousand applies is a few MB; anything far larger was not written by us.
MAX_STATE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileRecord:
    path: str  # as the user knows it
    target: str  # the regular file written
    existed: bool
    old_sha256: str | None
    new_sha256: str | None
    backup: str | None  # relative to the state folder
    undo: UndoRecipe = field(default_factory=NoUndo)

    def to_json(self) -> dict[str, Any]:
        # In this order: pending.json is written unsorted, as it always was.
        return {
            "path": self.path,
            "target": self.target,
            "existed": self.existed,
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
            "backup": self.backup,
            "undo": self.undo.to_json(),
        }

    @classmethod
    def from_json(cls, raw: object, txid: str, places: Places, where: Path) -> FileRecord:
        """A record as to_json wrote it, checked (ValueError, KeyError or DamagedState if it
        is not). A missing `undo` stands for NoUndo's `{}`, as it always did."""
        if not isinstance(raw, dict) or set(raw) - _RECORD_MEMBERS:
            # Named by its members only: its undo recipe holds lines of the user's files.
            members = sorted(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__
            raise ValueError(f"a file record that is not one remedy writes: {members}")
        path, target, existed = raw["path"], raw["target"], raw["existed"]
        old_sha256, new_sha256 = raw["old_sha256"], raw["new_sha256"]
        state_checks.file_path(path, places, where)
        state_checks.file_path(target, places, where)
        if not isinstance(existed, bool) or not _is_hash(old_sha256) or not _is_hash(new_sha256):
            raise ValueError(
                f"a file record with existed={existed!r}, hashes {old_sha256!r}, {new_sha256!r}"
            )
        return cls(
            path=path,
            target=target,
            existed=existed,
            old_sha256=old_sha256,
            new_sha256=new_sha256,
            backup=state_checks.backup_name(raw["backup"], txid, where),
            undo=recipes.from_json(raw.get("undo", {}), where),
        )


_RECORD_MEMBERS = {"path", "target", "existed", "old_sha256", "new_sha256", "backup", "undo"}


def _is_hash(value: object) -> bool:
    return value is None or isinstance(value, str)


@dataclass(frozen=True)
class Entry:
    txid: str
    remedy: str
    at: str
    files: tuple[FileRecord, ...]
    details: dict[str, Any] = field(default_factory=dict)
    created_folders: tuple[str, ...] = ()
    # Order of application: revert goes newest first by this, never by txid (two applies in
    # one second have txids in random order). Journals from before it count by position.
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "txid": self.txid,
            "remedy": self.remedy,
            "at": self.at,
            "files": [f.to_json() for f in self.files],
            "details": self.details,
            "created_folders": list(self.created_folders),
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any], position: int, places: Places, where: Path) -> Entry:
        txid = state_checks.txid(raw["txid"], where)
        created = raw.get("created_folders", ())
        state_checks.folder_paths(created, places, where)
        seq = raw.get("seq", position)
        if not isinstance(seq, int):
            raise ValueError(f"seq {seq!r}")
        return cls(
            txid=txid,
            remedy=str(raw["remedy"]),
            at=str(raw["at"]),
            files=tuple(FileRecord.from_json(f, txid, places, where) for f in raw["files"]),
            details=dict(raw.get("details", {})),
            created_folders=tuple(created),
            seq=seq,
        )


def next_seq(entries: tuple[Entry, ...]) -> int:
    return max((e.seq for e in entries), default=0) + 1


@dataclass(frozen=True)
class Journal:
    committed: str | None = None
    entries: tuple[Entry, ...] = ()

    def to_bytes(self) -> bytes:
        doc = {
            "version": VERSION,
            "committed": self.committed,
            "entries": [e.to_json() for e in self.entries],
        }
        return json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_bytes(cls, data: bytes, where: Path, places: Places) -> Journal:
        try:
            doc = json.loads(data)
            if doc.get("version") != VERSION:
                raise ValueError(f"version {doc.get('version')!r}, expected {VERSION}")
            committed = doc.get("committed")
            if committed is not None:
                state_checks.txid(committed, where)
            return cls(
                committed=committed,
                entries=tuple(
                    Entry.from_json(e, i, places, where)
                    for i, e in enumerate(doc.get("entries", []))
                ),
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
            raise DamagedState(
                f"the journal {where} is damaged ({type(e).__name__}: {e}); "
                "move it aside to start afresh"
            ) from e


def _refuse_kind(path: Path, mode: int) -> None:
    what = kind(mode)
    if what is not None:
        raise DamagedState(
            f"{path} is {what}, not a regular file; remedy reads its state only from files "
            "it wrote. Nothing was changed; move it aside"
        )


def _open_state_file(path: Path, flags: int, create_mode: int = 0o600) -> int:
    """Open one of our state files without following a symlink or blocking on a FIFO, and
    refuse anything but a regular file (checked on what was opened, so it cannot be raced)."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, create_mode)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise DamagedState(
                f"{path} is a symlink; remedy keeps its state only in files of its own. "
                "Nothing was changed; remove the link"
            ) from e
        raise
    try:
        _refuse_kind(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_state_file(path: Path) -> bytes | None:
    """A state file's bytes, or None when it does not exist."""
    try:
        fd = _open_state_file(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise RemedyError(f"cannot read {path}: {e.strerror}") from e
    try:
        if os.fstat(fd).st_size > MAX_STATE_BYTES:
            raise DamagedState(f"{path} is too large to be remedy's; move it aside")
        return read_all(fd)
    finally:
        os.close(fd)


def check_folder(path: Path) -> bool:
    """True when `path` is a real folder of this user's; False when it does not exist.
    A symlink or someone else's folder is refused: our journal and backups (copies of the
    user's files) go nowhere else."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        what = "a symlink" if stat.S_ISLNK(st.st_mode) else "not a folder"
        raise DamagedState(
            f"remedy's state folder {path} is {what}; "
            "remedy keeps its state only in a real folder of its own. Nothing was changed"
        )
    if st.st_uid != os.geteuid():
        raise DamagedState(
            f"remedy's state folder {path} belongs to uid {st.st_uid}, not to this user; "
            "nothing was changed"
        )
    return True


class StateFolder:
    """The journal's folder. Every method expects the caller to hold the lock."""

    def __init__(self, root: Path, places: Places) -> None:
        self.root = root
        self.places = places

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.json"

    @property
    def pending_path(self) -> Path:
        return self.root / "pending.json"

    def load(self) -> Journal:
        data = read_state_file(self.journal_path)
        if data is None:
            return Journal()
        return Journal.from_bytes(data, self.journal_path, self.places)

    def save(self, journal: Journal) -> None:
        private_folder(self.root)
        write_private(self.journal_path, journal.to_bytes())

    def _backups(self, txid: str) -> Path:
        state_checks.txid(txid, self.journal_path)
        return self.root / "backups" / txid

    def write_backup(self, txid: str, index: int, data: bytes) -> str:
        private_folder(self.root / "backups")
        folder = private_folder(self._backups(txid))
        write_private(folder / str(index), data)
        return f"backups/{txid}/{index}"

    def read_backup(self, relative: str | None) -> bytes | None:
        if relative is None:
            return None
        _, txid, _ = relative.split("/")  # checked when the journal was read
        try:
            if not (check_folder(self.root / "backups") and check_folder(self._backups(txid))):
                return None
            return read_state_file(self.root / relative)
        except (RemedyError, OSError):
            return None

    def drop_backups(self, txid: str) -> None:
        """Remove a transaction's backups: only the numbered regular files remedy wrote, in a
        real folder of ours; anything else found there is left alone."""
        folder = self._backups(txid)
        if not check_folder(self.root / "backups") or not check_folder(folder):
            return
        with os.scandir(folder) as items:
            for item in items:
                if item.name.isdigit() and item.is_file(follow_symlinks=False):
                    os.unlink(item.path)
        os.rmdir(folder)

    def clear_pending(self) -> None:
        self.pending_path.unlink(missing_ok=True)


@contextmanager
def locked(ctx: Context, *, read_only: bool = False) -> Iterator[StateFolder]:
    """Hold the state folder's lock: concurrent runs on one HOME take turns.

    read_only (a dry run, status): when there is no state folder yet there is nothing to
    protect, and creating one would be a write, so none is made.
    """
    root, timeout = ctx.state_dir, ctx.lock_timeout
    places = state_checks.places_for(ctx)
    if read_only and not check_folder(root):
        yield StateFolder(root, places)
        return
    try:
        if read_only:
            # Readers share the lock, on a descriptor that needs no write access (a
            # read-only filesystem can still be looked at); writers wait for them.
            try:
                fd = _open_state_file(root / "lock", os.O_RDONLY)
            except FileNotFoundError:
                yield StateFolder(root, places)
                return
        else:
            private_folder(root)
            fd = _open_state_file(root / "lock", os.O_RDWR | os.O_CREAT)
            belongs_to_folder(root / "lock")
    except OSError as e:
        raise RemedyError(
            f"cannot use remedy's state folder {root}: {e.strerror}; nothing was changed"
        ) from e
    mode = fcntl.LOCK_SH if read_only else fcntl.LOCK_EX
    try:
        deadline = time.monotonic() + timeout
        said = False
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not said:
                    said = True
                    ctx.progress(f"waiting for another remedy run{_holder(fd)}...")
                if time.monotonic() > deadline:
                    raise Conflict(
                        f"another remedy has held {root / 'lock'} for {timeout:g} s; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.02)
        if not read_only:
            # Who holds it, for a run that has to wait: "another remedy run (pid 4242)".
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield StateFolder(root, places)
    finally:
        os.close(fd)  # closing releases the lock


def _holder(fd: int) -> str:
    try:
        written = os.pread(fd, 16, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {written})" if written.isdigit() else ""


def applied_remedies(ctx: Context) -> list[str]:
    """The names of the remedies the journal says are applied here."""
    with locked(ctx, read_only=True) as state:
        return sorted({e.remedy for e in state.load().entries})


def applied_details(ctx: Context) -> dict[str, dict[str, Any]]:
    """The details each applied remedy's newest entry keeps (data: a reader checks them)."""
    with locked(ctx, read_only=True) as state:
        entries = sorted(state.load().entries, key=lambda e: e.seq)
    return {entry.remedy: entry.details for entry in entries}


def applied_options(ctx: Context) -> dict[str, dict[str, str]]:
    """The option values each applied remedy file was given (its newest entry's)."""
    found: dict[str, dict[str, str]] = {}
    for remedy, details in applied_details(ctx).items():
        given = details.get("options")
        if isinstance(given, dict):
            found[remedy] = {str(k): str(v) for k, v in given.items()}
    return found


def configured_shells(ctx: Context, remedy: str | None = None) -> list[str]:
    """The shells the applied entries (of `remedy`, or all) configured, as their details
    say, in order."""
    with locked(ctx, read_only=True) as state:
        entries = state.load().entries
    names: list[str] = []
    for entry in entries:
        if remedy is not None and entry.remedy != remedy:
            continue
        listed = entry.details.get("shells")
        for name in listed if isinstance(listed, list) else []:
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names
