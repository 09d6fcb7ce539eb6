"""Which other files a start-up file reads, found two ways, each with its own blind spots.

- static_sources() reads a start-up file and finds the `.` / `source` statements whose path can
  be worked out without running anything: literal paths, `~`, `$HOME`, variables given a plain
  value earlier, loops over globs and brace lists. Anything else (`$(...)`, an unknown
  variable, a loop variable changed inside its loop) is skipped, never guessed. expand() turns
  the patterns into files; it is the only I/O in this module.
- parse_trace() reads the stderr of a real shell started with xtrace on and PS4 set to
  trace_ps4(): sourced_files() lists what that shell really sourced, assignments() where it
  assigned given variables. A trace holds every value the start-up files set, secrets included:
  nothing here logs or returns a value, only names, files and line numbers.

Trace formats, measured with bash 5.2.15, zsh 5.9 and ksh 93u+m/1.0.4 (tests/test_sourcing.py
re-checks each):
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

import glob
import io
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from shells.base import Shell, Where
from shells.fish import Fish
from shells.lexing import LineInfo, strip_line_ending
from shells.posix import PosixShell, Zsh
from shells.tcsh import Tcsh

MARK = "\x1f"
MAX_MATCHES = 256
# A brace list that multiplies into more words than this is not a start-up file's doing.
_MAX_ALTERNATIVES = 256
# Longer than PATH_MAX: not a path. Also keeps brace matching on odd input cheap.
_MAX_WORD = 4096
# Blocks nested deeper than this are not a start-up file: stop reading rather than crawl.
_MAX_DEPTH = 256

# --- static following: results ------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    line: int  # 1-based line number of the statement in the file
    pattern: str  # absolute path or glob pattern (literal parts escaped as glob.escape does)
    optional: bool  # a file test guards it, it is a glob, or it sits in a function body


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


# --- static following: the walk -------------------------------------------------------------


def _split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings kept; only LF ends a line (line i is number i + 1)."""
    return io.BytesIO(data).readlines()  # splits at LF only, in C


def _family(shell: Shell) -> str | None:
    if isinstance(shell, Fish):
        return "fish"
    if isinstance(shell, Tcsh):
        return "csh"
    if isinstance(shell, Zsh):
        return "zsh"
    if isinstance(shell, PosixShell):
        return "posix"
    return None  # PowerShell: `. $PROFILE...` is not followed


def _walk(
    shell: Shell,
    data: bytes,
    where: Where,
    defined: Mapping[str, str] | None,
    until_line: int | None,
) -> _Walker | None:
    family = _family(shell)
    if family is None:
        return None
    lines = _split_lines(data)
    infos = shell.scan(lines)
    walker = _Walker(family, _Expander(family, where, defined, braces=shell.name != "sh"))
    walker.run(lines, infos, until_line)
    return walker


@dataclass(frozen=True)
class _Token:
    text: bytes  # a word's raw text, or an operator
    word: bool
    start: int
    end: int


# Longest first, so that `&&` is not read as two `&`.
_OPERATORS = (
    b";;&",
    b"&>>",
    b"<<<",
    b"<<-",
    b";;",
    b";&",
    b"&&",
    b"||",
    b"|&",
    b"&>",
    b">&",
    b"<&",
    b">>",
    b"<<",
    b"<>",
    b">|",
    b";",
    b"&",
    b"|",
    b"(",
    b")",
    b"<",
    b">",
)
_WORD_END = frozenset(b" \t\r;&|<>")


def _is_redirect(op: bytes) -> bool:
    return b"<" in op or b">" in op


