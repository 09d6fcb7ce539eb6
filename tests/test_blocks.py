"""Managed blocks: markers, pairing, placement, and the final-newline rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remedies.engine.blocks import (
    dominant_line_ending,
    find_blocks,
    lines_holding,
    remove_block,
    render_block,
    split_lines,
    upsert_block,
)
from remedies.errors import CorruptFile


def block(name: str = "mantle", body: tuple[str, ...] = ("export X=1",)) -> list[bytes]:
    return render_block(name, list(body), b"\n")


def test_split_lines_keeps_endings_and_a_lone_cr() -> None:
    assert split_lines(b"a\r\nb\rc\nd") == [b"a\r\n", b"b\rc\n", b"d"]
    assert split_lines(b"") == []
    assert split_lines(b"\n") == [b"\n"]


def test_append_after_the_users_lines() -> None:
    new = upsert_block(b"export A=1\n", "mantle", block(), "f")
    assert new == b"export A=1\n# >>> remedy mantle >>>\nexport X=1\n# <<< remedy mantle <<<\n"


def test_empty_file_gets_a_block_with_a_final_newline() -> None:
    new = upsert_block(b"", "mantle", block(), "f")
    assert new.endswith(b"<<<\n")
    assert remove_block(new, "mantle", "f") == b""


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_no_final_newline_stays_no_final_newline(ending: bytes) -> None:
    old = b"a" + ending + b"b"
    new = upsert_block(old, "mantle", block(), "f")
    assert new.startswith(old + b"\n# >>> remedy mantle")
    assert new.endswith(b"# <<< remedy mantle <<<")
    assert remove_block(new, "mantle", "f") == old


def test_a_trailing_carriage_return_survives() -> None:
    old = b"x=1\r"
    assert remove_block(upsert_block(old, "mantle", block(), "f"), "mantle", "f") == old


def test_refresh_in_place_keeps_position_and_is_stable() -> None:
    first = upsert_block(b"a\n", "mantle", block(body=("export X=1",)), "f") + b"after\n"
    second = upsert_block(first, "mantle", block(body=("export X=2",)), "f")
    assert second == first.replace(b"X=1", b"X=2")
    assert upsert_block(second, "mantle", block(body=("export X=2",)), "f") == second


def test_two_remedies_compose_in_either_order() -> None:
    old = b"user"
    both = upsert_block(
        upsert_block(old, "mantle", block(), "f"), "extra-body", block("extra-body"), "f"
    )
    assert remove_block(remove_block(both, "mantle", "f"), "extra-body", "f") == old
    assert remove_block(remove_block(both, "extra-body", "f"), "mantle", "f") == old


def test_marker_text_that_is_not_a_whole_line_is_text() -> None:
    old = b"# see '# >>> remedy mantle >>>' in the docs\n  # >>> remedy mantle >>>\n"
    assert find_blocks(split_lines(old), "f") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"# >>> remedy mantle >>>\nx\n", "f:1: remedy begin marker for 'mantle' without an end"),
        (b"x\n# <<< remedy mantle <<<\n", "f:2: remedy end marker for 'mantle' without a begin"),
        (
            b"# >>> remedy a >>>\n# <<< remedy a <<<\n# >>> remedy a >>>\n# <<< remedy a <<<\n",
            "f:3: a second block of 'a' (the first is at line 1)",
        ),
        (b"# >>> remedy a >>>\n# >>> remedy b >>>\n", "f:2: a remedy begin marker inside"),
        (b"# >>> remedy a >>>\n# <<< remedy b <<<\n", "f:2: end marker for 'b' closes"),
    ],
)
def test_markers_that_do_not_pair_are_refused_with_file_and_line(text: bytes, message: str) -> None:
    with pytest.raises(CorruptFile, match=message.replace("(", r"\(").replace(")", r"\)")):
        upsert_block(text, "a", block("a"), "f")


def test_a_value_that_fakes_a_marker_is_refused() -> None:
    with pytest.raises(ValueError, match="marker"):
        render_block("mantle", ["export X='a\n# <<< remedy mantle <<<\n'"], b"\n")


def test_crlf_marker_lines_are_still_markers() -> None:
    data = b"# >>> remedy mantle >>>\r\nx\r\n# <<< remedy mantle <<<\r\n"
    assert remove_block(data, "mantle", "f") == b""


_PIECES = st.sampled_from(
    [b"AWS_REGION", b"AWS_", b"REGION", b"# >>> remedy ", b"# <<< remedy ", b"#", b" ", b"=1",
     b"\n", b"\r\n", b"\r", b"x", b"AWS_REGIONAWS_REGION"]
)  # fmt: skip


@given(
    st.lists(_PIECES, max_size=40).map(b"".join), st.sets(_PIECES.filter(lambda p: b"\n" not in p))
)
def test_lines_holding_is_the_line_by_line_answer(text: bytes, literals: set[bytes]) -> None:
    """The whole-text search finds exactly the lines a loop over every line would: any
    literal in the line, or at its start with line_start (markers)."""
    lines = split_lines(text)
    assert lines_holding(lines, literals) == [
        i for i, line in enumerate(lines) if any(lit and lit in line for lit in literals)
    ]
    assert lines_holding(lines, literals, line_start=True) == [
        i for i, line in enumerate(lines) if any(lit and line.startswith(lit) for lit in literals)
    ]


@given(st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b" "]), max_size=30).map(b"".join))
def test_the_dominant_line_ending_is_the_one_most_lines_end_with(text: bytes) -> None:
    lines = split_lines(text)
    crlf = sum(1 for line in lines if line.endswith(b"\r\n"))
    lf = sum(1 for line in lines if line.endswith(b"\n")) - crlf
    assert dominant_line_ending(text) == (b"\r\n" if crlf > lf else b"\n")


_BLOCK_PIECES = st.sampled_from(
    [b"# >>> remedy mantle >>>", b"# <<< remedy mantle <<<", b"# >>> remedy other >>>",
     b"# <<< remedy other <<<", b"# >>> remedy ", b"x", b" ", b"\n", b"\r\n"]
)  # fmt: skip


@given(st.lists(_BLOCK_PIECES, max_size=30).map(b"".join))
def test_upsert_appends_exactly_when_find_blocks_finds_no_block_of_that_name(text: bytes) -> None:
    """upsert_block skips splitting a file with no marker at all (a first apply to a big
    file): it must still refuse what find_blocks refuses, replace what it finds, and append
    the block as before when there is none."""
    new_block = block(body=("export NEW=1",))
    try:
        blocks = find_blocks(split_lines(text), "f")
    except CorruptFile:
        with pytest.raises(CorruptFile):
            upsert_block(text, "mantle", new_block, "f")
        return
    got = upsert_block(text, "mantle", new_block, "f")
    if any(b.name == "mantle" for b in blocks):
        assert got.count(b"export NEW=1") == 1
        assert len(find_blocks(split_lines(got), "f")) == len(blocks)
    else:
        joined = b"".join(new_block)
        if not text:
            expected = joined
        elif text.endswith(b"\n"):
            expected = text + joined
        else:
            expected = text + b"\n" + joined[:-1]
        assert got == expected
