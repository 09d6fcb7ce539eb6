"""Models of the programs that read `remedy export`'s artefacts on other machines.

No macOS or Windows machine, regedit or PowerShell runs here (docs/machine.md, "MDM", says
so), so each reader is modelled from its documented rules, written apart from remedy's writers
so that a mistake in one is not copied into the other. A model is strict: whatever it does not know
how to read is an error (`Unreadable`), never a guess.
- `.json`: `json.loads` over the bytes read as strict UTF-8 (what Claude Code's JSON.parse
  gets).
- `.mobileconfig`: `plistlib.loads` (expat underneath: an XML 1.0 parser that refuses what
  XML 1.0 cannot hold).
- `.reg`: regedit's string syntax, below.
- `.ps1`: PowerShell's tokenizer for the subset an export uses, below.
"""

from __future__ import annotations

import codecs
import plistlib
import re
from typing import Any


class Unreadable(Exception):
    """The reader would fail, or would read something other than a plain export."""


def read_mobileconfig(data: bytes, domain: str) -> dict[str, Any]:
    """The keys of the one payload for `domain`, as a Mac's profile installer would get them."""
    profile = plistlib.loads(data)
    if profile.get("PayloadType") != "Configuration":
        raise Unreadable("not a configuration profile")
    (payload,) = profile["PayloadContent"]
    if payload.get("PayloadType") != domain:
        raise Unreadable(f"a payload for {payload.get('PayloadType')!r}")
    return {k: v for k, v in payload.items() if not k.startswith("Payload")}


# regedit (Windows Registry Editor Version 5.00 files): UTF-16 LE after a byte-order mark;
# line-oriented (CR, LF or CRLF end a line); a line is blank, a `;` comment, a `[key]`, or
# `"name"=value`. A string value is `"..."` on one line; inside it a backslash escapes the
# next character and `\\` and `\"` are the escapes regedit's own export writes. Other
# escapes do not mean the same to every regedit (Wine's reads `\n` as a line feed), so the
# model refuses them: a writer must never need them. Nothing may follow the closing quote.
REG_HEADER = "Windows Registry Editor Version 5.00"


def read_reg(data: bytes) -> dict[str, dict[str, str]]:
    """Every key with its string values, as regedit would import them."""
    if not data.startswith(b"\xff\xfe"):
        raise Unreadable("no UTF-16 LE byte-order mark")
    try:
        text = data[2:].decode("utf-16-le")
    except UnicodeDecodeError as e:
        raise Unreadable(f"not UTF-16: {e}") from None
    lines = re.split("\r\n|\r|\n", text)
    if lines[0] != REG_HEADER:
        raise Unreadable(f"header {lines[0]!r}")
    keys: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in lines[1:]:
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise Unreadable(f"a key line without its ]: {line!r}")
            current = keys.setdefault(line[1:-1], {})
            continue
        if current is None:
            raise Unreadable(f"a value before any key: {line!r}")
        name, i = _reg_string(line, 0)
        if line[i : i + 1] != "=":
            raise Unreadable(f"no = after the name: {line!r}")
        value, end = _reg_string(line, i + 1)
        if end != len(line):
            raise Unreadable(f"text after the value: {line[end:]!r}")
        current[name] = value
    return keys


def _reg_string(line: str, i: int) -> tuple[str, int]:
    if line[i : i + 1] != '"':
        raise Unreadable(f"not a string value at {i}: {line!r}")
    out = []
    i += 1
    while i < len(line):
        c = line[i]
        if c == "\\":
            escaped = line[i + 1 : i + 2]
            if escaped not in ("\\", '"'):
                raise Unreadable(f"the escape \\{escaped} means different things to regedits")
            out.append(escaped)
            i += 2
        elif c == '"':
            return "".join(out), i + 1
        elif c == "\0":
            raise Unreadable("NUL ends a registry string")
        else:
            out.append(c)
            i += 1
    raise Unreadable("a string left open at the end of its line")


# PowerShell's tokenizer (tokenizer.cs, about_Quoting_Rules), for the subset an export uses:
# comments (`#` where a token starts, to the end of the line), single-quoted strings and
# plain code. A single-quoted string opens with any of ' U+2018 U+2019 U+201A U+201B and
# closes at any of them; two of them in a row inside are one literal character, the second.
# Anything else that quotes or escapes (the double quotes " U+201C U+201D U+201E, a
# backtick, here-strings @' @", block comments <#) is outside what an export writes, and the
# model refuses it rather than guess.
PS_SINGLE = "'\u2018\u2019\u201a\u201b"
PS_OTHER_QUOTES = '"\u201c\u201d\u201e`'


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    # Windows maps the five bytes cp1252 leaves undefined to the C1 control of that value.
    assert isinstance(error, UnicodeDecodeError)
    return chr(error.object[error.start]), error.start + 1


codecs.register_error("remedy-tests-windows-1252", _windows_1252)


def ps1_text(data: bytes) -> str:
    """The script as Windows PowerShell 5.1 reads it: UTF-8 after a UTF-8 byte-order mark,
    else the ANSI code page (cp1252 on Western Windows, about_Character_Encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            raise Unreadable(f"not UTF-8: {e}") from None
    return data.decode("cp1252", "remedy-tests-windows-1252")


def read_ps1(data: bytes) -> tuple[str, list[str]]:
    """The code outside single-quoted strings (each string left as ''), and the strings."""
    text = ps1_text(data)
    code: list[str] = []
    strings: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in PS_SINGLE:
            value, i = _ps_single_quoted(text, i)
            strings.append(value)
            code.append("''")
        elif c == "#" and (i == 0 or text[i - 1] in " \t\r\n;"):
            end = min(p for p in (text.find("\r", i), text.find("\n", i), len(text)) if p >= 0)
            code.append(text[i:end])
            i = end
        elif c in PS_OTHER_QUOTES or text.startswith(("@'", '@"', "<#"), i):
            raise Unreadable(f"{c!r} at {i}: quoting an export never writes outside a string")
        else:
            code.append(c)
            i += 1
    return "".join(code), strings


def _ps_single_quoted(text: str, start: int) -> tuple[str, int]:
    out = []
    i = start + 1
    while i < len(text):
        if text[i] in PS_SINGLE:
            if i + 1 < len(text) and text[i + 1] in PS_SINGLE:
                out.append(text[i + 1])
                i += 2
                continue
            return "".join(out), i + 1
        out.append(text[i])
        i += 1
    raise Unreadable("a single-quoted string left open at the end of the script")
