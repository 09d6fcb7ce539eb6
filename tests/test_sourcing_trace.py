"""shells.sourcing's trace: parse_trace(), sourced_files(), assignments() and trace_words()
on samples measured from real shells, and properties over any bytes a shell may write.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shells.sourcing import (
    MARK,
    TraceLine,
    assignments,
    parse_trace,
    sourced_files,
    trace_ps4,
    trace_words,
)

# --- parse_trace and friends on measured samples -------------------------------------------------

M = MARK


def test_trace_ps4() -> None:
    assert trace_ps4("bash") == f"+{M}${{BASH_SOURCE}}{M}${{LINENO}}{M} "
    assert trace_ps4("/usr/bin/zsh") == f"+{M}%x{M}%I{M} "
    assert trace_ps4("ksh93") == trace_ps4("ksh") == f"+{M}${{.sh.file}}{M}${{LINENO}}{M} "
    assert trace_ps4("fish") is None
    assert trace_ps4("tcsh") is None


def test_parse_bash_root_default_prefix() -> None:
    # Measured: bash 5.2 as root, PS4 from the environment ignored.
    stderr = (
        b"bash: no job control in this shell\n"
        b"+ export A=1 B=2\n"
        b"+ export 'NL=line1\n"
        b"line2'\n"
        b"+ . /h/.bashrc.d/a.sh\n"
        b"++ export IN_D=1\n"
        b"user output\n"
        b"+ source '/h/my dir/it'\\''s.sh'\n"
    )
    lines = parse_trace(stderr)
    assert lines == [
        TraceLine(None, None, "export A=1 B=2"),
        TraceLine(None, None, "export 'NL=line1\nline2'"),
        TraceLine(None, None, ". /h/.bashrc.d/a.sh"),
        TraceLine(None, None, "export IN_D=1"),
        TraceLine(None, None, "source '/h/my dir/it'\\''s.sh'"),
    ]
    assert sourced_files(lines) == [Path("/h/.bashrc.d/a.sh"), Path("/h/my dir/it's.sh")]
    assert assignments(lines, ["A", "NL", "IN_D"]) == []  # no file: nothing to attribute


def test_parse_marked_prefixes() -> None:
    stderr = (
        f"+{M}/h/.bashrc{M}5{M} export 'NL=line1\nline2'\n"
        f"++{M}/h/a.sh{M}1{M} declare -x DX=3\n"
        f"+{M}/h/.zshrc{M}2{M} X=1 +{M}/h/.zshrc{M}2{M} true\n"
        f"+{M}/h/.zshrc{M}3{M} Y=$'multi\\nline' Z=2 \n"
        f"+{M}/h/.kshrc{M}4{M} . $'/h/it\\'s'\n"
        f"+{M}/h/.kshrc{M}5{M} . /h/it\\'s\n"
        f"+{M}{M}1{M} true\n"
    ).encode()
    lines = parse_trace(stderr)
    assert [(t.file, t.line) for t in lines] == [
        ("/h/.bashrc", 5),
        ("/h/a.sh", 1),
        ("/h/.zshrc", 2),
        ("/h/.zshrc", 3),
        ("/h/.kshrc", 4),
        ("/h/.kshrc", 5),
        (None, 1),
    ]
    assert lines[0].command == "export 'NL=line1\nline2'"
    assert lines[2].command == "true"  # zsh's `X=1 cmd`: X is cmd's alone
    names = ["NL", "DX", "X", "Y", "Z"]
    assert assignments(lines, names) == [
        ("/h/.bashrc", 5, "NL"),
        ("/h/a.sh", 1, "DX"),
        ("/h/.zshrc", 3, "Y"),
        ("/h/.zshrc", 3, "Z"),
    ]
    assert sourced_files(lines) == [Path("/h/it's")]


def test_open_quote_in_a_test_does_not_swallow_later_lines() -> None:
    # Measured: bash traces `[[ $x == "it's" ]]` as `[[ it's == \i\t\'\s ]]`, quote unbalanced.
    stderr = b"+ [[ it's == \\i\\t\\'\\s ]]\nuser line\n+ . /h/next\n"
    lines = parse_trace(stderr)
    assert [t.command.split("\n")[0] for t in lines] == ["[[ it's == \\i\\t\\'\\s ]]", ". /h/next"]
    assert sourced_files(lines) == [Path("/h/next")]


@pytest.mark.parametrize(
    ("command", "names", "expected"),
    [
        ("export A=1 B=2", ["A", "B"], ["A", "B"]),
        ("export A", ["A"], []),
        ("declare -x A=1", ["A"], ["A"]),
        ("typeset -gx A=1", ["A"], ["A"]),
        ("readonly A=1", ["A"], ["A"]),
        ("A+=x", ["A"], ["A"]),
        ("A=1 B=2 ", ["B"], ["B"]),
        ("A=1 cmd", ["A"], []),
        ("echo A=1", ["A"], []),
        ("export 'A=it'\\''s' $'B=\\001'", ["A", "B"], ["A", "B"]),
        ("local A=1", ["A"], []),
    ],
)
def test_assignment_forms(command: str, names: list[str], expected: list[str]) -> None:
    found = assignments([TraceLine("/f", 1, command)], names)
    assert [name for _, _, name in found] == expected


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("export 'NL=line1\nline2'", ["export", "NL=line1\nline2"]),
        ("x='it'\\''s'", ["x=it's"]),
        ("C1=$'\\001x' C9=$'\\303\\251'", ["C1=\x01x", "C9=é"]),  # bash
        ("C1=$'\\C-Ax' C9=$'\\M-C\\M-)' C12=$'\\C-?'", ["C1=\x01x", "C9=é", "C12=\x7f"]),  # zsh
        ("C5=$'it\\'s' C8=$'\\E[0m' C1=$'\\x01'", ["C5=it's", "C8=\x1b[0m", "C1=\x01"]),  # ksh
        ('"a \\"b\\" $c"', ['a "b" $c']),
        ("a\\ b", ["a b"]),
    ],
)
def test_trace_words_unquote_measured_forms(command: str, words: list[str]) -> None:
    assert trace_words(command) == words


# --- properties ----------------------------------------------------------------------------------

_TRACE_PIECES = st.sampled_from(
    [b"+ ", b"++ ", f"+{M}/f{M}1{M} ".encode(), f"+{M}{M}{M} ".encode(), b"'", b'"', b"$'",
     b"\\", b"\n", b" ", b"=", b"A", b"export ", b". ", b"source ", b"/x", b"\\C-", b"\\M-",
     b"\\x", b"\\u", b"\\0", M.encode(), b"\xff"]
)  # fmt: skip
_ANY_TRACE = st.one_of(st.binary(max_size=300), st.lists(_TRACE_PIECES, max_size=40).map(b"".join))


@settings(max_examples=300)
@given(_ANY_TRACE)
def test_parse_trace_never_raises(stderr: bytes) -> None:
    lines = parse_trace(stderr)
    prefixed = [r for r in stderr.split(b"\n") if r.startswith(b"+")]
    assert len(lines) <= len(prefixed)
    for traced in lines:
        assert traced.file is None or (traced.file and MARK not in traced.file)
        assert traced.line is None or traced.line >= 0
    for path in sourced_files(lines):
        assert path.is_absolute()
    for file, line, name in assignments(lines, ["A", "x"]):
        assert file and line >= 0 and name in ("A", "x")


_TRACE_PREFIX = st.sampled_from(
    [b"+ ", b"++ ", f"+{M}/f{M}1{M} ".encode(), f"++{M}/g{M}7{M} ".encode(), b""]
)
_FIRST_WORD = st.sampled_from(
    [b"export ", b"declare -x ", b"typeset ", b"readonly ", b"integer ", b"local ", b"alias ",
     b"echo ", b"[ ", b". ", b"source ", b"builtin ", b"command ", b"A=1 ", b"x+=2 ", b" A=",
     b"\tx=1", b"exported ", b"'", b'"', b"$'", b"\\", b"", b"A", b'"A=1" ', b"ex'port' ",
     b'A"="', b"$'x=1' ", b"\\A=1 ", b"so'urce' "]
)  # fmt: skip
_LATER_PIECES = st.sampled_from(
    [b"A=1", b"x=", b"'a=b'", b" ", b"=", b"'", b'"', b"\\", b"/x", b"~/y", b"-x ", b"$"]
)
_TRACE_LINE = st.tuples(_TRACE_PREFIX, _FIRST_WORD, st.lists(_LATER_PIECES, max_size=5)).map(
    lambda t: t[0] + t[1] + b"".join(t[2])
)


@settings(max_examples=500)
@given(st.lists(_TRACE_LINE, max_size=8).map(b"\n".join))
@example(f'+{M}/f{M}1{M} "A=1"'.encode())  # a quoted first word: found by CI
def test_keeping_only_relevant_trace_lines_loses_nothing(stderr: bytes) -> None:
    """relevant_only drops commands that neither assign nor may source (most of a big
    file's trace): what sourced_files() and assignments() find must not change."""
    full, kept = parse_trace(stderr), parse_trace(stderr, relevant_only=True)
    assert sourced_files(kept) == sourced_files(full)
    names = ["A", "x"]
    assert assignments(kept, names) == assignments(full, names)


@settings(max_examples=1000)
@given(st.one_of(_TRACE_LINE, st.lists(_TRACE_PIECES, max_size=12).map(b"".join)))
def test_the_one_match_for_a_common_line_says_what_the_slow_path_says(raw_bytes: bytes) -> None:
    """parse_trace takes most lines with one match (_COMMON); the slow path (_start, then
    the quote walked character by character) must read such a line the same way, and every
    line it finds whole, with no second prefix, must be one _COMMON takes."""
    from shells.sourcing.trace import _COMMON, _MARKED, _PLAIN, _start

    raw = raw_bytes.decode("utf-8", "surrogateescape").split("\n")[0]
    fast = _COMMON.fullmatch(raw)
    slow = _start(raw)
    if fast is not None:
        assert slow is not None and not slow.quote.open and not slow.quote.escaped, raw
        file, line = fast.group(1, 2)
        expected = TraceLine(file or None, int(line) if line else None, fast.group("command"))
        assert slow.finish() == expected, raw
    prefix = _MARKED.match(raw) or _PLAIN.match(raw)
    whole = slow is not None and not slow.quote.open and not slow.quote.escaped
    if whole and prefix and M not in raw[prefix.end() :]:
        assert fast is not None, raw


@settings(max_examples=500)
@given(
    st.one_of(_ANY_TRACE, st.lists(_TRACE_LINE, max_size=8).map(b"\n".join)),
    st.lists(st.integers(min_value=0, max_value=400), max_size=6),
    st.booleans(),
)
def test_a_trace_read_in_pieces_reads_as_it_does_whole(
    stderr: bytes, cuts: list[int], relevant_only: bool
) -> None:
    """TraceReader is fed what a shell writes as it comes: pieces that end anywhere, in a
    line, in a UTF-8 sequence, on a LF or nowhere (an empty piece)."""
    from shells.sourcing import TraceReader

    reader = TraceReader(relevant_only=relevant_only)
    last = 0
    for cut in sorted(min(c, len(stderr)) for c in cuts):
        reader.feed(stderr[last:cut])
        last = cut
    reader.feed(stderr[last:])
    assert reader.finish() == parse_trace(stderr, relevant_only=relevant_only)


@given(st.lists(st.binary(max_size=40).filter(lambda r: not r.startswith(b"+"))))
def test_lines_without_a_prefix_are_not_traces(rows: list[bytes]) -> None:
    assert parse_trace(b"\n".join(rows)) == []


_PATH_TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\0" + MARK), min_size=1
)


