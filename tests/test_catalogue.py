"""Remedies as data: the format's errors, where files come from, and each catalogue entry
with the real Claude Code from npm (doctor finds it, apply fixes it, verify proves it against
the recorded request, revert is byte-exact)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remedies.catalog.data_format import parse_spec
from remedies.catalog.format_reader import line_of
from remedies.errors import BadInput
from tests.conftest import Sandbox
from tests.support import claude_client

GOOD = """\
name = "quiet-tokens"
summary = "Drop a stale output-token limit"
rank = 70

[when]
matching = { CLAUDE_CODE_MAX_OUTPUT_TOKENS = "^4096$" }

[what]
unset = ["CLAUDE_CODE_MAX_OUTPUT_TOKENS"]
"""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (GOOD.replace("rank = 70", "rnak = 70"), "f.toml:3: rnak: unknown key"),
        (GOOD.replace("matching = {", "matchin = {"), "f.toml:6: when.matching"[:14]),
        (
            GOOD.replace('"^4096$"', '"^(4096$"'),
            "when.matching: CLAUDE_CODE_MAX_OUTPUT_TOKENS: not a regex",
        ),
        (GOOD + '\n[proof]\nendpoint = "moon"\n', "proof.endpoint: 'moon' is none of"),
        (GOOD.replace('name = "quiet-tokens"', 'name = "Quiet Tokens"'), "f.toml:1: name:"),
        (GOOD.replace("[what]\nunset", "[what]\nunsets"), "f.toml:9: what.unsets: unknown key"),
        ('name = "x', "f.toml: not valid TOML"),
        (
            GOOD.replace("[what]", '[options.region]\nhelp = "r"\nexample = 1\n[what]'),
            "f.toml:10: options.example: region: must be a string",
        ),
        (
            GOOD.replace("[what]", '[options.yes]\nhelp = "r"\n[what]'),
            "options.yes: --yes is already an option of every apply",
        ),
        (
            GOOD.replace("[what]", '[options.r]\nhelp = "r"\ndefault_from = "vault"\n[what]'),
            "options.default_from: 'vault' is none of aws-config-region, gcloud-project",
        ),
        (
            GOOD.replace("unset = [", 'set = { AWS_REGION = "{region}" }\nunset = ['),
            "f.toml:9: what.set: {region} is not a declared [options.region]",
        ),
        (
            GOOD.replace("unset = [", 'rewrite = { ANTHROPIC_MODEL = "guess" }\nunset = ['),
            "what.rewrite: ANTHROPIC_MODEL: must be NAME = one of region-prefix",
        ),
        (GOOD + "\n[proof]\nmodel_fits_region = 1\n", "proof.model_fits_region: must be true"),
        (
            GOOD.replace(
                "unset = [",
                'rewrite = { ANTHROPIC_MODEL = "region-prefix" }\n'
                'set = { ANTHROPIC_MODEL = "anthropic.claude-opus-4-7" }\nunset = [',
            ),
            "what.rewrite: ANTHROPIC_MODEL is in set already: name it once",
        ),
        (GOOD + '\n[when]\nversions = "~~2"\n', "not valid TOML"),
    ],
)
def test_a_wrong_file_is_one_line_naming_file_key_and_line(text: str, said: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_spec(text.encode(), "f.toml")
    assert said in str(caught.value), str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_lookups_the_format_names_are_the_ones_that_exist() -> None:
    from remedies.catalog.format_options import LOOKUPS
    from remedies.claude.found_values import LOOKUPS as FOUND

    assert set(LOOKUPS) == set(FOUND)


def test_line_of_finds_the_key_in_its_table() -> None:
    text = "a = 1\n[when]\nrank = 2\n[what]\nrank = 3\n"
    assert line_of(text, "rank", "what") == 5
    assert line_of(text, "rank", "when") == 3
    assert line_of(text, "a") == 1


@pytest.mark.real_shell
def test_files_from_the_user_folder_and_a_path(sandbox: Sandbox, tmp_path: Path) -> None:
    folder = sandbox.home / ".config" / "remedy" / "remedies"
    folder.mkdir(parents=True)
    (folder / "quiet.toml").write_text(GOOD)
    listed = sandbox.remedy("list", "--json").json()["remedies"]
    assert "quiet-tokens" in [r["name"] for r in listed]
    sandbox.write(".bashrc", "export CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096\n")
    original = sandbox.snapshot()
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    found = [p for p in doctor["problems"] if p.get("remedy") == "quiet-tokens"]
    assert found, doctor["problems"]
    # A count of tokens, not a token: shown, with where it is set.
    assert found[0]["evidence"] == ["CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096 at ~/.bashrc:1"]
    applied = sandbox.remedy("apply", "quiet-tokens", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    assert "CLAUDE_CODE_MAX_OUTPUT_TOKENS" not in sandbox.shell_env("bash")
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original
    # The same file by path, under another name; a name already taken is refused.
    other = tmp_path / "fix.toml"
    other.write_text(GOOD.replace("quiet-tokens", "quiet-tokens-2"))
    by_path = sandbox.remedy("apply", str(other), "--shell", "bash", "--yes")
    assert by_path.code == 0, by_path.stderr
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original
    other.write_text(GOOD)
    taken = sandbox.remedy("apply", str(other), "--shell", "bash", "--yes")
    assert taken.code == 2 and "already a remedy's" in taken.stderr


def test_a_file_may_not_shadow_a_built_in(sandbox: Sandbox) -> None:
    folder = sandbox.home / ".config" / "remedy" / "remedies"
    folder.mkdir(parents=True)
    (folder / "m.toml").write_text(GOOD.replace("quiet-tokens", "mantle"))
    result = sandbox.remedy("list")
    assert result.code == 2
    assert "name 'mantle' is a built-in remedy's" in result.stderr and "m.toml" in result.stderr


@pytest.mark.real_shell
@pytest.mark.real_client
def test_disable_betas_with_the_real_client(sandbox: Sandbox) -> None:
    """Bedrock through a gateway: doctor finds it, apply sets the switch, and the request the
    real client sends no longer carries tool-search-tool (measured with 2.1.111; the
    interleaved-thinking beta stays in the body, so the stand-in's 400 still answers)."""
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n"
        "export ANTHROPIC_BEDROCK_BASE_URL=https://gateway.example.com/bedrock\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    original = sandbox.snapshot()
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    found = [p for p in doctor["problems"] if p.get("remedy") == "disable-betas"]
    assert found, doctor["problems"]
    assert any("~/.bashrc:4" in e for e in found[0]["evidence"]), found
    assert "disable-betas" in [r["remedy"] for r in doctor["recommendations"]]

    def betas(doc: dict[str, object]) -> set[str]:
        runs = doc["runs"]
        assert isinstance(runs, list)
        return {b for r in runs for b in [*r["header_betas"], *r["body_betas"]]}

    def verify() -> dict[str, object]:
        done = sandbox.remedy("verify", "--shell", "bash", "--json")
        doc: dict[str, object] = json.loads(done.stdout)
        return doc

    assert "tool-search-tool-2025-10-19" in betas(verify())
    applied = sandbox.remedy("apply", "disable-betas", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    after = verify()
    assert "tool-search-tool-2025-10-19" not in betas(after)
    runs = after["runs"]
    assert isinstance(runs, list)
    assert all(r["proof_failures"] == [] for r in runs), [
        (r["shell"], r["endpoint"], r["path"], r["proof_failures"]) for r in runs
    ]
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_new_writes_a_skeleton_that_check_reads_and_proves(sandbox: Sandbox) -> None:
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n",
    )
    path = sandbox.home / "my-fix.toml"
    made = sandbox.remedy("new", "my-fix", "--output", str(path))
    assert made.code == 0, made.stderr
    again = sandbox.remedy("new", "my-fix", "--output", str(path))
    assert again.code == 2 and "exists" in again.stderr
    empty = sandbox.remedy("check", str(path))
    assert empty.code == 2 and "what: a remedy must set or unset something" in empty.stderr
    assert f"{path}:" in empty.stderr, "the line to go to"
    text = path.read_text()
    text = text.replace("set = { }", 'set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1" }')
    text = text.replace('# endpoint = "bedrock"', 'endpoint = "bedrock"')
    text = text.replace("# betas_lack", "betas_lack")
    path.write_text(text)
    # A remedy must say when it applies (issue 26): an empty [when] would hold everywhere.
    whenless = sandbox.remedy("check", str(path))
    assert whenless.code == 2 and "a remedy must say when it applies" in whenless.stderr
    text = text.replace('# provider = ["bedrock"]', 'provider = ["bedrock"]')
    path.write_text(text)
    before = sandbox.snapshot()
    checked = sandbox.remedy("check", str(path), "--json")
    assert checked.code == 0, checked.stdout + checked.stderr
    doc = checked.json()
    assert doc["proven"] is True and doc["after"] == []
    assert doc["before"] == ["my-fix: the request carries beta tool-search-tool-2025-10-19"]
    assert sandbox.snapshot() == before, "check writes nothing"
    # A proof that cannot hold: check says so and exits 1.
    path.write_text(text.replace('endpoint = "bedrock"', 'endpoint = "mantle"'))
    failed = sandbox.remedy("check", str(path))
    assert failed.code == 1 and "not mantle" in failed.stdout, failed.stdout


@pytest.mark.real_shell
@pytest.mark.real_client
def test_prompt_caching_off_with_the_real_client(sandbox: Sandbox) -> None:
    """A permanent DISABLE_PROMPT_CACHING=1: doctor finds it where it is set, apply unsets
    it, and the request the real client sends carries cache_control again (measured with
    2.1.111: none with the variable, some without)."""
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_MANTLE=1\nexport AWS_REGION=us-east-1\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".claude/settings.json", '{\n  "env": {"DISABLE_PROMPT_CACHING": "1"}\n}\n')
    original = sandbox.snapshot()
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    found = [p for p in doctor["problems"] if p.get("remedy") == "prompt-caching-off"]
    assert found and "~/.claude/settings.json" in found[0]["evidence"][0], found
    applied = sandbox.remedy("apply", "prompt-caching-off", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    assert "DISABLE_PROMPT_CACHING" not in json.loads(sandbox.read(".claude/settings.json"))["env"]
    done = sandbox.remedy("verify", "--shell", "bash", "--json")
    doc = json.loads(done.stdout)
    assert done.code == 0 and doc["verdict"] == "ok", doc
    assert all(r["proof_failures"] == [] for r in doc["runs"])
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_ca_certs_move_from_settings_to_the_shells(sandbox: Sandbox) -> None:
    """NODE_EXTRA_CA_CERTS only in settings.json, with Claude Code 2.1.69 from npm (measured:
    before 2.1.70 the client ignores it there): doctor finds it, `check` shows the client
    does not trust a CA given only there and does from the shell, apply moves it into the
    shells, verify proves it over TLS, a second apply changes nothing, revert is byte-exact."""
    claude = claude_client.install("2.1.69")
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n",
    )
    sandbox.write(".profile", ". ~/.bashrc\n")
    settings = (
        '{\n  "env": {\n    "NODE_EXTRA_CA_CERTS": "/etc/ssl/corp-ca.pem",\n    "X": "1"\n  }\n}\n'
    )
    sandbox.write(".claude/settings.json", settings)
    original = sandbox.snapshot()
    # This machine may export its own CA file to reach npm: not in this user's terminal.
    clean = {"NODE_EXTRA_CA_CERTS": None}
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json", env=clean).json()
    found = [p for p in doctor["problems"] if p.get("remedy") == "ca-certs-in-settings"]
    assert found and "settings.json" in found[0]["evidence"][-1], doctor["problems"]
    checked = sandbox.remedy(
        "check", str(CATALOGUE / "ca-certs-in-settings.toml"), "--json", env=clean
    )
    assert checked.code == 0, checked.stdout + checked.stderr
    assert checked.json()["before"] == [
        "ca-certs-in-settings: the client did not trust the CA that NODE_EXTRA_CA_CERTS names "
        "where it is set (no request reached the TLS stand-in)"
    ]
    assert checked.json()["after"] == []
    applied = sandbox.remedy("apply", "ca-certs-in-settings", "--shell", "bash", "--yes", env=clean)
    assert applied.code == 0, applied.stderr
    assert sandbox.shell_env("bash")["NODE_EXTRA_CA_CERTS"] == "/etc/ssl/corp-ca.pem"
    assert json.loads(sandbox.read(".claude/settings.json"))["env"] == {"X": "1"}
    verified = sandbox.remedy("verify", "--shell", "bash", "--json", env=clean)
    runs = json.loads(verified.stdout)["runs"]
    assert runs and all(r["proof_failures"] == [] and r["path"] for r in runs), runs
    moved = sandbox.snapshot()
    again = sandbox.remedy(
        "apply", "ca-certs-in-settings", "--shell", "bash", "--yes", "--json", env=clean
    )
    assert again.code == 0 and again.json()["changed"] is False, again.stdout
    assert sandbox.snapshot() == moved
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json", env=clean).json()
    assert not [p for p in doctor["problems"] if p.get("remedy") == "ca-certs-in-settings"]
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_ca_certs_in_settings_is_no_problem_from_2_1_70(sandbox: Sandbox) -> None:
    """Measured: 2.1.70 and later trust a CA given only in settings.json; doctor says nothing."""
    claude = claude_client.install()
    sandbox.write(".bashrc", f"export PATH={claude.parent}:$PATH\n")
    sandbox.write(".claude/settings.json", '{"env": {"NODE_EXTRA_CA_CERTS": "/etc/ca.pem"}}')
    doctor = sandbox.remedy(
        "doctor", "--shell", "bash", "--json", env={"NODE_EXTRA_CA_CERTS": None}
    ).json()
    assert "ca-certs-in-settings" not in [p.get("remedy") for p in doctor["problems"]]


