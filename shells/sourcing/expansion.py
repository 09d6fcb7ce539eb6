"""Expanding one word of a start-up file the way its shell would, without running anything.

`~`, `$HOME`, variables given a plain value earlier, `${X:-default}`, brace lists and loop
variables are expanded; a glob stays a pattern for walk.expand() to match. Anything else
(`$(...)`, an unknown variable, `${x%/*}`) makes the word unknown: skipped, never guessed.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Mapping

from shells.base import Family, Where
from shells.sourcing.ansi_c import ansi_c

# A brace list that multiplies into more words than this is not a start-up file's doing.
_MAX_ALTERNATIVES = 256
# Longer than PATH_MAX: not a path. Also keeps brace matching on odd input cheap.
_MAX_WORD = 4096

_Chunk = tuple[str, bool]  # (text, literal): literal text is escaped in a glob pattern
_GLOB_CHARS = {Family.POSIX: "*?[", Family.ZSH: "*?[", Family.FISH: "*?", Family.CSH: "*?["}
_SEQUENCE = re.compile(rb"-?[0-9]+\.\.-?[0-9]+(\.\.-?[0-9]+)?|[A-Za-z]\.\.[A-Za-z]")
# What lookup() gives a variable that nothing set, not even the environment (None: unknown).
UNSET = object()


class _Unknown(Exception):
    """The word cannot be expanded without running something (or guessing)."""


class Expander:
    """Expands a word the way the shell would, without running anything."""

    def __init__(
        self,
        family: Family,
        where: Where,
        defined: Mapping[str, str] | None,
        braces: bool,
        own: Mapping[str, str],
    ) -> None:
        self.family = family
        self.where = where
        self.braces = braces
        self.own = own  # what the shell sets itself before its first file (Shell.own_variables)
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
        """A str, a list of patterns (a loop variable), None (unknown), or UNSET."""
        if name in self.loops:
            return self.loops[name]
        if name in self.vars:
            return self.vars[name]
        env = self.where.env
        if name == "HOME":
            return str(self.where.home)
        if name in self.own:
            return self.own[name]
        if name == "ZDOTDIR":
            value = env.get("ZDOTDIR", "")
            return value if value.startswith("/") else UNSET
        if name == "XDG_CONFIG_HOME":
            return str(self.where.config_home())
        return UNSET

    def _variable(self, name: str, quoted: bool) -> list[list[_Chunk]]:
        value = self.lookup(name)
        if isinstance(value, list):
            return [[(p, False)] for p in value]
        if not isinstance(value, str):
            raise _Unknown
        if self.family is Family.POSIX and not quoted and any(c in value for c in " \t\n*?["):
            raise _Unknown  # unquoted in sh/bash/ksh: split into words and globbed
        return [[(value, True)]]

    def _with_default(self, name: str, op: str, default: bytes, quoted: bool) -> list[list[_Chunk]]:
        value = self.lookup(name)
        if value is None:
            raise _Unknown
        use_default = value is UNSET or (op.startswith(":") and value == "")
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
            if self.family is not Family.FISH and _SEQUENCE.fullmatch(inner):
                raise _Unknown  # {1..3}: a sequence
            if self.family is Family.FISH and b"$" in inner:
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
                j += 2 if word[j] == ord("\\") and self.family is Family.FISH else 1
            return j + 1
        if c == ord('"'):
            j = i + 1
            while j < len(word) and word[j] != ord('"'):
                j += 2 if word[j] == ord("\\") and self.family is not Family.CSH else 1
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
        if self.family is not Family.ZSH or not word.endswith(b")"):
            return word
        start = word.rfind(b"(")
        if start <= 0 or not any(c in word[:start] for c in b"*?["):
            return word
        return word[:start]

    def _word(self, word: bytes, assign: bool, quoted: bool = False) -> list[list[_Chunk]]:
        """Expand one word (braces already done) into alternatives of chunks."""
        parser = {Family.FISH: self._fish_piece, Family.CSH: self._csh_piece}.get(
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
            end = ansi_c(word, i + 2, out)
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
        if self.family is Family.ZSH and c in b"~^#" and not assign:
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
        if chr(c) in _GLOB_CHARS[Family.FISH] and not assign:
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
        if chr(c) in _GLOB_CHARS[Family.CSH] and not assign:
            return i + 1, [[(chr(c), False)]]
        return i + 1, [[(self._text(word[i : i + 1]), True)]]

    def _csh_dollar(self, word: bytes, i: int) -> tuple[int, list[list[_Chunk]]]:
        found = re.compile(rb"\{?([A-Za-z_][A-Za-z0-9_]*)(\}?)").match(word, i + 1)
        if found is None or (word[i + 1 : i + 2] == b"{") != bool(found.group(2)):
            raise _Unknown
        if word[found.end() : found.end() + 1] in (b":", b"["):
            raise _Unknown  # $x:h, $x[1]
        return found.end(), self._variable(found.group(1).decode(), quoted=True)


__all__ = ["UNSET", "Expander"]
