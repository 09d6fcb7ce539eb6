"""Changing several files as one: every file changes, or none does, even across kill -9.

commit():
 1. back up the old bytes of every file (backups/TXID/N);
 2. write pending.json naming each file, its old and new hashes and its temp file;
 3. stage every new file next to its target and check its syntax with the real shell;
 4. check no file changed since we read it, then rename the temps over the targets;
 5. save the new journal, whose `committed` is TXID: this is the commit point;
 6. delete pending.json and the backups nobody needs any more.
recover() runs first in every command that changes files: a pending.json that did not reach
step 5 is rolled back (each file that holds its new bytes gets its old bytes back), one that
did is cleaned up. A crash at any instant therefore leaves each file old or new, and the next
run makes the set consistent again.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from remedies.context import Context
from remedies.engine import fileio
from remedies.engine.fileio import FileState, sha256
from remedies.engine.journal import Entry, FileRecord, Journal, StateFolder, next_seq
from remedies.engine.pending import Pending, PendingFile, read_pending, write_pending
from remedies.engine.undo import NoUndo, UndoRecipe
from remedies.errors import Conflict, FileProblem, RemedyError
from remedies.redact import redact_text

# Given a staged temp file, the command that checks its syntax (None: nothing to check).
SyntaxCheck = Callable[[Path], "list[str] | None"]


@dataclass(frozen=True)
class Change:
    """One file's planned change: `state` is what we read, `new` what it becomes (None: gone)."""

    state: FileState
    new: bytes | None
    # How revert takes out only our part once the user has edited the file (revert_plan).
    undo: UndoRecipe = field(default_factory=NoUndo)
    check: SyntaxCheck | None = None
    summary: str = ""
    # Read by every user of the machine (a managed-settings drop-in): 0644, folders 0755,
    # whatever root's umask; a 0600 drop-in would be silently ignored by everyone else.
    public: bool = False

    @property
    def action(self) -> str:
        if self.state.data is None:
            return "created"
        return "deleted" if self.new is None else "modified"


@dataclass(frozen=True)
class Committed:
    txid: str
    records: list[FileRecord]
    warnings: list[str]  # for the user: e.g. a file that did not parse before we came


def new_txid(ctx: Context) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ctx.clock()))
    return f"{stamp}-{secrets.token_hex(4)}"


def _temp_for(target: Path, txid: str, index: int) -> Path:
    # A hidden name ending in .tmp: no shell sources it (fish reads conf.d/*.fish only).
    hidden = target.name if target.name.startswith(".") else f".{target.name}"
    return target.with_name(f"{hidden}.remedy-{txid}-{index}.tmp")


def commit(
    ctx: Context,
    state: StateFolder,
    changes: list[Change],
    *,
    make_journal: Callable[[str, list[FileRecord], list[str]], Journal],
    release_backups: tuple[str, ...] = (),
    keep_backups: bool = True,
) -> Committed:
    """Apply `changes` all or nothing; `make_journal(txid, records, created)` is the new journal.

    `release_backups` names transactions whose backups are no longer needed once this one
    commits (the entries a revert removes); `keep_backups` keeps this one's (an apply's
    journal entry points at them, a revert's does not).
    """
    txid = new_txid(ctx)
    temps = [
        _temp_for(c.state.target, txid, i) if c.new is not None else None
        for i, c in enumerate(changes)
    ]
    created: list[str] = []
    warnings: list[str] = []
    try:
        records = [_back_up(state, txid, i, c) for i, c in enumerate(changes)]
        pending = Pending(
            txid=txid,
            files=tuple(PendingFile(r, str(t) if t else None) for r, t in zip(records, temps)),
            folders=tuple(
                sorted(
                    {str(p) for c in changes for p in fileio.missing_folders(c.state.target.parent)}
                )
            ),
            release_backups=release_backups,
        )
        write_pending(state, pending)
        ctx.point("pending written")
        for change in changes:
            made = fileio.make_folders(change.state.target.parent, public=change.public)
            created += [str(p) for p in made]
        for change, temp in zip(changes, temps):
            if temp is not None and change.new is not None:
                fileio.stage(change.state, change.new, temp, public=change.public)
                ctx.point("staged")
                warning = _check_syntax(ctx, change, temp)
                if warning:
                    warnings.append(warning)
        for change in changes:
            _ensure_unchanged(change)
    except BaseException:
        _abort(state, txid, temps, created)
        raise
    with _interrupts_held():
        try:
            for change, temp in zip(changes, temps):
                # Each checks, in the same step as it changes the file, that the file still
                # holds what we read: an editor's save in the meantime is never overwritten.
                if temp is None:
                    fileio.remove(change.state.target, expected=change.state.data)
                else:
                    fileio.install(temp, change.state.target, change.state.data, change.state)
                ctx.point("installed")
            state.save(make_journal(txid, records, created))
        except BaseException:
            # Some files may hold their new bytes already (a Ctrl-C that came before the hold
            # counts too): put them back now, as recovery would.
            _roll_back(state, txid, pending)
            raise
        # Committed, and recorded as such before a held Ctrl-C can be raised: whoever catches
        # it knows this run changed something.
        ctx.record.committed.append(txid)
        ctx.record.asked.clear()  # start-up files changed: new shells must be asked again
    # What is left is tidying up; if it fails, the next run's recover() does it.
    ctx.point("journal saved", can_fail=False)
    with contextlib.suppress(OSError):
        _finish(state, txid, release_backups, keep_own_backups=keep_backups)
    return Committed(txid, records, warnings)


