"""Long lines for a person wrap at the terminal's width, hanging under their label."""

from __future__ import annotations

import click
from hypothesis import given, settings
from hypothesis import strategies as st

from remedies.output import wrap

WORD = st.text(alphabet=st.sampled_from(list("abc~/.:=-")), min_size=1, max_size=40)
LINE = st.builds(
    lambda lead, label, words: " " * lead + label + "  " + " ".join(words),
    st.integers(0, 4),
    st.sampled_from(["verdict", "note:", "warning", "  *", "bash"]),
    st.lists(WORD, max_size=40),
)


@settings(max_examples=400)
@given(LINE, st.integers(30, 160))
def test_wrapping_keeps_every_word_and_fits_the_width(text: str, width: int) -> None:
    wrapped = wrap(text, width)
    assert wrapped.split() == text.split(), "words are kept, in order, never split"
    for line in wrapped.split("\n"):
        assert len(line) <= width or len(line.split()) == 1, line
    if len(text) <= width:
        assert wrapped == text


def test_a_continuation_hangs_under_the_text_after_the_label() -> None:
    text = "  verdict    ok: " + "word " * 30 + "end"
    lines = wrap(text, 60).split("\n")
    assert len(lines) > 1
    assert all(line.startswith(" " * 13) and line[13] != " " for line in lines[1:]), lines


def test_colour_takes_no_room() -> None:
    text = click.style("note: ", fg="cyan") + "x " * 20 + "y"
    assert wrap(text, 48) == text  # 47 visible columns, more than 48 with the codes
    assert "\n" in wrap(click.unstyle(text) + " zzzz", 48)


def test_a_pipe_is_never_wrapped() -> None:
    text = "a " * 100
    assert wrap(text, 0) == text
