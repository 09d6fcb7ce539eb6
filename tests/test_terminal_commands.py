"""Every command remedy tells a person to run, copied from a real terminal and run in a real
shell (issue 26): the journey (doctor, apply --dry-run, apply, status, verify, revert, apply
auto --dry-run) on a pty 60, 80 and 120 columns wide, for the seed's user with the real client.

How a command is recognised on the screen (remedies/layout.py): it is alone on a line of its
own, drawn in COMMAND_STYLE (bold cyan) from its first character to its last, so a copy of
the line is the command and nothing else. Each is checked by `bash -n`, then run: the lines
for this terminal (unset/export) in bash; remedy's commands with remedy on PATH, those that
change files as --dry-run, and none that would reach the real service (--live)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from remedies.layout import COMMAND_STYLE
from tests.conftest import Sandbox
from tests.support import claude_client, terminal
from tests.support.client_homes import affected_bedrock_user

JOURNEY = (
    ["doctor"],
    ["apply", "mantle", "--region", "us-east-1", "--dry-run"],
    ["apply", "mantle", "--region", "us-east-1", "--yes"],
    ["status"],
    ["verify"],
    ["revert", "--yes"],
    ["apply", "auto", "--region", "us-east-1", "--dry-run"],
)
START, END = click.style("\0", **COMMAND_STYLE).split("\0")  # type: ignore[arg-type]
COMMAND_LINE = re.compile(rf" *{re.escape(START)}([^\x1b]+){re.escape(END)}")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _screens(sandbox: Sandbox, columns: int) -> list[str]:
    env = {k: v for k, v in sandbox.env.items() if k != "NO_COLOR"}  # colour marks commands
    env["CLAUDE_CODE_USE_BEDROCK"] = "1"  # this terminal is the one that had it
    screens = []
    for args in JOURNEY:
        code, screen = terminal.Terminal(args, env, columns=columns, cwd=sandbox.home).finish(300)
        assert code in (0, 1), screen  # verify fails here: this terminal still has Bedrock
        screens.append(screen.replace("\r\n", "\n"))
    return screens


def _run(command: str, sandbox: Sandbox) -> subprocess.CompletedProcess[str]:
    env = {**sandbox.env, "CLAUDE_CODE_USE_BEDROCK": "1"}
    remedy = Path(sys.executable).parent  # the venv's bin: `remedy` as the user would have it
    env["PATH"] = f"{remedy}{os.pathsep}{env['PATH']}"
    words = shlex.split(command)
    if words[0] == "remedy" and words[1] in ("apply", "revert"):
        command += " --dry-run"  # changes files: shown, not done
    return subprocess.run(
        ["bash", "-c", f"{command}\nenv"],
        env=env,
        cwd=sandbox.home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.slow
@pytest.mark.parametrize("columns", [60, 80, 120])
def test_every_command_printed_is_whole_on_its_line_and_runs_as_shown(
    sandbox: Sandbox, columns: int
) -> None:
    affected_bedrock_user(sandbox, claude_client.install())
    commands: list[str] = []
    for screen in _screens(sandbox, columns):
        assert "`" not in screen, f"a command left inside prose:\n{screen}"
        for line in screen.split("\n"):
            found = COMMAND_LINE.fullmatch(line)
            if found:
                commands.append(found.group(1))
                continue
            shown = SGR.sub("", line)
            assert len(shown) <= columns or len(shown.split()) == 1 or shown[:1] in "+- ", (
                f"{shown!r} is wider than {columns} columns\n{screen}"
            )
    assert {"remedy verify", "remedy revert mantle", "export AWS_REGION=us-east-1"} <= set(
        commands
    ), commands
    assert "remedy apply mantle" in commands and "remedy apply upgrade" in commands, commands
    for command in dict.fromkeys(commands):
        parsed = subprocess.run(["bash", "-n", "-c", command], capture_output=True, check=False)
        assert parsed.returncode == 0, (command, parsed.stderr)
        if "--live" in command:
            continue  # the real service: parsed, not run
        done = _run(command, sandbox)
        assert done.returncode in (0, 1), (command, done.stdout, done.stderr)
        assert "Usage:" not in done.stderr, (command, done.stderr)
        if command.startswith("unset "):
            assert f"{command.split()[1]}=" not in done.stdout, command
        elif command.startswith("export "):
            assert command.split()[1] in done.stdout.splitlines(), command
