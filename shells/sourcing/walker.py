"""The state a static walk keeps while it reads a start-up file, and what statements do to it.

Walker reads line by line and keeps just enough: open blocks, loop variables, the file tests
guarding the current and-or list, variables with a known value (in its Expander). What a
command means is each family's own (walk_posix, walk_fish, walk_csh subclass Walker); how an
and-or list, a block or an assignment changes the state is shared, and lives here.
"""

from __future__ import annotations

import glob
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from shells.base import Family
from shells.lexing import LineInfo, strip_line_ending
from shells.sourcing.expansion import UNSET, Expander
from shells.sourcing.tokens import Token, bare, is_redirect, tokens

# Blocks nested deeper than this are not a start-up file: stop reading rather than crawl.
_MAX_DEPTH = 256


@dataclass(frozen=True)
class SourceRef:
    line: int  # 1-based line number of the statement in the file
    pattern: str  # absolute path or glob pattern (literal parts escaped as glob.escape does)
    optional: bool  # a file test guards it, it is a glob, or it sits in a function body


@dataclass
class Frame:
    kind: str  # if, loop, case, group, function, paren, short
    closer: bytes  # the word (or `)`) that ends it; b"" for a frame that ends with its command
    guards: frozenset[str] = frozenset()  # patterns a file test proved to exist in this branch
    unset: frozenset[str] = frozenset()  # variables tested empty for this branch
    collecting: bool = False  # fish: still reading the `if` condition
    loop_var: str | None = None
    saved_loop: list[str] | None = None
    had_saved_loop: bool = False
    patterns: bool = False  # case: reading patterns, not commands


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words before a command that leave it the same command (`builtin source f`).
PREFIXES = frozenset({"builtin", "command", "noglob", "nocorrect"})
_FILE_TESTS = {
    Family.POSIX: frozenset({"-f", "-e", "-r", "-s", "-a", "-h", "-L"}),
    Family.ZSH: frozenset({"-f", "-e", "-r", "-s", "-a", "-h", "-L"}),
    Family.FISH: frozenset({"-f", "-e", "-r", "-s", "-L"}),
    Family.CSH: frozenset({"-f", "-e", "-r", "-s"}),
}
# `-z "$X"` / `-z $X` / `-z "${X}"`: the idiom for "give X a default".
_EMPTY_TEST_OPERAND = re.compile(r'"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\Z')
_CSH_UNSET_TEST = re.compile(r"!?\$\?([A-Za-z_][A-Za-z0-9_]*)\Z")


class _TooDeep(Exception):
    pass


# What glob.escape makes of a literal `*`, `?` or `[`: one name, not a glob.
_ESCAPED = re.compile(r"\[[*?[]\]")


def _is_glob(pattern: str) -> bool:
    return glob.has_magic(_ESCAPED.sub("", pattern))


class Walker(ABC):
    """Reads statements line by line, keeping just enough state: open blocks, loop variables,
    the file tests guarding the current and-or list, variables with a known value."""

    def __init__(self, family: Family, expander: Expander) -> None:
        self.family = family
        self.expander = expander
        self.refs: list[SourceRef] = []
        self.frames: list[Frame] = []
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
            toks = tokens(strip_line_ending(raw), info.code, self.family)
            try:
                self._line(toks)
            except _TooDeep:
                return
            continued = info.code.rstrip().endswith((b"&&", b"||", b"|"))
            if not continued:
                self._separator(b"\n")

    def _line(self, toks: list[Token]) -> None:
        i = 0
        while i < len(toks):
            tok = toks[i]
            top = self.frames[-1] if self.frames else None
            if top is not None and top.kind == "case" and top.patterns:
                if tok.word and bare(tok.text) == "esac":
                    self._close(b"esac")
                    self.at_command = False
                elif tok.text == b")" and not tok.word:
                    top.patterns = False
                    self.at_command = True
                i += 1
                continue
            if not tok.word:
                if is_redirect(tok.text):
                    i += 2 if i + 1 < len(toks) and toks[i + 1].word else 1
                    continue
                self._separator(tok.text)
                i += 1
                continue
            if not self.at_command:
                i += 1
                continue
            i = self._command(toks, i)

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
            self._push(Frame(kind, b")"))
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

    def _push(self, frame: Frame) -> None:
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

    def _top_if(self) -> Frame | None:
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
            if self.family is Family.CSH:
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
        if append and current is not UNSET:  # `X+=v` on an unset X is `X=v`
            literal = current + literal if isinstance(current, str) and literal else None
        if self._tested_empty(name):
            # `[ -z "$X" ] && X=default`: a default, taken only when nothing gave X a value.
            if current is UNSET:
                expander.vars[name] = literal
            return
        if self.conditional or self.frames:
            # Set on one path only. With no earlier value we take it (what uses it mostly runs
            # on the same path); against an earlier value, or an unknown one, it is unknown.
            expander.vars[name] = literal if current is UNSET or current == literal else None
            return
        expander.vars[name] = literal

    def _default_assign(self, word: bytes) -> None:
        """`: ${X:=default}`: X gets the default when it has no value."""
        found = re.fullmatch(rb'"?\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)=(.*)\}"?', word, re.S)
        if found is None:
            return
        name = found.group(1).decode()
        current = self.expander.lookup(name)
        if current is UNSET or (found.group(2) and current == ""):
            self.expander.vars[name] = self.expander.literal(found.group(3))

    def _poison(self, name: str) -> None:
        if name in self.expander.loops:
            self.expander.loops[name] = None
        self.expander.vars[name] = None

    def _poison_names(self, args: list[bytes]) -> None:
        """`unset`, `read`, `unsetenv` NAME...: each name's value is unknown from here on."""
        for arg in args:
            if NAME.fullmatch(bare(arg)):
                self._poison(bare(arg))

    # --- what a command means: each family's own --------------------------------------------

    @abstractmethod
    def _command(self, toks: list[Token], i: int) -> int:
        """Read the command whose first word is toks[i]; the index after it."""


__all__ = ["NAME", "PREFIXES", "Frame", "SourceRef", "Walker"]
