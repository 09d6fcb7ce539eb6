"""What an adversarial review of issue 25's proofs found, each held here:
- a `default_from` variable whose name is a secret's (ANTHROPIC_CUSTOM_HEADERS) filled a
  printed proof, and the journal kept it: refused when the file is read;
- a proof's prompt `@/path` made the client read that file into its request (and the proof
  could tell what it held), `/cost` ran a slash command: the prompt is plain text;
- an option's default was never held to its pattern, and a proof model filled with "-x"
  stopped verify on every home until revert: refused when read, at apply and at check;
- a found proof whose model names an option with no default was held to every run;
- a crafted proof in the journal crashed verify or passed silently: it is dropped, and the
  remedy fails verify as not proven.
"""

from __future__ import annotations

import json

import pytest

from remedies.catalog.data_format import parse_spec
from remedies.catalog.proofs_here import proof_as_found
from remedies.claude.request_proof import Proof
from remedies.errors import BadInput
from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.client_homes import VERTEX, client_home

HEAD = 'name = "x-fix"\nsummary = "s"\n[when]\nprovider = ["vertex"]\n'


def spec_of(text: str) -> object:
    return parse_spec((HEAD + text).encode(), "x.toml")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '[options.h]\nhelp = "h"\ndefault_from = "variable:ANTHROPIC_CUSTOM_HEADERS"\n'
            '[what]\nset = { DISABLE_TELEMETRY = "1" }\n',
            "is a credential",
        ),
        (
            '[what]\nset = { DISABLE_TELEMETRY = "1" }\n'
            '[proof]\nprompt = "summarize @/etc/shadow"\n',
            "plain text",
        ),
        ('[what]\nset = { DISABLE_TELEMETRY = "1" }\n[proof]\nprompt = "/cost"\n', "plain text"),
        (
            '[options.m]\nhelp = "m"\npattern = "^claude-"\ndefault = "-x"\n'
            '[what]\nset = { ANTHROPIC_MODEL = "{m}" }\n',
            "does not match its pattern",
        ),
    ],
)
def test_refused_when_the_file_is_read(text: str, says: str) -> None:
    with pytest.raises(BadInput, match=says):
        spec_of(text)


@pytest.mark.real_shell
def test_a_filled_model_that_is_an_option_is_refused_at_apply_and_check(sandbox: Sandbox) -> None:
    sandbox.write(".bashrc", "export CLAUDE_CODE_USE_VERTEX=1\n")
    path = sandbox.write(
        "x.toml",
        HEAD + '[options.m]\nhelp = "m"\ndefault = "-x"\n'
        '[what]\nset = { DISABLE_TELEMETRY = "1" }\n[proof]\nendpoint = "vertex"\nmodel = "{m}"\n',
    )
    before = sandbox.snapshot()
    for command in ("apply", "check"):
        done = sandbox.remedy(
            command, str(path), *(["--shell", "bash", "--yes"] if command == "apply" else [])
        )
        assert done.code == 2, done.stdout + done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert "x.toml: [proof] its model '-x' is not a model id" in line, line
    assert sandbox.snapshot() == before


def test_a_found_proof_naming_an_unfilled_model_is_not_held() -> None:
    spec = spec_of(
        '[options.m]\nhelp = "m"\nexample = "claude-haiku-4-5"\n'
        '[what]\nset = { DISABLE_TELEMETRY = "1" }\n'
        '[proof]\nmodel = "{m}"\nbody_mentions = [\'"model":"claude-haiku\']\n'
    )
    assert proof_as_found(spec) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "crafted",
    [
        {"prompt": "a\u0000b", "endpoint": "vertex"},
        {"model": "-x", "endpoint": "vertex"},
        {"model": "claude-haiku-4-5\n--foo", "endpoint": "vertex"},
        {"tls_trusts": "PATH"},
        {"tls_trusts": "LD_PRELOAD"},
        {"endpoint": "elsewhere"},
    ],
)
def test_a_crafted_kept_proof_is_dropped(crafted: dict[str, object]) -> None:
    assert Proof.from_json(crafted) is None


@pytest.mark.real_shell
@pytest.mark.real_client
def test_an_unreadable_kept_proof_fails_verify_as_not_proven(sandbox: Sandbox) -> None:
    client_home(sandbox, claude_client.install(), *VERTEX)
    path = sandbox.write(
        "tmp/x.toml",
        HEAD.replace('"vertex"]', '"vertex"]\nabsent = ["DISABLE_TELEMETRY"]')
        + '[what]\nset = { DISABLE_TELEMETRY = "1" }\n[proof]\nendpoint = "vertex"\n',
    )
    assert sandbox.remedy("apply", str(path), "--shell", "bash", "--yes").code == 0
    journal_path = sandbox.home / ".local/state/remedy/journal.json"
    journal = json.loads(journal_path.read_text())
    journal["entries"][-1]["details"]["proof"] = {"model": "-x", "endpoint": "vertex"}
    journal_path.write_text(json.dumps(journal))
    done = sandbox.remedy("verify", "--shell", "bash", "--json")
    assert done.code == 1, done.stdout + done.stderr
    failures = [f for run in done.json()["runs"] for f in run["proof_failures"]]
    assert "x-fix (applied): not proven: the proof the journal kept of it is unreadable" in failures
