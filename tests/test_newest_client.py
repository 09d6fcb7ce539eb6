"""The newest Claude Code we measured (demo/claude_cache.py NEWEST, 2.1.332) beside the oldest
we support (2.1.111): remedy reads it right, what verify says of it on a broken Bedrock home,
mantle proven with it, and the table of `remedy check` verdicts per packaged remedy and per
client, held to what check says with each (docs/remedies.md, "Which clients show each problem").

From 2.1.113 the npm package is a wrapper whose bin/claude.exe is the native binary of a
per-platform optional dependency (demo/claude_cache.py). Its probe runs are never replayed
(tests/support/client_replay.py replays cli.js only): each run here is real, and none is
recorded for the oldest client's key either.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from remedies.claude.installs import laid_down_version
from tests.conftest import REPO, Sandbox
from tests.support import claude_client
from tests.support.client_homes import affected_bedrock_user, client_home
from tests.support.documents import runs

CLIENTS = (claude_client.CLAUDE_VERSION, claude_client.NEWEST_VERSION)
CATALOGUE = REPO / "remedies" / "catalog" / "data"
# The page and heading the table lives under (it moved there from the README, issue 26).
VERDICTS_PAGE = REPO / "docs" / "remedies.md"
VERDICTS_TABLE = "## Which clients show each problem"


def bedrock_home(sandbox: Sandbox, claude: Path) -> Sandbox:
    """An affected Bedrock user, as tests/test_verify.py builds one: Bedrock on in the shell
    and in Claude Code's settings, the client on the PATH their shell gives."""
    return affected_bedrock_user(sandbox, claude)


@pytest.mark.real_client
def test_the_native_binary_landed(newest_claude: Path) -> None:
    """npm put the platform's binary over the wrapper's placeholder (a 500-byte script that
    only says "claude native binary not installed"), and remedy reads its version from the
    package as laid down, the way doctor does."""
    real = newest_claude.resolve()
    assert real.name == "claude.exe" and real.stat().st_size > 50_000_000, real
    assert real.read_bytes()[:4] == b"\x7fELF" or os.uname().sysname != "Linux", real
    assert laid_down_version(str(real)) == claude_client.NEWEST_VERSION


@pytest.mark.real_shell
@pytest.mark.real_client
def test_doctor_reads_the_newest_client(sandbox: Sandbox, newest_claude: Path) -> None:
    doc = bedrock_home(sandbox, newest_claude).remedy("doctor", "--shell", "bash", "--json").json()
    assert doc["claude"]["version"] == claude_client.NEWEST_VERSION, doc["claude"]
    assert doc["claude"]["install_method"] == "npm" and doc["claude"]["problem"] is None
    assert doc["claude"]["real_path"] == str(newest_claude.resolve())
    assert doc["provider"] == "bedrock"
    # At or above the seed's fixed version: not flagged as the seed's bug.
    assert doc["affected"] is False, doc["problems"]


@pytest.mark.real_shell
@pytest.mark.real_client
def test_verify_on_a_broken_bedrock_home(sandbox: Sandbox, newest_claude: Path) -> None:
    """Measured with 2.1.332: Opus 4.7 on bedrock-runtime still carries anthropic_beta in the
    body (interleaved-thinking alone; the header has the rest), so the stand-in answers 400
    as the service did; the client's own default is Opus 5.5 under the us. profile. Offline
    verify cannot call a client at or above the fixed version proven (only --live can)."""
    done = bedrock_home(sandbox, newest_claude).remedy("verify", "--shell", "bash", "--json")
    doc = done.json()
    assert done.code == 1 and doc["verdict"] == "unproven", doc["message"]
    assert "--live" in doc["next"]
    by_model = {str(run["model"]): run for run in runs(doc)}
    opus = by_model["claude-opus-4-7"]
    assert opus["client_version"] == claude_client.NEWEST_VERSION
    assert opus["endpoint"] == "bedrock"
    assert opus["path"] == "/bedrock/model/us.anthropic.claude-opus-4-7/invoke-with-response-stream"
    assert opus["body_betas"] == ["interleaved-thinking-2025-05-14"], opus
    assert opus["verdict"] == "invalid-beta-flag", opus
    assert "us.anthropic.claude-opus-5-5 (the client's default)" in by_model, sorted(by_model)
    for model, run in by_model.items():
        assert run["endpoint"] == "bedrock" and run["body_betas"], (model, run)


