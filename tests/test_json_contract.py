"""The --json documents keep the keys docs/commands.md promises: scripts and the fleet read them.

A contract, not a snapshot: more keys may come; these may not go or change type.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Sandbox

APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1")


def has(doc: dict[str, Any], **types: type | tuple[type, ...]) -> None:
    for key, kind in types.items():
        assert key in doc, f"{key!r} missing from {sorted(doc)}"
        assert isinstance(doc[key], kind), (key, doc[key])


def files_described(doc: dict[str, Any]) -> None:
    has(doc, remedy=(str, list, type(None)), changed=bool, files=list)
    assert doc["files"], "something to describe"
    for item in doc["files"]:
        has(item, path=str, action=str)
        assert item["action"] in ("created", "modified", "deleted")


@pytest.mark.real_shell
def test_apply_and_revert_documents(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    dry = sandbox.remedy(*APPLY, "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    files_described(dry.json())
    assert all("diff" in f for f in dry.json()["files"]), "a dry run shows the diffs"
    applied = sandbox.remedy(*APPLY, "--yes", "--json")
    files_described(applied.json())
    assert applied.json()["changed"] is True
    has(applied.json(), shells=list, left_alone=list)
    again = sandbox.remedy(*APPLY, "--yes", "--json").json()
    has(again, remedy=str, changed=bool, files=list)
    assert again["changed"] is False, "idempotent, as docs/commands.md says"

    status = sandbox.remedy("status", "--json").json()
    has(status, applied=list, interrupted=bool)
    has(status["applied"][0], remedy=str, at=str, txid=str, files=list)
    has(status["applied"][0]["files"][0], path=str, state=str)

    reverted = sandbox.remedy("revert", "--yes", "--json")
    assert reverted.code == 0, reverted.stderr
    files_described(reverted.json())
    has(reverted.json(), reverted=list)


@pytest.mark.real_shell
def test_doctor_document(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    doc = sandbox.remedy("doctor", "--json").json()
    has(doc, claude=dict, provider=str, affected=bool)
    has(doc, problems=list, sources=list, recommendations=list)
    # Every kind of new shell judged (issue 24): which, and where a problem holds.
    has(doc, shells=list, judged=list, not_judged=list, new_shells=list)
    for row in doc["judged"]:
        has(row, shell=str, provider=str, affected=bool)
    for problem in doc["problems"]:
        has(problem, id=str, severity=str, message=str, shells=list)
    has(doc["claude"], install_method=str)
    for key in ("path", "version"):
        assert key in doc["claude"]


def test_list_document(sandbox: Sandbox) -> None:
    doc = sandbox.remedy("list", "--json").json()
    has(doc, remedies=list)
    assert [r["name"] for r in doc["remedies"]][:3] == ["mantle", "upgrade", "extra-body"]
    for item in doc["remedies"]:
        has(item, name=str, summary=str)
