"""`default_from = "variable:NAME"` (issue 25): an option that defaults to the value NAME has
for Claude Code now, read as doctor reads it (settings over the shells), held to the option's
pattern like a value given (a bad one: exit 2, one line, nothing written), and never read for
an export, which reads no home."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Sandbox

PIN_HAIKU = """\
name = "haiku-like-main"
summary = "Pin the Haiku model to the model the user already runs"

[options.model]
help = "The model id for Haiku"
pattern = '^[a-z0-9.:-]+$'
example = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
default_from = "variable:ANTHROPIC_MODEL"

[what]
set = { ANTHROPIC_DEFAULT_HAIKU_MODEL = "{model}" }
"""
IN_SHELL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
IN_SETTINGS = "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"


def home(sandbox: Sandbox, settings_model: str | None = IN_SETTINGS) -> str:
    sandbox.write(".bashrc", f"export ANTHROPIC_MODEL={IN_SHELL}\n")
    sandbox.write(".profile", ". ~/.bashrc\n")
    env = {} if settings_model is None else {"ANTHROPIC_MODEL": settings_model}
    sandbox.write(".claude/settings.json", json.dumps({"env": env}) + "\n")
    sandbox.write("fix.toml", PIN_HAIKU)
    return str(sandbox.home / "fix.toml")


def haiku_after_apply(sandbox: Sandbox, path: str, *more: str) -> str:
    done = sandbox.remedy("apply", path, "--shell", "bash", "--yes", *more)
    assert done.code == 0, done.stdout + done.stderr
    haiku = sandbox.shell_env("bash")["ANTHROPIC_DEFAULT_HAIKU_MODEL"]
    assert sandbox.remedy("revert", path, "--yes").code == 0
    return haiku


@pytest.mark.real_shell
def test_the_option_takes_the_value_that_wins_for_claude_code(sandbox: Sandbox) -> None:
    path = home(sandbox)
    assert haiku_after_apply(sandbox, path) == IN_SETTINGS  # settings beat the shell
    home(sandbox, settings_model=None)
    assert haiku_after_apply(sandbox, path) == IN_SHELL  # no settings value: the shell's
    assert haiku_after_apply(sandbox, path, "--model", "m-1") == "m-1"  # given comes first


@pytest.mark.real_shell
def test_a_current_value_the_pattern_refuses_is_one_line_and_writes_nothing(
    sandbox: Sandbox,
) -> None:
    path = home(sandbox, settings_model="Not A Model!")
    before = sandbox.snapshot()
    done = sandbox.remedy("apply", path, "--shell", "bash", "--yes")
    assert done.code == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert (
        "--model: the current ANTHROPIC_MODEL (at ~/.claude/settings.json env.ANTHROPIC_MODEL)"
        " 'Not A Model!' is not a model" in lines[0]
    ), lines[0]
    assert sandbox.snapshot() == before
    assert not (sandbox.home / ".local/state/remedy").exists()


def test_no_value_is_read_for_the_machine_or_an_export() -> None:
    """--machine and export read no one's home: the option must be given there, whatever
    value the variable has (an export calls the remedy's machine form with no Context)."""
    from remedies.catalog.data_format import parse_spec
    from remedies.catalog.data_options import Current, option_values
    from remedies.catalog.data_remedy import to_remedy
    from remedies.errors import BadInput

    spec = parse_spec(PIN_HAIKU.encode(), "fix.toml")
    machine = to_remedy(spec).machine
    assert machine is not None
    with pytest.raises(BadInput, match="needs --model"):
        machine(None, {})
    current = {"ANTHROPIC_MODEL": Current(IN_SHELL, "~/.bashrc:1")}
    with pytest.raises(BadInput, match="needs --model"):
        option_values(None, spec, {}, {}, current)
    assert machine(None, {"model": "m-1"}).env == (("ANTHROPIC_DEFAULT_HAIKU_MODEL", "m-1"),)


BAD = [
    ('default_from = "variable:ANTHROPIC_API_KEY"', "ANTHROPIC_API_KEY is a credential"),
    ('default_from = "variable:LD_PRELOAD"', "LD_PRELOAD makes programs load"),
    ('default_from = "variable:not a name"', "is not a variable name"),
    ('default_from = "variable:ANTHROPIC_MODEL"\ndefault = "x"', "not both"),
    ('default_from = "environment"', "none of aws-config-region, gcloud-project, variable:NAME"),
]


@pytest.mark.parametrize(("line", "words"), BAD, ids=[w for _, w in BAD])
def test_bad_defaults_are_refused(sandbox: Sandbox, line: str, words: str) -> None:
    sandbox.write(
        "fix.toml",
        PIN_HAIKU.replace('default_from = "variable:ANTHROPIC_MODEL"', line),
    )
    done = sandbox.remedy("check", str(sandbox.home / "fix.toml"))
    assert done.code == 2 and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_an_option_may_not_default_to_a_variable_the_remedy_removes(sandbox: Sandbox) -> None:
    """A fleet's next rollout would find no value on a fixed host and stop."""
    sandbox.write("fix.toml", PIN_HAIKU + 'unset = ["ANTHROPIC_MODEL"]\n')
    done = sandbox.remedy("check", str(sandbox.home / "fix.toml"))
    assert done.code == 2 and "ANTHROPIC_MODEL is removed by this remedy" in done.stderr
    assert "fix.toml:8: options.default_from" in done.stderr, done.stderr
