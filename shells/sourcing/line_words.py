"""One line of POSIX shell as words and operators, for reading loader lines
(shells.sourcing.loaders): text in, text out, the words exactly as written, with quotes,
`$(...)`, `<(...)` and `${...}` kept whole inside the word they are part of.

Unlike tokens (the walk's, over the lexer's masked bytes), this reads the text of one line
by itself, as a command substitution's inside must be read again. Never raises on any text
(a quote or a parenthesis left open runs to the end).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tok:
    text: str
    word: bool
    start: int
    end: int


_OPS = ("&&", "||", ";;", "|&", ">>", "<<", "&>", ">&", "<&", ";", "&", "|", "<", ">", "(", ")")
_WORD_END = frozenset(" \t\r\n;&|<>()")


def group(text: str, i: int) -> int:
    """The index after the `)` that closes the `(` at text[i] (the end of the text when none
    does), quotes inside taken as quotes."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c in "'\"`\\":
            i = past(text, i)
            continue
        i += 1
    return n


def past(text: str, i: int) -> int:
    """The index after the piece of a word that starts at text[i]: a quoted string, an
    escape, a substitution, or one character. Always more than i."""
    n = len(text)
    c = text[i]
    if c == "\\":
        return min(i + 2, n)
    if c == "'":
        end = text.find("'", i + 1)
        return n if end < 0 else end + 1
    if c == "`":
        j = i + 1
        while j < n and text[j] != "`":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if text.startswith("$'", i):
        j = i + 2
        while j < n and text[j] != "'":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n)
    if c == '"':
        j = i + 1
        while j < n and text[j] != '"':
            if text[j] == "\\":
                j += 2
            elif text.startswith("$(", j):
                j = group(text, j + 1)
            elif text[j] == "`":
                j = past(text, j)
            else:
                j += 1
        return min(j + 1, n)
    if text.startswith(("$(", "<(", ">("), i):
        return group(text, i + 1)
    if text.startswith("${", i):
        end = text.find("}", i + 2)
        return n if end < 0 else end + 1
    return i + 1


def tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            break  # a comment, to the end of the line
        if c == "\n":
            out.append(Tok(";", False, i, i + 1))
            i += 1
            continue
        if not text.startswith(("<(", ">("), i):
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is not None:
                out.append(Tok(op, False, i, i + len(op)))
                i += len(op)
                continue
        start = i
        i = past(text, i)  # a word may start with `<(`
        while i < n and text[i] not in _WORD_END:
            i = past(text, i)
        out.append(Tok(text[start:i], True, start, i))
    return out


def bare(word: str) -> str:
    """A word without its quoting, for comparing with a command or option name."""
    return word.replace("\\", "").replace("'", "").replace('"', "")


def split(toks: list[Tok], separators: frozenset[str]) -> list[list[Tok]]:
    parts: list[list[Tok]] = [[]]
    for tok in toks:
        if not tok.word and tok.text in separators:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


@dataclass
class Command:
    words: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # `< FILE`


def command(toks: list[Tok]) -> Command | None:
    """Words and input redirections; None when an operator other than a redirection is in it."""
    found = Command()
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.word:
            following = toks[i + 1] if i + 1 < len(toks) else None
            adjacent = following is not None and following.start == tok.end
            if tok.text.isdigit() and adjacent and following is not None and not following.word:
                i += 1  # `2>/dev/null`: the number is the redirection's
                continue
            found.words.append(tok.text)
            i += 1
            continue
        if tok.text not in ("<", ">", ">>", "&>", ">&", "<&"):
            return None
        target = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].word else None
        if target is None:
            return None
        if tok.text == "<":
            found.inputs.append(target.text)
        i += 2
    return found


__all__ = ["Command", "Tok", "bare", "command", "group", "past", "split", "tokens"]
