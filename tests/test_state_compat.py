"""remedy's state files, end to end: a journal an older remedy wrote still reverts, and an
undo recipe remedy never writes (an unknown kind, a member missing, of the wrong type or
extra) is refused with one line before anything changes. Until issue 23 an unknown recipe
was obeyed as "leave the file as it is"."""

from __future__ import annotations

from pathlib import Path

import pytest

from remedies.engine.journal import Journal
from remedies.engine.state_checks import DamagedState, Places
from tests.conftest import Sandbox
from tests.support.old_state import EDITED, JOURNAL, REVERTED

STATE = ".local/state/remedy"


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
    assert "edited after `remedy apply mantle`" in result.stdout + result.stderr


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