def commit_apply(
    ctx: Context, state: StateFolder, changes: list[Change], *, remedy: str, details: dict[str, Any]
) -> Committed:
    """Commit an apply: the changes, and one new journal entry for `remedy` at the end."""
    journal = state.load()

    def next_journal(txid: str, records: list[FileRecord], created: list[str]) -> Journal:
        entry = Entry(
            txid=txid,
            remedy=remedy,
            at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ctx.clock())),
            files=tuple(records),
            details=details,
            created_folders=tuple(created),
            seq=next_seq(journal.entries),
        )
        return Journal(committed=txid, entries=(*journal.entries, entry))

    return commit(ctx, state, changes, make_journal=next_journal)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C waits while the files are renamed into place and the journal saved: it lands
    before that (everything is rolled back) or after (the transaction is whole and recorded),
    never with half the files new. A handler that only notes the signal stands in for the
    one that raises, and KeyboardInterrupt is raised as the block ends. (Blocking SIGINT
    would not do: the kernel gives a process's signal to any thread that does not block it,
    and Python then raises in the main thread at once.) kill -9 cannot be held; recover()
    answers that. Python runs signal handlers in the main thread only, and only it can set
    one: elsewhere (a test running remedy in a thread) there is nothing to hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield  # started with Ctrl-C ignored (nohup, a background job): it stays ignored
        return
    noted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: noted.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if noted:
        raise KeyboardInterrupt


def _back_up(state: StateFolder, txid: str, index: int, change: Change) -> FileRecord:
    old = change.state.data
    return FileRecord(
        path=str(change.state.path),
        target=str(change.state.target),
        existed=old is not None,
        old_sha256=sha256(old),
        new_sha256=sha256(change.new),
        backup=state.write_backup(txid, index, old) if old is not None else None,
        undo=change.undo,
    )


def rewrite_journal(
    ctx: Context,
    state: StateFolder,
    change: Callable[[str, tuple[Entry, ...]], tuple[Entry, ...]],
) -> str:
    """Replace the journal's entries by change(txid, entries), with no file to change: the
    same all-or-nothing commit, so a crash leaves the old journal or the new one."""
    entries = state.load().entries

    def rewritten(txid: str, records: list[FileRecord], created: list[str]) -> Journal:
        return Journal(txid, change(txid, entries))

    return commit(ctx, state, [], make_journal=rewritten).txid


