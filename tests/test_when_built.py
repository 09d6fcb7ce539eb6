"""check builds the broken configuration a remedy file's [when] names, where this machine's
own does not meet it (issue 25: check runs anywhere, CI included; catalog.when_built).

In the test process: every packaged file's built configuration meets its own [when] (its
versions aside), as doctor judges it; what cannot be built is said, never guessed. With the
real client: on a machine with no Claude Code configuration at all, check proves a Bedrock
gateway fix and a Vertex fix, and says it built their configuration.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from remedies.catalog.data_format import RemedySpec, parse_spec
from remedies.catalog.data_remedy import judge_when, variables
from remedies.catalog.when_built import Built, build
from remedies.claude.collect import collect
from remedies.claude.installs import ClaudeOnPath
from remedies.claude.sources import WATCHED
from remedies.context import Context
from shells import shell_named
from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.client_homes import client_home
from tests.test_catalogue import CATALOGUE

PACKAGED = sorted(CATALOGUE.glob("*.toml"))
RENAME = b"""\
name = "small-fast-renamed"
summary = "Carry the deprecated small-fast model to its new name"
worth = "configuration fix"

[what]
rename = { ANTHROPIC_SMALL_FAST_MODEL = "ANTHROPIC_DEFAULT_HAIKU_MODEL" }

[proof]
body_mentions = ["claude"]
"""


def test_a_renames_old_name_is_built(tmp_path: Path) -> None:
    meets_its_when(parse_spec(RENAME, "rename.toml"), tmp_path)


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: p.stem)
def test_what_is_built_meets_the_files_when(path: Path, tmp_path: Path) -> None:
    meets_its_when(parse_spec(path.read_bytes(), path.name), tmp_path)


def meets_its_when(spec: RemedySpec, tmp_path: Path) -> None:
    # A machine already configured otherwise: none of it is kept.
    base = {"PATH": "/usr/bin:/bin", "CLAUDE_CODE_USE_MANTLE": "1", "AWS_REGION": "eu-west-3"}
    built = build(spec, base)
    assert isinstance(built, Built), built
    assert built.shell_env["PATH"] == "/usr/bin:/bin"
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude/settings.json").write_text(json.dumps({"env": built.settings_env}))
    ctx = Context(home=home, env=built.shell_env, cwd=home)
    bash = shell_named("bash")
    assert bash is not None
    picture = collect(ctx, [bash], names=(*WATCHED, *variables(spec)))
    unversioned = replace(spec, when=replace(spec.when, versions=None))
    judged = judge_when(unversioned, picture, ClaudeOnPath(None), home)
    assert not isinstance(judged, str), judged


def test_what_cannot_be_built_is_said() -> None:
    text = PACKAGED[0].read_bytes().decode()
    spec = parse_spec(text.encode(), "x.toml")
    odd = replace(spec, when=replace(spec.when, matching=(("X_TOKEN_COUNT", "^zz[0-9]+q$"),)))
    assert build(odd, {}) == "no stand-in value matches its X_TOKEN_COUNT pattern ^zz[0-9]+q$"


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.parametrize("name", ["disable-betas", "vertex-project-missing"])
def test_a_machine_with_no_configuration_checks_a_file(sandbox: Sandbox, name: str) -> None:
    client_home(sandbox, claude_client.install())
    done = sandbox.remedy("check", str(CATALOGUE / f"{name}.toml"), "--json")
    assert done.code == 0, done.stdout + done.stderr
    doc = done.json()
    assert doc["verdict"] == "proven", doc
    (note,) = [n for n in doc["notes"] if "check built it from [when]" in n]
    assert note.startswith("this machine does not meet its [when] (Claude Code's provider"), note
