"""Sources behind loaders are named where the value really comes from (issue 24, item 6).

A start-up file line such as `export $(grep -v '^#' ~/.config/claude.env | xargs)` or
`source <(cat ~/.secrets)` gives a new shell variables that are written in a data file.
doctor --json, doctor's text and apply's notes name that file and line, with the loader line
kept as context (`"loaded_by": "~/.zshrc:3"`); never a pipe such as /dev/fd/63. Real shells:
zsh in the test process (zsh takes our PS4 even as root), bash as a throwaway user (bash
ignores PS4 from the environment as root, so its trace names no line), each home asked once.
apply overrides with its block, touches no data file, and revert is byte-exact.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, Sandbox, require_program
from tests.support.accounts import User
from tests.support.homes.loader_homes import Expected, every_loader


def named(report: dict[str, Any], home: Path, want: Expected) -> None:
    """The JSON source of `want.var` that wins names the data file:line and the loader."""
    found = [s for s in report["sources"] if s["var"] == want.var and s["effective"]]
    assert len(found) == 1, (want.var, report["sources"])
    source = found[0]
    place = (source.get("path"), source.get("line"), source.get("loaded_by"), source.get("via"))
    expected = (str(home / want.path), want.line, want.loaded_by, want.via)
    assert place == expected, f"{want.var}: doctor names {place}, not {expected}"


def no_pipe(result: Result) -> None:
    for text in (result.stdout, result.stderr):
        assert "/dev/fd/" not in text and "/proc/" not in text, text[-3000:]


@pytest.mark.real_shell
def test_zsh_doctor_and_apply_name_the_data_file(sandbox: Sandbox) -> None:
    require_program("zsh")
    expected = every_loader(sandbox.home, "zsh")
    before = sandbox.snapshot()

    doctor = sandbox.remedy("doctor", "--json", "--shell", "zsh")
    assert doctor.code == 0, doctor.stderr[-3000:]
    no_pipe(doctor)
    report = doctor.json()
    assert report["provider"] == "bedrock"
    for want in expected:
        named(report, sandbox.home, want)
    text = sandbox.remedy("doctor", "--shell", "zsh")
    assert "~/.config/claude.env:2 (loaded by ~/.zshrc:3)" in text.stdout, text.stdout
    no_pipe(text)

    applied = sandbox.remedy("apply", "mantle", "--yes", "--shell", "zsh")
    assert applied.code == 0, applied.stderr[-3000:]
    said = applied.stdout + applied.stderr
    assert "AWS region eu-west-1, from ~/.config/claude.env:3 (loaded by ~/.zshrc:3)" in said, said
    no_pipe(applied)
    after = sandbox.snapshot()
    data_files = [p for p in before if p != ".zshrc"]
    assert all(after[p] == before[p] for p in data_files), "apply edited a data file"
    env = sandbox.shell_env("zsh")
    assert "CLAUDE_CODE_USE_BEDROCK" not in env and env.get("CLAUDE_CODE_USE_MANTLE") == "1"

    reverted = sandbox.remedy("revert", "--yes")
    assert reverted.code == 0, reverted.stderr[-3000:]
    assert sandbox.snapshot() == before


@contextlib.contextmanager
def descriptor(number: int, path: Path) -> Iterator[None]:
    """`path` open at descriptor `number` of this process (remedy runs in it), as any
    descriptor of remedy's own may be."""
    try:
        saved: int | None = os.dup(number)
    except OSError:
        saved = None
    opened = os.open(path, os.O_RDONLY)
    os.dup2(opened, number)
    os.close(opened)
    try:
        yield
    finally:
        if saved is None:
            os.close(number)
        else:
            os.dup2(saved, number)
            os.close(saved)


@pytest.mark.real_shell
def test_bash_as_root_apply_and_revert_on_loaders(sandbox: Sandbox, tmp_path: Path) -> None:
    """As root bash's trace names no line: doctor keeps what it can say (never a pipe),
    apply overrides, and revert gives every byte back. The pipe bash traced
    (`source /dev/fd/63`) is not a file to read: opened by remedy, /dev/fd/63 is remedy's
    own descriptor 63 (before: read as a start-up file, `/dev/fd/63:1` named a source)."""
    require_program("bash")
    every_loader(sandbox.home, "bash")
    before = sandbox.snapshot()
    own = tmp_path / "remedy-own-file"
    own.write_bytes(b"export AWS_REGION=not-the-users-1\n")
    with descriptor(63, own):
        doctor = sandbox.remedy("doctor", "--json", "--shell", "bash")
    assert doctor.code == 0, doctor.stderr[-3000:]
    no_pipe(doctor)
    assert "not-the-users-1" not in doctor.stdout
    assert doctor.json()["provider"] == "bedrock"
    applied = sandbox.remedy("apply", "mantle", "--yes", "--shell", "bash")
    assert applied.code == 0, applied.stderr[-3000:]
    no_pipe(applied)
    env = sandbox.shell_env("bash")
    assert "CLAUDE_CODE_USE_BEDROCK" not in env and env.get("CLAUDE_CODE_USE_MANTLE") == "1"
    reverted = sandbox.remedy("revert", "--yes")
    assert reverted.code == 0, reverted.stderr[-3000:]
    assert sandbox.snapshot() == before


@pytest.mark.root
@pytest.mark.real_shell
def test_bash_doctor_names_the_data_file(user: User) -> None:
    """bash, run by its user (root working in a user's home becomes the user first), whose
    trace names file and line."""
    require_program("bash")
    expected = every_loader(user.home, "bash")
    for path in user.home.rglob("*"):
        os.chown(path, user.uid, user.gid)
    doctor = user.remedy("doctor", "--json", "--shell", "bash")
    assert doctor.code == 0, doctor.stderr[-3000:]
    no_pipe(doctor)
    report = doctor.json()
    assert report["provider"] == "bedrock"
    for want in expected:
        named(report, user.home, want)