def _matching(code: bytes, i: int) -> int:
    """The index after the `)` closing the `(` at code[i], or the end of the line."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == ord("("):
            depth += 1
        elif code[j] == ord(")"):
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


def _tokens(raw: bytes, code: bytes, family: str) -> list[_Token]:
    """Words and operators of one line. `code` is the lexer's masked copy of `raw`, so quoted
    text never looks like an operator; word text is taken from `raw` at the same offsets."""
    out: list[_Token] = []
    i = 0
    n = len(code)
    while i < n:
        if code[i] in b" \t\r":
            i += 1
            continue
        op = next((o for o in _OPERATORS if code.startswith(o, i)), None)
        if op is not None:
            out.append(_Token(op, False, i, i + len(op)))
            i += len(op)
            continue
        start = i
        while i < n and code[i] not in _WORD_END:
            if code[i] == ord(")") or (code[i] == ord("(") and family in ("fish", "csh")):
                break
            if code[i] == ord("("):
                # `$(...)`, `name()`, zsh `*.zsh(N)`, `arr=(a b)`: the group is part of the word.
                i = _matching(code, i)
                continue
            i += 1
        out.append(_Token(raw[start:i], True, start, i))
    return out


@dataclass
class _Frame:
    kind: str  # if, loop, case, group, function, paren, short
    closer: bytes  # the word (or `)`) that ends it; b"" for a frame that ends with its command
    guards: frozenset[str] = frozenset()  # patterns a file test proved to exist in this branch
    unset: frozenset[str] = frozenset()  # variables tested empty for this branch
    collecting: bool = False  # fish: still reading the `if` condition
    loop_var: str | None = None
    saved_loop: list[str] | None = None
    had_saved_loop: bool = False
    patterns: bool = False  # case: reading patterns, not commands


_ASSIGNMENT = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECLARE = frozenset({"export", "declare", "typeset", "local", "readonly", "integer", "float"})
_PREFIXES = frozenset({"builtin", "command", "noglob", "nocorrect"})
_FILE_TESTS = {
    "posix": frozenset({"-f", "-e", "-r", "-s", "-a", "-h", "-L"}),
    "zsh": frozenset({"-f", "-e", "-r", "-s", "-a", "-h", "-L"}),
    "fish": frozenset({"-f", "-e", "-r", "-s", "-L"}),
    "csh": frozenset({"-f", "-e", "-r", "-s"}),
}
# `-z "$X"` / `-z $X` / `-z "${X}"`: the idiom for "give X a default".
_EMPTY_TEST_OPERAND = re.compile(r'"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\Z')
_CSH_UNSET_TEST = re.compile(r"!?\$\?([A-Za-z_][A-Za-z0-9_]*)\Z")


def _bare(word: bytes) -> str:
    """A command word without its quoting (`\\.` is `.`, nvm writes it so)."""
    text = word.replace(b"\\", b"").replace(b"'", b"").replace(b'"', b"")
    return text.decode("utf-8", "surrogateescape")


class _TooDeep(Exception):
    pass


class _Walker:
    """Reads statements line by line, keeping just enough state: open blocks, loop variables,
    the file tests guarding the current and-or list, variables with a known value."""

    def __init__(self, family: str, expander: _Expander) -> None:
        self.family = family
        self.expander = expander
        self.refs: list[SourceRef] = []
        self.frames: list[_Frame] = []
        self.at_command = True
        self.chain_guards: set[str] = set()
        self.chain_unset: set[str] = set()
        self.last_chain: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self.conditional = False
        self.negated = False
        self.pending_function = False
        self.line = 0

    # --- driving ---------------------------------------------------------------------------

    def run(self, lines: list[bytes], infos: Sequence[LineInfo], until_line: int | None) -> None:
        continued = False
        for number, (raw, info) in enumerate(zip(lines, infos), 1):
            if until_line is not None and number >= until_line:
                return
            if info.is_text:
                continue
            self.line = number
            if not (info.starts_clean or continued):
                # Inside a quote opened on an earlier line, or after a trailing backslash: the
                # line's first words belong to a command we already passed.
                self.at_command = False
            toks = _tokens(strip_line_ending(raw), info.code, self.family)
            try:
                self._line(toks)
            except _TooDeep:
                return
            continued = info.code.rstrip().endswith((b"&&", b"||", b"|"))
            if not continued:
                self._separator(b"\n")

    def _line(self, toks: list[_Token]) -> None:
        i = 0
        while i < len(toks):
            tok = toks[i]
            top = self.frames[-1] if self.frames else None
            if top is not None and top.kind == "case" and top.patterns:
                if tok.word and _bare(tok.text) == "esac":
                    self._close(b"esac")
                    self.at_command = False
                elif tok.text == b")" and not tok.word:
                    top.patterns = False
                    self.at_command = True
                i += 1
                continue
            if not tok.word:
                if _is_redirect(tok.text):
                    i += 2 if i + 1 < len(toks) and toks[i + 1].word else 1
                    continue
                self._separator(tok.text)
                i += 1
                continue
            if not self.at_command:
                i += 1
                continue
            if self.family == "fish":
                i = self._fish_command(toks, i)
            elif self.family == "csh":
                i = self._csh_command(toks, i)
            else:
                i = self._posix_command(toks, i)

    def _separator(self, op: bytes) -> None:
        if op in (b";", b"\n", b"&"):
            top = self.frames[-1] if self.frames else None
            if top is not None and top.kind == "if" and top.collecting:
                # fish: the `if` condition ends with its first command.
                top.guards, top.unset = frozenset(self.chain_guards), frozenset(self.chain_unset)
                top.collecting = False
            while self.frames and self.frames[-1].kind == "short":
                self._pop()
            self.last_chain = (frozenset(self.chain_guards), frozenset(self.chain_unset))
            self._new_chain()
            self.conditional = False
        elif op == b"&&":
            self.conditional = True
        elif op in (b"||", b"|", b"|&"):
            self.conditional = True
            self.chain_guards.clear()  # the next command runs when a test failed, or piped
            self.chain_unset.clear()
        elif op == b"(":
            kind = "function" if self.pending_function else "paren"
            self.pending_function = False
            self._push(_Frame(kind, b")"))
        elif op == b")":
            self._close(b")")
            self.at_command = False
            return
        elif op in (b";;", b";&", b";;&"):
            top = self.frames[-1] if self.frames else None
            if top is not None and top.kind == "case":
                top.patterns = True
            self._new_chain()
            self.at_command = False
            return
        self.negated = False
        self.at_command = True

    def _new_chain(self) -> None:
        self.chain_guards = set()
        self.chain_unset = set()
        self.negated = False

    # --- blocks ------------------------------------------------------------------------------

    def _push(self, frame: _Frame) -> None:
        if len(self.frames) >= _MAX_DEPTH:
            raise _TooDeep
        if frame.loop_var is not None:
            loops = self.expander.loops
            frame.had_saved_loop = frame.loop_var in loops
            frame.saved_loop = loops.get(frame.loop_var)
        self.frames.append(frame)

    def _pop(self) -> None:
        frame = self.frames.pop()
        name = frame.loop_var
        if name is not None:
            loops = self.expander.loops
            if frame.had_saved_loop:
                loops[name] = frame.saved_loop
            else:
                loops.pop(name, None)
            # After the loop the variable holds its last value (or nothing): unknown.
            self.expander.vars[name] = None

    def _close(self, closer: bytes) -> None:
        """Close the innermost block `closer` ends (and any left open inside it)."""
        for index in range(len(self.frames) - 1, -1, -1):
            if self.frames[index].closer == closer:
                while len(self.frames) > index:
                    self._pop()
                return

    def _top_if(self) -> _Frame | None:
        return next((f for f in reversed(self.frames) if f.kind == "if"), None)

    def _in_function(self) -> bool:
        return any(f.kind == "function" for f in self.frames)

    def _guards(self) -> set[str]:
        out = set(self.chain_guards)
        for frame in self.frames:
            out |= frame.guards
        return out

    def _tested_empty(self, name: str) -> bool:
        return name in self.chain_unset or any(name in f.unset for f in self.frames)

    # --- what statements do ----------------------------------------------------------------

    def _ref(self, word: bytes) -> None:
        patterns = self.expander.patterns(word)
        if patterns is None:
            return
        guards = self._guards()
        for pattern in patterns:
            if not pattern or "\0" in pattern:
                continue
            absolute = self.expander.absolute(pattern)
            optional = self._in_function() or _is_glob(absolute) or absolute in guards
            self.refs.append(SourceRef(self.line, absolute, optional))

    def _test(self, words: list[bytes]) -> None:
        """Record what a test proves when it succeeds: files that exist, variables empty."""
        if self.negated:
            return
        flags = _FILE_TESTS[self.family]
        texts = [w.decode("utf-8", "surrogateescape") for w in words]
        for k, text in enumerate(texts):
            operand = texts[k + 1] if k + 1 < len(texts) else None
            if self.family == "csh":
                # `if ( ! $?X )`: X is not set.
                found = _CSH_UNSET_TEST.match(text) if text.startswith("!") else None
                if found is None and text == "!" and operand is not None:
                    found = _CSH_UNSET_TEST.match(operand)
                if found is not None:
                    self.chain_unset.add(found.group(1))
            if operand is None or (k > 0 and texts[k - 1] == "!"):
                continue
            if text in flags:
                for pattern in self.expander.patterns(words[k + 1]) or []:
                    self.chain_guards.add(self.expander.absolute(pattern))
            elif text == "-z":
                found = _EMPTY_TEST_OPERAND.match(operand)
                if found is not None:
                    self.chain_unset.add(found.group(1))

    def _assign(self, name: str, value: bytes | None, append: bool = False) -> None:
        """Give `name` what `value` expands to, or make it unknown when that is not certain."""
        expander = self.expander
        if name in expander.loops:
            expander.loops[name] = None  # a loop variable changed inside its loop
            return
        literal = None if value is None else expander.literal(value)
        current = expander.lookup(name)
        if append and current is not _UNSET:  # `X+=v` on an unset X is `X=v`
            literal = current + literal if isinstance(current, str) and literal else None
        if self._tested_empty(name):
            # `[ -z "$X" ] && X=default`: a default, taken only when nothing gave X a value.
            if current is _UNSET:
                expander.vars[name] = literal
            return
        if self.conditional or self.frames:
            # Set on one path only. With no earlier value we take it (what uses it mostly runs
            # on the same path); against an earlier value, or an unknown one, it is unknown.
            expander.vars[name] = literal if current is _UNSET or current == literal else None
            return
        expander.vars[name] = literal

    def _default_assign(self, word: bytes) -> None:
        """`: ${X:=default}`: X gets the default when it has no value."""
        found = re.fullmatch(rb'"?\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)=(.*)\}"?', word, re.S)
        if found is None:
            return
        name = found.group(1).decode()
        current = self.expander.lookup(name)
        if current is _UNSET or (found.group(2) and current == ""):
            self.expander.vars[name] = self.expander.literal(found.group(3))

    def _poison(self, name: str) -> None:
        if name in self.expander.loops:
            self.expander.loops[name] = None
        self.expander.vars[name] = None

    def _poison_names(self, args: list[bytes]) -> None:
        """`unset`, `read`, `unsetenv` NAME...: each name's value is unknown from here on."""
        for arg in args:
            if _NAME.fullmatch(_bare(arg)):
                self._poison(_bare(arg))

    # --- POSIX shells ------------------------------------------------------------------------

    def _posix_command(self, toks: list[_Token], i: int) -> int:
        word = _bare(toks[i].text)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in ("if", "while", "until"):
            self._push(_Frame("if" if word == "if" else "loop", b"fi" if word == "if" else b"done"))
            return i + 1
        if word == "then":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = self.last_chain
            self._new_chain()
            self.conditional = False
            return i + 1
        if word in ("elif", "else"):
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
            return i + 1
        if word in ("do", "time"):
            return i + 1
        if word == "!":
            self.negated = True
            return i + 1
        if word == "{":
            kind = "function" if self.pending_function else "group"
            self.pending_function = False
            self._push(_Frame(kind, b"}"))
            return i + 1
        if word in ("fi", "done", "esac", "}"):
            self._close(word.encode())
            self.at_command = False
            return i + 1
        if word in ("for", "select"):
            return self._posix_for(toks, i)
        if word == "case":
            self._push(_Frame("case", b"esac", patterns=True))
            while i < len(toks) and not (toks[i].word and toks[i].text == b"in"):
                i += 1
            self.at_command = False
            return i + 1
        if word == "function":
            self.pending_function = True
            i += 2  # the name
            while i < len(toks) and toks[i].text in (b"(", b")") and not toks[i].word:
                i += 1
            return i
        if word.endswith("()") or (
            nxt is not None and nxt.text == b"(" and not nxt.word and _next_is(toks, i + 2, b")")
        ):
            self.pending_function = True  # `name() {` / `name () {`
            return i + 1 if word.endswith("()") else i + 3
        if word == "[[":
            j = i + 1
            while j < len(toks) and not (toks[j].word and toks[j].text == b"]]"):
                j += 1
            self._test([t.text for t in toks[i + 1 : j] if t.word])
            self.at_command = False
            return j + 1
        j, words = _simple_command(toks, i)
        self._posix_simple(words)
        self.at_command = False
        return j

    def _posix_for(self, toks: list[_Token], i: int) -> int:
        name_tok = toks[i + 1] if i + 1 < len(toks) else None
        if name_tok is None or not name_tok.word or not _NAME.fullmatch(_bare(name_tok.text)):
            self._push(_Frame("loop", b"done"))  # `for ((...))`: no variable of ours
            self.at_command = False
            return i + 1
        name = _bare(name_tok.text)
        j = i + 2
        nxt = toks[j] if j < len(toks) else None
        frame = _Frame("loop", b"done", loop_var=name)
        if nxt is not None and not nxt.word and nxt.text == b"(":
            # zsh: `for f (list); do ... done`, `for f (list) cmd`, `for f (list) { ... }`.
            j += 1
            items: list[bytes] = []
            while j < len(toks) and toks[j].word:
                items.append(toks[j].text)
                j += 1
            j += 1  # the `)`
            after = toks[j] if j < len(toks) else None
            self._push(frame)
            self.expander.loops[name] = self.expander.list_patterns(items)
            if after is not None and after.word and _bare(after.text) == "{":
                frame.closer = b"}"
                return j + 1
            if after is not None and after.word and _bare(after.text) != "do":
                frame.kind, frame.closer = "short", b""
            self.at_command = True
            return j
        items = []
        if nxt is not None and nxt.word and nxt.text == b"in":
            j += 1
            while j < len(toks) and toks[j].word:
                items.append(toks[j].text)
                j += 1
            patterns = self.expander.list_patterns(items)
        else:
            patterns = None  # `for f; do`: the positional parameters
        self._push(frame)
        self.expander.loops[name] = patterns
        self.at_command = False
        return j

    def _posix_simple(self, words: list[bytes]) -> None:
        k = 0
        while k < len(words) and _ASSIGNMENT.match(words[k]):
            k += 1
        if k == len(words):
            for word in words:
                self._assignment_word(word)
            return
        # `X=1 cmd` only sets X for cmd.
        command = _bare(words[k])
        args = words[k + 1 :]
        while command in _PREFIXES and args:
            command, args = _bare(args[0]), args[1:]
        if command in (".", "source"):
            if args and args[0] == b"--":
                args = args[1:]
            if args:
                self._ref(args[0])
        elif command in _DECLARE:
            for arg in args:
                if not arg.startswith((b"-", b"+")):
                    self._assignment_word(arg)
        elif command in ("[", "test"):
            self._test(args)
        elif command in ("unset", "read"):
            self._poison_names(args)
        elif command == ":":
            for arg in args:
                self._default_assign(arg)

    def _assignment_word(self, word: bytes) -> None:
        found = _ASSIGNMENT.match(word)
        if found is not None:
            name = found.group(1).decode()
            self._assign(name, word[found.end() :], append=bool(found.group(2)))

    # --- fish --------------------------------------------------------------------------------

    def _fish_command(self, toks: list[_Token], i: int) -> int:
        word = _bare(toks[i].text)
        if word == "and":
            self.chain_guards, self.chain_unset = set(self.last_chain[0]), set(self.last_chain[1])
            self.conditional = True
            return i + 1
        if word == "or":
            self.conditional = True
            return i + 1
        if word == "not":
            self.negated = True
            return i + 1
        if word in ("if", "else", "begin", "while", "switch", "function", "end", "for"):
            return self._fish_block(toks, i, word)
        j, words = _simple_command(toks, i)
        command, args = word, words[1:]
        while command in _PREFIXES and args:
            command, args = _bare(args[0]), args[1:]
        if command in (".", "source"):
            # `source (cmd)`: a command substitution follows the word directly.
            if args and not _substitution_follows(toks, args[0]):
                self._ref(args[0])
        elif command in ("test", "["):
            self._test(args)
        elif command == "set":
            self._fish_set(args)
        elif command == "read":
            self._poison_names(args)
        self.at_command = False
        return j

    def _fish_block(self, toks: list[_Token], i: int, word: str) -> int:
        if word == "if":
            self._push(_Frame("if", b"end", collecting=True))
            return i + 1
        if word == "else":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
                if i + 1 < len(toks) and toks[i + 1].word and _bare(toks[i + 1].text) == "if":
                    top.collecting = True
                    return i + 2
            return i + 1
        if word == "end":
            if self.frames:
                self._pop()
            self.at_command = False
            return i + 1
        j, words = _simple_command(toks, i)
        if word in ("begin", "while"):
            self._push(_Frame("group" if word == "begin" else "loop", b"end"))
            return i + 1
        if word == "for":
            name = _bare(words[1]) if len(words) > 1 else ""
            patterns = None
            if len(words) > 2 and words[2] == b"in":
                patterns = self.expander.list_patterns(words[3:])
            self._push(_Frame("loop", b"end", loop_var=name or None))
            if name:
                self.expander.loops[name] = patterns
        else:  # switch, function: the rest of the line is their arguments
            self._push(_Frame("group" if word == "switch" else "function", b"end"))
        self.at_command = False
        return j

    def _fish_set(self, args: list[bytes]) -> None:
        k = 0
        erase = False
        while k < len(args) and args[k].startswith(b"-"):
            flag = args[k]
            if flag in (b"-q", b"--query", b"-n", b"--names", b"-S", b"--show"):
                return
            erase |= flag in (b"-e", b"--erase") or (
                not flag.startswith(b"--") and b"e" in flag[1:]
            )
            k += 1
        if k >= len(args):
            return
        name = _bare(args[k])
        if not _NAME.fullmatch(name):
            return
        values = args[k + 1 :]
        if erase or len(values) > 1:
            self._poison(name)  # erased, or a list: not one path
        else:
            self._assign(name, values[0] if values else b"")

    # --- csh / tcsh --------------------------------------------------------------------------

    def _csh_command(self, toks: list[_Token], i: int) -> int:
        word = _bare(toks[i].text)
        if word in ("if", "while", "switch", "foreach"):
            return self._csh_block(toks, i, word)
        if word == "else":
            top = self._top_if()
            if top is not None:
                top.guards, top.unset = frozenset(), frozenset()
            if i + 1 < len(toks) and toks[i + 1].word and _bare(toks[i + 1].text) == "if":
                j, expression = _parenthesised(toks, i + 2)
                self._new_chain()
                self._test(expression)
                if top is not None:
                    top.guards = frozenset(self.chain_guards)
                    top.unset = frozenset(self.chain_unset)
                self._new_chain()
                self.at_command = False
                return j + 1  # `then`
            return i + 1
        if word in ("endif", "end", "endsw"):
            self._close({"endif": b"endif", "end": b"end", "endsw": b"endsw"}[word])
            self.at_command = False
            return i + 1
        j, words = _simple_command(toks, i)
        args = words[1:]
        if word == "source":
            if args and args[0] != b"-h":  # -h reads the file into the history, runs nothing
                self._ref(args[0])
        elif word == "setenv" and args:
            if _NAME.fullmatch(_bare(args[0])):
                self._assign(_bare(args[0]), args[1] if len(args) > 1 else b"")
        elif word == "set":
            self._csh_set(args, toks, j)
        elif word in ("unset", "unsetenv"):
            self._poison_names(args)
        self.at_command = False
        return j

    def _csh_block(self, toks: list[_Token], i: int, word: str) -> int:
        if word == "foreach":
            name = _bare(toks[i + 1].text) if i + 1 < len(toks) and toks[i + 1].word else ""
            j, items = _parenthesised(toks, i + 2)
            self._push(_Frame("loop", b"end", loop_var=name or None))
            if name:
                self.expander.loops[name] = self.expander.list_patterns(items)
            self.at_command = False
            return j
        j, expression = _parenthesised(toks, i + 1)
        if word == "while":
            self._push(_Frame("loop", b"end"))
        if word == "switch":
            self._push(_Frame("group", b"endsw"))
        if word != "if":
            self.at_command = False
            return j
        saved = (self.chain_guards, self.chain_unset)
        self._new_chain()
        self._test(expression)
        frame = _Frame("if", b"endif", frozenset(self.chain_guards), frozenset(self.chain_unset))
        self.chain_guards, self.chain_unset = saved
        if j < len(toks) and toks[j].word and _bare(toks[j].text) == "then":
            self._push(frame)
            self.at_command = False
            return j + 1
        # `if ( expr ) command`: the one command runs under the test.
        frame.kind, frame.closer = "short", b""
        self._push(frame)
        self.at_command = True
        return j

    def _csh_set(self, args: list[bytes], toks: list[_Token], j: int) -> None:
        if not args:
            return
        name, eq, value = args[0].partition(b"=")
        rest = args[1:]
        if not eq and rest and rest[0].startswith(b"="):
            eq, value, rest = b"=", rest[0][1:], rest[1:]
        if eq and not value and rest:
            value, rest = rest[0], rest[1:]
        text = _bare(name)
        if not _NAME.fullmatch(text):
            return
        if j < len(toks) and toks[j].text == b"(":
            self._poison(text)  # `set x = ( list )`
        else:
            self._assign(text, value if eq else b"")


