"""One line of a start-up file as words and operators, and the small readings of them that
every shell family's walker shares (a simple command's words, csh's `( ... )`)."""

from __future__ import annotations

from dataclasses import dataclass

from shells.base import Family


@dataclass(frozen=True)
class Token:
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


def is_redirect(op: bytes) -> bool:
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


def tokens(raw: bytes, code: bytes, family: Family) -> list[Token]:
    """Words and operators of one line. `code` is the lexer's masked copy of `raw`, so quoted
    text never looks like an operator; word text is taken from `raw` at the same offsets."""
    out: list[Token] = []
    i = 0
    n = len(code)
    while i < n:
        if code[i] in b" \t\r":
            i += 1
            continue
        op = next((o for o in _OPERATORS if code.startswith(o, i)), None)
        if op is not None:
            out.append(Token(op, False, i, i + len(op)))
            i += len(op)
            continue
        start = i
        while i < n and code[i] not in _WORD_END:
            if code[i] == ord(")") or (code[i] == ord("(") and family in (Family.FISH, Family.CSH)):
                break
            if code[i] == ord("("):
                # `$(...)`, `name()`, zsh `*.zsh(N)`, `arr=(a b)`: the group is part of the word.
                i = _matching(code, i)
                continue
            i += 1
        out.append(Token(raw[start:i], True, start, i))
    return out


def bare(word: bytes) -> str:
    """A command word without its quoting (`\\.` is `.`, nvm writes it so)."""
    text = word.replace(b"\\", b"").replace(b"'", b"").replace(b'"', b"")
    return text.decode("utf-8", "surrogateescape")


def next_is(toks: list[Token], i: int, text: bytes) -> bool:
    return i < len(toks) and not toks[i].word and toks[i].text == text


def simple_command(toks: list[Token], i: int) -> tuple[int, list[bytes]]:
    """The words of the command starting at toks[i] (redirections skipped), and where it ends."""
    words: list[bytes] = []
    while i < len(toks):
        tok = toks[i]
        if tok.word:
            words.append(tok.text)
            i += 1
        elif is_redirect(tok.text):
            i += 2 if i + 1 < len(toks) and toks[i + 1].word else 1
        else:
            break
    return i, words


def parenthesised(toks: list[Token], i: int) -> tuple[int, list[bytes]]:
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


def substitution_follows(toks: list[Token], word: bytes) -> bool:
    for k, tok in enumerate(toks):
        if tok.word and tok.text is word:
            after = toks[k + 1] if k + 1 < len(toks) else None
            return after is not None and after.start == tok.end and after.text == b"("
    return False


__all__ = [
    "Token",
    "bare",
    "is_redirect",
    "next_is",
    "parenthesised",
    "simple_command",
    "substitution_follows",
    "tokens",
]
