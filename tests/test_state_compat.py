"""remedy's state files, end to end: a journal or pending.json an older remedy wrote still
reverts and recovers, and an undo recipe or pending record remedy never writes (an unknown
kind, a member missing, of the wrong type or extra) is refused with one line before anything
changes. Until issue 23 an unknown recipe was obeyed as "leave the file as it is"."""

from __future__ import annotations

from pathlib import Path

import pytest

from remedies.engine.journal import Journal
from remedies.engine.state_checks import DamagedState, Places
from tests.conftest import Sandbox
from tests.support.old_state import APPLIED, BEFORE, EDITED, JOURNAL, PENDING, REVERTED

STATE = ".local/state/remedy"
TXID = "20261207T094651Z-63eebbff"  # PENDING's


def journal_in(sandbox: Sandbox, text: str = JOURNAL) -> Path:
    for name, data in EDITED.items():
        sandbox.write(name, data)
    return sandbox.write(f"{STATE}/journal.json", text.replace("@HOME@", str(sandbox.home)))


def test_a_journal_of_the_previous_release_reverts_keeping_the_users_edits(
    sandbox: Sandbox,
) -> None:
    journal_in(sandbox)
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 0, result.stderr
    assert {name: sandbox.read(name) for name in REVERTED} == REVERTED
    assert "edited after mantle was applied" in result.stdout + result.stderr


def test_a_journal_of_the_previous_release_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    text = JOURNAL.replace("@HOME@", str(tmp_path)).encode()
    journal = Journal.from_bytes(text, tmp_path / "journal.json", Places((tmp_path,)))
    assert journal.to_bytes() == text


# Recipes remedy never writes, each made from one of JOURNAL's. Before issue 23 revert went
# ahead with most (a file left as it was, a line number taken from a string, a line that is
# not base64 decoded into fish's store anyway) and failed with a traceback on the rest.
BAD_RECIPES = {
    "unknown kind": ('"kind": "rc"', '"kind": "rc2"'),
    "missing member": ('"prefix": "OiAjIGRpc2FibGVkIGJ5IHJlbWVkeSBtYW50bGU6IA==",\n', ""),
    "line number as text": ('",\n        1\n', '",\n        "1"\n'),
    "line number as bool": ('",\n        1\n', '",\n        true\n'),
    "old value not text": ('"\\"1\\""', "1"),
    "key not text": ('"AWS_REGION"', "7"),
    "line not base64": ('"U0VUVVZBUiAtLWV4cG9ydCBDTEFVREVfQ09ERV9VU0VfQkVEUk9DSzoxCg=="', '"#!"'),
    "extra member": ('"shell": "fish"', '"shell": "fish", "then": "rm -rf ~"'),
    "not an object": (
        '"undo": {\n      "kind": "store",\n      "lines": [\n'
        '       "U0VUVVZBUiAtLWV4cG9ydCBDTEFVREVfQ09ERV9VU0VfQkVEUk9DSzoxCg=="\n'
        '      ],\n      "shell": "fish"\n     }',
        '"undo": ["store"]',
    ),
}


def bad_journal(case: str) -> str:
    old, new = BAD_RECIPES[case]
    assert JOURNAL.count(old) == 1, case
    return JOURNAL.replace(old, new)


@pytest.mark.parametrize("case", sorted(BAD_RECIPES))
def test_revert_refuses_a_recipe_remedy_never_writes_and_writes_nothing(
    sandbox: Sandbox, case: str
) -> None:
    journal = journal_in(sandbox, bad_journal(case))
    written = journal.read_bytes()
    before = sandbox.snapshot()
    result = sandbox.remedy("revert", "--yes")
    result.refused("journal.json holds an undo recipe remedy never writes")
    assert sandbox.snapshot() == before
    assert journal.read_bytes() == written


@pytest.mark.parametrize("case", sorted(BAD_RECIPES))
def test_reading_a_bad_recipe_raises_the_damaged_state_error(tmp_path: Path, case: str) -> None:
    data = bad_journal(case).replace("@HOME@", str(tmp_path)).encode()
    with pytest.raises(DamagedState, match=r"journal\.json holds an undo recipe remedy never"):
        Journal.from_bytes(data, tmp_path / "journal.json", Places((tmp_path,)))


def pending_in(sandbox: Sandbox, text: str = PENDING) -> Path:
    for index, data in enumerate(BEFORE.values()):  # fish_variables 0, .bashrc 1
        sandbox.write(f"{STATE}/backups/{TXID}/{index}", data)
    for name, data in APPLIED.items():
        sandbox.write(name, data)
    (sandbox.home / ".config/fish/conf.d").mkdir()
    sandbox.write(f".bashrc.remedy-{TXID}-1.tmp", b"staged")
    return sandbox.write(f"{STATE}/pending.json", text.replace("@HOME@", str(sandbox.home)))


def test_a_pending_record_of_the_previous_release_is_rolled_back(sandbox: Sandbox) -> None:
    pending = pending_in(sandbox)
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 0, result.stderr
    assert f"rolled back an interrupted run ({TXID})" in result.stdout + result.stderr
    assert {name: sandbox.read(name) for name in BEFORE} == BEFORE
    assert not pending.exists() and not (sandbox.home / ".config/fish/conf.d").exists()
    assert not (sandbox.home / f".bashrc.remedy-{TXID}-1.tmp").exists()
    assert not (sandbox.home / STATE / "backups" / TXID).exists()


# Records remedy never writes, made from PENDING. Before issue 23 recovery obeyed each.
BAD_PENDING = {
    "existed as text": (
        '"existed": true,\n   "old_sha256": "6c',
        '"existed": "no",\n   "old_sha256": "6c',
    ),
    "temp not text": (f'"temp": "@HOME@/.bashrc.remedy-{TXID}-1.tmp"', '"temp": 1'),
    "unknown recipe": ('"kind": "rc"', '"kind": "rc2"'),
    "extra member": ('"release_backups": []', '"release_backups": [], "then": "rm -rf ~"'),
    "hash not text": (
        '"new_sha256": "7708020e89f695dd875a35e9aa2d93e77b026d8a9c1f6e330f9aaa0999524eb8"',
        '"new_sha256": 7708',
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PENDING))
def test_recovery_sets_aside_a_pending_record_remedy_never_writes(
    sandbox: Sandbox, case: str
) -> None:
    old, new = BAD_PENDING[case]
    assert PENDING.count(old) == 1, case
    pending = pending_in(sandbox, PENDING.replace(old, new))
    before = sandbox.snapshot()
    result = sandbox.remedy("revert", "--yes")
    result.refused("set aside", "pending.json")
    assert sandbox.snapshot() == before
    assert not pending.exists() and pending.with_name("pending.json.damaged").exists()