# What glob.escape makes of a literal `*`, `?` or `[`: one name, not a glob.
_ESCAPED = re.compile(r"\[[*?[]\]")


def _is_glob(pattern: str) -> bool:
    return glob.has_magic(_ESCAPED.sub("", pattern))


def _next_is(toks: list[_Token], i: int, text: bytes) -> bool:
    return i < len(toks) and not toks[i].word and toks[i].text == text


def _simple_command(toks: list[_Token], i: int) -> tuple[int, list[bytes]]:
    """The words of the command starting at toks[i] (redirections skipped), and where it ends."""
    words: list[bytes] = []
    while i < len(toks):
        tok = toks[i]
        if tok.word:
            words.append(tok.text)
            i += 1
        elif _is_redirect(tok.text):
            i += 2 if i + 1 < len(toks) and toks[i + 1].word else 1
        else:
            break
    return i, words


def _parenthesised(toks: list[_Token], i: int) -> tuple[int, list[bytes]]:
    """csh `( ... )` after if/while/foreach: its words, and the index after the `)`."""
    if i >= len(toks) or toks[i].text != b"(" or toks[i].word:
        return i, []
    depth = 0
    words: list[bytes] = []
    for j in range(i, len(toks)):
        tok = toks[j]
        if not tok.word and tok.text == b"(":
            depth += 1
        elif not tok.word and tok.text == b")":
            depth -= 1
            if depth == 0:
                return j + 1, words
        elif tok.word:
            words.append(tok.text)
    return len(toks), words


