"""The JSON member editor: exact text edits, checked against json.loads on random documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remedies.engine.jsonedit import JsonProblem, delete, get_raw, set_raw

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1, max_size=10
)
styles = st.sampled_from([None, 0, 1, 2, 4, "\t"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    env = draw(st.dictionaries(keys, st.text(max_size=8), min_size=1, max_size=5))
    others = draw(st.dictionaries(keys.filter(lambda k: k != "env"), values, max_size=3))
    doc = {**others, "env": env}
    text = json.dumps(doc, indent=draw(styles), ensure_ascii=draw(st.booleans()))
    return text + draw(st.sampled_from(["", "\n", "\r\n", "  \n"])), doc


@settings(max_examples=300)
@given(documents(), keys, st.text(max_size=10))
def test_set_changes_exactly_one_value(
    document: tuple[str, dict[str, Any]], key: str, value: str
) -> None:
    text, doc = document
    new = set_raw(text, ("env",), key, json.dumps(value))
    expected = {**doc, "env": {**doc["env"], key: value}}
    assert json.loads(new) == expected
    assert list(json.loads(new)) == list(doc), "top-level key order kept"
    assert list(json.loads(new)["env"]) == list(expected["env"]), "env key order kept"


@settings(max_examples=300)
@given(documents(), keys, st.text(max_size=10))
def test_set_then_undo_is_the_identity(
    document: tuple[str, dict[str, Any]], key: str, value: str
) -> None:
    text, _doc = document
    old = get_raw(text, ("env",), key)
    new = set_raw(text, ("env",), key, json.dumps(value))
    undone = delete(new, ("env",), key) if old is None else set_raw(new, ("env",), key, old)
    assert undone == text


@settings(max_examples=300)
@given(documents(), st.data())
def test_delete_removes_exactly_one_member(
    document: tuple[str, dict[str, Any]], data: st.DataObject
) -> None:
    text, doc = document
    key = data.draw(st.sampled_from(sorted(doc["env"])))
    new = delete(text, ("env",), key)
    expected_env = {k: v for k, v in doc["env"].items() if k != key}
    assert json.loads(new) == {**doc, "env": expected_env}


def test_spacing_of_the_users_file_is_copied() -> None:
    text = '{\n    "env": {\n        "A": "1",\n        "B":"2"\n    }\n}\n'
    assert set_raw(text, ("env",), "C", '"3"') == (
        '{\n    "env": {\n        "A": "1",\n        "B":"2",\n        "C":"3"\n    }\n}\n'
    )
    assert delete(text, ("env",), "A") == '{\n    "env": {\n        "B":"2"\n    }\n}\n'


def test_empty_object() -> None:
    for text in ('{"env": {}}', '{"env": { }}', '{"env": {\n}}'):
        new = set_raw(text, ("env",), "A", '"1"')
        assert json.loads(new) == {"env": {"A": "1"}}
        assert delete(new, ("env",), "A") == text


def test_escaped_keys_are_matched_by_their_value() -> None:
    text = '{"env": {"\\u0041": "x"}}'
    assert get_raw(text, ("env",), "A") == '"x"'
    assert json.loads(set_raw(text, ("env",), "A", '"y"')) == {"env": {"A": "y"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"env": {"A": 1,}}', "not valid JSON"),
        ('{"env": [1]}', "not an object"),
        ('{"env": {"A": "1", "A": "2"}}', "appears 2 times"),
        ("\ufeff{}", "not valid JSON"),
    ],
)
def test_problems_are_named(text: str, message: str) -> None:
    with pytest.raises(JsonProblem, match=message):
        set_raw(text, ("env",), "A", '"3"')


def test_missing_object_is_no_delete_and_no_set() -> None:
    assert delete('{"model": "x"}', ("env",), "A") == '{"model": "x"}'
    with pytest.raises(JsonProblem, match="no env object"):
        set_raw('{"model": "x"}', ("env",), "A", '"1"')
