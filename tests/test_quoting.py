"""Quoting: any value, written by remedy and read back by the real shell, byte for byte.

Each hypothesis example writes several assignments into the shell's own start-up file in a
temporary HOME and asks a new shell for its environment; a canary proves nothing ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remedies.engine.envedit import EnvEdit
from shells import shell_named
from shells.base import parse_env_dump
from shells.powershell import PowerShell
from tests.conftest import base_env, require_program

# Text an environment variable can hold: anything but NUL, in UTF-8 (no lone surrogates).
values = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), max_size=40
)
SPICY = st.sampled_from(
    [
        "'",
        '"',
        "$HOME",
        "$(touch CANARY)",
        "`touch CANARY`",
        "!!",
        "!$",
        "\\",
        "\\\\'",
        "\n",
        "\r\n",
        "\t",
        "%",
        "#",
        "~",
        "*",
        "{a,b}",
        "é",
        "🎉",
        "\u2019",
        "a#b",
        " lead",
        "trail ",
    ]
)
mixed = st.lists(st.one_of(values, SPICY), min_size=1, max_size=6).map("".join)

RC_FILE = {
    "bash": ".bashrc",
    "zsh": ".zshenv",
    "ksh": ".kshrc",
    "fish": ".config/fish/conf.d/remedy.fish",
    "tcsh": ".tcshrc",
}


def read_back(shell_name: str, home: Path, assignments: list[tuple[str, str]]) -> dict[str, str]:
    shell = shell_named(shell_name)
    assert shell is not None
    executable = require_program(shell.executables[0])
    lines = EnvEdit(set=tuple(assignments)).body(shell)
    rc = home / RC_FILE[shell_name]
    rc.parent.mkdir(parents=True, exist_ok=True)
    rc.write_bytes(("\n".join(lines) + "\n").encode())
    done = subprocess.run(
        shell.probe_argv(executable, sys.executable, login=False),
        executable=executable,
        env=base_env(home),
        cwd=home,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    env = parse_env_dump(done.stdout)
    assert env is not None, done.stderr
    return env


@pytest.mark.real_shell
@pytest.mark.parametrize("shell_name", sorted(RC_FILE))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=st.lists(mixed, min_size=1, max_size=5))
def test_any_value_reads_back_exactly(tmp_path: Path, shell_name: str, chosen: list[str]) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    assignments = [(f"REMEDY_TEST_{i}", value) for i, value in enumerate(chosen)]
    env = read_back(shell_name, home, assignments)
    for name, value in assignments:
        assert env.get(name) == value
    assert not list(home.rglob("CANARY")), "a value ran as code"


def test_powershell_quoting_doubles_every_kind_of_single_quote() -> None:
    shell = PowerShell()
    assert shell.quote("it's") == "'it''s'"
    assert shell.quote("\u2018x\u2019") == "'\u2018\u2018x\u2019\u2019'"
    assert shell.quote("$env:HOME `n $(x)") == "'$env:HOME `n $(x)'"
    assert shell.render_set("X", "a\nb") == "$env:X = 'a\nb'"
    assert shell.render_unset("X") == "Remove-Item -Path Env:X -ErrorAction SilentlyContinue"


def test_powershell_block_follows_the_files_line_endings() -> None:
    assert PowerShell().block_line_ending(b"\r\n") == b"\r\n"
    assert shell_named("bash").block_line_ending(b"\r\n") == b"\n"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["a\0b", "\ud800", "x" * 140_000])
def test_values_no_environment_can_hold_are_refused(bad: str) -> None:
    for name in ("bash", "fish", "tcsh", "pwsh"):
        shell = shell_named(name)
        assert shell is not None
        with pytest.raises(ValueError):
            shell.render_set("X", bad)


def test_names_must_be_portable() -> None:
    shell = shell_named("bash")
    assert shell is not None
    for bad in ("1X", "A-B", "A B", "$(x)", ""):
        with pytest.raises(ValueError):
            shell.render_set(bad, "1")
