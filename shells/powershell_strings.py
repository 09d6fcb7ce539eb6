"""PowerShell's single-quoted strings: the one home of their rule, written and read.

PowerShell's tokenizer (about_Quoting_Rules; `ScanStringLiteral` in PowerShell's
tokenizer.cs, where `IsSingleQuote` is true of all five) treats the typographic single
quotes U+2018, U+2019, U+201A and U+201B exactly like `'`: any of the five opens a
single-quoted string, any of them closes it, and two in a row inside it are one literal
character, the second of the two. Nothing else is special inside: no `$`, no backtick, no
escape; line breaks are kept. So doubling each of the five is the whole of quoting; a writer
that doubles only `'` lets `U+2019; Start-Process calc.exe; U+2019` out of its string
(issue 22, item 5). `shells.powershell` quotes profile values with it, `shells.words` reads
them back, and `remedies.claude.managed_formats` quotes the exported `.ps1` with it.
"""

from __future__ import annotations

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


def single_quoted(text: str) -> str:
    """`text` as a PowerShell single-quoted string that reads back exactly."""
    return "'" + "".join(c * 2 if c in SINGLE_QUOTES else c for c in text) + "'"


def read_single_quoted(text: str, start: int) -> tuple[str, int]:
    """The string opened by the quote at text[start], and the index just past its closing
    quote (len(text) when it is never closed), as PowerShell's tokenizer reads it."""
    out = []
    j = start + 1
    while j < len(text):
        if text[j] in SINGLE_QUOTES:
            if j + 1 < len(text) and text[j + 1] in SINGLE_QUOTES:
                out.append(text[j + 1])  # the tokenizer keeps the second of the pair
                j += 2
                continue
            return "".join(out), j + 1
        out.append(text[j])
        j += 1
    return "".join(out), len(text)
