"""fish_variables edits: pure functions, checked against the file format fish writes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shells.fish import Fish
from tests.conftest import require_program

STORE = (
    b"# This file contains fish universal variable definitions.\n"
    b"# VERSION: 3.0\n"
    b"SETUVAR --export AWS_PROFILE:work\n"
    b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n"
    b"SETUVAR CLAUDE_CODE_USE_MANTLE:0\n"
    b"SETUVAR __fish_initialized:3400\n"
)
NAMES = ("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_MANTLE")


def test_only_exported_universals_are_taken_out() -> None:
    new, dropped = Fish().drop_from_store(STORE, NAMES)
    assert dropped == [b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n"]
    assert new == STORE.replace(b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n", b"")


def test_restore_goes_back_where_fish_would_write_it() -> None:
    fish = Fish()
    new, dropped = fish.drop_from_store(STORE, NAMES)
    assert fish.restore_to_store(new, dropped) == STORE
    # fish rewrote the file since (another variable): the line still lands in sorted order.
    rewritten = new.replace(b"SETUVAR CLAUDE", b"SETUVAR --export BROWSER:lynx\nSETUVAR CLAUDE")
    restored = fish.restore_to_store(rewritten, dropped)
    names = [
        line.split(b" ")[-1].split(b":")[0]
        for line in restored.splitlines()
        if line.startswith(b"SETUVAR")
    ]
    assert b"CLAUDE_CODE_USE_BEDROCK" in names
    assert names == sorted(names)


def test_a_variable_set_again_since_is_left_alone() -> None:
    fish = Fish()
    new, dropped = fish.drop_from_store(STORE, NAMES)
    again = new + b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:0\n"
    assert fish.restore_to_store(again, dropped) == again


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "value", ["eu-central-1", "a b", "back\\slash", "ünïcode", "a:b=c", "$HOME"]
)
def test_store_exports_read_what_real_fish_wrote(tmp_path: Path, value: str) -> None:
    """What `set -Ux` writes (escaped) reads back as the value every new fish exports."""
    fish = require_program("fish")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run([fish, "-c", "set -Ux REMEDY_T $argv[1]", value], env=env, check=True)
    data = (home / ".config" / "fish" / "fish_variables").read_bytes()
    assert [(n, v) for _line, n, v in Fish().store_exports(data)] == [("REMEDY_T", value)]


@given(st.binary(max_size=200))
def test_store_exports_never_raises(data: bytes) -> None:
    for line, name, value in Fish().store_exports(data):
        assert line >= 1 and isinstance(name, str) and isinstance(value, str)
