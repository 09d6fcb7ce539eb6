"""Managed blocks: pure functions from bytes to bytes. Nothing here touches the disk.

A block is the run of lines from `# >>> remedy NAME >>>` to `# <<< remedy NAME <<<` (the
marker style of conda's `initialize.py`). Invariants that make apply/revert exact:
- a block is appended after the user's last line, so it runs last and wins;
- the file ends with a newline after our change exactly when it did before: if the user's
  last line had none, we add one line ending before the begin marker and leave the end
  marker without one, and removing a block that ends the file without a line ending also
  removes the line ending just before it (the one we added);
- markers are whole lines, so marker-like text inside a comment or a longer line is text;
- markers that do not pair up are refused, never repaired by guessing (Ansible blockinfile
  inserts a second block when END is missing, and deletes user lines when END comes first,
  issues #75009, #47192).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from remedies.errors import CorruptFile

MARKER = re.compile(rb"# (>>>|<<<) remedy ([a-z0-9][a-z0-9-]*) (>>>|<<<)\r?\Z")


def begin_marker(name: str) -> bytes:
    return b"# >>> remedy %s >>>" % name.encode()


def end_marker(name: str) -> bytes:
    return b"# <<< remedy %s <<<" % name.encode()


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings kept; only LF ends a line (a lone CR is part of the line)."""
    return io.BytesIO(data).readlines()  # splits at LF only, in C


