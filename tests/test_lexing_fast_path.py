"""The scanner's fast path (lines it recognises without stepping through them) against the
full one, on random text made of the characters that matter to a shell: every line's code,
and whether it starts clean, ends clean or is text, must be the same."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shells.fish import FISH_SYNTAX
from shells.lexing import Syntax, scan_lines
from shells.posix import POSIX_SYNTAX
from shells.tcsh import TCSH_SYNTAX

# Quotes, escapes, comments, substitutions, heredocs, continuations, and plain text.
PIECES = [
    "'", '"', "\\", "#", "$", "$(", "${", ")", "}", "`", "<", "<<", "<<-", "<<<", "EOF",
    "|", "&&", ";", " ", "\t", "a", "X=1", "export ", "\n", "\r\n", "\r", "'x'", '"y z"',
    "a |\n", "b &&\n", "c || d\n",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def lines_of(text: str) -> list[bytes]:
    return [line + b"\n" for line in text.encode().split(b"\n")]


def keys(lines: list[bytes], syntax: Syntax, fast: bool) -> list[tuple[bytes, bool, bool, bool]]:
    return [
        (i.code, i.starts_clean, i.ends_clean, i.is_text)
        for i in scan_lines(lines, syntax, fast=fast)
    ]


@pytest.mark.slow
@settings(max_examples=3000)
@given(TEXT)
@example("a |\nb\nc &&\nd\n")  # the first of two endings ends the run, not the last
def test_the_fast_path_says_what_the_full_scanner_says(text: str) -> None:
    lines = lines_of(text)
    for syntax in (POSIX_SYNTAX, FISH_SYNTAX, TCSH_SYNTAX):
        assert keys(lines, syntax, fast=True) == keys(lines, syntax, fast=False), text


def test_the_fast_path_is_taken_for_ordinary_lines() -> None:
    """A test that the fast path is used at all: its lines compute their code lazily."""
    lines = [b"alias ll='ls -l'\n", b'export A="$HOME/bin"\n', b"echo $X # c\n", b"a#b '\n"]
    infos = scan_lines(lines, POSIX_SYNTAX)
    assert [i._code is None for i in infos] == [True, True, True, False]
    assert infos[2].code == b"echo $X "
    assert infos[0].code == b"alias ll='_____'"


@pytest.mark.slow
@settings(max_examples=3000)
@given(st.lists(st.sampled_from(["'", '"', "\\", "$", "$'", "a", " ", "\n"]), max_size=40))
def test_a_trace_line_the_fast_check_passes_leaves_no_quote_open(pieces: list[str]) -> None:
    from shells.sourcing.trace import _CLOSED, _Quote

    text = "".join(pieces)
    slow = _Quote()
    slow.walk(text)
    closed = not slow.open and not slow.escaped
    assert (_CLOSED.fullmatch(text) is not None) == closed, text


@given(st.lists(st.sampled_from([b"a", b"\n", b"\r", b"\r\n", b" ", b"\0"]), max_size=30))
def test_lines_split_at_lf_only_with_their_endings(pieces: list[bytes]) -> None:
    from remedies.engine.blocks import split_lines

    data = b"".join(pieces)
    by_hand = [line + b"\n" for line in data.split(b"\n")[:-1]]
    if data.split(b"\n")[-1]:
        by_hand.append(data.split(b"\n")[-1])
    assert split_lines(data) == by_hand
    assert b"".join(split_lines(data)) == data