def _check_syntax(ctx: Context, change: Change, temp: Path) -> str | None:
    """Parse the staged file with the real shell. A failure is ours unless the file as it is
    now fails the same check (then the user's file was broken before: we go ahead and say
    so, rather than refuse forever). Returns a warning, or None."""
    check = change.check
    argv = check(temp) if check else None
    if check is None or not argv:
        return None
    result = ctx.runner.run(argv, env=ctx.env, timeout=30)
    if result.returncode == 0:
        return None
    said = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
    lines = said.replace(str(temp), str(change.state.path)).splitlines()
    first = redact_text(lines[0]) if lines else f"exit code {result.returncode}"
    before = check(change.state.target) if change.state.data is not None else None
    if before and ctx.runner.run(before, env=ctx.env, timeout=30).returncode != 0:
        return (
            f"{change.state.path} did not parse before remedy changed it either "
            f"({argv[0]} says: {first}); our block was added all the same"
        )
    raise RemedyError(
        f"{change.state.path}: the edited file would not parse ({argv[0]} says: {first}); "
        "nothing was changed"
    )


def _ensure_unchanged(change: Change) -> None:
    now = fileio.read_bytes(change.state.path)
    # The bytes themselves: exact, and cheaper than hashing both (8 MB: 12 ms).
    if now != change.state.data:
        raise Conflict(
            f"{change.state.path} changed while remedy was working; nothing was changed, "
            "run the command again"
        )


def _abort(state: StateFolder, txid: str, temps: list[Path | None], created: list[str]) -> None:
    for temp in temps:
        if temp is not None:
            fileio.discard(temp)
    if any(temp is not None and os.path.lexists(temp) for temp in temps):
        # A staged file that could not be removed (an unlink refused while the machine ran
        # out of memory: seen once in CI) stays on record: the next run's recover() removes
        # it. Forgotten, it stayed in the home for good.
        return
    fileio.remove_empty_folders([Path(p) for p in created])
    state.drop_backups(txid)
    state.clear_pending()


def _finish(
    state: StateFolder, txid: str, release_backups: tuple[str, ...], keep_own_backups: bool
) -> None:
    state.clear_pending()
    for released in release_backups:
        state.drop_backups(released)
    if not keep_own_backups:
        state.drop_backups(txid)


def recover(ctx: Context, state: StateFolder) -> list[str]:
    """Finish or roll back a transaction a crash interrupted. Returns notes for the user."""
    pending = read_pending(state)
    if pending is None:
        return []
    txid = pending.txid
    journal = state.load()
    _discard_temps(txid, pending)
    if journal.committed == txid:
        _finish(state, txid, pending.release_backups, keep_own_backups=True)
        return []
    notes = _roll_back(state, txid, pending)
    notes.append(f"rolled back an interrupted run ({txid})")
    return notes


def _discard_temps(txid: str, pending: Pending) -> None:
    """Remove the staged files of a transaction. Their names are derived again from the
    (checked) targets, never read from pending.json: a name there is data, not an order."""
    for index, item in enumerate(pending.files):
        if item.temp:
            fileio.discard(_temp_for(Path(item.record.target), txid, index))


def _roll_back(state: StateFolder, txid: str, pending: Pending) -> list[str]:
    """Give every file of an uncommitted transaction its old bytes; forget the transaction."""
    notes = []
    _discard_temps(txid, pending)
    for item in pending.files:
        notes += _roll_back_file(state, item.record)
    fileio.remove_empty_folders([Path(p) for p in pending.folders])
    _finish(state, txid, (), keep_own_backups=False)
    return notes


def _roll_back_file(state: StateFolder, record: FileRecord) -> list[str]:
    target = Path(record.target)
    try:
        now = fileio.read_bytes(target)
    except FileProblem as e:
        return [f"could not check {target} while rolling back: {e}"]
    current = sha256(now)
    if current == record.old_sha256:
        return []
    if current != record.new_sha256:
        return [f"{record.path} changed during the interrupted run; left as it is"]
    old = state.read_backup(record.backup) if record.existed else None
    if record.existed and sha256(old) != record.old_sha256:
        return [f"the backup of {record.path} is missing; left as it is"]
    if old is None:
        fileio.remove(target, expected=now)
        return []
    as_found = fileio.read_state(target)
    temp = _temp_for(target, "rollback", 0)
    fileio.discard(temp)
    fileio.stage(replace(as_found, data=now), old, temp)
    fileio.install(temp, target, now, as_found)
    return []
