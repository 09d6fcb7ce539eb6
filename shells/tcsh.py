"""tcsh and csh (on Debian /usr/bin/csh is tcsh too).

Measured with tcsh 6.24 (tests/test_real_shells.py re-checks each):
- history substitution applies to `!` even inside single quotes, in ~/.tcshrc, sourced files
  and `-c` strings; an unknown event aborts the rest of the file and skips ~/.login, so every
  `!` is written as `\\!` outside the quotes;
- a backslash is literal inside single quotes unless the user `set backslash_quote`, so `\\`
  and `'` are also written outside the quotes, correct either way;
- a newline can only be written as backslash-newline inside quotes;
- `#` starts a comment even in the middle of a word (`setenv X a#b` sets `a`);
- `tcsh -l` accepts no other flag: a login shell that runs a command is started as `-tcsh`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from shells.base import (
    Family,
    SetCommand,
    Shell,
    Where,
    check_name,
    check_value,
    print_env_argv,
)
from shells.lexing import Syntax
from shells.words import Word, csh_word

TCSH_SYNTAX = Syntax(double_quote_escapes=False, csh_comments=True)

_BARE_WORD = re.compile(r"[A-Za-z0-9_./:,+-]+\Z")
_ESCAPED_OUTSIDE_QUOTES = frozenset("'\\!")


@lru_cache(maxsize=256)
def _mention_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?:^|(?<=[\s;&|()]))setenv\s+" + name.encode() + rb"(?![A-Za-z0-9_.])")


@lru_cache(maxsize=256)
def _simple_pattern(name: str) -> re.Pattern[bytes]:
    word = rb"""(?:[^\s;&|<>()'"`]|'_*'|"_*"|__)+"""
    return re.compile(rb"\s*setenv\s+" + name.encode() + rb"(?:\s+" + word + rb")?\s*\Z")


@lru_cache(maxsize=256)
def _value_start(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"\s*setenv\s+" + name.encode() + rb"(?:\s+|$)")


@lru_cache(maxsize=256)
def _unset_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"\bunsetenv\s+" + name.encode() + rb"\b")


class Tcsh(Shell):
    name = "tcsh"
    executables: tuple[str, ...] = ("tcsh",)
    syntax = TCSH_SYNTAX
    family = Family.CSH
    brace_expansion = True
    # Redaction reads its values with the POSIX rules (the default value_quoting): they
    # take `\"` inside "..." as escaped where tcsh does not, which can only read further.
    set_commands = (SetCommand("setenv"), SetCommand("set", equals=True))

    def read_set(self, where: Where) -> list[Path]:
        # tcsh(1) Startup and shutdown: ~/.tcshrc (or ~/.cshrc without it), then ~/.login
        # for login shells.
        h = where.home
        return [h / ".tcshrc", h / ".cshrc", h / ".login"]

    def own_variables(self, where: Where) -> dict[str, str]:
        # tcsh(1): the shell variable `home` mirrors HOME.
        return {"home": str(where.home)}

    def write_set(self, where: Where) -> list[Path]:
        # Read by every tcsh, login or not. ~/.cshrc is never read when ~/.tcshrc exists, so
        # creating ~/.tcshrc beside an existing ~/.cshrc would silently switch it off.
        h = where.home
        for candidate in (h / ".tcshrc", h / ".cshrc"):
            if candidate.exists() or candidate.is_symlink():
                return [candidate]
        return [h / ".tcshrc"]

    def quote(self, value: str) -> str:
        check_value(value)
        if value == "":
            return "''"
        if _BARE_WORD.match(value):
            return value
        parts: list[str] = []
        in_quotes = False
        for ch in value:
            if ch in _ESCAPED_OUTSIDE_QUOTES:
                if in_quotes:
                    parts.append("'")
                    in_quotes = False
                parts.append("\\" + ch)
                continue
            if not in_quotes:
                parts.append("'")
                in_quotes = True
            parts.append("\\\n" if ch == "\n" else ch)
        if in_quotes:
            parts.append("'")
        return "".join(parts)

    def render_set(self, name: str, value: str) -> str:
        return f"setenv {check_name(name)} {self.quote(value)}"

    def render_unset(self, name: str) -> str:
        return f"unsetenv {check_name(name)}"

    def mentions(self, code: bytes, name: str) -> bool:
        return _mention_pattern(name).search(code) is not None

    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        return _simple_pattern(name).match(code) is not None

    def assigned_value(self, line: bytes, name: str) -> Word | None:
        found = _value_start(name).match(line)
        return None if found is None else csh_word(line, found.end())

    def unsets(self, code: bytes, name: str) -> bool:
        return _unset_pattern(name).search(code) is not None

    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        # -f: without it tcsh -n still reads (and could fail on) the user's own rc files.
        # It misses an unclosed `if`/`endif`, but catches quotes and `!` errors.
        return [executable, "-f", "-n", path]

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        # Inside a -c string tcsh still applies its quoting, so the same quote() is exact.
        command = f"exec {self._quoted(print_env_argv(python))}"
        if login:
            return [f"-{Path(executable).name}", "-c", command]
        return [executable, "-i", "-c", command]


class Csh(Tcsh):
    """csh: BSD csh reads only ~/.cshrc; tcsh installed as csh prefers ~/.tcshrc."""

    name = "csh"
    executables: tuple[str, ...] = ("csh",)

    def write_set(self, where: Where) -> list[Path]:
        # ~/.cshrc serves both kinds; ~/.tcshrc too when it exists, since tcsh-as-csh then
        # reads it instead of ~/.cshrc.
        tcshrc = where.home / ".tcshrc"
        existing = [tcshrc] if tcshrc.exists() or tcshrc.is_symlink() else []
        return [*existing, where.home / ".cshrc"]


__all__ = ["Csh", "Tcsh"]