@pytest.mark.real_shell
@pytest.mark.real_client
def test_mantle_then_verify_passes(sandbox: Sandbox, newest_claude: Path) -> None:
    home = bedrock_home(sandbox, newest_claude)
    original = home.snapshot()
    applied = home.remedy("apply", "mantle", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    done = home.remedy("verify", "--shell", "bash", "--json")
    doc = done.json()
    assert done.code == 0 and doc["verdict"] == "ok" and doc["applied"] == ["mantle"], doc
    for run in runs(doc):
        assert run["endpoint"] == "mantle" and run["body_betas"] == [], run
        assert run["path"] == "/mantle/v1/messages?beta=true" and run["header_betas"], run
        assert run["output"] == "Hello!"
        # Its default on Mantle is Opus 5.5, not 2.1.111's Haiku: no Haiku warning.
        assert run["model"] == "anthropic.claude-opus-5-5 (the client's default)", run
    assert "Haiku" not in str(doc["message"])
    assert home.remedy("revert", "--yes").code == 0
    assert home.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_the_newest_client_reads_its_region_from_the_aws_profile(
    sandbox: Sandbox, newest_claude: Path
) -> None:
    """No AWS_REGION, the region in the AWS profile: from 2.1.172 the client reads it there
    (measured: 2.1.332 asks for eu. models). The probe gives it that region and nothing else
    of the user's AWS files, and judges the run by it: the request goes to eu-west-1 and
    verify says so (before, the probe hid the file: us. models, host unknown)."""
    sandbox.write(
        ".bashrc",
        f"export PATH={newest_claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1 AWS_PROFILE=work\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(
        ".aws/config",
        "[profile work]\nregion = eu-west-1\n"
        "credential_process = /bin/false\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\n",
    )
    doc = sandbox.remedy("verify", "--shell", "bash", "--json").json()
    unpinned = [run for run in runs(doc) if "(the client's default)" in str(run["model"])]
    assert unpinned, runs(doc)
    for run in unpinned:
        assert str(run["path"]).startswith("/bedrock/model/eu.anthropic."), run
        assert run["host"] == "bedrock-runtime.eu-west-1.amazonaws.com", run


# --- the docs' table: check's verdict on each packaged remedy, with each client -----------


@dataclass(frozen=True)
class Broken:
    """The configuration a packaged remedy is for, laid out as people do (the variables in
    ~/.bashrc, an AWS profile), as tests/test_catalogue.py builds it."""

    exports: tuple[str, ...]
    settings: str | None = None
    files: tuple[tuple[str, str], ...] = ()
    options: tuple[str, ...] = ()
    clean: tuple[str, ...] = ()  # this machine's own values kept out of the user's terminal


BROKEN = {
    "aws-region-missing": Broken(
        ("CLAUDE_CODE_USE_BEDROCK=1", "AWS_PROFILE=work"),
        files=((".aws/config", "[profile work]\nregion = eu-west-1\n"),),
        options=("region=eu-west-1",),
    ),
    "ca-certs-in-settings": Broken(
        ("CLAUDE_CODE_USE_BEDROCK=1", "AWS_REGION=us-east-1"),
        settings='{"env": {"NODE_EXTRA_CA_CERTS": "/etc/ssl/corp-ca.pem"}}',
        clean=("NODE_EXTRA_CA_CERTS",),
    ),
    "disable-betas": Broken(
        (
            "CLAUDE_CODE_USE_BEDROCK=1",
            "AWS_REGION=us-east-1",
            "ANTHROPIC_BEDROCK_BASE_URL=https://gateway.example.com/bedrock",
        )
    ),
    "max-output-tokens-stale": Broken(
        ("CLAUDE_CODE_USE_MANTLE=1", "AWS_REGION=us-east-1", "CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096")
    ),
    "model-region-prefix": Broken(
        (
            "CLAUDE_CODE_USE_BEDROCK=1",
            "AWS_REGION=eu-west-1",
            "ANTHROPIC_MODEL=us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        )
    ),
    "prompt-caching-off": Broken(
        ("CLAUDE_CODE_USE_MANTLE=1", "AWS_REGION=us-east-1", "DISABLE_PROMPT_CACHING=1")
    ),
    "vertex-project-missing": Broken(("CLAUDE_CODE_USE_VERTEX=1",)),
    "vertex-region-missing": Broken(
        ("CLAUDE_CODE_USE_VERTEX=1", "ANTHROPIC_VERTEX_PROJECT_ID=acme-ml-42"),
        options=("vertex_region=europe-west1",),
    ),
}


def packaged() -> list[str]:
    return sorted(path.stem for path in CATALOGUE.glob("*.toml"))


def verdicts_table() -> dict[str, dict[str, str]]:
    """The table under VERDICTS_TABLE in VERDICTS_PAGE: remedy -> client version -> verdict."""
    text = VERDICTS_PAGE.read_text()
    assert VERDICTS_TABLE in text, f"{VERDICTS_PAGE.name} has no {VERDICTS_TABLE!r}"
    lines = text.split(VERDICTS_TABLE, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _rule, *body = rows
    versions = [re.sub(r"[^0-9.]", "", cell) for cell in header[1:]]
    assert header[0] == "remedy" and tuple(versions) == CLIENTS, header
    return {row[0].strip("`"): dict(zip(versions, row[1:])) for row in body}


def test_the_verdicts_table_names_every_packaged_remedy_and_both_clients() -> None:
    assert sorted(verdicts_table()) == packaged() == sorted(BROKEN)


def checked(tmp_path: Path, name: str, claude: Path) -> str:
    """`remedy check` of the packaged file in the broken home it is for: its verdict."""
    broken = BROKEN[name]
    home = tmp_path / "home"
    home.mkdir()
    sandbox = Sandbox(home)
    client_home(sandbox, claude, *broken.exports, settings=broken.settings)
    for relative, text in broken.files:
        sandbox.write(relative, text)
    options = [a for option in broken.options for a in ("--option", option)]
    done = sandbox.remedy(
        "check",
        str(CATALOGUE / f"{name}.toml"),
        *options,
        "--json",
        env=dict.fromkeys(broken.clean),
    )
    assert done.stdout, done.stderr
    verdict: str = done.json()["verdict"]
    return verdict


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_verdicts_table_is_what_check_says(tmp_path: Path, name: str, client: str) -> None:
    claude = claude_client.install(client)
    said = checked(tmp_path, name, claude)
    assert verdicts_table()[name][client] == said, f"check says {said!r} ({name}, {client})"