# --- the catalogue entries added for issue 15, each with the real client ------------------

CATALOGUE = Path(__file__).resolve().parents[1] / "remedies" / "catalog" / "data"


def _problem(sandbox: Sandbox, name: str) -> dict[str, object]:
    doctor = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    found = [p for p in doctor["problems"] if p.get("remedy") == name]
    assert found, doctor["problems"]
    assert name in [r["remedy"] for r in doctor["recommendations"]]
    problem: dict[str, object] = found[0]
    return problem


def _check_fails_then_holds(sandbox: Sandbox, name: str, *options: str) -> list[str]:
    """`remedy check` on the packaged file: the proof fails as things are and holds with the
    remedy's variables, so the proof verify relies on can fail."""
    args = [a for o in options for a in ("--option", o)]
    done = sandbox.remedy("check", str(CATALOGUE / f"{name}.toml"), *args, "--json")
    assert done.code == 0, done.stdout + done.stderr
    doc = done.json()
    assert doc["before"] and doc["after"] == [], doc
    before: list[str] = doc["before"]
    return before


def _verified(sandbox: Sandbox) -> list[dict[str, object]]:
    done = sandbox.remedy("verify", "--shell", "bash", "--json")
    runs: list[dict[str, object]] = json.loads(done.stdout)["runs"]
    assert runs and all(r["proof_failures"] == [] for r in runs), [
        (r["model"], r["path"], r["proof_failures"]) for r in runs
    ]
    return runs