def _substitution_follows(toks: list[_Token], word: bytes) -> bool:
    for k, tok in enumerate(toks):
        if tok.word and tok.text is word:
            after = toks[k + 1] if k + 1 < len(toks) else None
            return after is not None and after.start == tok.end and after.text == b"("
    return False


# --- static following: expanding one word -----------------------------------------------------

_Chunk = tuple[str, bool]  # (text, literal): literal text is escaped in a glob pattern
_GLOB_CHARS = {"posix": "*?[", "zsh": "*?[", "fish": "*?", "csh": "*?["}
_SEQUENCE = re.compile(rb"-?[0-9]+\.\.-?[0-9]+(\.\.-?[0-9]+)?|[A-Za-z]\.\.[A-Za-z]")
_UNSET = object()


class _Unknown(Exception):
    """The word cannot be expanded without running something (or guessing)."""


class _Expander:
    """Expands a word the way the shell would, without running anything."""

    def __init__(
        self, family: str, where: Where, defined: Mapping[str, str] | None, braces: bool
    ) -> None:
        self.family = family
        self.where = where
        self.braces = braces
        self.vars: dict[str, str | None] = dict(defined or {})
        self.loops: dict[str, list[str] | None] = {}

    # --- the answers -------------------------------------------------------------------------

    def absolute(self, pattern: str) -> str:
        # A relative path is read from the current directory, which is HOME for a login shell
        # and usually for a terminal's shell. (bash's `.` also searches PATH first; ignored.)
        if pattern.startswith("/"):
            return pattern
        return glob.escape(str(self.where.home)) + "/" + pattern

    def patterns(self, word: bytes) -> list[str] | None:
        """Glob patterns `word` stands for (one per brace alternative and loop value)."""
        if len(word) > _MAX_WORD:
            return None
        try:
            out: list[str] = []
            for alternative in self._braces(word):
                for chunks in self._word(self._drop_qualifiers(alternative), assign=False):
                    pattern = "".join(glob.escape(t) if lit else t for t, lit in chunks)
                    if "**" in "".join(t for t, lit in chunks if not lit):
                        raise _Unknown  # recursive globs differ between shells and options
                    out.append(pattern)
            if len(out) > _MAX_ALTERNATIVES:
                return None
            return out
        except (_Unknown, RecursionError):
            return None

    def list_patterns(self, words: list[bytes]) -> list[str] | None:
        out: list[str] = []
        for word in words:
            patterns = self.patterns(word)
            if patterns is None:
                return None
            out.extend(self.absolute(p) if p else p for p in patterns)
        return out

    def literal(self, word: bytes) -> str | None:
        """The value an assignment gives (no brace expansion, no globbing), or None."""
        if len(word) > _MAX_WORD:
            return None
        try:
            alternatives = self._word(word, assign=True)
        except (_Unknown, RecursionError):
            return None
        if len(alternatives) != 1 or not all(lit for _, lit in alternatives[0]):
            return None
        return "".join(t for t, _ in alternatives[0])

    # --- variables ---------------------------------------------------------------------------

    def lookup(self, name: str) -> object:
        """A str, a list of patterns (a loop variable), None (unknown), or _UNSET."""
        if name in self.loops:
            return self.loops[name]
        if name in self.vars:
            return self.vars[name]
        env = self.where.env
        if name == "HOME" or (self.family == "csh" and name == "home"):
            return str(self.where.home)
        if name == "ZDOTDIR":
            value = env.get("ZDOTDIR", "")
            return value if value.startswith("/") else _UNSET
        if name == "XDG_CONFIG_HOME":
            return str(self.where.config_home())
        if self.family == "fish" and name == "__fish_config_dir":
            return str(self.where.config_home() / "fish")
        return _UNSET

    def _variable(self, name: str, quoted: bool) -> list[list[_Chunk]]:
        value = self.lookup(name)
        if isinstance(value, list):
            return [[(p, False)] for p in value]
        if not isinstance(value, str):
            raise _Unknown
        if self.family == "posix" and not quoted and any(c in value for c in " \t\n*?["):
            raise _Unknown  # unquoted in sh/bash/ksh: split into words and globbed
        return [[(value, True)]]

    def _with_default(self, name: str, op: str, default: bytes, quoted: bool) -> list[list[_Chunk]]:
        value = self.lookup(name)
        if value is None:
            raise _Unknown
        use_default = value is _UNSET or (op.startswith(":") and value == "")
        if not use_default:
            return self._variable(name, quoted)
        # The default is a word of its own: `${X:-~}` expands the ~ unless quoted.
        return self._word(default, assign=False, quoted=quoted)

    # --- word syntax -------------------------------------------------------------------------

    def _braces(self, word: bytes) -> list[bytes]:
        """Brace expansion, done first as the shells do: `~/.{a,b}` is `~/.a` and `~/.b`."""
        if not self.braces:
            return [word]
        results: list[bytes] = []
        pending = [word]
        while pending:
            current = pending.pop()
            split = self._first_brace(current)
            if split is None:
                results.append(current)
            else:
                pending.extend(reversed(split))
            if len(results) + len(pending) > _MAX_ALTERNATIVES:
                raise _Unknown
        return results

    def _first_brace(self, word: bytes) -> list[bytes] | None:
        """Expand the leftmost brace group that means something; None when none does."""
        for start, close, commas in self._brace_groups(word):
            inner = word[start + 1 : close]
            if commas:
                edges = [start, *commas, close]
                return [
                    word[:start] + word[a + 1 : b] + word[close + 1 :]
                    for a, b in zip(edges, edges[1:])
                ]
            if self.family != "fish" and _SEQUENCE.fullmatch(inner):
                raise _Unknown  # {1..3}: a sequence
            if self.family == "fish" and b"$" in inner:
                return [word[:start] + inner + word[close + 1 :]]  # fish `{$var}`
        return None

    def _brace_groups(self, word: bytes) -> list[tuple[int, int, list[int]]]:
        """Every balanced unquoted {...}: (start, end, top-level commas), leftmost first.

        One pass with a stack; an unmatched `{` is literal and never closes anything.
        """
        stack: list[tuple[int, list[int]]] = []
        groups: list[tuple[int, int, list[int]]] = []
        i = 0
        while i < len(word):
            c = word[i]
            if c in b"'\"\\" or word.startswith((b"${", b"$("), i):
                i = self._skip_quoted(word, i)
                continue
            if c == ord("{"):
                stack.append((i, []))
            elif c == ord(",") and stack:
                stack[-1][1].append(i)
            elif c == ord("}") and stack:
                start, commas = stack.pop()
                groups.append((start, i, commas))
            i += 1
        return sorted(groups)

    def _skip_quoted(self, word: bytes, i: int) -> int:
        c = word[i]
        if c == ord("\\"):
            return i + 2
        if c == ord("'"):
            j = i + 1
            while j < len(word) and word[j] != ord("'"):
                j += 2 if word[j] == ord("\\") and self.family == "fish" else 1
            return j + 1
        if c == ord('"'):
            j = i + 1
            while j < len(word) and word[j] != ord('"'):
                j += 2 if word[j] == ord("\\") and self.family != "csh" else 1
            return j + 1
        # ${...} / $(...)
        opening, closing = word[i + 1], (ord("}") if word[i + 1] == ord("{") else ord(")"))
        depth = 0
        j = i + 1
        while j < len(word):
            if word[j] == opening:
                depth += 1
            elif word[j] == closing:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j

    def _drop_qualifiers(self, word: bytes) -> bytes:
        """zsh glob qualifiers, `*.zsh(N)` or `*(.N)`: they filter matches, we keep files only."""
        if self.family != "zsh" or not word.endswith(b")"):
            return word
        start = word.rfind(b"(")
        if start <= 0 or not any(c in word[:start] for c in b"*?["):
            return word
        return word[:start]

    def _word(self, word: bytes, assign: bool, quoted: bool = False) -> list[list[_Chunk]]:
        """Expand one word (braces already done) into alternatives of chunks."""
        parser = {"fish": self._fish_piece, "csh": self._csh_piece}.get(
            self.family, self._posix_piece
        )
        alternatives: list[list[_Chunk]] = [[]]
        i = 0
        if word.startswith(b"~") and not quoted:
            end = word.find(b"/")
            end = len(word) if end < 0 else end
            if end != 1:
                raise _Unknown  # ~user, ~+, ~1: not ours to resolve
            alternatives = [[(str(self.where.home), True)]]
            i = 1
        while i < len(word):
            i, pieces = parser(word, i, assign, quoted)
            alternatives = [a + p for a in alternatives for p in pieces]
            if len(alternatives) > _MAX_ALTERNATIVES:
                raise _Unknown
        return alternatives

    def _text(self, data: bytes) -> str:
        return data.decode("utf-8", "surrogateescape")

    def _posix_piece(
        self, word: bytes, i: int, assign: bool, quoted: bool
    ) -> tuple[int, list[list[_Chunk]]]:
        c = word[i]
        if quoted:
            # Inside "...": only $ and backslash before $ ` " \ mean anything.
            if c == ord("\\") and word[i + 1 : i + 2] in (b"$", b"`", b'"', b"\\"):
                return i + 2, [[(self._text(word[i + 1 : i + 2]), True)]]
            if c == ord("$"):
                return self._posix_dollar(word, i, quoted=True)
            if c == ord("`"):
                raise _Unknown
            return i + 1, [[(self._text(word[i : i + 1]), True)]]
        if c == ord("'"):
            end = word.find(b"'", i + 1)
            if end < 0:
                raise _Unknown
            return end + 1, [[(self._text(word[i + 1 : end]), True)]]
        if word.startswith(b"$'", i):
            out = bytearray()
            end = _ansi_c(word, i + 2, out)
            return end, [[(self._text(bytes(out)), True)]]
        if c == ord('"'):
            end = self._skip_quoted(word, i)
            if end > len(word) or word[end - 1] != ord('"'):
                raise _Unknown
            return end, self._word(word[i + 1 : end - 1], assign, quoted=True) or [[]]
        if c == ord("\\"):
            if i + 1 >= len(word):
                raise _Unknown  # a line continuation: the rest is on the next line
            return i + 2, [[(self._text(word[i + 1 : i + 2]), True)]]
        if c == ord("$"):
            return self._posix_dollar(word, i, quoted=False)
        if c in b"`()":
            raise _Unknown
        if chr(c) in _GLOB_CHARS[self.family] and not assign:
            return i + 1, [[(chr(c), False)]]
        if self.family == "zsh" and c in b"~^#" and not assign:
            raise _Unknown  # extended_glob operators, if the user turned them on
        return i + 1, [[(self._text(word[i : i + 1]), True)]]

    def _posix_dollar(self, word: bytes, i: int, quoted: bool) -> tuple[int, list[list[_Chunk]]]:
        if word.startswith(b"${", i):
            end = self._skip_quoted(word, i)
            if word[end - 1 : end] != b"}":
                raise _Unknown
            inner = word[i + 2 : end - 1]
            found = re.fullmatch(rb"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])(.*))?", inner, re.S)
            if found is None:
                raise _Unknown  # ${#x}, ${x%/*}, ${x:t}, ${(%):-%x} ...
            name = found.group(1).decode()
            if found.group(2) is None:
                return end, self._variable(name, quoted)
            op = found.group(2).decode()
            return end, self._with_default(name, op, found.group(3), quoted)
        found = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*").match(word, i + 1)
        if found is not None:
            return found.end(), self._variable(found.group().decode(), quoted)
        after = word[i + 1 : i + 2]
        if after == b"" or after in b"/\"' \t:.":
            return i + 1, [[("$", True)]]
        raise _Unknown  # $1, $@, $(...), $$ ...

    def _fish_piece(
        self, word: bytes, i: int, assign: bool, quoted: bool
    ) -> tuple[int, list[list[_Chunk]]]:
        c = word[i]
        if quoted:
            if c == ord("\\") and word[i + 1 : i + 2] in (b'"', b"\\", b"$"):
                return i + 2, [[(self._text(word[i + 1 : i + 2]), True)]]
            if c == ord("$"):
                return self._fish_dollar(word, i)
            return i + 1, [[(self._text(word[i : i + 1]), True)]]
        if c == ord("'"):
            out = bytearray()
            j = i + 1
            while j < len(word) and word[j] != ord("'"):
                if word[j] == ord("\\") and word[j + 1 : j + 2] in (b"'", b"\\"):
                    j += 1
                out.append(word[j])
                j += 1
            if j >= len(word):
                raise _Unknown
            return j + 1, [[(self._text(bytes(out)), True)]]
        if c == ord('"'):
            end = self._skip_quoted(word, i)
            if end > len(word) or word[end - 1] != ord('"'):
                raise _Unknown
            return end, self._word(word[i + 1 : end - 1], assign, quoted=True) or [[]]
        if c == ord("\\"):
            escaped = word[i + 1 : i + 2]
            if not escaped or escaped not in b" '\"$*?~#(){}[]<>^&|;\\":
                raise _Unknown  # \n, \x41, \u00e9: fish decodes these
            return i + 2, [[(self._text(escaped), True)]]
        if c == ord("$"):
            return self._fish_dollar(word, i)
        if c in b"()":
            raise _Unknown  # a command substitution
        if chr(c) in _GLOB_CHARS["fish"] and not assign:
            return i + 1, [[(chr(c), False)]]
        return i + 1, [[(self._text(word[i : i + 1]), True)]]

    def _fish_dollar(self, word: bytes, i: int) -> tuple[int, list[list[_Chunk]]]:
        found = re.compile(rb"[A-Za-z0-9_]+").match(word, i + 1)
        if found is None or word[found.end() : found.end() + 1] == b"[":
            raise _Unknown  # $$, $(cmd), $list[1]
        return found.end(), self._variable(found.group().decode(), quoted=True)

    def _csh_piece(
        self, word: bytes, i: int, assign: bool, quoted: bool
    ) -> tuple[int, list[list[_Chunk]]]:
        c = word[i]
        if quoted:
            if c == ord("$"):
                return self._csh_dollar(word, i)
            if c in b"`!":
                raise _Unknown
            return i + 1, [[(self._text(word[i : i + 1]), True)]]
        if c == ord("'"):
            end = word.find(b"'", i + 1)
            if end < 0 or b"!" in word[i:end]:
                raise _Unknown  # history substitution applies even in single quotes
            return end + 1, [[(self._text(word[i + 1 : end]), True)]]
        if c == ord('"'):
            end = word.find(b'"', i + 1)
            if end < 0:
                raise _Unknown
            return end + 1, self._word(word[i + 1 : end], assign, quoted=True) or [[]]
        if c == ord("\\"):
            if i + 1 >= len(word):
                raise _Unknown
            return i + 2, [[(self._text(word[i + 1 : i + 2]), True)]]
        if c == ord("$"):
            return self._csh_dollar(word, i)
        if c in b"`!()":
            raise _Unknown
        if chr(c) in _GLOB_CHARS["csh"] and not assign:
            return i + 1, [[(chr(c), False)]]
        return i + 1, [[(self._text(word[i : i + 1]), True)]]

    def _csh_dollar(self, word: bytes, i: int) -> tuple[int, list[list[_Chunk]]]:
        found = re.compile(rb"\{?([A-Za-z_][A-Za-z0-9_]*)(\}?)").match(word, i + 1)
        if found is None or (word[i + 1 : i + 2] == b"{") != bool(found.group(2)):
            raise _Unknown
        if word[found.end() : found.end() + 1] in (b":", b"["):
            raise _Unknown  # $x:h, $x[1]
        return found.end(), self._variable(found.group(1).decode(), quoted=True)