@settings(max_examples=300)
@given(_PATH_TEXT)
def test_quoted_paths_round_trip(text: str) -> None:
    path = "/" + text
    for prefix in (f"+{M}/h/.zshrc{M}3{M} ", f"++{M}/h/a.sh{M}12{M} "):
        stderr = f"{prefix}source {shlex.quote(path)}\n{prefix}true\n".encode()
        assert sourced_files(parse_trace(stderr)) == [Path(path)]
    assert trace_words(". " + shlex.quote(path)) == [".", path]


def _bash_ansi(data: bytes) -> str:
    return "$'" + "".join(f"\\{b:03o}" for b in data) + "'"


def _zsh_ansi(data: bytes) -> str:
    """zsh's quoting of bytes: \\C-X for controls, \\M- for the high bit."""
    out = []
    for b in data:
        meta, low = b & 0x80, b & 0x7F
        text = "\\M-" if meta else ""
        if low == 0x7F:
            text += "\\C-?"
        elif low < 0x20:
            text += "\\C-" + chr(low + 0x40)
        elif chr(low) in "\\'":
            text += "\\" + chr(low)
        else:
            text += chr(low)
        out.append(text)
    return "$'" + "".join(out) + "'"


@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b))
def test_ansi_c_forms_round_trip(data: bytes) -> None:
    expected = data.decode("utf-8", "surrogateescape")
    assert trace_words(_bash_ansi(data)) == [expected]
    assert trace_words(_zsh_ansi(data)) == [expected]
