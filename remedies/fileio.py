"""Every read and write of a user's file goes through here.

Writes are staged: new bytes go to a temporary file in the target's own folder (same
filesystem, so the rename is atomic), are fsynced, get the target's mode and owner, and only
then replace the target with rename(2), after which the folder is fsynced too (the pattern of
Ansible's `atomic_move`). We write to the symlink's target, so a symlinked dotfile stays a
symlink. At every instant the target holds either its old or its new bytes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from remedies.errors import FileProblem


@dataclass(frozen=True)
class FileState:
    """A start-up file as it is now. `data` is None when it does not exist."""

    path: Path  # as the user knows it, maybe a symlink
    target: Path  # the regular file actually read and written
    data: bytes | None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None


def sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


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
    target = resolve(path)
    try:
        st = os.stat(target)  # stat first: opening a FIFO would block
    except FileNotFoundError:
        return FileState(path, target, None)
    except OSError as e:
        raise FileProblem(f"cannot read {path}: {e.strerror}") from e
    if not stat.S_ISREG(st.st_mode):
        raise FileProblem(
            f"{path} is {_kind(st.st_mode)}, not a regular file; remedy edits only files"
        )
    if st.st_nlink > 1:
        # rename(2) would give this name a new inode and leave the other links with the old
        # bytes, silently splitting what the user made one file.
        raise FileProblem(
            f"{path} has {st.st_nlink} hard links; remedy will not split them. "
            "Replace the extra links with symlinks, then run again"
        )
    try:
        with open(target, "rb") as f:
            data = f.read()
    except OSError as e:
        raise FileProblem(f"cannot read {path}: {e.strerror}") from e
    return FileState(path, target, data, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


def read_bytes(path: Path) -> bytes | None:
    """The bytes at a path (following symlinks), or None when it does not exist."""
    return read_state(path).data


def _creation_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist, outermost first."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    return list(reversed(missing))


def make_folders(folder: Path) -> list[Path]:
    """Create `folder` and missing parents, owned like the nearest existing parent; return
    the ones this call created."""
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
        made_here.append(step)
    return made_here


def _give_to(path: Path, uid: int, gid: int) -> None:
    # Only root can give files away; when root edits another user's home the files stay theirs.
    if os.geteuid() == 0 and (uid, gid) != (0, 0):
        os.chown(path, uid, gid, follow_symlinks=False)


def stage(state: FileState, data: bytes, temp: Path) -> None:
    """Write `data` to `temp` (next to the target), durable, with the target's mode and owner."""
    if state.mode is not None and state.uid is not None and state.gid is not None:
        mode, uid, gid = state.mode, state.uid, state.gid
    else:
        folder = os.stat(temp.parent)
        mode, uid, gid = _creation_mode(), folder.st_uid, folder.st_gid
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as e:
        raise FileProblem(f"cannot write in {temp.parent}: {e.strerror}") from e
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        os.fchmod(fd, mode)
        if os.geteuid() == 0:
            os.fchown(fd, uid, gid)
    except OSError as e:
        os.close(fd)
        discard(temp)
        raise FileProblem(f"cannot write {temp}: {e.strerror}") from e
    os.close(fd)


def install(temp: Path, target: Path) -> None:
    """Atomically replace `target` by the staged `temp`, then make the rename durable."""
    try:
        os.replace(temp, target)
    except OSError as e:
        raise FileProblem(f"cannot replace {target}: {e.strerror}") from e
    fsync_folder(target.parent)


def remove(target: Path) -> None:
    try:
        os.unlink(target)
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
    root working in a user's home leaves the user's state the user's."""
    make_folders(path)
    if stat.S_IMODE(os.stat(path).st_mode) != 0o700:
        os.chmod(path, 0o700)
    return path


def belongs_to_folder(path: Path) -> None:
    """Give a file we just created to the owner of its folder (only root can, and must)."""
    if os.geteuid() == 0:
        folder = os.stat(path.parent)
        _give_to(path, folder.st_uid, folder.st_gid)


def check_owner(state: FileState, uid: int) -> None:
    """Refuse a path that leads, through a symlink, to a file `uid` does not own.

    Run as root for another user's home, a symlink that user planted (~/.bashrc ->
    /etc/shadow) would otherwise have root read, print and rewrite a file the user may not
    touch. A regular file in place is the user's business and is edited as it is.
    """
    if state.target == state.path:
        return
    probe = state.target if state.data is not None else state.target.parent
    try:
        owner = os.stat(probe).st_uid
    except OSError:
        return
    if owner != uid:
        raise FileProblem(
            f"{state.path} leads to {probe}, owned by {_user(owner)}, not by {_user(uid)}; "
            "running as root, remedy will not follow it. Nothing was changed"
        )


def _user(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
