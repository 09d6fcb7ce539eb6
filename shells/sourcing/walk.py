"""Following `.` / `source` by reading: the files a start-up file sources, as far as reading
can tell, and the variables it gives a literal value.

static_sources() finds the statements whose path can be worked out without running anything:
literal paths, `~`, `$HOME`, variables given a plain value earlier, loops over globs and
brace lists. Anything else (`$(...)`, an unknown variable, a loop variable changed inside its
loop) is skipped, never guessed. expand() turns the patterns into files; it is the only I/O
of the static walk.
"""

from __future__ import annotations

import glob
import io
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from shells.base import Family, Shell, Where
from shells.sourcing.expansion import Expander
from shells.sourcing.walk_csh import CshWalker
from shells.sourcing.walk_fish import FishWalker
from shells.sourcing.walk_posix import PosixWalker
from shells.sourcing.walker import SourceRef, Walker

# A glob in a start-up file names a handful of snippets: past this many, the rest are left out.
MAX_MATCHES = 256


def static_sources(
    shell: Shell, data: bytes, where: Where, defined: Mapping[str, str] | None = None
) -> list[SourceRef]:
    """The files `data` (a start-up file of `shell`) sources, as far as reading can tell."""
    if not may_source(data):
        return []  # no `.` or `source` word anywhere: nothing to follow, nothing to walk
    walker = _walk(shell, data, where, defined, None)
    return [] if walker is None else walker.refs


# `.` or `source` as a word, once quotes and backslashes are taken out (`"source"`, `\.`,
# `so''urce` are the same command to a shell). Taking characters out only joins words, so
# this can find a command that is not there, never miss one that is: a file it finds nothing
# in has no line to follow, and its thousands of lines need not be walked one by one.
# Written to start with the word itself (the boundary before it looked behind for), which lets
# the regex engine skip to candidates: four times faster on a big file than the other way.
_BOUNDARY = rb"[^\s;&|(){}`$]"
_SOURCE_WORD = re.compile(
    rb"(?:source|\.)(?<!" + _BOUNDARY + rb"source)(?<!" + _BOUNDARY + rb"\.)(?=[\s;&|()<>]|$)"
)
_QUOTING = bytes.maketrans(b"", b"")


@lru_cache(maxsize=8)
def may_source(data: bytes) -> bool:
    """Kept per content: a run reads the same big file more than once."""
    return _SOURCE_WORD.search(data.translate(_QUOTING, b"'\"\\")) is not None


def static_variables(
    shell: Shell,
    data: bytes,
    where: Where,
    defined: Mapping[str, str] | None = None,
    until_line: int | None = None,
) -> dict[str, str]:
    """Variables with a known literal value after reading `data` (before line `until_line`).

    What to pass as `defined` when following a SourceRef into the file it names.
    """
    walker = _walk(shell, data, where, defined, until_line)
    if walker is None:
        return dict(defined or {})
    return {k: v for k, v in walker.expander.vars.items() if v is not None}


def expand(pattern: str) -> list[Path]:
    """The regular files a pattern from static_sources names, sorted like the shells (C locale).

    A pattern without glob characters is one path. Hidden files match only a pattern that says
    so (`.*`), as in bash and zsh by default.
    """
    if not pattern.startswith("/") or "\0" in pattern:
        return []
    names = sorted(set(glob.glob(pattern)), key=os.fsencode)
    found: list[Path] = []
    for name in names:
        if os.path.isfile(name):
            found.append(Path(name))
            if len(found) == MAX_MATCHES:
                break
    return found


def _split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings kept; only LF ends a line (line i is number i + 1)."""
    return io.BytesIO(data).readlines()  # splits at LF only, in C


def _walk(
    shell: Shell,
    data: bytes,
    where: Where,
    defined: Mapping[str, str] | None,
    until_line: int | None,
) -> Walker | None:
    family = shell.family
    if family is None:
        return None  # a family the walk cannot read (PowerShell: `. $PROFILE...`)
    lines = _split_lines(data)
    infos = shell.scan(lines)
    own = shell.own_variables(where)
    expander = Expander(family, where, defined, shell.brace_expansion, own)
    kind = {Family.FISH: FishWalker, Family.CSH: CshWalker}.get(family, PosixWalker)
    walker = kind(family, expander)
    walker.run(lines, infos, until_line)
    return walker


__all__ = ["SourceRef", "expand", "may_source", "static_sources", "static_variables"]
