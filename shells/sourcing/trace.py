"""Reading a real shell's execution trace: what it sourced, where it assigned a variable.

parse_trace() reads the stderr of a shell started with xtrace on and PS4 set to its Shell's
trace_ps4 (trace_ps4() finds it by the program's name): sourced_files() lists what that
shell really sourced, assignments() where it assigned given variables. A trace holds every
value the start-up files set, secrets included: nothing here logs or returns a value, only
names, files and line numbers.

Trace formats, measured with bash 5.2.15, zsh 5.9 and ksh 93u+m/1.0.4
(tests/test_sourcing_real.py re-checks each):
- bash as root (bash >= 4.4) ignores PS4 from the environment: every line has the default
  prefix, `+ ` with one `+` per nesting level (`++ ` inside a sourced file), and no file or
  line. For other users the first character of our PS4 is repeated the same way:
  `++\\x1f/home/u/.bashrc.d/a.sh\\x1f1\\x1f export IN_D=1`; the -c command has an empty file.
  Words are quoted as 'a b', 'it'\\''s' and $'\\001x'; a newline stays a real newline inside
  single quotes, so one command can span several lines of stderr, and its LINENO is the line
  where it ends. `X=1 cmd` is traced as two lines, `X=1` then `cmd`, which look exactly like
  an assignment of its own.
- zsh imports PS4 even as root: `+\\x1f/home/u/.zshrc\\x1f4\\x1f source /home/u/.zsh.d/a.zsh`,
  no repeated `+`, the line where a command starts. Plain assignments end in a space
  (`NL=$'x\\ny' `); control bytes are written $'\\C-A', bytes over 127 $'\\M-C\\M-)'.
  `X=1 cmd` prints `X=1 ` and then a second prefix and `cmd` on the same line. The -c command
  itself is traced with the file `zsh` (its argv[0]).
- ksh93 imports PS4 even as root: `+\\x1f/home/u/.kshrc\\x1f1\\x1f A=1`. `export A=1 B=2` is
  traced as `A=1`, `B=2`, `export A B`; quoting is $'it\\'s', $'\\x01', $'\\E'. `X=1 cmd` is
  traced as `cmd` then `X=1`. In the profile and the ENV file read at start-up, LINENO counts
  the lines read so far across that file and everything it dot-sources: after `. inc.sh` on
  line 2, inc.sh's line 2 shows as 4 and the sourcing file's line 3 as 3 + (lines in inc.sh).
  Files stay right. The same files dotted from a -c command
  (`ENV=/dev/null ksh -x -i -c '. ~/.kshrc'`) give the right numbers.
A line with the default prefix cannot be told from the user's own stderr that starts with
`+ `; with our marked PS4 it can.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from shells import SHELLS
from shells.base import MARK
from shells.sourcing.ansi_c import ansi_c
from shells.sourcing.loaders import is_pipe


def trace_ps4(program: str) -> str | None:
    """The PS4 for a traced shell named by its program (`bash`, `/usr/bin/zsh`, `-ksh93`):
    that Shell's trace_ps4; None for a shell whose trace names no file and line, or no shell."""
    name = program.rsplit("/", 1)[-1].lstrip("-")
    shell = next((s for s in SHELLS if name == s.name or name in s.executables), None)
    return None if shell is None else shell.trace_ps4


class TraceLine(NamedTuple):
    file: str | None  # None when the default PS4 was used (bash as root)
    line: int | None
    command: str  # the traced command text after the prefix


# The words that declare what follows them (`export A=1`).
_TRACE_DECLARE = frozenset({"export", "declare", "typeset", "readonly", "integer", "float"})

# bash repeats the first character of PS4 once per nesting level; zsh and ksh do not.
_MARKED = re.compile("\\++" + MARK + "([^" + MARK + "\n]*)" + MARK + "([0-9]*)" + MARK + " ")
_INNER = re.compile("\\+" + MARK + "([^" + MARK + "\n]*)" + MARK + "([0-9]*)" + MARK + " ")
_PLAIN = re.compile(r"\++ ")


def parse_trace(stderr: bytes, *, relevant_only: bool = False) -> list[TraceLine]:
    """The traced commands in a shell's stderr; other lines (the user's own output) are left out.

    A command whose quoted word holds a newline goes on over the following lines, which carry
    no prefix: they are joined back while a quote is open, up to the next prefixed line.
    relevant_only: only what sourced_files() and assignments() can use (an `=`, or a first
    word that may be `.` or `source`); a big start-up file traces hundreds of thousands of
    other commands.
    """
    reader = TraceReader(relevant_only=relevant_only)
    reader.feed(stderr)
    return reader.finish()


