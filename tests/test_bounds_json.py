"""JSON nested too deeply for Python's recursive decoder (or remedy's span map) is refused like
malformed JSON: one line naming the file, exit 1, no "unexpected RecursionError"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remedies.engine.jsonedit import MAX_DEPTH, JsonProblem, delete, get_raw, parse, set_raw
from tests.conftest import Sandbox
from tests.support import figures

SETTINGS = ".claude/settings.json"


def nested(depth: int, leaf: str = "1") -> str:
    """A valid document: an `env` object whose X is `depth - 2` arrays deep."""
    inner = depth - 2
    return '{"env": {"X": ' + "[" * inner + leaf + "]" * inner + '}, "model": "m"}'


DOCUMENTS = {
    "100k open arrays": "[" * 100_000,
    "100k open objects": '{"a": ' * 100_000,
    "100k closed arrays": "[" * 100_000 + "]" * 100_000,
    # json.loads takes 800 levels; the span map used to recurse twice per level.
    "800 levels, valid": nested(800),
    "one level too deep": nested(MAX_DEPTH + 1),
}


@pytest.mark.parametrize("case", sorted(DOCUMENTS))
def test_doctor_names_a_settings_file_nested_too_deeply(sandbox: Sandbox, case: str) -> None:
    sandbox.write(SETTINGS, DOCUMENTS[case])
    result = sandbox.remedy("doctor", "--shell", "bash", env={"PATH": "/usr/bin:/bin"})
    result.refused(f"~/{SETTINGS}", "not valid JSON")
    figures.add("deeply nested JSON refused")


@pytest.mark.real_shell
@pytest.mark.parametrize("relative", [".claude/settings.json", ".claude/settings.local.json"])
def test_apply_refuses_a_deep_settings_file_and_changes_nothing(
    sandbox: Sandbox, relative: str
) -> None:
    # Started in HOME, .claude/settings.local.json is the project-local settings file.
    sandbox.write(relative, nested(800))
    sandbox.write(".bashrc", "alias ll='ls -l'\n")
    before = sandbox.snapshot()
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes", timeout=120
    )
    result.refused(f"~/{relative}", "not valid JSON")
    assert sandbox.snapshot() == before


def test_managed_settings_nested_too_deeply_are_named(sandbox: Sandbox) -> None:
    managed = Path(sandbox.env["REMEDY_SYSTEM_ROOT"]) / "etc/claude-code/managed-settings.json"
    managed.parent.mkdir(parents=True)
    managed.write_text("[" * 100_000)
    result = sandbox.remedy("doctor", "--shell", "bash", env={"PATH": "/usr/bin:/bin"})
    result.refused(str(managed), "not valid JSON")


# --- the editor itself ---------------------------------------------------------------------


def test_the_editor_maps_the_deepest_document_it_accepts() -> None:
    text = nested(MAX_DEPTH)
    parse(text, "~/s.json")
    assert get_raw(text, ("env",), "X") == "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2)
    edited = set_raw(text, ("env",), "Y", '"2"', "~/s.json")
    assert json.loads(edited)["env"]["Y"] == "2"
    assert delete(edited, ("env",), "Y", "~/s.json") == text
    assert json.loads(delete(text, ("env",), "X", "~/s.json")) == {"env": {}, "model": "m"}


@pytest.mark.parametrize("case", sorted(DOCUMENTS))
def test_every_edit_refuses_too_deep_by_name(case: str) -> None:
    text = DOCUMENTS[case]
    for edit in (
        lambda: parse(text, "~/s.json"),
        lambda: get_raw(text, ("env",), "X", "~/s.json"),
        lambda: set_raw(text, ("env",), "Y", "1", "~/s.json"),
        lambda: delete(text, ("env",), "X", "~/s.json"),
    ):
        with pytest.raises(JsonProblem, match=r"^~/s\.json is not valid JSON"):
            edit()
