"""`rename = { OLD = "NEW" }` in a remedy file (issue 25): the user's value of a deprecated
variable carried to its new name in the start-up files and in Claude Code's settings, a
second apply changing no byte, revert putting every byte back; bad files refused (exit 2, one
line, nothing written)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from shells import shell_named
from tests.conftest import Sandbox
from tests.test_quoting import mixed

OLD, NEW = "ANTHROPIC_SMALL_FAST_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL"
RENAME = f"""\
name = "small-fast-renamed"
summary = "Carry the retired small/fast model variable to its new name"

[what]
rename = {{ {OLD} = "{NEW}" }}
"""
SHELL_VALUE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SETTINGS_VALUE = "eu.anthropic.claude-haiku-4-5-20251001-v1:0"
SETTINGS = (
    '{\n  "model": "opus",\n  "env": {\n'
    f'    "{OLD}": "{SETTINGS_VALUE}",\n    "AWS_REGION": "eu-west-1"\n  }}\n}}\n'
)


def home(sandbox: Sandbox, bashrc: str = f"export {OLD}='{SHELL_VALUE}'\n") -> str:
    sandbox.write(".bashrc", "# mine\nexport CLAUDE_CODE_USE_BEDROCK=1\n" + bashrc)
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".claude/settings.json", SETTINGS)
    sandbox.write("fixes/rename.toml", RENAME)
    return str(sandbox.home / "fixes/rename.toml")


def apply(sandbox: Sandbox, path: str, *more: str) -> dict[str, object]:
    done = sandbox.remedy("apply", path, "--shell", "bash", "--yes", "--json", *more)
    assert done.code == 0, done.stdout + done.stderr
    doc: dict[str, object] = done.json()
    return doc


def settings_env(sandbox: Sandbox) -> dict[str, str]:
    env: dict[str, str] = json.loads(sandbox.read(".claude/settings.json"))["env"]
    return env


@pytest.mark.real_shell
def test_apply_carries_the_value_then_changes_nothing_and_revert_puts_every_byte_back(
    sandbox: Sandbox,
) -> None:
    path = home(sandbox)
    before = sandbox.snapshot()
    assert apply(sandbox, path)["changed"] is True
    bash = sandbox.shell_env("bash")
    assert bash[NEW] == SHELL_VALUE and OLD not in bash
    assert settings_env(sandbox) == {NEW: SETTINGS_VALUE, "AWS_REGION": "eu-west-1"}
    # Only the renamed key changed in settings: the rest of the file is as it was.
    assert sandbox.read(".claude/settings.json").decode().startswith('{\n  "model": "opus",\n')
    after = sandbox.snapshot()
    second = apply(sandbox, path)
    assert second["changed"] is False, second
    assert sandbox.snapshot() == after
    # doctor no longer finds the problem: OLD is gone everywhere.
    found = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    assert not [p for p in found["problems"] if p.get("remedy") == "small-fast-renamed"]
    done = sandbox.remedy("revert", path, "--yes")
    assert done.code == 0, done.stdout + done.stderr
    assert sandbox.snapshot() == before


@pytest.mark.real_shell
def test_doctor_names_the_old_variable_where_it_is_set(sandbox: Sandbox) -> None:
    path = home(sandbox)
    config = sandbox.home / ".config/remedy/remedies"
    config.mkdir(parents=True)
    (config / "rename.toml").write_bytes(sandbox.read("fixes/rename.toml"))
    found = sandbox.remedy("doctor", "--shell", "bash", "--json").json()
    problem = next(p for p in found["problems"] if p.get("remedy") == "small-fast-renamed")
    assert problem["evidence"] == [f"{OLD}={SETTINGS_VALUE} at ~/.claude/settings.json env.{OLD}"]
    del path


@pytest.mark.real_shell
def test_where_the_user_set_both_the_new_value_wins(sandbox: Sandbox) -> None:
    path = home(sandbox, f"export {OLD}='{SHELL_VALUE}'\nexport {NEW}=mine\n")
    doc = apply(sandbox, path)
    assert any("is dropped" in str(n) for n in doc["notes"]), doc  # type: ignore[attr-defined]
    bash = sandbox.shell_env("bash")
    assert bash[NEW] == "mine" and OLD not in bash
    # Settings had OLD alone, but the user's shell sets NEW: OLD goes, nothing replaces it.
    assert settings_env(sandbox) == {"AWS_REGION": "eu-west-1"}


@pytest.mark.real_shell
def test_a_home_without_the_old_name_is_not_needed_and_gets_nothing(sandbox: Sandbox) -> None:
    path = home(sandbox, "")
    sandbox.write(".claude/settings.json", '{"env": {"AWS_REGION": "eu-west-1"}}\n')
    before = sandbox.snapshot()
    doc = apply(sandbox, path)
    assert doc["changed"] is False and doc["not_needed"], doc
    assert f"gets no {OLD}" in str(doc["not_needed"])
    assert sandbox.snapshot() == before


@pytest.mark.real_shell
def test_a_carried_value_is_held_to_the_new_names_shape(sandbox: Sandbox) -> None:
    """A rename to AWS_REGION carries only a plain region name (a value pasted into a host
    name): a bad one is exit 2 with one line, nothing written."""
    sandbox.write(".bashrc", "export AWS_DEFAULT_REGION='evil.example/x?'\n")
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(
        "fix.toml",
        'name = "region-renamed"\nsummary = "s"\n[what]\n'
        'rename = { AWS_DEFAULT_REGION = "AWS_REGION" }\n',
    )
    before = sandbox.snapshot()
    done = sandbox.remedy("apply", str(sandbox.home / "fix.toml"), "--shell", "bash", "--yes")
    assert done.code == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "AWS_REGION is a region" in done.stderr and "Traceback" not in done.stderr
    assert sandbox.snapshot() == before
    assert not (sandbox.home / ".local/state/remedy").exists()


# (the [what] table, the words of the one line) for files that must be refused
BAD = [
    ('rename = { ANTHROPIC_MODEL = "ANTHROPIC_API_KEY" }', "ANTHROPIC_API_KEY is a credential"),
    ('rename = { ANTHROPIC_MODEL = "ANTHROPIC_BASE_URL" }', "decides where requests go"),
    ('rename = { ANTHROPIC_API_KEY = "ANTHROPIC_MODEL" }', "ANTHROPIC_API_KEY is a credential"),
    ('rename = { ANTHROPIC_MODEL = "LD_PRELOAD" }', "LD_PRELOAD makes programs load"),
    ('rename = { ANTHROPIC_MODEL = "ANTHROPIC_MODEL" }', "renamed to itself"),
    (
        f'set = {{ {NEW} = "x" }}\nrename = {{ {OLD} = "{NEW}" }}',
        f"{NEW} is in set already",
    ),
    (
        f'unset = ["{OLD}"]\nrename = {{ {OLD} = "{NEW}" }}',
        f"{OLD} is in unset already",
    ),
    (
        f'rename = {{ {OLD} = "{NEW}", {NEW} = "ANTHROPIC_MODEL" }}',
        f"{NEW} is in rename already",
    ),
    ("rename = { ANTHROPIC_MODEL = 1 }", 'must be OLD_NAME = "NEW_NAME"'),
]


@pytest.mark.parametrize(("what", "words"), BAD, ids=[w for _, w in BAD])
def test_bad_rename_files_are_refused_and_write_nothing(
    sandbox: Sandbox, what: str, words: str
) -> None:
    path = home(sandbox)
    sandbox.write("fixes/rename.toml", f'name = "bad"\nsummary = "s"\n[what]\n{what}\n')
    before = sandbox.snapshot()
    for args in (("apply", path, "--shell", "bash", "--yes"), ("check", path)):
        done = sandbox.remedy(*args)
        assert done.code == 2, done.stdout + done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], done.stderr
        assert lines[0].startswith(f"remedy: error: {path}:"), lines[0]
    assert sandbox.snapshot() == before
    assert not (sandbox.home / ".local/state/remedy").exists()


@pytest.mark.real_shell
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=mixed)
def test_any_value_carried_comes_out_of_a_real_shell_byte_identical(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    """The user's line, quoted as bash quotes it; apply; a new bash has NEW byte for byte as
    OLD was, and no OLD. A value remedy cannot read as it stands (a newline makes the line
    span lines) is left where it is, and said so: never carried changed."""
    sandbox = Sandbox(tmp_path_factory.mktemp("home"))
    bash = shell_named("bash")
    assert bash is not None
    path = home(sandbox, bash.render_set(OLD, value) + "\n")
    (sandbox.home / ".claude/settings.json").unlink()
    doc = apply(sandbox, path)
    env = sandbox.shell_env("bash")
    notes = [str(n) for n in doc["notes"]]  # type: ignore[attr-defined]
    if value == "":
        assert doc["not_needed"], doc  # an empty value is no value, to Claude Code too
    elif NEW in env:
        assert env[NEW] == value and OLD not in env, (env[NEW], doc)
    else:  # only a line remedy cannot read as it stands: it spans lines
        assert "\n" in value and env.get(OLD) == value, (env.get(OLD), doc)
        assert any("by hand" in n for n in notes), doc
    assert not list(sandbox.home.rglob("CANARY")), "a value ran as code"


def test_check_plays_the_rename_in_both_halves() -> None:
    """What `remedy check` runs with the remedy: the shell's env and the merged settings
    renamed alike, and a new name set in either half keeps its own value in both."""
    from remedies.catalog.data_format import parse_spec
    from remedies.catalog.data_remedy import settings_after
    from remedies.catalog.rename import kept_in, renamed

    spec = parse_spec(RENAME.encode(), "rename.toml")
    shell = {OLD: SHELL_VALUE, "X": "1"}
    kept = kept_in(spec, shell, {OLD: SETTINGS_VALUE})
    assert renamed(spec, shell, kept) == {NEW: SHELL_VALUE, "X": "1"}
    after, _model = settings_after(spec, {OLD: SETTINGS_VALUE}, None, kept=kept)
    assert after == {NEW: SETTINGS_VALUE}
    kept = kept_in(spec, shell, {NEW: "mine"})
    assert renamed(spec, shell, kept) == {"X": "1"}
    assert settings_after(spec, {OLD: "a", NEW: "mine"}, None, kept=kept)[0] == {NEW: "mine"}
