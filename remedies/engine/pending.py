"""pending.json: the transaction under way, written before any file changes.

It names each file the transaction changes (its record as the journal will hold it, and its
staged temp file), the folders it makes and the transactions whose backups go once it
commits; transaction.recover rolls back one that a crash interrupted. Its shape on disk is
the one every release wrote (unsorted members, no final newline), so a pending.json left by
an older remedy is still recovered. Like the journal it sits in a folder the user can write:
it is read as data, checked, and a damaged one is set aside, never obeyed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from remedies.engine import state_checks
from remedies.engine.fileio import private_folder, write_private
from remedies.engine.journal import FileRecord, StateFolder, read_state_file
from remedies.engine.state_checks import DamagedState


@dataclass(frozen=True)
class PendingFile:
    record: FileRecord  # as the journal will hold it if the transaction commits
    temp: str | None  # its staged file; for the record only, recovery derives the name again


@dataclass(frozen=True)
class Pending:
    txid: str
    files: tuple[PendingFile, ...]
    folders: tuple[str, ...] = ()  # made by the transaction; removed again when empty
    release_backups: tuple[str, ...] = ()  # transactions whose backups go once this commits

    def to_bytes(self) -> bytes:
        doc = {
            "txid": self.txid,
            "files": [{**f.record.to_json(), "temp": f.temp} for f in self.files],
            "folders": list(self.folders),
            "release_backups": list(self.release_backups),
        }
        return json.dumps(doc, indent=1).encode()

    @classmethod
    def from_json(cls, raw: object, state: StateFolder) -> Pending:
        """Checked as the journal is. `folders`, `release_backups`, a file's `temp` and `undo`
        may be absent, as recovery has always allowed; anything else missing, unknown or of
        the wrong type raises DamagedState, ValueError, KeyError or TypeError."""
        where = state.pending_path
        if not isinstance(raw, dict) or set(raw) - _MEMBERS:
            raise ValueError("not an object remedy writes")
        txid = state_checks.txid(raw["txid"], where)
        files = []
        for item in _listed(raw["files"]):
            if not isinstance(item, dict):
                raise ValueError(f"a file that is a {type(item).__name__}")
            temp = item.get("temp")
            if temp is not None and not isinstance(temp, str):
                raise ValueError(f"a temp {temp!r}")
            fields = {k: v for k, v in item.items() if k != "temp"}
            files.append(PendingFile(FileRecord.from_json(fields, txid, state.places, where), temp))
        folders = _listed(raw.get("folders", []))
        state_checks.folder_paths(folders, state.places, where)
        released = [state_checks.txid(t, where) for t in _listed(raw.get("release_backups", []))]
        return cls(txid, tuple(files), tuple(str(f) for f in folders), tuple(released))


_MEMBERS = {"txid", "files", "folders", "release_backups"}


def _listed(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError(f"{value!r} where a list belongs")
    return value


def read_pending(state: StateFolder) -> Pending | None:
    """The transaction a crash interrupted, or None. The caller holds the lock."""
    try:
        data = read_state_file(state.pending_path)
        return None if data is None else Pending.from_json(json.loads(data), state)
    except (DamagedState, ValueError, KeyError, TypeError, RecursionError) as e:
        # pending.json is written atomically, so a damaged one was never a valid record:
        # no file was touched under it. It is set aside, never obeyed.
        aside = state.pending_path.with_name("pending.json.damaged")
        os.replace(state.pending_path, aside)
        raise DamagedState(
            f"set aside {state.pending_path} as {aside.name}: it is not one remedy wrote "
            f"({e}); nothing was changed"
        ) from e


def write_pending(state: StateFolder, pending: Pending) -> None:
    private_folder(state.root)
    write_private(state.pending_path, pending.to_bytes())
