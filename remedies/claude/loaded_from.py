"""The data file behind a loader line, named where a real shell's trace points at the loader.

`export $(grep -v '^#' ~/.config/claude.env | xargs)` on line 3 of ~/.bashrc: the trace of a
new bash says CLAUDE_CODE_USE_BEDROCK was set at ~/.bashrc:3, while the line to change is in
~/.config/claude.env. Here the loader line's words are read (shells.sourcing.loaders: data,
never run), and the data file it names is named instead, at the line that gives the variable
the very value the real shell ended with, with the loader kept as context ("loaded by
~/.bashrc:3"). When no data file can be named that way, nothing is: the caller keeps the
loader line.

`eval "$(cat FILE)"`: a shell traces the commands it evals at lines counted on from the eval
(bash: the eval's line plus the line within the text, less one; zsh: plus it), lines the
start-up file may not even have. So when the line a trace names loads nothing and does not
mention the variable, an eval loader at most as many lines above it as its data file has is
looked for.

Reads, never runs; a file that is not a small regular file is not read (startup_bounds).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from remedies.context import Context
from remedies.engine.fileio import read_bytes
from remedies.engine.new_shell import session_env
from remedies.engine.startup_bounds import too_big
from remedies.errors import RemedyError
from remedies.output import display
from shells.base import Shell, Where
from shells.sourcing.loaders import LoaderKind, assigned_line, data_path, is_pipe, loaders

# How far above the traced line an eval loader is looked for: a data file longer than this
# is not one of a start-up file's.
MAX_EVAL_LINES = 1000


@dataclass(frozen=True)
class Loaded:
    path: Path  # the data file
    line: int  # its line that gives the value
    loader: str  # the start-up file line that loads it, for a person: "~/.bashrc:3"


def loaded_from(
    ctx: Context, shell_name: str, at: tuple[str, int], name: str, value: str
) -> Loaded | None:
    """The data file line that gave `name` its `value` in a new shell whose trace says it was
    set at `at` (file, line), when that line (or an eval above it) is a loader; else None."""
    from shells import shell_named

    shell = shell_named(shell_name)
    if shell is None:
        return None
    startup = Path(at[0])
    data = _small_file(startup)
    if data is None:
        return None
    lines = data.splitlines()
    where = Where(ctx.home, session_env(ctx.env))
    traced = at[1]
    for number in _candidates(lines, traced, name):
        text = lines[number - 1].decode("utf-8", "surrogateescape")
        for loader in reversed(loaders(text)):
            if number != traced and loader.kind is not LoaderKind.EVAL:
                continue
            found = _in_files(shell, where, loader.files, (name, value), traced - number)
            if found is not None:
                path, line = found
                return Loaded(path, line, f"{display(ctx, startup)}:{number}")
    return None


def _candidates(lines: list[bytes], traced: int, name: str) -> list[int]:
    """The line the trace names, then, when it neither exists nor mentions `name`, the lines
    above it that may hold an eval, nearest first."""
    found = [traced] if 1 <= traced <= len(lines) else []
    if found and name.encode() in lines[traced - 1]:
        return found  # the line itself sets it (`export X=$(...)`): not an eval's
    top = max(1, traced - MAX_EVAL_LINES)
    above = range(min(traced - 1, len(lines)), top - 1, -1)
    return found + [n for n in above if b"eval" in lines[n - 1]]


def _in_files(
    shell: Shell, where: Where, words: tuple[str, ...], wanted: tuple[str, str], offset: int
) -> tuple[Path, int] | None:
    """The last of the files that sets `wanted` (name, value); `offset`: how far below the
    loader the trace put the assignment (an eval's text has at least that many lines, less
    one)."""
    name, value = wanted
    for word in reversed(words):
        path = data_path(shell, word, where)
        data = None if path is None else _small_file(Path(path))
        if path is None or data is None:
            continue
        if offset > data.count(b"\n") + 1:
            continue
        line = assigned_line(shell, data, name, value)
        if line is not None:
            return Path(path), line
    return None


def _small_file(path: Path) -> bytes | None:
    """A regular file's bytes, when it is one within the bound; never a pipe or a device
    (stat first: opening a FIFO blocks)."""
    if is_pipe(str(path)):
        return None
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(found.st_mode) or too_big(found.st_size):
        return None
    try:
        return read_bytes(path)
    except RemedyError:
        return None
