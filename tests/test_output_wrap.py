"""Long lines for a person wrap at the terminal's width by one rule (remedies/layout.py):
continuation lines start where the text starts after its label, a word is never broken, and a
command to type is printed whole on a line of its own."""

from __future__ import annotations

import click
from hypothesis import given, settings
from hypothesis import strategies as st

from remedies.layout import COMMAND_INDENT, Command, HelpFormatter, commands_in, layout, wrap

WORD = st.text(alphabet=st.sampled_from(list("abc~/.:=-")), min_size=1, max_size=40)
LABEL = st.sampled_from(
    ["", "  verdict   ", "note:", "  1.", "  this terminal", "  * 1" + " " * 30]
)
COMMAND = st.lists(
    st.text(alphabet=st.sampled_from(list("abc=;-$'\"")), min_size=1, max_size=30),
    min_size=2,
    max_size=6,
).map(lambda words: Command(" ".join(words)))
PROSE = st.lists(st.one_of(WORD, COMMAND), max_size=30)


def _text(pieces: list[str | Command]) -> str:
    return " ".join(str(piece) for piece in pieces)


@settings(max_examples=400)
@given(LABEL, PROSE, st.integers(30, 160))
def test_any_prose_at_any_width_fits_and_keeps_every_word_and_command(
    label: str, pieces: list[str | Command], width: int
) -> None:
    text = _text(pieces)
    # A mark of no width stands for the command's colour: it tells a command's line apart.
    lines = layout(text, width, label=label, command_style=lambda line: "\0" + line)
    commands = [piece.text for piece in pieces if isinstance(piece, Command)]
    hang = len(label) + 1 if label else 0
    shown_commands = []
    words = []
    for number, line in enumerate(lines):
        body = line[len(label) :] if number == 0 and label else line
        if "\0" in line:
            # A command: alone on its line, whole, at the text's column + COMMAND_INDENT
            # (left of it only as far as it must to fit).
            before, command = line.split("\0")
            assert not before.strip(), line
            shown_commands.append(command)
            assert len(before) == min(hang + COMMAND_INDENT, max(0, width - len(command))), line
            continue
        assert len(line) <= width or len(line.split()) == 1, f"{line!r} wider than {width}"
        if number > 0 and line.strip():
            indent = len(line) - len(line.lstrip(" "))
            alone = len(line.split()) == 1 and len(line.strip()) + hang > width
            assert indent == hang or alone, f"continuation {line!r} not at column {hang}"
        words += body.split()
    assert shown_commands == commands, "every command shown whole, in order, on its own line"
    prose = [w for piece in pieces if not isinstance(piece, Command) for w in piece.split()]
    assert words == prose, "words are kept, in order, never split"


@settings(max_examples=200)
@given(PROSE, st.integers(30, 160))
def test_a_pipe_never_wraps_prose_but_still_puts_commands_on_lines_of_their_own(
    pieces: list[str | Command], width: int
) -> None:
    lines = layout(_text(pieces), 0)
    assert [c.text for c in commands_in(_text(pieces))] == [
        line.strip() for line in lines if line.startswith(" " * COMMAND_INDENT)
    ]


def test_the_fix_for_this_terminal_is_three_whole_commands() -> None:
    """The line measured broken mid-command at 80 columns (issue 26)."""
    fixes = ["unset CLAUDE_CODE_USE_BEDROCK", "export CLAUDE_CODE_USE_MANTLE=1"]
    text = "this terminal still has ...: open a new terminal, or run: " + " ".join(
        str(Command(fix)) for fix in fixes
    )
    for width in (40, 60, 80, 120):
        lines = layout(text, width, label="note:")
        assert [line.strip() for line in lines[-2:]] == fixes, lines


def test_a_continuation_hangs_under_the_text_after_the_label() -> None:
    lines = wrap("ok: " + "word " * 30 + "end", 60, label="  verdict   ").split("\n")
    assert len(lines) > 1
    assert all(line.startswith(" " * 13) and line[13] != " " for line in lines[1:]), lines


def test_a_word_too_long_for_its_column_moves_left_and_never_reaches_column_0_mid_line() -> None:
    path = "/home/ann/.local/share/claude/versions/2.1.111/node_modules/.bin/claude"
    lines = layout(path + " -> elsewhere", 80, label="  claude    ")
    assert lines[0] == "  claude", lines
    assert lines[1] == " " * (80 - len(path)) + path and len(lines[1]) == 80, lines


def test_colour_takes_no_room() -> None:
    label = click.style("note:", fg="cyan")
    text = "x " * 20 + "y"
    assert wrap(text, 48, label=label) == label + " " + text  # 47 columns visible
    assert "\n" in wrap(text + " zzzz", 48, label=label)


def test_a_pipe_is_never_wrapped() -> None:
    text = "a " * 100
    assert wrap(text, 0) == text


def test_help_breaks_no_id_and_no_path() -> None:
    """click's own formatter printed `anthropic.claude-` / `opus-4-7` (issue 26)."""
    formatter = HelpFormatter(width=60)
    formatter.write_dl(
        [("--model MODEL", "Pin ANTHROPIC_MODEL, e.g. anthropic.claude-opus-4-7 " * 2)]
    )
    formatter.write_text("managed-settings drop-in (/etc/claude-code/managed-settings.d); " * 2)
    text = formatter.getvalue()
    assert text.count("anthropic.claude-opus-4-7") == 2, text
    assert text.count("/etc/claude-code/managed-settings.d") == 2, text
    assert all(len(line) <= 60 for line in text.splitlines()), text