# --- traces -----------------------------------------------------------------------------------

_PS4 = {
    # bash: ignored when bash runs as root (then lines carry the default `+ ` prefix).
    "bash": "+" + MARK + "${BASH_SOURCE}" + MARK + "${LINENO}" + MARK + " ",
    "zsh": "+" + MARK + "%x" + MARK + "%I" + MARK + " ",
    "ksh": "+" + MARK + "${.sh.file}" + MARK + "${LINENO}" + MARK + " ",
}


def trace_ps4(shell_name: str) -> str | None:
    """The PS4 to put in the environment of a traced bash, zsh or ksh; None for other shells."""
    name = shell_name.rsplit("/", 1)[-1].lstrip("-")
    return _PS4.get("ksh" if name == "ksh93" else name)


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

    def feed(self, piece: bytes) -> None:
        end = piece.rfind(b"\n")
        if end < 0:
            self._tail.append(piece)
            return
        whole = b"".join([*self._tail, piece[:end]])
        self._tail = [piece[end + 1 :]]
        self._read(whole.decode("utf-8", "surrogateescape").split("\n"))

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
        for raw in raws:
            if pending is None or not pending.quote.open:
                # The common line: one traced command, whole, with no second prefix in it
                # (the marked PS4, or bash's own `+ ` when it ignores ours, as root). One
                # match per line says all of it: a big start-up file traces 100,000s.
                found = _COMMON.fullmatch(raw)
                if found is not None:
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

    A path is listed even if the shell then failed to read it; relative paths are left out.
    """
    seen: set[str] = set()
    out: list[Path] = []
    for traced in lines:
        if not traced.command.lstrip(" \t'\"\\$").startswith(_MAY_SOURCE):
            continue  # not `.`, `source`, `builtin ...` or `command ...`, however quoted
        words = trace_words(traced.command)
        while words and words[0] in ("builtin", "command"):
            words = words[1:]
        if len(words) < 2 or words[0] not in (".", "source"):
            continue
        path = words[2] if words[1] == "--" and len(words) > 2 else words[1]
        if path.startswith("/") and path not in seen:
            seen.add(path)
            out.append(Path(path))
    return out


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
    trace `X=1 cmd` like an assignment of its own, so such a line is listed too.
    """
    wanted = set(names)
    seen: set[tuple[str, int, str]] = set()
    out: list[tuple[str, int, str]] = []
    # A command that assigns a name holds it (xtrace never quotes a name): others are skipped
    # without splitting them into words.
    named = re.compile("|".join(map(re.escape, sorted(wanted)))) if wanted else None
    for traced in lines:
        if not traced.file or traced.line is None:
            continue
        if named is None or named.search(traced.command) is None:
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
            key = (traced.file, traced.line, found.group(1))
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
                i = _ansi_c(data, i + 2, out)
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


