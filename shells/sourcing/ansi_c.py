"""The body of a `$'...'` word (ANSI-C quoting), as bash, ksh and zsh decode it.

Shared by the expander, which reads `$'...'` in a start-up file, and the trace reader, which
reads the same quoting in what xtrace prints (zsh adds `\\C-A` and `\\M-C`).
"""

from __future__ import annotations

import re

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


def ansi_c(data: bytes, i: int, out: bytearray) -> int:
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


__all__ = ["ansi_c"]
