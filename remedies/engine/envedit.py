"""What a remedy does to the environment, and how that becomes a start-up file's new bytes.

`plan_rc_edit` and `undo_rc_edit` are pure: bytes in, bytes out. Apply appends (or refreshes)
our block and disables the user's own lines that set a variable we take over; undo removes
the block and re-enables exactly the lines we disabled, so apply then undo is the identity.

A line that sets a variable we take over but cannot be disabled on its own (it sets other
variables too, as `export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1` does, or it is a
condition, or it spans lines) is left as it is and reported (RcEdit.kept): our block, after
it, wins. Whether it really does is what the real shells say after apply (apply takes the
change back and names the line when they disagree); refusing such lines made a one-line
multi-export, or a dead `if` on another host, block every apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from remedies.engine.blocks import (
    content,
    dominant_line_ending,
    find_blocks,
    line_ending,
    mentioning,
    remove_block,
    render_block,
    split_lines,
    upsert_block,
)
from remedies.errors import CorruptFile
from shells.base import Shell


@dataclass(frozen=True)
class EnvEdit:
    """Variables to remove and to set, in that order, with one line saying why."""

    unset: tuple[str, ...] = ()
    set: tuple[tuple[str, str], ...] = ()
    comment: str = ""

    def names(self) -> tuple[str, ...]:
        """Every variable we take over: a user's own assignment of it is disabled."""
        return (*self.unset, *(name for name, _ in self.set))

    def body(self, shell: Shell) -> list[str]:
        lines = [f"# {self.comment}"] if self.comment else []
        lines += [shell.render_unset(name) for name in self.unset]
        lines += [shell.render_set(name, value) for name, value in self.set]
        return lines


@dataclass(frozen=True)
class RcEdit:
    new: bytes
    disabled: tuple[bytes, ...] = field(default=())  # the user's lines we disabled, no ending
    disabled_at: tuple[int, ...] = field(default=())  # their 1-based line numbers
    block: str = ""  # "added", "refreshed", or "" when this file gets no block
    # The user's lines that set a variable we take over but cannot be disabled on their own,
    # left as they are: (1-based line number, the variable).
    kept: tuple[tuple[int, str], ...] = field(default=())


def plan_rc_edit(
    old: bytes, *, shell: Shell, remedy: str, edit: EnvEdit, write_block: bool, where: str
) -> RcEdit:
    """Disable the user's assignments of edit.names(); with write_block, add or refresh ours."""
    if write_block and b"\0" in old:
        # Measured with bash 5.2: a line of NUL bytes ends the file for it, so a block after
        # it would silently never run. We cannot promise anything about such a file.
        line = old[: old.index(b"\0")].count(b"\n") + 1
        raise CorruptFile(
            f"{where}:{line}: the file holds NUL bytes, and shells may stop reading it there, "
            "so remedy's block might never run; remove them (tr -d '\\000') and run again"
        )
    lines = split_lines(old)
    blocks = find_blocks(lines, where)
    prefix = shell.neutralise_prefix(remedy)
    infos = shell.scan(lines)
    disabled: list[bytes] = []
    disabled_at: list[int] = []
    kept: list[tuple[int, str]] = []
    for index in mentioning(lines, edit.names()):
        info = infos[index]
        if any(b.covers(index) for b in blocks):
            continue  # a block of ours (this remedy or another) is never disabled
        for name in edit.names():
            if name.encode() not in lines[index]:
                continue  # a line that does not name the variable cannot set it
            verdict = shell.classify(info, name)
            if verdict == "unsafe":
                kept.append((index + 1, name))
                break
            if verdict == "simple":
                disabled.append(content(lines[index]))
                disabled_at.append(index + 1)
                lines[index] = prefix + lines[index]
                break
    new = b"".join(lines)
    mine = next((b for b in blocks if b.name == remedy), None)
    if write_block:
        ending = shell.block_line_ending(dominant_line_ending(new))
        block = render_block(remedy, edit.body(shell), ending)
        new = upsert_block(new, remedy, block, where)
        # A refreshed block may be longer or shorter than the old one: line numbers after it
        # move, and we record them as they are in the new bytes.
        if mine is not None:
            shift = len(split_lines(new)) - len(lines)
            end = mine.end + 1

            def moved(n: int) -> int:
                return n + shift if n > end else n

            disabled_at = [moved(n) for n in disabled_at]
            kept = [(moved(n), name) for n, name in kept]
    how = ("refreshed" if mine else "added") if write_block else ""
    return RcEdit(new, tuple(disabled), tuple(disabled_at), how, tuple(kept))


def undo_rc_edit(
    current: bytes,
    *,
    remedy: str,
    prefix: bytes,
    disabled: list[tuple[bytes, int]],
    where: str,
) -> bytes:
    """Take our block out and re-enable the lines we disabled; keep everything else.

    `disabled` pairs each line we disabled with its 1-based line number at the time. The line
    still at that number is preferred, so that a look-alike line the user had before is not
    re-enabled in place of ours; when the user has moved lines since, the first match is.
    """
    lines = split_lines(current)
    blocks = find_blocks(lines, where)
    taken: set[int] = set()

    def matches(index: int, wanted: bytes) -> bool:
        return (
            0 <= index < len(lines)
            and index not in taken
            and not any(b.covers(index) for b in blocks)
            and content(lines[index]) == wanted
        )

    for original, number in disabled:
        wanted = prefix + original
        candidates = [number - 1, *range(len(lines))]
        index = next((i for i in candidates if matches(i, wanted)), None)
        if index is not None:
            lines[index] = original + line_ending(lines[index])
            taken.add(index)
    return remove_block(b"".join(lines), remedy, where)
