"""Reading values out of assignment lines: the exact inverse of our own quoting, and the
forms users write by hand (dynamic ones flagged, never guessed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shells import SHELLS, Shell, shell_named
from shells.words import plain_assignment

values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), max_size=30
)


@settings(max_examples=400)
@given(shell=st.sampled_from(SHELLS), value=values)
def test_reading_back_our_own_quoting_is_exact(shell: Shell, value: str) -> None:
    line = shell.render_set("X", value).encode()
    word = shell.assigned_value(line, "X")
    assert word is not None
    assert word.value == value
    assert not word.dynamic


@pytest.mark.parametrize(
    ("shell", "line", "value", "dynamic"),
    [
        ("bash", "export X=us-east-1", "us-east-1", False),
        ("bash", "X='a b'; export X", "a b", False),
        ("bash", 'export X="a \\"b\\" \\$c"', 'a "b" $c', False),
        ("bash", 'export X="$HOME/x"', "$HOME/x", True),
        ("bash", "export X=$(cat f)", "$(cat f)", True),
        ("bash", "export X=${Y:-a b}", "${Y:-a b}", True),
        ("bash", "export X=~/bin", "~/bin", True),
        ("bash", "declare -x X=1  # c", "1", False),
        ("fish", "set -gx X a b", "a b", False),
        ("fish", "set -x X 'it\\'s'", "it's", False),
        ("fish", 'set -gx X "$HOME"', "$HOME", True),
        ("fish", "export X=1", "1", False),
        ("tcsh", "setenv X 'a b'", "a b", False),
        ("tcsh", 'setenv X "$HOME"', "$HOME", True),
        ("tcsh", "setenv X", "", False),
        ("pwsh", "$env:X = 'it''s'", "it's", False),
        # Any two of PowerShell's five single quotes are one literal: the second (tokenizer.cs).
        ("pwsh", "$env:X = 'it'\u2019s'", "it\u2019s", False),
        ("pwsh", "$env:X = \u2018it\u201b's\u201a", "it's", False),
        ("pwsh", '$env:X = "$HOME"', "$HOME", True),
        ("pwsh", "$Env:X=1", "1", False),
    ],
)
def test_hand_written_forms(shell: str, line: str, value: str, dynamic: bool) -> None:
    found = shell_named(shell)
    assert found is not None
    word = found.assigned_value(line.encode(), "X")
    assert word is not None
    assert (word.value, word.dynamic) == (value, dynamic)


@pytest.mark.parametrize(
    ("shell", "code", "expected"),
    [
        ("bash", "unset X", True),
        ("bash", "unset -v A X", True),
        ("bash", "unset XY", False),
        ("fish", "set -e -g X", True),
        ("fish", "set --erase X", True),
        ("fish", "set -gx X 1", False),
        ("tcsh", "unsetenv X", True),
        ("pwsh", "Remove-Item -Path Env:X -ErrorAction SilentlyContinue", True),
        ("pwsh", "Remove-Item Env:XY", False),
    ],
)
def test_unsets(shell: str, code: str, expected: bool) -> None:
    found = shell_named(shell)
    assert found is not None
    assert found.unsets(code.encode(), "X") is expected


@pytest.mark.parametrize(
    ("line", "value"),
    [
        (b'[ -n "$HOME" ] && export CLAUDE_CODE_USE_BEDROCK=1', "1"),
        (b'if true; then export CLAUDE_CODE_USE_BEDROCK="1"; fi', "1"),
        (b"{ export CLAUDE_CODE_USE_BEDROCK='true'; }", "true"),
        (b"export CLAUDE_CODE_USE_BEDROCK=$(cat flag)", None),  # an expansion: not plain
        (b"ok && CLAUDE_CODE_USE_BEDROCK=1 || CLAUDE_CODE_USE_BEDROCK=0", None),  # two values
        (b"export MY_CLAUDE_CODE_USE_BEDROCK=1", None),  # another name
    ],
)
def test_plain_assignment_under_a_condition(line: bytes, value: str | None) -> None:
    assert plain_assignment(line, "CLAUDE_CODE_USE_BEDROCK") == value


@given(st.binary(max_size=200))
def test_plain_assignment_never_raises_and_gives_back_only_what_the_line_holds(
    line: bytes,
) -> None:
    found = plain_assignment(line, "CLAUDE_CODE_USE_BEDROCK")
    assert found is None or found in line.decode("utf-8", "replace")
