"""A word of a command remedy prints for a person (remedies.layout.shell_word): one helper
for the MDM scripts, the dotfile tools' notes and `remedy new`'s line. Any text reads back
as that one word, in zsh too, which expands a bare word starting with `=` or `~`."""

from __future__ import annotations

import shlex
import subprocess

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from remedies.layout import shell_word

TEXT = st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]))


@given(TEXT)
@example("=-")
@example("~root")
def test_any_text_reads_back_as_one_word(text: str) -> None:
    word = shell_word(text)
    assert shlex.split(word) == [text]
    assert word[:1] not in ("=", "~") or word == "''"


@pytest.mark.real_shell
@pytest.mark.parametrize("text", ["=-", "~root", "=ls", "plain", "my file.toml"])
def test_zsh_reads_it_back(text: str) -> None:
    done = subprocess.run(
        ["zsh", "-f", "-c", f"printf '%s' {shell_word(text)}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, text), done.stderr
