"""Every read and write of a user's file goes through here.

Writes are staged: new bytes go to a temporary file in the target's own folder (same
filesystem, so the rename is atomic), get the target's owner, extended attributes, ACL and
mode (engine.file_attrs), are fsynced, and only then replace the target with rename(2),
after which the folder is fsynced too (the pattern of Ansible's `atomic_move`). We write to
the symlink's target, so a symlinked dotfile stays a symlink. At every instant the target
holds either its old or its new bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from remedies.engine import file_attrs
from remedies.engine.startup_bounds import kind, size_problem, too_big
from remedies.errors import BadInput, Conflict, FileProblem


@dataclass(frozen=True)
class FileState:
    """A start-up file as it is now. `data` is None when it does not exist."""

    path: Path  # as the user knows it, maybe a symlink
    target: Path  # the regular file actually read and written
    data: bytes | None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    # Extended attributes (ACL included), read from the same descriptor as the bytes; None
    # when not known (a file that does not exist, a platform without them).
    xattrs: tuple[tuple[str, bytes], ...] | None = None


def sha256(data: bytes | None) -> str | None:
    import hashlib  # here: OpenSSL's load costs `remedy list` and `status` more than they use

    return None if data is None else hashlib.sha256(data).hexdigest()


def _refuse_kind(path: Path, mode: int) -> None:
    what = kind(mode)
    if what is not None:
        raise FileProblem(f"{path} is {what}, not a regular file; remedy edits only files")


def resolve(path: Path) -> Path:
    """The file a path finally names, following symlinks; clear errors for loops and dangles."""
    try:
        target = path.resolve(strict=True) if path.is_symlink() else path
    except FileNotFoundError as e:
        raise FileProblem(
            f"{path} is a symlink to {os.readlink(path)}, which does not exist; "
            "create the target or remove the link, then run again"
        ) from e
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileProblem(f"{path} is a symlink loop") from e
        raise FileProblem(f"cannot follow {path}: {e.strerror}") from e
    except RuntimeError as e:  # Python < 3.13 raises RuntimeError for some loops
        raise FileProblem(f"{path} is a symlink loop") from e
    # A missing file in a symlinked folder is created in the folder's target.
    if not target.exists() and target.parent.exists():
        target = Path(os.path.realpath(target.parent)) / target.name
    return target


def read_state(path: Path) -> FileState:
    """Open the file `path` finally names once, and judge what was opened: the checks are
    made with fstat on that descriptor, so swapping the file for a symlink or a device
    between a check and the read cannot fool them (O_NOFOLLOW on the last step; O_NONBLOCK
    so that a FIFO never blocks)."""
    target = resolve(path)
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return FileState(path, target, None)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileProblem(f"{path} changed while remedy read it; run again") from e
        with contextlib.suppress(OSError):
            _refuse_kind(path, os.stat(target).st_mode)  # a socket cannot be opened at all
        raise FileProblem(f"cannot read {path}: {e.strerror}") from e
    try:
        st = os.fstat(fd)
        _refuse_kind(path, st.st_mode)
        if st.st_nlink > 1:
            # rename(2) would give this name a new inode and leave the other links with the
            # old bytes, silently splitting what the user made one file.
            raise FileProblem(
                f"{path} has {st.st_nlink} hard links; remedy will not split them. "
                "Replace the extra links with symlinks, then run again"
            )
        if too_big(st.st_size):
            raise FileProblem(size_problem(str(path), st.st_size))
        data = read_all(fd)
        attrs = file_attrs.read(fd)
    except OSError as e:
        raise FileProblem(f"cannot read {path}: {e.strerror}") from e
    finally:
        os.close(fd)
    return _opened(path, target, data, st, attrs)


def _opened(
    path: Path, target: Path, data: bytes, st: os.stat_result, attrs: dict[str, bytes] | None
) -> FileState:
    """A file as read from one descriptor: its bytes, fstat and extended attributes."""
    xattrs = None if attrs is None else tuple(sorted(attrs.items()))
    return FileState(path, target, data, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, xattrs)


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def read_small(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes when it holds at most `limit` of them, else None (missing,
    unreadable, too big, a pipe, a device): for the files of other tools remedy only looks
    at (a yadm index, chezmoi's configuration). Judged before it is opened (opening some
    devices does something: a watchdog starts counting), and again on the descriptor it
    reads, opened without blocking, so a FIFO swapped in between never holds remedy up."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        data = os.read(fd, limit + 1)
        return None if len(data) > limit else data
    except OSError:
        return None
    finally:
        os.close(fd)


def read_bytes(path: Path) -> bytes | None:
    """The bytes at a path (following symlinks), or None when it does not exist."""
    return read_state(path).data


def _creation_mode() -> int:
    return 0o666 & ~_umask()


def _umask() -> int:
    """This process's umask, read without changing it where Linux says it (/proc, since 4.7):
    setting it to 0 for a moment would give that 0 to a shell another thread starts then."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist, outermost first."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    return list(reversed(missing))


