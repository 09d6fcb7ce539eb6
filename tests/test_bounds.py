"""Bounds on what remedy and the shells it starts will read: a start-up file that is a device,
a pipe, a socket, a folder or 64 MiB or more is refused by name before anything reads it, and
no shell is started to read it.

Every run of the CLI here is under a 3 GiB address-space limit (children inherit it), so that
code without these bounds fails the test instead of the machine: bash sourcing /dev/zero grew
to 18 GB, and a 1 GB sparse ~/.bashrc cost remedy 3 GB. A spy stands in front of each real
shell on PATH and notes every start, so "no shell was started" is asserted, not timed.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from remedies.engine.startup_bounds import (
    MAX_STARTUP_BYTES,
    check_size,
    check_startup_file,
    too_big,
)
from remedies.errors import FileProblem
from tests.conftest import Result, Sandbox, require_program
from tests.support import figures

MEMORY_LIMIT = 3 * 1024**3
SHELL_PROGRAMS = ("bash", "zsh", "ksh", "sh", "dash", "tcsh", "fish")
GIB = 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Spy:
    """A folder of stand-ins, one per shell, that note each start and run the real shell."""

    def __init__(self, folder: Path) -> None:
        self.bin = folder / "spy-bin"
        self.log = folder / "shells-started"
        self.bin.mkdir()
        for name in SHELL_PROGRAMS:
            real = shutil.which(name)
            if real is None:
                continue
            script = self.bin / name
            script.write_text(f'#!/bin/sh\necho {name} >> "{self.log}"\nexec "{real}" "$@"\n')
            script.chmod(0o755)

    @property
    def started(self) -> list[str]:
        return self.log.read_text().split() if self.log.exists() else []


@pytest.fixture
def spy(tmp_path: Path) -> Spy:
    return Spy(tmp_path)


def run(sandbox: Sandbox, spy: Spy, *args: str, env: dict[str, str] | None = None) -> Result:
    """The real CLI, with the spies first on PATH, no `claude` anywhere on it, and the memory
    limit. 120 s: without the bounds a probe can take its whole 60 s timeout."""
    done = subprocess.run(
        [sys.executable, "-m", "remedies", *args],
        env={**sandbox.env, "PATH": f"{spy.bin}:/usr/bin:/bin", **(env or {})},
        cwd=sandbox.home,
        capture_output=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        preexec_fn=_limit_memory,
        check=False,
    )
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


# --- planting hostile start-up files --------------------------------------------------------

Plant = Callable[[Path], None]


def to_dev_zero(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink("/dev/zero", path)


def named_pipe(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


def folder(path: Path) -> None:
    path.mkdir()


def sparse_gigabyte(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.truncate(path, GIB)  # sparse: no disk used


KINDS: dict[str, tuple[Plant, str]] = {
    "symlink to /dev/zero": (to_dev_zero, "a character device"),
    "named pipe": (named_pipe, "a named pipe"),
    "socket": (unix_socket, "a socket"),
    "folder": (folder, "a folder"),
    "1 GB sparse file": (sparse_gigabyte, "64 MiB or more"),
}


# --- no shell is started to read a hostile start-up file -----------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("command", ["verify", "doctor"])
def test_bash_is_not_started_on_a_hostile_bashrc(
    sandbox: Sandbox, spy: Spy, command: str, kind: str
) -> None:
    require_program("bash")
    plant, what = KINDS[kind]
    plant(sandbox.home / ".bashrc")
    # Without claude on PATH, doctor asks a new bash for the PATH it gets; verify always does.
    result = run(sandbox, spy, command, "--shell", "bash")
    result.refused("~/.bashrc", what)
    assert spy.started == [], "no shell may be started to read it"
    figures.add("hostile start-up files refused before a shell starts")


# Each shell type's own start-up files, where it looks for them (ZDOTDIR, ENV, XDG).
PER_SHELL: dict[str, tuple[str, str, dict[str, str]]] = {
    "bash login file": ("bash", ".bash_profile", {}),
    "zsh": ("zsh", ".zshrc", {}),
    # ZDOTDIR set in ~/.zshenv moves the later files: read statically before zsh starts.
    "zsh under ZDOTDIR": ("zsh", "zdot/.zshrc", {".zshenv": 'export ZDOTDIR="$HOME/zdot"\n'}),
    "ksh": ("ksh", ".kshrc", {}),
    "ksh's ENV file": ("ksh", "custom-kshrc", {".profile": "export ENV=~/custom-kshrc\n"}),
    "sh": ("sh", ".profile", {}),
    "tcsh": ("tcsh", ".tcshrc", {}),
    "tcsh login file": ("tcsh", ".login", {}),
    "fish conf.d": ("fish", ".config/fish/conf.d/zero.fish", {}),
    "fish": ("fish", ".config/fish/config.fish", {}),
}


@pytest.mark.parametrize("case", sorted(PER_SHELL))
def test_no_shell_reads_dev_zero(sandbox: Sandbox, spy: Spy, case: str) -> None:
    shell, relative, files = PER_SHELL[case]
    require_program("dash" if shell == "sh" else shell)
    for name, text in files.items():
        sandbox.write(name, text)
    to_dev_zero(sandbox.home / relative)
    result = run(sandbox, spy, "verify", "--shell", shell)
    result.refused(f"~/{relative}", "a character device", "/dev/zero")
    assert spy.started == []


def test_a_clean_home_still_starts_the_shell(sandbox: Sandbox, spy: Spy) -> None:
    """The check stops nothing ordinary: a regular ~/.bashrc is read by a real bash."""
    require_program("bash")
    sandbox.write(".bashrc", "export FROM_BASHRC=1\n")
    os.symlink(".bashrc", sandbox.home / ".bash_profile")  # a symlink to a regular file is fine
    result = run(sandbox, spy, "verify", "--shell", "bash")
    assert "bash" in spy.started
    assert "no `claude` on the PATH a new shell gets" in result.stderr, result.stderr


# --- static reading refuses a huge file before reading it ----------------------------------


def test_doctor_refuses_a_huge_start_up_file_of_another_shell(sandbox: Sandbox, spy: Spy) -> None:
    # doctor reads every supported shell's files, not only those of the shell it may start.
    sparse_gigabyte(sandbox.home / ".config/fish/config.fish")
    result = run(sandbox, spy, "doctor", "--shell", "bash")
    result.refused("~/.config/fish/config.fish", "64 MiB or more", "1.0 GiB")
    assert spy.started == []


@pytest.mark.parametrize(
    "relative, args",
    [
        (".claude/settings.json", ()),
        (".aws/config", ()),
        ("project.env", ("--env-file", "project.env")),
        (".config/environment.d/10-big.conf", ()),
    ],
)
def test_doctor_refuses_other_huge_files_by_name(
    sandbox: Sandbox, spy: Spy, relative: str, args: tuple[str, ...]
) -> None:
    sparse_gigabyte(sandbox.home / relative)
    result = run(sandbox, spy, "doctor", "--shell", "bash", *args)
    result.refused(relative if args else f"~/{relative}", "64 MiB or more")
    assert spy.started == []


def test_apply_refuses_a_huge_settings_file_and_changes_nothing(sandbox: Sandbox, spy: Spy) -> None:
    sparse_gigabyte(sandbox.home / ".claude/settings.json")
    sandbox.write(".bashrc", "alias ll='ls -l'\n")
    bashrc = sandbox.read(".bashrc")
    result = run(
        sandbox, spy, "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"
    )
    result.refused("~/.claude/settings.json", "64 MiB or more")
    assert sandbox.read(".bashrc") == bashrc
    assert os.stat(sandbox.home / ".claude/settings.json").st_size == GIB


# --- the check itself ---------------------------------------------------------------------


def test_the_bound_is_64_mib_and_sparse_files_are_measured_by_size(tmp_path: Path) -> None:
    assert MAX_STARTUP_BYTES == 64 * 1024 * 1024
    assert not too_big(MAX_STARTUP_BYTES) and too_big(MAX_STARTUP_BYTES + 1)
    at, over = tmp_path / "at", tmp_path / "over"
    for path, size in ((at, MAX_STARTUP_BYTES), (over, MAX_STARTUP_BYTES + 1)):
        path.touch()
        os.truncate(path, size)
    check_startup_file(at, "~/at")
    check_size(at, "~/at")
    for check in (check_startup_file, check_size):
        with pytest.raises(FileProblem, match=r"^~/over is 64\.0 MiB, 64 MiB or more"):
            check(over, "~/over")


def test_the_check_never_opens_a_pipe_and_passes_what_nobody_can_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # opening it would block this test for ever
    with pytest.raises(FileProblem, match="named pipe"):
        check_startup_file(pipe, "~/pipe")
    check_size(pipe, "~/pipe")  # not a regular file: its reader refuses it, by its own rules
    os.symlink("nowhere", tmp_path / "dangling")
    os.symlink("loop", tmp_path / "loop")
    for name in ("missing", "dangling", "loop"):
        check_startup_file(tmp_path / name, name)
        check_size(tmp_path / name, name)