class TraceReader:
    """parse_trace() a piece at a time, as a shell writes its trace: the reading keeps pace
    with a shell that runs a big start-up file, instead of starting once it has finished.
    Pieces may end anywhere; only whole lines are read until finish() reads the last one.
    Lines end at LF, which is never inside a UTF-8 sequence, so whole lines decode alike
    however the bytes came."""

    def __init__(self, *, relevant_only: bool = False) -> None:
        self._relevant_only = relevant_only
        self._tail: list[bytes] = []  # the line begun and not yet ended
        self._pending: _Pending | None = None
        self._out: list[TraceLine] = []
        self._last: re.Match[str] | None = None  # the last command traced, relevant or not

    def feed(self, piece: bytes) -> None:
        end = piece.rfind(b"\n")
        if end < 0:
            self._tail.append(piece)
            return
        whole = b"".join([*self._tail, piece[:end]])
        self._tail = [piece[end + 1 :]]
        self._read(whole.decode("utf-8", "surrogateescape").split("\n"))

    @property
    def last(self) -> TraceLine | None:
        """The last command the shell traced (relevant or not): the one it was running when
        it was stopped, for a shell that waits (xtrace writes a line before running it)."""
        if self._last is None:
            return None
        file, line = self._last.group(1, 2)
        return TraceLine(file or None, int(line) if line else None, self._last.group("command"))

    def finish(self) -> list[TraceLine]:
        """The commands read, once the shell has written its last byte."""
        self._read([b"".join(self._tail).decode("utf-8", "surrogateescape")])
        self._tail = []
        if self._pending is not None:
            self._out.append(self._pending.finish())
            self._pending = None
        return self._out

    def _read(self, raws: list[str]) -> None:
        out, pending, relevant_only = self._out, self._pending, self._relevant_only
        last = None
        for raw in raws:
            if pending is None or not pending.quote.open:
                # The common line: one traced command, whole, with no second prefix in it
                # (the marked PS4, or bash's own `+ ` when it ignores ours, as root). One
                # match per line says all of it: a big start-up file traces 100,000s.
                found = _COMMON.fullmatch(raw)
                if found is not None:
                    last = found
                    if pending is not None:
                        out.append(pending.finish())
                        pending = None
                    command = found.group("command")
                    if relevant_only and not _relevant(command, found):
                        continue
                    file, line = found.group(1, 2)
                    out.append(TraceLine(file or None, int(line) if line else None, command))
                    continue
            started = _start(raw)
            if started is None:
                if pending is not None and pending.quote.open:
                    pending.parts.append(raw)
                    pending.quote.feed("\n" + raw)
                continue
            if pending is not None:
                out.append(pending.finish())
            pending = started
        self._pending = pending
        if last is not None:
            self._last = last


def _closed(but: str = "") -> str:
    """Text that leaves _Quote where it found it (no quote open, nothing escaped): the same
    rules as feed() below, as a pattern; `but`: characters it must not hold at all. Each
    alternative starts with bytes of its own, so none can give back what another could use:
    possessive where Python has it (3.11+)."""
    any_char = f"[^{but}]" if but else r"[\s\S]"
    more, most = ("++", "*+") if sys.version_info >= (3, 11) else ("", "*")
    alternatives = [
        f"[^'\"\\\\${but}]{more}",
        r"\$(?!')",
        r"\\" + any_char,
        f"'[^'{but}]{most}'",
        f'"(?:[^"\\\\{but}]{more}|\\\\{any_char}){most}"',
        f"\\$'(?:[^'\\\\{but}]{more}|\\\\{any_char}){most}'",
    ]
    return "(?:" + "|".join(alternatives) + ")" + most


_CLOSED = re.compile(_closed())