def _bedrock_home(sandbox: Sandbox, *lines: str) -> None:
    """Bedrock set up the way the docs show, in a file ~/.bashrc sources."""
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "[ -f ~/.config/shell/claude.sh ] && . ~/.config/shell/claude.sh\n",
    )
    sandbox.write(".profile", '[ -n "$BASH" ] && . ~/.bashrc\n')
    sandbox.write(".config/shell/claude.sh", "".join(f"{line}\n" for line in lines))


@pytest.mark.real_shell
@pytest.mark.real_client
def test_max_output_tokens_stale_with_the_real_client(sandbox: Sandbox) -> None:
    """A 4096 copied from the old Bedrock docs: measured with 2.1.111, it is every request's
    max_tokens, from the shell or from settings; unset, the client's own default is back."""
    _bedrock_home(
        sandbox,
        "export CLAUDE_CODE_USE_MANTLE=1",
        "export AWS_REGION=us-east-1",
        "export CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096  # from the Bedrock docs, 2025",
    )
    original = sandbox.snapshot()
    problem = _problem(sandbox, "max-output-tokens-stale")
    assert problem["evidence"] == [
        "CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096 at ~/.config/shell/claude.sh:3 (sourced at ~/.bashrc:2)"
    ]
    before = _check_fails_then_holds(sandbox, "max-output-tokens-stale")
    assert before == ['max-output-tokens-stale: the body holds "max_tokens":4096']
    applied = sandbox.remedy("apply", "max-output-tokens-stale", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    assert "CLAUDE_CODE_MAX_OUTPUT_TOKENS" not in sandbox.shell_env("bash")
    _verified(sandbox)
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_aws_region_missing_with_the_real_client(sandbox: Sandbox) -> None:
    """`aws configure` wrote eu-west-1 to ~/.aws/config; Claude Code 2.1.111 does not read it
    and asks for us. profiles. apply sets AWS_REGION from the profile; the request then asks
    for an eu. model."""
    _bedrock_home(sandbox, "export CLAUDE_CODE_USE_BEDROCK=1", "export AWS_PROFILE=work")
    original = sandbox.snapshot()
    # No region anywhere: a bad or missing --region is refused before anything is written.
    for args in ((), ("--region", "Europe"), ("--region", "eu-west-1; rm -rf ~")):
        refused = sandbox.remedy("apply", "aws-region-missing", "--shell", "bash", "--yes", *args)
        assert refused.code == 2, refused.stderr
        assert "--region" in refused.stderr and "e.g. --region eu-west-1" in refused.stderr
        assert sandbox.snapshot() == original
        assert not (sandbox.home / ".local" / "state" / "remedy").exists()
    aws_config = "[default]\nregion = us-west-2\n\n[profile work]\nregion = eu-west-1\n"
    sandbox.write(".aws/config", aws_config)
    original = sandbox.snapshot()
    problem = _problem(sandbox, "aws-region-missing")
    assert "no AWS_REGION" in problem["evidence"]  # type: ignore[operator]
    before = _check_fails_then_holds(sandbox, "aws-region-missing", "region=eu-west-1")
    assert before == [
        "aws-region-missing: the client ran with no AWS region (it falls back to us-east-1)"
    ]
    applied = sandbox.remedy("apply", "aws-region-missing", "--shell", "bash", "--yes", "--json")
    assert applied.code == 0, applied.stderr
    assert sandbox.shell_env("bash")["AWS_REGION"] == "eu-west-1", "the work profile's region"
    runs = _verified(sandbox)
    assert any("/model/eu.anthropic." in str(r["path"]) for r in runs), runs
    again = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    assert "aws-region-missing" not in [p.get("remedy") for p in again["problems"]]
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_model_region_prefix_with_the_real_client(sandbox: Sandbox) -> None:
    """A team in eu-west-1 copied a us. model id from a US colleague's dotfiles, and /model
    left another in settings.json: both get the eu. prefix, in the file that sets them."""
    _bedrock_home(
        sandbox,
        "export CLAUDE_CODE_USE_BEDROCK=1",
        "export AWS_REGION=eu-west-1",
        "export ANTHROPIC_MODEL='us.anthropic.claude-sonnet-4-5-20250929-v1:0'",
    )
    sandbox.write(
        ".claude/settings.json",
        '{\n  "env": {\n'
        '    "ANTHROPIC_DEFAULT_OPUS_MODEL": "us.anthropic.claude-opus-4-7"\n  }\n}\n',
    )
    original = sandbox.snapshot()
    problem = _problem(sandbox, "model-region-prefix")
    evidence = " ".join(str(e) for e in problem["evidence"])  # type: ignore[attr-defined]
    assert "~/.config/shell/claude.sh:3" in evidence and "~/.claude/settings.json" in evidence
    assert "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" in evidence
    before = _check_fails_then_holds(sandbox, "model-region-prefix")
    assert before == [
        "model-region-prefix: it asked for us.anthropic.claude-sonnet-4-5-20250929-v1:0, "
        "not a model of eu-west-1"
    ]
    applied = sandbox.remedy("apply", "model-region-prefix", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    env = sandbox.shell_env("bash")
    assert env["ANTHROPIC_MODEL"] == "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
    settings = json.loads(sandbox.read(".claude/settings.json"))
    assert settings["env"]["ANTHROPIC_DEFAULT_OPUS_MODEL"] == "eu.anthropic.claude-opus-4-7"
    # Opus 4.7 asked by its bare id (verify asks it with Bedrock on) is sent as given.
    runs = [r for r in _verified(sandbox) if r["model"] != "claude-opus-4-7"]
    assert {str(r["path"]).split("/")[3].split(".")[0] for r in runs} == {"eu"}, runs
    again = sandbox.remedy("apply", "model-region-prefix", "--shell", "bash", "--yes")
    assert again.code == 0 and "nothing to do" in again.stdout, again.stdout
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@pytest.mark.real_shell
@pytest.mark.real_client
def test_vertex_project_and_region_with_the_real_client(sandbox: Sandbox) -> None:
    """Vertex with no project: measured with 2.1.111, the client sends nothing at all. The
    project comes from gcloud's configuration; the region must be given."""
    _bedrock_home(sandbox, "export CLAUDE_CODE_USE_VERTEX=1")
    sandbox.write(".config/gcloud/active_config", "team\n")
    sandbox.write(".config/gcloud/configurations/config_team", "[core]\nproject = acme-ml-42\n")
    original = sandbox.snapshot()
    _problem(sandbox, "vertex-project-missing")
    before = _check_fails_then_holds(sandbox, "vertex-project-missing")
    assert before == ["vertex-project-missing: the client sent no model request"]
    applied = sandbox.remedy("apply", "vertex-project-missing", "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    assert sandbox.shell_env("bash")["ANTHROPIC_VERTEX_PROJECT_ID"] == "acme-ml-42"
    runs = _verified(sandbox)
    assert all("/projects/acme-ml-42/locations/us-east5/" in str(r["path"]) for r in runs)
    # The region: required, checked, then proven in the path.
    _problem(sandbox, "vertex-region-missing")
    state = sandbox.snapshot()
    missing = sandbox.remedy("apply", "vertex-region-missing", "--shell", "bash", "--yes")
    assert missing.code == 2 and "needs --vertex-region" in missing.stderr, missing.stderr
    assert sandbox.snapshot() == state
    before = _check_fails_then_holds(sandbox, "vertex-region-missing", "vertex-region=europe-west1")
    assert before == ["vertex-region-missing: its path lacks '/locations/europe-west1/'"]
    region = ("--vertex-region", "europe-west1")
    applied = sandbox.remedy("apply", "vertex-region-missing", *region, "--shell", "bash", "--yes")
    assert applied.code == 0, applied.stderr
    runs = _verified(sandbox)
    assert all("/locations/europe-west1/" in str(r["path"]) for r in runs), runs
    done = sandbox.remedy("verify", "--shell", "bash", "--json").json()
    assert done["verdict"] == "ok", done
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == original


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["<", ">", "<=", ">=", "==", "!="]),
            st.lists(st.integers(0, 300), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["", " "]),
)
def test_a_plain_range_is_one_packaging_accepts(
    clauses: list[tuple[str, list[int]]], gap: str
) -> None:
    """Plain comparisons skip packaging's check (it costs `remedy list` its import): every one
    the shortcut takes must be one packaging takes too."""
    from packaging.specifiers import SpecifierSet

    from remedies.catalog.data_format import PLAIN_RANGE

    text = ",".join(f"{gap}{op}{gap}{'.'.join(map(str, parts))}" for op, parts in clauses)
    assert PLAIN_RANGE.match(text)
    SpecifierSet(text)  # raises if not
    for bad in ("~=2", ">=1.0.*", "==1.0.post1 ;", "2.1"):
        assert not PLAIN_RANGE.match(bad)
