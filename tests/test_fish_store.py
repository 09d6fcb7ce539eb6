"""fish_variables edits: pure functions, checked against the file format fish writes."""

from __future__ import annotations

from shells.fish import Fish

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