_SIMPLE_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("e"): 27,
    ord("E"): 27,
    ord("f"): 12,
    ord("n"): 10,
    ord("r"): 13,
    ord("t"): 9,
    ord("v"): 11,
    ord("\\"): 92,
    ord("'"): 39,
    ord('"'): 34,
    ord("?"): 63,
}
_OCTAL = re.compile(rb"[0-7]{1,3}")
_HEX = re.compile(rb"\{([0-9A-Fa-f]{1,8})\}|[0-9A-Fa-f]{1,2}")


def _ansi_c(data: bytes, i: int, out: bytearray) -> int:
    """Decode the body of $'...' from data[i] into `out`; return the index after the quote."""
    n = len(data)
    while i < n:
        c = data[i]
        if c == ord("'"):
            return i + 1
        if c != ord("\\") or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        i = _escape(data, i + 1, out)
    return n


def _escape(data: bytes, i: int, out: bytearray) -> int:
    """One escape after a backslash at data[i - 1] (bash, ksh and zsh forms)."""
    c = data[i]
    if data.startswith(b"M-", i) and i + 2 < len(data):
        # zsh: \M-X sets the high bit of X (which may itself be \C-X).
        inner = bytearray()
        j = _escape(data, i + 3, inner) if data[i + 2] == ord("\\") else i + 3
        value = inner[0] if inner else data[i + 2]
        out.append(value | 0x80)
        return j
    if data.startswith(b"C-", i) and i + 2 < len(data):
        out.append(_control(data[i + 2]))
        return i + 3
    if c == ord("c") and i + 1 < len(data):
        out.append(_control(data[i + 1]))
        return i + 2
    if c in _SIMPLE_ESCAPES:
        out.append(_SIMPLE_ESCAPES[c])
        return i + 1
    octal = _OCTAL.match(data, i)
    if octal is not None:
        out.append(int(octal.group(), 8) & 0xFF)
        return octal.end()
    if c == ord("x"):
        hexa = _HEX.match(data, i + 1)
        if hexa is not None:
            digits = hexa.group(1) or hexa.group()
            value = int(digits, 16)
            out += bytes([value]) if value < 0x100 else _utf8(value)
            return hexa.end()
    if c in (ord("u"), ord("U")):
        size = 4 if c == ord("u") else 8
        digits = re.compile(rb"[0-9A-Fa-f]{1,%d}" % size).match(data, i + 1)
        if digits is not None:
            out += _utf8(int(digits.group(), 16))
            return digits.end()
    out += bytes([ord("\\"), c])  # not an escape: both characters stay
    return i + 1


def _control(c: int) -> int:
    return 127 if c == ord("?") else c & 0x1F


def _utf8(code: int) -> bytes:
    try:
        return chr(code).encode("utf-8", "surrogateescape")
    except (ValueError, UnicodeEncodeError):
        return b"?"


__all__ = [
    "MARK",
    "SourceRef",
    "TraceLine",
    "assignments",
    "expand",
    "parse_trace",
    "sourced_files",
    "static_sources",
    "static_variables",
    "trace_ps4",
    "trace_words",
]
