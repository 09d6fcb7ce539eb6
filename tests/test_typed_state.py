"""The journal's typed state (engine.undo, engine.pending): every kind of undo recipe, and
pending.json, read back exactly as it was written, in the shape older releases wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remedies.engine import undo
from remedies.engine.journal import Journal, StateFolder
from remedies.engine.pending import Pending, read_pending
from remedies.engine.state_checks import DamagedState, Places
from remedies.engine.undo import JsonUndo, NoUndo, RcUndo, StoreUndo, UndoRecipe
from tests.support.old_state import JOURNAL, PENDING

WHERE = Path("/state/journal.json")


def test_the_previous_releases_recipes_read_as_their_kinds(tmp_path: Path) -> None:
    text = JOURNAL.replace("@HOME@", str(tmp_path)).encode()
    journal = Journal.from_bytes(text, tmp_path / "journal.json", Places((tmp_path,)))
    store, rc, settings = (r.undo for r in journal.entries[0].files)
    assert store == StoreUndo("fish", (b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1\n",))
    assert rc == RcUndo(
        "mantle",
        "bash",
        b": # disabled by remedy mantle: ",
        ((b"export CLAUDE_CODE_USE_BEDROCK=1", 1),),
    )
    assert settings == JsonUndo(
        (
            (("env",), "CLAUDE_CODE_USE_MANTLE", None),
            (("env",), "AWS_REGION", None),
            (("env",), "CLAUDE_CODE_USE_BEDROCK", '"1"'),
        )
    )


def test_an_empty_recipe_is_no_recipe_and_nothing_else_empty_is() -> None:
    assert undo.from_json({}, WHERE) == NoUndo()
    bad: list[object] = [{"kind": None}, {"kind": "json"}, {"ops": []}, [], None, "rc"]
    for raw in bad:
        with pytest.raises(DamagedState, match="undo recipe remedy never writes"):
            undo.from_json(raw, WHERE)


def test_a_pending_record_of_the_previous_release_is_written_back_byte_for_byte(
    tmp_path: Path,
) -> None:
    state = StateFolder(tmp_path / "state", Places((tmp_path,)))
    text = PENDING.replace("@HOME@", str(tmp_path))
    state.root.mkdir()
    state.pending_path.write_text(text)
    pending = read_pending(state)
    assert pending is not None
    assert [type(f.record.undo) for f in pending.files] == [StoreUndo, RcUndo]
    assert pending.to_bytes() == text.encode()
    assert Pending.from_json(json.loads(text), state) == pending


lines = st.binary(max_size=40)
names = st.text(max_size=12)
RECIPES: dict[type, st.SearchStrategy[UndoRecipe]] = {
    RcUndo: st.builds(
        RcUndo,
        remedy=names,
        shell=names,
        prefix=lines,
        disabled=st.lists(st.tuples(lines, st.integers(min_value=1)), max_size=4).map(tuple),
    ),
    StoreUndo: st.builds(StoreUndo, shell=names, lines=st.lists(lines, max_size=4).map(tuple)),
    JsonUndo: st.builds(
        JsonUndo,
        ops=st.lists(
            st.tuples(
                st.lists(names, max_size=3).map(tuple), names, st.none() | st.text(max_size=20)
            ),
            max_size=4,
        ).map(tuple),
    ),
    NoUndo: st.just(NoUndo()),
}


def test_every_kind_of_recipe_has_a_strategy() -> None:
    assert set(RECIPES) == set(get_args(UndoRecipe))


@pytest.mark.parametrize("kind", list(RECIPES), ids=lambda kind: kind.__name__)
@given(data=st.data())
def test_a_recipe_reads_back_as_it_was_written(kind: type, data: st.DataObject) -> None:
    recipe = data.draw(RECIPES[kind])
    written = json.dumps(recipe.to_json(), indent=1, sort_keys=True)  # as Journal.to_bytes
    assert undo.from_json(json.loads(written), WHERE) == recipe
