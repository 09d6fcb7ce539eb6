"""Hostile values, written by remedy into each real shell's start-up files and read back by
that shell byte for byte; canary files prove that nothing inside a value ever ran.

A small plugin remedy (installed through a real entry point, as a third party would) sets
any strings given with --value; the CLI's own remedies only take JSON objects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shells import shell_named
from tests.conftest import Sandbox
from tests.support import figures

PLUGIN = """
import click
from remedies.engine.envedit import EnvEdit
from remedies.catalog.interface import EnvRemedy, Proposal


def propose(ctx, shells, options):
    values = options.get("value") or ()
    return Proposal(edit=EnvEdit(set=tuple((f"HOSTILE_{i}", v) for i, v in enumerate(values))))


REMEDY = EnvRemedy(
    name="hostile", summary="Set hostile values.", help="For tests.", propose=propose,
    options=lambda: [click.Option(["--value"], multiple=True)],
)
"""

CANARY = "REMEDY_CANARY"
VALUES = [
    "",
    "plain",
    "it's \"double\" and 'single'",
    "'",
    '"',
    "$HOME ${HOME} $0 $$ $? $# $@ $*",
    f"$(touch $HOME/{CANARY}_1) and `touch $HOME/{CANARY}_2`",
    f"(touch {CANARY}_3); touch {CANARY}_4 && touch {CANARY}_5 | touch {CANARY}_6",
    "!! !$ !-1 !touch ^old^new",
    "back\\slash \\\\ double \\' \\\" \\n not-a-newline \\",
    "% %s %d %n %% 100%",
    "# not a comment #{HOME}",
    "line one\nline two\n\nline four",
    "tab\there\tand\ttab",
    "carriage\rreturn\r\n",
    "caf\u00e9 \u65e5\u672c\u8a9e \U0001f389 \u2018smart\u2019 \u201cquotes\u201d \u00a0nbsp",
    "~ ~root ~/x *.txt ? [abc] {a,b} {1..3}",
    "; && || | > < >> << & 2>&1",
    "-e -n --help",
    " leading and trailing spaces ",
    "x" * 100_000,
    "# >>> remedy hostile >>> but not on a line of its own",
]
SHELLS = ["bash", "zsh", "sh", "ksh", "fish", "tcsh"]


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    info = site / "hostile_remedy-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "hostile_remedy.py").write_text(PLUGIN)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile-remedy\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[remedy.remedies]\nhostile = hostile_remedy:REMEDY\n")
    return {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


@pytest.mark.real_shell
@pytest.mark.parametrize("shell", SHELLS)
def test_hostile_values_read_back_exactly(
    sandbox: Sandbox, plugin_env: dict[str, str], shell: str
) -> None:
    args = [item for value in VALUES for item in ("--value", value)]
    result = sandbox.remedy("apply", "hostile", "--shell", shell, "--yes", *args, env=plugin_env)
    assert result.code == 0, result.stderr
    found = shell_named(shell)
    assert found is not None
    for login in found.probe_modes():
        env = sandbox.shell_env(shell, login)
        for index, value in enumerate(VALUES):
            assert env.get(f"HOSTILE_{index}") == value, (shell, login, index)
        figures.add("hostile values read back by a real shell", len(VALUES))
    canaries = [p for p in [*sandbox.home.rglob(f"{CANARY}*"), *Path.cwd().glob(f"{CANARY}*")]]
    assert canaries == [], "a value ran as code"
    reverted = sandbox.remedy("revert", "--yes", env=plugin_env)
    assert reverted.code == 0, reverted.stderr
    figures.add("shells fed hostile values")


def test_powershell_renders_every_hostile_value_as_one_literal() -> None:
    """pwsh is not installed here: its single-quoted literals are checked as text."""
    shell = shell_named("pwsh")
    assert shell is not None
    for value in VALUES:
        word = shell.quote(value)
        inner = word[1:-1]
        assert word[0] == word[-1] == "'"
        # Every quote-like character inside is doubled, so none can end the literal.
        for quote in "'\u2018\u2019\u201a\u201b":
            assert inner.replace(quote * 2, "").count(quote) == 0
        assert (
            inner.replace("''", "'")
            .replace("\u2018\u2018", "\u2018")
            .replace("\u2019\u2019", "\u2019")
            == value
        )