# The common traced line, whole: the marked PS4 or bash's own `+ ` (as root, bash ignores
# ours), then a command that leaves no quote open and holds no second prefix. `assigns` and
# `quoted` say what its first word is, for _relevant(): NAME=, NAME+= or a declaring word as
# it stands, or a word with a quote, an escape or a `$` in it, to be unquoted first.
_COMMON = re.compile(
    "\\++(?:"
    + MARK
    + "([^"
    + MARK
    + "\n]*)"
    + MARK
    + "([0-9]*)"
    + MARK
    + ")? "
    + r"(?:(?=[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*\+?=|(?:"
    + "|".join(sorted(_TRACE_DECLARE))
    + r")(?:[ \t]|\Z)))(?P<assigns>)|(?=[ \t]*[^ \t'\"\\$]*['\"\\$])(?P<quoted>))?"
    + "(?P<command>"
    + _closed(MARK)
    + ")"
)


@dataclass
class _Quote:
    """Whether shell-quoted text ends inside a quote, fed piece by piece (no rescanning)."""

    state: str = ""  # "", "'", '"', "$'"
    escaped: bool = False

    @property
    def open(self) -> bool:
        return self.state != ""

    def feed(self, text: str) -> None:
        if not self.state and not self.escaped and _CLOSED.fullmatch(text) is not None:
            return  # every quote it opens it closes: most traced lines of a big file
        self.walk(text)

    def walk(self, text: str) -> None:
        """feed() one character at a time."""
        state, escaped = self.state, self.escaped
        i = 0
        n = len(text)
        while i < n:
            c = text[i]
            i += 1
            if escaped:
                escaped = False
            elif state == "'":
                if c == "'":
                    state = ""
            elif state in ('"', "$'"):
                if c == "\\":
                    escaped = True
                elif c == state[-1]:
                    state = ""
            elif c == "\\":
                escaped = True
            elif c == "'":
                state = "'"
            elif c == '"':
                state = '"'
            elif c == "$" and i < n and text[i] == "'":
                state = "$'"
                i += 1
        self.state, self.escaped = state, escaped


@dataclass
class _Pending:
    file: str | None
    line: int | None
    parts: list[str]
    quote: _Quote = field(default_factory=_Quote)

    def finish(self) -> TraceLine:
        return TraceLine(self.file, self.line, "\n".join(self.parts))


def _start(raw: str) -> _Pending | None:
    found = _MARKED.match(raw)
    if found is not None:
        file, line, command = found.group(1), found.group(2), raw[found.end() :]
        # zsh `X=1 cmd`: `X=1 ` then a second prefix and `cmd`. X is set for cmd only.
        inner = list(_INNER.finditer(command))
        if inner:
            file, line, command = inner[-1].group(1), inner[-1].group(2), command[inner[-1].end() :]
        pending = _Pending(file or None, int(line) if line else None, [command])
    else:
        plain = _PLAIN.match(raw)
        if plain is None:
            return None
        pending = _Pending(None, None, [raw[plain.end() :]])
    pending.quote.feed(pending.parts[0])
    return pending


def sourced_files(lines: list[TraceLine]) -> list[Path]:
    """Absolute paths given to `.` / `source` in the traced commands, in order, once each.

    A path is listed even if the shell then failed to read it; relative paths are left out,
    and so are the pipes of `source <(...)` (/dev/fd/63): no file is there to read, and
    opened by remedy the same path would be one of remedy's own descriptors.
    """
    seen: set[str] = set()
    out: list[Path] = []
    for traced in lines:
        path = _sourced(traced.command)
        if path is not None and path.startswith("/") and not is_pipe(path) and path not in seen:
            seen.add(path)
            out.append(Path(path))
    return out


def _sourced(command: str) -> str | None:
    """The path a traced `.` / `source` command reads, as traced; None for another command."""
    if not command.lstrip(" \t'\"\\$").startswith(_MAY_SOURCE):
        return None  # not `.`, `source`, `builtin ...` or `command ...`, however quoted
    words = trace_words(command)
    while words and words[0] in ("builtin", "command"):
        words = words[1:]
    if len(words) < 2 or words[0] not in (".", "source"):
        return None
    return words[2] if words[1] == "--" and len(words) > 2 else words[1]


# How a traced command that may be `.` or `source` starts, once the quotes or escape xtrace
# may put before a word are set aside.
_MAY_SOURCE = (".", "source", "builtin", "command")


