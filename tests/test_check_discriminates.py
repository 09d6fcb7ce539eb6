"""`remedy check` fails a proof that holds without the fix (issue 25): it would pass on a
broken home as well, so it proves nothing; where the client that ran is outside the file's
[when] versions, that client does not have the problem, with an exit code of its own (4)."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.client_homes import BEDROCK, VERTEX, client_home

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]

# The proof says only "it goes to bedrock-runtime": true before the fix as after it.
WEAK = """\
name = "weak-proof"
summary = "A proof that holds either way"
worth = "configuration fix"

[when]
provider = ["bedrock"]
{versions}

[what]
set = {{ CLAUDE_CODE_MAX_OUTPUT_TOKENS = "8192" }}

[proof]
endpoint = "bedrock"
"""


def bedrock_home(sandbox: Sandbox) -> None:
    claude = claude_client.install()
    client_home(sandbox, claude, *BEDROCK, login=False)


def test_a_proof_that_holds_without_the_fix_proves_nothing(sandbox: Sandbox) -> None:
    bedrock_home(sandbox)
    path = sandbox.write("weak.toml", WEAK.format(versions=""))
    done = sandbox.remedy("check", str(path), "--json")
    assert done.code == 1, done.stdout + done.stderr
    doc = done.json()
    assert doc["verdict"] == "proves nothing" and doc["proven"] is False, doc
    assert doc["before"] == [] and doc["after"] == [], doc
    person = sandbox.remedy("check", str(path))
    assert person.code == 1 and "proves nothing: the proof holds without the fix" in person.stdout


def test_a_client_outside_the_versions_does_not_have_the_problem(sandbox: Sandbox) -> None:
    bedrock_home(sandbox)
    path = sandbox.write("weak.toml", WEAK.format(versions='versions = "<2.1.100"'))
    done = sandbox.remedy("check", str(path), "--json")
    assert done.code == 4, done.stdout + done.stderr
    assert done.json()["verdict"] == "not this client"
    person = sandbox.remedy("check", str(path))
    assert person.code == 4
    assert "this client (2.1.111) does not have the problem" in person.stdout, person.stdout
    assert "versions <2.1.100" in person.stdout


def test_check_plays_the_settings_half_of_what(sandbox: Sandbox) -> None:
    """DISABLE_PROMPT_CACHING=1 only in ~/.claude/settings.json, which apply removes: check's
    run with the remedy must not keep it (it did, and a correct remedy failed check)."""
    from tests.test_catalogue import CATALOGUE

    claude = claude_client.install()
    mantle = ("CLAUDE_CODE_USE_MANTLE=1", "AWS_REGION=us-east-1")
    settings = '{"env": {"DISABLE_PROMPT_CACHING": "1"}}\n'
    client_home(sandbox, claude, *mantle, settings=settings, login=False)
    before = sandbox.snapshot()
    done = sandbox.remedy("check", str(CATALOGUE / "prompt-caching-off.toml"), "--json")
    assert done.code == 0, done.stdout + done.stderr
    doc = done.json()
    assert doc["verdict"] == "proven" and doc["before"] and doc["after"] == [], doc
    assert sandbox.snapshot() == before, "check writes nothing"


def test_check_reads_the_region_where_claude_code_does(sandbox: Sandbox) -> None:
    """Bedrock, its region and a us. model id all in settings.json (they beat the shell):
    check's run with model-region-prefix gets the eu. id apply would write there."""
    from tests.test_catalogue import CATALOGUE

    claude = claude_client.install()
    settings = (
        '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-1", '
        '"ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"}}\n'
    )
    client_home(sandbox, claude, settings=settings, login=False)
    done = sandbox.remedy("check", str(CATALOGUE / "model-region-prefix.toml"), "--json")
    assert done.code == 0, done.stdout + done.stderr
    assert done.json()["verdict"] == "proven"


def test_a_client_that_sent_nothing_says_why(sandbox: Sandbox) -> None:
    """Nothing sent (Vertex with no project: 2.1.111 stops before any request, measured):
    check gives the client's own last line, not the bare "sent no model request"."""
    claude = claude_client.install()
    client_home(sandbox, claude, *VERTEX[:2], login=False)  # no project
    path = sandbox.write(
        "vertex.toml",
        'name = "vertex-fix"\nsummary = "s"\n[when]\nprovider = ["vertex"]\n'
        '[what]\nset = { DISABLE_TELEMETRY = "1" }\n[proof]\nendpoint = "vertex"\n',
    )
    done = sandbox.remedy("check", str(path), "--json")
    assert done.code == 1, done.stdout + done.stderr
    said = done.json()["client_said"]
    assert "projectId" in said["before"] and "projectId" in said["after"], said
    person = sandbox.remedy("check", str(path))
    assert "the client sent no model request (the client said: " in person.stdout, person.stdout
