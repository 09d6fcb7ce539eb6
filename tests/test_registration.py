"""A command is registered in one place (remedies.commands.COMMANDS), a built-in remedy in one
place (remedies.catalog.registry.BUILTIN); these tests hold each table to the modules it names,
so that a row with no module, a module with no row, or a line of help that says another
command's cannot get in."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from remedies.catalog.registry import BUILTIN
from remedies.commands import COMMANDS
from tests.conftest import REPO


def _modules_defining(folder: Path, name: str) -> set[str]:
    """The modules of `folder` that assign `name` at their top level (read, not imported)."""
    found = set()
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                parts = path.relative_to(REPO).with_suffix("").parts
                found.add(".".join(parts))
    return found


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_in_the_table_is_its_module_s_command(name: str) -> None:
    registered = COMMANDS[name]
    command = importlib.import_module(registered.module).command
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.short_help == registered.short_help


def test_every_command_module_is_in_the_table() -> None:
    """A module exposing a `command` object is a `remedy <command>` only once it is a row of
    COMMANDS (apply's sub-commands are built by functions, not module-level commands)."""
    defined = _modules_defining(REPO / "remedies" / "commands", "command")
    assert defined == {registered.module for registered in COMMANDS.values()}


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_each_built_in_remedy_in_the_table_is_its_module_s_remedy(name: str) -> None:
    builtin = BUILTIN[name]
    remedy = importlib.import_module(builtin.module).REMEDY
    assert remedy.name == name
    assert remedy.summary == builtin.summary


def test_every_remedy_module_is_in_the_table() -> None:
    defined = _modules_defining(REPO / "remedies" / "catalog", "REMEDY")
    assert defined == {builtin.module for builtin in BUILTIN.values()}


def _imported_after(argv: list[str], prefix: str) -> tuple[list[str], str]:
    """The lines `remedy ARGV` prints, run in a fresh interpreter, and the modules named
    `prefix...` it imported (printed last)."""
    script = (
        "import sys\n"
        "from remedies.cli import cli\n"
        "try:\n"
        f"    cli.main({argv!r}, prog_name='remedy')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({prefix!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    *lines, imported = done.stdout.splitlines()
    return lines, imported


def test_the_list_imports_no_built_in_remedy() -> None:
    """`remedy list` reads each built-in's line from the table, not from its module."""
    lines, imported = _imported_after(["list"], "remedies.catalog.")
    assert not {builtin.module for builtin in BUILTIN.values()} & set(ast.literal_eval(imported))
    for name, builtin in BUILTIN.items():
        assert any(line.split()[:1] == [name] and builtin.summary in line for line in lines)


def test_the_help_lists_every_command_without_importing_one() -> None:
    """`remedy --help` lists the commands from the table: importing every command to ask its
    help line would make `--help` as slow as the slowest command's imports.
    (Was test_cli.py's test_the_help_table_names_every_command.)"""
    help_lines, imported = _imported_after(["--help"], "remedies.commands.")
    assert imported == "[]"
    section = help_lines[help_lines.index("Commands:") + 1 :]
    assert sorted(
        line.split()[0] for line in section if line.startswith("  ") and not line.startswith("   ")
    ) == sorted(COMMANDS)
    text = " ".join(" ".join(section).split())  # long lines wrap
    for name, registered in COMMANDS.items():
        assert f"{name} {registered.short_help}" in text


# `completion` prints click's own script for the root command: it is click, through and
# through. `apply` is a group: each of its sub-commands' modules has the core.
WITH_A_CORE = sorted(
    {c.module for name, c in COMMANDS.items() if name not in {"completion", "apply"}}
    | {f"remedies.commands.{m}" for m in ("apply_env", "apply_auto", "apply_pin")}
)


@pytest.mark.parametrize("module", WITH_A_CORE)
def test_each_command_has_a_core_that_neither_parses_nor_prints(module: str) -> None:
    """core(ctx, request) returns a result; reading the command line and rendering are the
    callback's. Read, not run: the core's own body names neither click nor Output."""
    tree = ast.parse((REPO / (module.replace(".", "/") + ".py")).read_text())
    [core] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "core"]
    assert [a.arg for a in core.args.args][:2] == ["ctx", "request"]
    named = {n.id for n in ast.walk(core) if isinstance(n, ast.Name)}
    assert not named & {"click", "Output", "out"}
