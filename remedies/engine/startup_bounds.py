"""Bounds on what remedy, and the shells it starts, will read.

A start-up file is read whole, by remedy (to plan an edit, to find where a value comes from)
and by the shell remedy starts to learn the environment a new shell gets. Neither can cope
with what is not a small regular file:

- `~/.bashrc -> /dev/zero`: bash grew to 18 GB before anything stopped it; measured under a
  4 GB limit, zsh grew until it crashed, tcsh ran out of memory, ksh printed syntax errors
  until killed, and an interactive dash spun at 100 % CPU and ignored SIGTERM;
- a named pipe blocks whoever opens it until someone writes to it;
- a 1 GB sparse file (`truncate -s 1G ~/.bashrc`, no disk used) cost remedy 3 GB of memory
  before anything refused it.

So before any shell is started, every start-up file it would read is checked with stat(2),
following symlinks and never opening anything (opening a FIFO blocks), and every reader of a
user's file outside fileio checks the size the same way before it reads. Only names and stat
results are used here: this module imports nothing of remedy's but its errors, so that
fileio can take MAX_STARTUP_BYTES from it without an import cycle.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from remedies.errors import FileProblem
from remedies.output import path_shown

if TYPE_CHECKING:
    from shells.base import Shell, Where

# Real start-up and settings files are kilobytes; the tests round-trip files of 8 and 10 MB,
# which must keep working. 64 MiB leaves room for any real file and still stops a runaway
# one long before it costs gigabytes: remedy holds a few copies of what it reads (the bytes,
# the lines, the decoded text), the shell more. A file of at most this many bytes is read;
# see too_big().
MAX_STARTUP_BYTES = 64 * 1024 * 1024


def too_big(size: int) -> bool:
    """Whether a file of `size` bytes is over the bound (the one comparison to use)."""
    return size > MAX_STARTUP_BYTES


def kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _stat(path: Path) -> os.stat_result | None:
    # os.stat follows symlinks and opens nothing. A file that is missing, behind a dangling
    # symlink or a loop, or that we may not see, is no hazard: nobody can read it.
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _via(path: Path) -> str:
    if not path.is_symlink():
        return ""
    try:
        return f" (through a symlink to {os.readlink(path)})"
    except OSError:
        return " (through a symlink)"


def _size(size: int) -> str:
    mib = size / (1024 * 1024)
    return f"{mib / 1024:.1f} GiB" if mib >= 1024 else f"{mib:.1f} MiB"


def size_problem(name: str, size: int) -> str:
    """The one line that refuses a file of `size` bytes, named as the user knows it."""
    return (
        f"{name} is {_size(size)}, 64 MiB or more; start-up and settings files "
        "are kilobytes, so remedy will not read it (nor start a shell that would). "
        "Nothing was changed"
    )


def check_size(path: Path, name: str) -> None:
    """Refuse a regular file too big to read, before anyone reads it; `name` is the path as
    the user knows it (~/.bashrc). Anything else passes here: the reader itself refuses what
    is not a regular file, with its own message."""
    st = _stat(path)
    if st is not None and stat.S_ISREG(st.st_mode) and too_big(st.st_size):
        raise FileProblem(size_problem(name, st.st_size))


def check_startup_file(path: Path, name: str) -> None:
    """Refuse a start-up file that a shell (or remedy) could not read safely: anything but a
    regular file, or one too big. A missing file is fine: nobody reads it."""
    st = _stat(path)
    if st is None:
        return
    what = kind(st.st_mode)
    if what is not None:
        raise FileProblem(
            f"{name} is {what}{_via(path)}, not a regular file; a shell reading "
            "it at start-up could block or never stop reading, so remedy started none. "
            "Replace it with a regular file or remove it"
        )
    if too_big(st.st_size):
        raise FileProblem(size_problem(name, st.st_size))


def check_read_set(shell: Shell, where: Where) -> None:
    """Check every start-up file `shell` reads (ZDOTDIR, ENV and XDG_CONFIG_HOME honoured as
    the shell type does) before a shell of that type is started."""
    for path in shell.read_set(where):
        check_startup_file(path, path_shown(path, where.home))