def make_folders(folder: Path, *, public: bool = False) -> list[Path]:
    """Create `folder` and missing parents, owned like the nearest existing parent; return
    the ones this call created. `public`: 0755 whatever the umask (a folder every user of
    the machine must be able to read, such as Claude Code's managed settings)."""
    missing = missing_folders(folder)
    if not missing:
        return []
    owner = os.stat(missing[0].parent)
    made_here: list[Path] = []
    for step in missing:
        try:
            os.mkdir(step, 0o755)
        except FileExistsError:
            if step.is_dir():
                continue  # another process made it just now: fine, and not ours to remove
            raise FileProblem(f"cannot create folder {step}: a file is in the way") from None
        except OSError as e:
            raise FileProblem(f"cannot create folder {step}: {e.strerror}") from e
        _give_to(step, owner.st_uid, owner.st_gid)
        if public:
            os.chmod(step, 0o755)
        made_here.append(step)
    return made_here


def _give_to(path: Path, uid: int, gid: int) -> None:
    # Only root can give files away; when root edits another user's home the files stay theirs.
    if os.geteuid() == 0 and (uid, gid) != (0, 0):
        os.chown(path, uid, gid, follow_symlinks=False)


def stage(state: FileState, data: bytes, temp: Path, *, public: bool = False) -> None:
    """Write `data` to `temp` (next to the target), durable, with the target's owner,
    extended attributes, ACL and mode (`public`: 0644 whatever the umask, for a file every
    user of the machine reads). An attribute that cannot be kept is refused (FileProblem
    naming the file and the attribute), and `temp` removed: see engine.file_attrs."""
    if state.mode is not None and state.uid is not None and state.gid is not None:
        mode, uid, gid = state.mode, state.uid, state.gid
    else:
        folder = os.stat(temp.parent)
        mode, uid, gid = _creation_mode(), folder.st_uid, folder.st_gid
    if public:
        mode = 0o644
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as e:
        raise FileProblem(f"cannot write in {temp.parent}: {e.strerror}") from e
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        # The owner first: chown clears set-user-ID bits and file capabilities, so what is
        # given after it stays given. The attributes and the mode in file_attrs' order.
        if os.geteuid() == 0:
            os.fchown(fd, uid, gid)
        wanted = dict(state.xattrs) if state.data is not None and state.xattrs is not None else None
        file_attrs.give(fd, str(state.path), mode, wanted, public=public)
        os.fsync(fd)  # last, so that the attributes and the mode are as durable as the bytes
    except (OSError, FileProblem) as e:
        os.close(fd)
        discard(temp)
        if isinstance(e, FileProblem):
            raise
        raise FileProblem(f"cannot write {temp}: {e.strerror}") from e
    os.close(fd)


class _Renamer:
    """rename(2) with the flags of Linux's renameat2: RENAME_EXCHANGE swaps two names in one
    step, RENAME_NOREPLACE refuses to clobber. Elsewhere (macOS, old kernels or C libraries)
    `available` is False and plain rename is used."""

    AT_FDCWD = -100
    NOREPLACE = 1
    EXCHANGE = 2

    def __init__(self) -> None:
        self._call: Any = None
        self._looked = False

    @property
    def available(self) -> bool:
        # ctypes is loaded on the first install, not at start-up (`make bench`: status).
        if not self._looked:
            self._looked = True
            if sys.platform.startswith("linux"):
                import ctypes

                with contextlib.suppress(OSError, AttributeError):
                    self._call = ctypes.CDLL(None, use_errno=True).renameat2
        return self._call is not None

    def __call__(self, old: Path, new: Path, flags: int) -> None:
        result = self._call(self.AT_FDCWD, os.fsencode(old), self.AT_FDCWD, os.fsencode(new), flags)
        if result != 0:
            import ctypes

            code = ctypes.get_errno()
            if code in (errno.ENOSYS, errno.EINVAL):
                self._call = None  # the filesystem or kernel cannot; fall back from now on
            raise OSError(code, os.strerror(code), str(new))


_rename = _Renamer()


def install(temp: Path, target: Path, expected: bytes | None, was: FileState | None = None) -> None:
    """Atomically put the staged `temp` in place of `target`, which must still hold
    `expected` (None: must not exist) and, when `was` (the target as read) is given, still
    have its mode, owner and extended attributes; then make the rename durable.

    Checking first and renaming after leaves a window in which an editor that saves by rename
    would be overwritten. Exchanging the two names in one step closes it: what comes out is
    checked afterwards, and exchanged back if it is not what we read. A `chmod` or `setfacl`
    made meanwhile counts as a change too: the staged file carries the old mode and ACL, and
    putting it in place would silently undo the user's (an ACL narrowed would widen again).
    """
    try:
        if _rename.available:
            _swap_in(temp, target, expected, was)
        else:
            now = read_state(target)
            if not _unchanged(now if now.data is not None else None, expected, was):
                raise _changed(target)
            os.replace(temp, target)
    except OSError as e:
        if e.errno in (errno.ENOSYS, errno.EINVAL) and not _rename.available:
            return install(temp, target, expected, was)
        raise FileProblem(f"cannot replace {target}: {e.strerror}") from e
    fsync_folder(target.parent)


