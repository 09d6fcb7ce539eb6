"""fish: configuration in $XDG_CONFIG_HOME/fish, a conf.d snippet of our own.

Facts measured with fish 3.6 (every one re-checked by tests/test_real_shells.py):
- conf.d/*.fish is sourced before config.fish, by every fish (login or not, interactive or
  not), so a user's `set -gx` in config.fish would beat ours: it is disabled instead;
- in single quotes only \\ and \' are escapes; nothing else expands;
- `set -gx` needs `-g`: a bare `set -x NAME v` writes into an existing universal variable and
  rewrites fish_variables for good;
- `set -e -g NAME` removes an inherited variable and never touches the universal store, but
  no line in a start-up file can hide an *exported universal* variable from child processes
  (an unexported global does not shadow it). Such a variable lives in fish_variables, so we
  edit that file like any other: take its line out, and revert puts the bytes back.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from shells.base import (
    Family,
    SetCommand,
    Shell,
    ValueQuoting,
    Where,
    check_name,
    check_value,
    print_env_argv,
)
from shells.lexing import Syntax
from shells.words import Word, fish_word, fish_words

# fish: backslash escapes outside quotes and in double quotes; in single quotes only \' and \\.
FISH_SYNTAX = Syntax(single_quote_escapes=b"'\\")

_FLAGS = rb"(?:\s+-[-A-Za-z]+)*"
# Short flags that still set a variable; -e -q -S -n -L read, erase or list instead.
_SETTING_SHORT = set(b"aplfgUxu")
_SETTING_LONG = [
    "append",
    "prepend",
    "local",
    "function",
    "global",
    "universal",
    "export",
    "unexport",
    "path",
    "unpath",
]


def _flags_set_a_value(flags: bytes) -> bool:
    for flag in flags.split():
        text = flag.decode("ascii", "replace")
        if text.startswith("--"):
            # fish accepts unique prefixes of long options (`--glob --exp`).
            matches = [o for o in _SETTING_LONG if o.startswith(text[2:])]
            if len(matches) != 1 or not text[2:]:
                return False
        elif not set(flag[1:]) <= _SETTING_SHORT:
            return False
    return True


@lru_cache(maxsize=256)
def _mention_pattern(name: str) -> re.Pattern[bytes]:
    n = name.encode()
    return re.compile(
        rb"(?:^|[;|&(]|\b(?:and|or|not|begin|if|while|then|else|builtin)\s)\s*"
        rb"(?:set(?P<flags>" + _FLAGS + rb")\s+" + n + rb"(?:\[[^\]\s]*\])?(?=[\s;|&)]|$)"
        rb"|export\s+(?:\S+\s+)*" + n + rb"="
        rb"|read\b[^;|&]*\s" + n + rb"(?=[\s;|&)]|$))"
    )


@lru_cache(maxsize=256)
def _simple_pattern(name: str) -> re.Pattern[bytes]:
    n = name.encode()
    word = rb"""(?:[^\s;&|<>()'"]|'_*'|"_*")+"""
    return re.compile(
        rb"\s*(?:(?:builtin\s+)?set(?P<flags>" + _FLAGS + rb")\s+" + n + rb"(?:\[[^\]\s]*\])?"
        rb"(?:\s+" + word + rb")*|export\s+" + n + rb"=" + word + rb"?)\s*;?\s*\Z"
    )


@lru_cache(maxsize=256)
def _value_start(name: str) -> re.Pattern[bytes]:
    n = name.encode()
    return re.compile(
        rb"\s*(?:(?:builtin\s+)?set" + _FLAGS + rb"\s+" + n + rb"(?:\[[^\]\s]*\])?(?=\s|$)"
        rb"|(?P<export>export\s+" + n + rb"=))"
    )


@lru_cache(maxsize=256)
def _erase_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(
        rb"\bset(?:\s+-[-A-Za-z]+)*\s+(?:-[A-Za-z]*e[A-Za-z]*|--erase)(?:\s+-[-A-Za-z]+)*\s+"
        + name.encode()
        + rb"\b"
    )


@lru_cache(maxsize=256)
def _universal_pattern(name: str) -> re.Pattern[bytes]:
    # fish_variables lines: `SETUVAR --export NAME:value`, flags before the name.
    return re.compile(rb"SETUVAR((?: --[a-z]+)*) " + re.escape(name.encode()) + rb":")


class Fish(Shell):
    name = "fish"
    executables: tuple[str, ...] = ("fish",)
    syntax = FISH_SYNTAX
    family = Family.FISH
    brace_expansion = True
    # In '...' only \' and \\ are escapes; "..." as in POSIX shells; no $'...' or `...`.
    value_quoting = ValueQuoting(quotes=(("'", r"\\'"), ('"', r'\\"')))
    set_commands = (SetCommand("set"),)

    def _dir(self, where: Where) -> Path:
        return where.config_home() / "fish"

    def own_variables(self, where: Where) -> dict[str, str]:
        return {"__fish_config_dir": str(self._dir(where))}

    def read_set(self, where: Where) -> list[Path]:
        # fish(1) "Configuration files": conf.d/*.fish in name order, then config.fish.
        d = self._dir(where)
        conf_d = sorted((d / "conf.d").glob("*.fish")) if (d / "conf.d").is_dir() else []
        return [*conf_d, d / "config.fish"]

    def write_set(self, where: Where) -> list[Path]:
        # A snippet of our own in conf.d is read by every fish, login or not, interactive or
        # not, and leaves config.fish alone (as rustup does). config.fish is read after it, so
        # a user's assignment there is disabled (read set) rather than outvoted.
        return [self._dir(where) / "conf.d" / "remedy.fish"]

    def quote(self, value: str) -> str:
        # In fish single quotes only \\ and \' are escapes; nothing else is expanded.
        escaped = check_value(value).replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"

    def render_set(self, name: str, value: str) -> str:
        return f"set -gx {check_name(name)} {self.quote(value)}"

    def render_unset(self, name: str) -> str:
        return f"set -e -g {check_name(name)}"

    def mentions(self, code: bytes, name: str) -> bool:
        for match in _mention_pattern(name).finditer(code):
            flags = match.group("flags")
            if flags is None or _flags_set_a_value(flags):
                return True
        return False

    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        match = _simple_pattern(name).match(code)
        if match is None:
            return False
        flags = match.group("flags")
        return flags is None or _flags_set_a_value(flags)

    def assigned_value(self, line: bytes, name: str) -> Word | None:
        found = _value_start(name).match(line)
        if found is None:
            return None
        if found.group("export"):
            return fish_word(line, found.end())
        return fish_words(line, found.end())

    def unsets(self, code: bytes, name: str) -> bool:
        return _erase_pattern(name).search(code) is not None

    def variable_store(self, where: Where) -> Path | None:
        return self._dir(where) / "fish_variables"

    def store_exports(self, data: bytes) -> list[tuple[int, str, str]]:
        # `SETUVAR --export NAME:VALUE`, measured with fish 3.6 (`set -Ux`).
        found = []
        for number, line in enumerate(data.splitlines(), 1):
            words = line.split(b" ", 2)
            if len(words) < 3 or words[:2] != [b"SETUVAR", b"--export"]:
                continue
            name, _, value = words[2].partition(b":")
            found.append((number, name.decode("utf-8", "replace"), _unescape(value)))
        return found

    def drop_from_store(self, data: bytes, names: tuple[str, ...]) -> tuple[bytes, list[bytes]]:
        kept: list[bytes] = []
        dropped: list[bytes] = []
        for line in data.splitlines(keepends=True):
            found = next((m for n in names if (m := _universal_pattern(n).match(line))), None)
            if found is not None and b"--export" in found.group(1).split():
                dropped.append(line)
            else:
                kept.append(line)
        return b"".join(kept), dropped

    def restore_to_store(self, data: bytes, lines: list[bytes]) -> bytes:
        result = data.splitlines(keepends=True)
        for line in lines:
            key = _setuvar_name(line)
            if any(_setuvar_name(existing) == key for existing in result):
                continue  # set again since: the newer value stays
            # fish writes the file sorted by name; put the line back where fish would.
            index = next(
                (
                    i
                    for i, existing in enumerate(result)
                    if (name := _setuvar_name(existing)) is not None
                    and key is not None
                    and name > key
                ),
                len(result),
            )
            result.insert(index, line)
        return b"".join(result)

    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        return [executable, "--no-execute", path]

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        command = f"exec {self._quoted(print_env_argv(python))}"
        return [executable, *(["-l"] if login else []), "-i", "-c", command]

    def script_probe_argv(self, executable: str, python: str) -> list[str] | None:
        # fish reads config.fish and conf.d for every shell, `fish -c` included; only
        # `status is-interactive` blocks differ.
        return [executable, "-c", f"exec {self._quoted(print_env_argv(python))}"]


def _setuvar_name(line: bytes) -> bytes | None:
    if not line.startswith(b"SETUVAR "):
        return None
    words = line[len(b"SETUVAR ") :].split(b" ")
    target = next((w for w in words if not w.startswith(b"--")), b"")
    return target.split(b":", 1)[0] or None


def _unescape(value: bytes) -> str:
    """fish_variables writes ASCII outside [A-Za-z0-9_] as \\xHH (`-` too), other characters
    as \\uXXXX (measured with fish 3.6), and separates list items with \\x1e; an exported
    list reaches programs space-separated."""
    out = bytearray()
    i = 0
    while i < len(value):
        if value[i : i + 2] == b"\\x" and i + 4 <= len(value):
            try:
                out.append(int(value[i + 2 : i + 4], 16))
                i += 4
                continue
            except ValueError:
                pass
        width = {b"\\u": 4, b"\\U": 8}.get(value[i : i + 2])
        if width and i + 2 + width <= len(value):
            try:
                out += chr(int(value[i + 2 : i + 2 + width], 16)).encode("utf-8", "replace")
                i += 2 + width
                continue
            except ValueError:
                pass
        if value[i : i + 2] == b"\\\\":
            out.append(0x5C)
            i += 2
            continue
        out.append(value[i])
        i += 1
    return bytes(out).replace(b"\x1e", b" ").decode("utf-8", "replace")