def line_ending(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return b"\r\n"
    return b"\n" if line.endswith(b"\n") else b""


def content(line: bytes) -> bytes:
    return line[: len(line) - len(line_ending(line))]


def dominant_line_ending(data: bytes) -> bytes:
    """CRLF when more lines end in it than in a bare LF. Counted over the bytes (every LF
    ends a line): a loop over 200,000 lines costs more than the rest of the plan."""
    crlf = data.count(b"\r\n")
    if not crlf:
        return b"\n"  # the usual file: one pass over it, not two
    return b"\r\n" if crlf > data.count(b"\n") - crlf else b"\n"


@dataclass(frozen=True)
class Block:
    name: str
    begin: int  # index of the begin marker line
    end: int  # index of the end marker line

    def covers(self, index: int) -> bool:
        return self.begin <= index <= self.end


def _marker(line: bytes) -> tuple[str, str] | None:
    match = MARKER.match(content(line))
    if match is None or match.group(1) != match.group(3):
        return None
    return ("begin" if match.group(1) == b">>>" else "end"), match.group(2).decode()


def lines_holding(
    lines: Sequence[bytes], literals: Iterable[bytes], *, line_start: bool = False
) -> list[int]:
    """The indices of the lines that hold any of `literals` (at their very start, with
    line_start), in order. Found with bytes.find over the whole text, not line by line nor
    with a regex: a start-up file of 200,000 lines has a handful of lines that matter, and a
    regex alternation over 8 MB costs ten times a literal search. Kept per content: a run
    asks the same of the same file more than once. A literal never holds a newline."""
    return list(_lines_holding(tuple(lines), tuple(sorted(set(literals))), line_start))


@lru_cache(maxsize=64)
def _lines_holding(
    lines: tuple[bytes, ...], literals: tuple[bytes, ...], line_start: bool
) -> tuple[int, ...]:
    data = b"".join(lines)
    offsets: list[int] = []
    for literal in literals:
        if not literal:
            continue
        if line_start and data.startswith(literal):
            offsets.append(0)
        needle = b"\n" + literal if line_start else literal
        at = data.find(needle)
        while at != -1:
            offsets.append(at + 1 if line_start else at)
            at = data.find(needle, at + 1)
    found: list[int] = []
    line, counted = 0, 0  # newlines before `counted` (lines end at LF only, as split_lines)
    for offset in sorted(offsets):
        line += data.count(b"\n", counted, offset)
        counted = offset
        if not found or found[-1] != line:
            found.append(line)
    return tuple(found)


def mentioning(lines: Sequence[bytes], names: Iterable[str]) -> list[int]:
    """The lines that hold any of `names` (a line that does not name a variable cannot set it)."""
    return lines_holding(lines, (name.encode() for name in names))


_MARKER_STARTS = (b"# >>> remedy ", b"# <<< remedy ")


def find_blocks(lines: list[bytes], where: str) -> list[Block]:
    """Every block in the file, checked for pairing. `where` names the file in errors."""
    blocks: list[Block] = []
    open_name: str | None = None
    open_at = 0
    for index in lines_holding(lines, _MARKER_STARTS, line_start=True):
        line = lines[index]
        found = _marker(line)
        if found is None:
            continue
        kind, name = found
        if kind == "begin":
            if open_name is not None:
                raise CorruptFile(
                    f"{where}:{index + 1}: a remedy begin marker inside the block of "
                    f"'{open_name}' begun at line {open_at + 1}; fix the markers by hand"
                )
            open_name, open_at = name, index
            continue
        if open_name is None:
            raise CorruptFile(
                f"{where}:{index + 1}: remedy end marker for '{name}' without a begin marker; "
                "fix the markers by hand"
            )
        if name != open_name:
            raise CorruptFile(
                f"{where}:{index + 1}: end marker for '{name}' closes the block of "
                f"'{open_name}' begun at line {open_at + 1}; fix the markers by hand"
            )
        if any(b.name == name for b in blocks):
            first = next(b for b in blocks if b.name == name)
            raise CorruptFile(
                f"{where}:{open_at + 1}: a second block of '{name}' (the first is at line "
                f"{first.begin + 1}); remove one by hand"
            )
        blocks.append(Block(name, open_at, index))
        open_name = None
    if open_name is not None:
        raise CorruptFile(
            f"{where}:{open_at + 1}: remedy begin marker for '{open_name}' without an end "
            "marker; fix the markers by hand"
        )
    return blocks


def render_block(name: str, body: list[str], ending: bytes) -> list[bytes]:
    """The block's statements, each followed by `ending`.

    A statement may span lines (a quoted value with a newline): its inner newlines are the
    value's own bytes and are kept as they are. A body line that would read as a marker is
    refused, since it would make the file look corrupt on the next run.
    """
    parts = [begin_marker(name), *(line.encode() for line in body), end_marker(name)]
    for part in parts[1:-1]:
        if any(_marker(physical) is not None for physical in part.split(b"\n")):
            raise ValueError("a value may not contain a line that looks like a remedy marker")
    return [part + ending for part in parts]


def upsert_block(data: bytes, name: str, block: list[bytes], where: str) -> bytes:
    """Put `block` (from render_block) in place of the block `name`, or append it."""
    if not any(start in data for start in _MARKER_STARTS):
        # No marker anywhere, so find_blocks would find no block: appended without splitting
        # the file into lines (a first apply to a big file).
        return _append_block(data, block)
    lines = split_lines(data)
    existing = next((b for b in find_blocks(lines, where) if b.name == name), None)
    if existing is not None:
        # Keep the ending the end marker has now (none at the end of the file, or CRLF if
        # the user converted the file): that is what keeps re-applying byte-stable.
        last = content(block[-1]) + line_ending(lines[existing.end])
        new = [*lines[: existing.begin], *block[:-1], last, *lines[existing.end + 1 :]]
        return b"".join(new)
    return _append_block(data, block)


def _append_block(data: bytes, block: list[bytes]) -> bytes:
    if not data:
        return b"".join(block)
    if data.endswith(b"\n"):
        return data + b"".join(block)
    separator = line_ending(block[0])
    return data + separator + b"".join(block[:-1]) + content(block[-1])


def remove_block(data: bytes, name: str, where: str) -> bytes:
    """The inverse of upsert_block's append: the bytes without the block `name`."""
    lines = split_lines(data)
    block = next((b for b in find_blocks(lines, where) if b.name == name), None)
    if block is None:
        return data
    before = lines[: block.begin]
    after = lines[block.end + 1 :]
    if line_ending(lines[block.end]) == b"" and before:
        separator = line_ending(lines[block.begin])
        if separator and before[-1].endswith(separator):
            before[-1] = before[-1][: -len(separator)]
    return b"".join([*before, *after])
