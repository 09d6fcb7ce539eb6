"""Reading the value a simple assignment gives, without running anything.

Each reader takes the raw line and the index where the value starts, and returns the value
and whether it is dynamic (it expands a variable, a command or a ~, so the text is not the
value). Callers only pass lines the lexer has judged simple, so quotes are balanced; a reader
still never raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shells.powershell_strings import SINGLE_QUOTES, read_single_quoted


@dataclass(frozen=True)
class Word:
    value: str
    dynamic: bool
    end: int


def _text(data: bytearray) -> str:
    return bytes(data).decode("utf-8", "surrogateescape")


def posix_word(line: bytes, i: int) -> Word:
    out = bytearray()
    dynamic = line[i : i + 1] == b"~"
    while i < len(line) and line[i] not in b" \t\r;&|<>()":
        c = line[i]
        if c == ord("'"):
            end = line.find(b"'", i + 1)
            end = len(line) if end < 0 else end
            out += line[i + 1 : end]
            i = end + 1
        elif c == ord('"'):
            i += 1
            while i < len(line) and line[i] != ord('"'):
                if line[i] == ord("\\") and line[i + 1 : i + 2] in (b"$", b"`", b'"', b"\\"):
                    out.append(line[i + 1])
                    i += 2
                    continue
                dynamic |= line[i] in b"$`"
                out.append(line[i])
                i += 1
            i += 1
        elif c == ord("\\") and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
        elif line.startswith((b"$(", b"${"), i):
            end = _closing(line, i + 1)
            out += line[i:end]
            dynamic = True
            i = end
        else:
            dynamic |= c in b"$`*?["
            out.append(c)
            i += 1
    return Word(_text(out), dynamic, i)


def _closing(line: bytes, i: int) -> int:
    """The index after the bracket matching the one at line[i] (or the end of the line)."""
    opening = line[i]
    closing = b")" if opening == ord("(") else b"}"
    depth = 0
    while i < len(line):
        if line[i] == opening:
            depth += 1
        elif line[i : i + 1] == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


_FISH_SIMPLE_ESCAPES = b"\\'\" $"


def fish_word(line: bytes, i: int) -> Word:
    out = bytearray()
    dynamic = False
    while i < len(line) and line[i] not in b" \t\r;&|<>":
        c = line[i]
        if c == ord("'"):
            i += 1
            while i < len(line) and line[i] != ord("'"):
                if line[i] == ord("\\") and line[i + 1 : i + 2] in (b"'", b"\\"):
                    i += 1
                out.append(line[i])
                i += 1
            i += 1
        elif c == ord('"'):
            i += 1
            while i < len(line) and line[i] != ord('"'):
                if line[i] == ord("\\") and line[i + 1 : i + 2] in (b'"', b"\\", b"$"):
                    i += 1
                elif line[i] == ord("$"):
                    dynamic = True
                out.append(line[i])
                i += 1
            i += 1
        elif c == ord("\\") and i + 1 < len(line):
            dynamic |= line[i + 1] not in _FISH_SIMPLE_ESCAPES  # \n, \x41 ...: fish decodes
            out.append(line[i + 1])
            i += 2
        else:
            dynamic |= c in b"$(*?~{"
            out.append(c)
            i += 1
    return Word(_text(out), dynamic, i)


def fish_words(line: bytes, i: int) -> Word:
    """All the words up to the end of the command: an exported list is joined by spaces."""
    words: list[str] = []
    dynamic = False
    while True:
        while i < len(line) and line[i] in b" \t\r":
            i += 1
        if i >= len(line) or line[i] in b";#&|":
            break
        word = fish_word(line, i)
        words.append(word.value)
        dynamic |= word.dynamic
        i = word.end if word.end > i else i + 1
    return Word(" ".join(words), dynamic, i)


def csh_word(line: bytes, i: int) -> Word:
    out = bytearray()
    dynamic = line[i : i + 1] == b"~"
    while i < len(line) and line[i] not in b" \t\r;&|<>()#":
        c = line[i]
        if c == ord("'"):
            i += 1
            while i < len(line) and line[i] != ord("'"):
                if line[i] == ord("\\") and line[i + 1 : i + 2] in (b"!", b"\n"):
                    i += 1
                out.append(line[i])
                i += 1
            i += 1
        elif c == ord('"'):
            end = line.find(b'"', i + 1)
            end = len(line) if end < 0 else end
            dynamic |= any(x in line[i:end] for x in (b"$", b"`", b"!"))
            out += line[i + 1 : end]
            i = end + 1
        elif c == ord("\\") and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
        else:
            dynamic |= c in b"$`*?[{!"
            out.append(c)
            i += 1
    return Word(_text(out), dynamic, i)


def powershell_word(line: bytes, i: int) -> Word:
    text = line.decode("utf-8", "surrogateescape")
    start = len(line[:i].decode("utf-8", "surrogateescape"))
    if start < len(text) and text[start] in SINGLE_QUOTES:
        value, end = read_single_quoted(text, start)
        return Word(value, False, len(text[:end].encode("utf-8", "surrogateescape")))
    if start < len(text) and text[start] == '"':
        end = text.find('"', start + 1)
        end = len(text) if end < 0 else end
        inner = text[start + 1 : end]
        return Word(inner, "$" in inner or "`" in inner, len(text[: end + 1].encode()))
    j = start
    while j < len(text) and text[j] not in " \t\r;|#":
        j += 1
    bare = text[start:j]
    return Word(bare, bare.startswith(("$", "(")), len(text[:j].encode("utf-8", "surrogateescape")))


# NAME=value anywhere in a line, after a command separator: 'single', "double" without
# expansions, or a bare word without any.
_PLAIN_ASSIGNMENT = (
    r"(?:^|[\s;&|({])(?:export\s+)?{name}="
    r"""(?:'([^']*)'|"([^"$`\\]*)"|([^\s;&|)}'"$`\\]*))"""
    r"(?=$|[\s;&|)}])"
)


def plain_assignment(line: bytes, name: str) -> str | None:
    """The one plain value a line assigns to `name` somewhere in it, under whatever
    condition (`[ -n "$X" ] && export NAME=1`, `if ...; then NAME='1'; fi`); None when it
    assigns none, or an expansion, or more than one value."""
    text = line.decode("utf-8", "replace")
    pattern = re.compile(_PLAIN_ASSIGNMENT.replace("{name}", re.escape(name)))
    values = {next(g for g in m.groups() if g is not None) for m in pattern.finditer(text)}
    return values.pop() if len(values) == 1 else None