def _relevant(command: str, found: re.Match[str]) -> bool:
    """Whether sourced_files() or assignments() could make anything of a traced command
    (`found`: its _COMMON match): one whose first word assigns or declares (assignments()
    looks no further), or may source. An `alias a='b=c'`, a `[ "$x" = y ]` or an `echo a=b`
    is neither."""
    if found.group("assigns") is not None:
        return True
    if command.lstrip(" \t'\"\\$").startswith(_MAY_SOURCE):
        return True  # sourced_files() sets aside the same quotes before its own look
    if found.group("quoted") is None:
        return False
    # A quote or escape in the first word (`"A=1"`, `ex'port'`): assignments() reads the word
    # trace_words() makes of it, so ask the same. Rare in a trace, so the cost does not matter.
    words = trace_words(command)
    return bool(words) and (
        words[0] in _TRACE_DECLARE or _TRACE_ASSIGNMENT.match(words[0]) is not None
    )


_TRACE_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=")


def assignments(lines: list[TraceLine], names: Iterable[str]) -> list[tuple[str, int, str]]:
    """(file, line, name) of each traced command that assigns one of `names`, in order.

    Names only, never values. Lines without a file (bash as root) are left out. bash and ksh
    trace `X=1 cmd` like an assignment of its own, so such a line is listed too. An
    assignment read from a pipe (`source <(cat ~/.secrets)`: the trace names /dev/fd/63 or
    /proc/self/fd/12, gone once read) is listed at the line that sourced that pipe, and left
    out when no traced line did: a pipe's path is never named.
    """
    wanted = set(names)
    seen: set[tuple[str, int, str]] = set()
    out: list[tuple[str, int, str]] = []
    # The file:line that last sourced each pipe (the shells reuse a descriptor's number).
    pipes: dict[str, tuple[str, int]] = {}
    # A command that assigns a name holds it (xtrace never quotes a name): others are skipped
    # without splitting them into words.
    named = re.compile("|".join(map(re.escape, sorted(wanted)))) if wanted else None
    for traced in lines:
        if not traced.file or traced.line is None:
            continue
        if "/fd/" in traced.command or "/dev/stdin" in traced.command:
            path = _sourced(traced.command)
            if path is not None and is_pipe(path):
                pipes[path] = (traced.file, traced.line)
        if named is None or named.search(traced.command) is None:
            continue
        at = pipes.get(traced.file) if is_pipe(traced.file) else (traced.file, traced.line)
        if at is None:
            continue
        words = trace_words(traced.command)
        if words and words[0] in _TRACE_DECLARE:
            candidates = [w for w in words[1:] if not w.startswith(("-", "+"))]
        else:
            candidates = []
            for word in words:
                if not _TRACE_ASSIGNMENT.match(word):
                    candidates = []  # `X=1 cmd` (zsh, same line): X is set for cmd only
                    break
                candidates.append(word)
        for word in candidates:
            found = _TRACE_ASSIGNMENT.match(word)
            if found is None or found.group(1) not in wanted:
                continue
            key = (at[0], at[1], found.group(1))
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def trace_words(command: str) -> list[str]:
    """Split a traced command into words, undoing xtrace's quoting ('a b', 'it'\\''s', $'\\n',
    zsh's $'\\C-A' and $'\\M-C', "..."). Never raises; an unclosed quote runs to the end."""
    data = command.encode("utf-8", "surrogateescape")
    words: list[str] = []
    i = 0
    n = len(data)
    while i < n:
        if data[i] in b" \t\n":
            i += 1
            continue
        out = bytearray()
        while i < n and data[i] not in b" \t\n":
            c = data[i]
            if c == ord("'"):
                end = data.find(b"'", i + 1)
                end = n if end < 0 else end
                out += data[i + 1 : end]
                i = end + 1
            elif data.startswith(b"$'", i):
                i = ansi_c(data, i + 2, out)
            elif c == ord('"'):
                i += 1
                while i < n and data[i] != ord('"'):
                    if data[i] == ord("\\") and data[i + 1 : i + 2] in (b"$", b"`", b'"', b"\\"):
                        i += 1
                    elif data[i] == ord("\\") and data[i + 1 : i + 2] == b"\n":
                        i += 2
                        continue
                    out.append(data[i])
                    i += 1
                i += 1
            elif c == ord("\\") and i + 1 < n:
                out.append(data[i + 1])
                i += 2
            else:
                out.append(c)
                i += 1
        words.append(bytes(out).decode("utf-8", "surrogateescape"))
    return words


__all__ = [
    "MARK",
    "TraceLine",
    "TraceReader",
    "assignments",
    "parse_trace",
    "sourced_files",
    "trace_ps4",
    "trace_words",
]