def _swap_in(temp: Path, target: Path, expected: bytes | None, was: FileState | None) -> None:
    if expected is None:
        try:
            _rename(temp, target, _Renamer.NOREPLACE)
        except FileExistsError:
            raise _changed(target) from None
        return
    try:
        _rename(temp, target, _Renamer.EXCHANGE)
    except FileNotFoundError:
        raise _changed(target) from None
    if not _unchanged(_read_plain(temp), expected, was):
        _rename(temp, target, _Renamer.EXCHANGE)  # give the user's save its name back
        raise _changed(target)
    discard(temp)


def _unchanged(found: FileState | None, expected: bytes | None, was: FileState | None) -> bool:
    """Whether `found` (None: no regular file) is still what was read."""
    if found is None or found.data != expected:
        return found is None and expected is None
    if was is None or was.data is None:
        return True
    if (found.mode, found.uid, found.gid) != (was.mode, was.uid, was.gid):
        return False
    # The bytes themselves are compared, and the attributes too: exact, and cheaper than
    # hashing both (8 MB: 12 ms).
    return found.xattrs is None or was.xattrs is None or found.xattrs == was.xattrs


def _read_plain(path: Path) -> FileState | None:
    """The regular file at `path` itself, never a symlink's target; None when there is none
    or it cannot be read (then it is not what we read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        data = read_all(fd)
        attrs = file_attrs.read(fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    return _opened(path, path, data, st, attrs)


def _changed(target: Path) -> Exception:
    return Conflict(
        f"{target} changed while remedy was working; nothing was changed, run the command again"
    )


def remove(target: Path, expected: bytes | None) -> None:
    """Remove `target` only while it still holds `expected` (None: it was not there, so a
    file found now is someone else's): it is moved aside, checked, and put back if someone
    saved over it meanwhile."""
    aside = target.with_name(f".{target.name.lstrip('.')}.remedy-removing.tmp")
    try:
        os.rename(target, aside)
        came_out = _read_plain(aside)
        if (came_out.data if came_out else None) != expected:
            if _rename.available:
                _rename(aside, target, _Renamer.NOREPLACE)
            else:
                os.rename(aside, target)
            raise _changed(target)
        os.unlink(aside)
    except FileNotFoundError:
        return
    except OSError as e:
        raise FileProblem(f"cannot remove {target}: {e.strerror}") from e
    fsync_folder(target.parent)


def discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def remove_empty_folders(folders: list[Path]) -> None:
    """Remove folders we created, innermost first, if they are still empty."""
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Atomically write one of our own state files, readable by the user only (0600)."""
    temp = path.with_name(f".{path.name}.tmp")
    discard(temp)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        belongs_to_folder(temp)
        os.replace(temp, path)
    except OSError as e:
        discard(temp)
        raise FileProblem(f"cannot write {path}: {e.strerror}") from e
    fsync_folder(path.parent)


def private_folder(path: Path) -> Path:
    """Create our state folder (0700): backups may hold secrets copied from start-up files.
    Like every folder we make, it belongs to the owner of the folder it is made in, so that
    root working in a user's home leaves the user's state the user's. A symlink or a folder
    of someone else's is refused before anything is written there (or chmodded)."""
    make_folders(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            raise FileProblem(
                f"remedy's state folder {path} is a symlink or not a folder; remedy keeps its "
                "state only in a real folder of its own. Nothing was changed"
            ) from e
        raise FileProblem(f"cannot use {path}: {e.strerror}") from e
    try:
        st = os.fstat(fd)
        if st.st_uid != os.geteuid():
            raise FileProblem(
                f"remedy's state folder {path} belongs to {_user(st.st_uid)}, not to "
                f"{_user(os.geteuid())}; nothing was changed"
            )
        if stat.S_IMODE(st.st_mode) != 0o700:
            os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return path


def belongs_to_folder(path: Path) -> None:
    """Give a file we just created to the owner of its folder (only root can, and must)."""
    if os.geteuid() == 0:
        folder = os.stat(path.parent)
        _give_to(path, folder.st_uid, folder.st_gid)


def _user(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def write_new(path: Path, data: bytes) -> None:
    """A file the user asked for (an export, a skeleton): created, 0644, never replacing one
    that exists nor following a symlink there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    except FileExistsError:
        raise BadInput(f"{path} exists; remedy does not replace it") from None
    except OSError as e:
        raise FileProblem(f"cannot write {path}: {e.strerror}") from e
    with os.fdopen(fd, "wb") as file:
        file.write(data)
