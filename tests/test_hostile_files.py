"""Hostile start-up files: every one either round-trips byte for byte (apply fixes a new real
shell, revert gives the exact bytes back) or is refused with one clear line, a documented
exit code, and nothing changed."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Sandbox
from tests.support import figures

pytestmark = [pytest.mark.real_shell]

BEDROCK = b"export CLAUDE_CODE_USE_BEDROCK=1"
APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")

Plant = Callable[[Sandbox], None]


def content(data: bytes) -> Plant:
    def plant(sandbox: Sandbox) -> None:
        sandbox.write(".bashrc", data)

    return plant


def big_file(sandbox: Sandbox) -> None:
    # Comments with quotes and substitutions: work for our scanner, cheap for bash to read.
    line = b"# export PATH=$HOME/bin:$PATH  'quoted' \"text\" $(not run) `nor this`\n"
    sandbox.write(".bashrc", line * (10_000_000 // len(line)) + BEDROCK + b"\n")


def folder(sandbox: Sandbox) -> None:
    (sandbox.home / ".bashrc").mkdir()


def fifo(sandbox: Sandbox) -> None:
    os.mkfifo(sandbox.home / ".bashrc")


def unix_socket(sandbox: Sandbox) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sandbox.home / ".bashrc"))
    server.close()


def dangling(sandbox: Sandbox) -> None:
    os.symlink("nowhere/bashrc", sandbox.home / ".bashrc")


def loop(sandbox: Sandbox) -> None:
    os.symlink(".bashrc2", sandbox.home / ".bashrc")
    os.symlink(".bashrc", sandbox.home / ".bashrc2")


def hard_link(sandbox: Sandbox) -> None:
    target = sandbox.write("dotfiles/bashrc", BEDROCK + b"\n")
    os.link(target, sandbox.home / ".bashrc")


ROUND_TRIPS: dict[str, Plant] = {
    "CRLF": content(b"alias ll='ls -l'\r\n" + BEDROCK + b"\r\n"),
    "mixed line endings": content(b"a=1\r\n" + BEDROCK + b"\nb=2\r\nc=3\r"),
    "no final newline": content(b"alias ll='ls -l'\n" + BEDROCK),
    "invalid UTF-8": content(b"# caf\xe9 \xff\xfe \xc3\x28\n" + BEDROCK + b"\n"),
    "byte order mark": content(b"\xef\xbb\xbfalias ll='ls -l'\n" + BEDROCK + b"\n"),
    "a 1 MB line": content(b"# " + b"x" * 1_000_000 + b"\n" + BEDROCK + b"\n"),
    "a 10 MB file": big_file,
    "marker text in comments": content(
        b"# see '# >>> remedy mantle >>>' and\n  # >>> remedy mantle >>>\n" + BEDROCK + b"\n"
    ),
    "an assignment in a heredoc": content(
        b"cat > /dev/null <<'EOF'\n" + BEDROCK + b"\nEOF\n" + BEDROCK + b"\n"
    ),
    "an empty block of ours left behind": content(
        BEDROCK + b"\n# >>> remedy mantle >>>\n# <<< remedy mantle <<<\n"
    ),
    "only comments": content(b"# nothing here\n"),
    # Left as it is (it cannot be disabled on its own), named in a note: the block after it
    # wins, as the real shells confirm after apply.
    "a line that does more": content(b"[ -f ~/.w ] && " + BEDROCK + b"\n"),
    "empty": content(b""),
}

REFUSALS: dict[str, tuple[Plant, str]] = {
    "an orphan end marker": (content(b"# <<< remedy mantle <<<\n"), "without a begin marker"),
    "an orphan begin marker": (content(b"# >>> remedy mantle >>>\nx=1\n"), "without an end"),
    "a doubled block": (
        content(b"# >>> remedy mantle >>>\n# <<< remedy mantle <<<\n" * 2),
        "a second block",
    ),
    "a marker line inside a heredoc": (
        content(b"cat <<EOF\n# >>> remedy mantle >>>\nEOF\n"),
        "without an end",
    ),
    "NUL bytes": (content(b"alias ll='ls -l'\n\x00\x00\x00\n" + BEDROCK + b"\n"), "NUL bytes"),
    "a folder": (folder, "is a folder"),
    "a named pipe (never opened)": (fifo, "named pipe"),
    "a socket": (unix_socket, "socket"),
    "a dangling symlink": (dangling, "does not exist"),
    "a symlink loop": (loop, "symlink loop"),
    "a hard link": (hard_link, "hard links"),
}


def our_temps(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if ".remedy-" in p.name]


@pytest.mark.parametrize("case", sorted(ROUND_TRIPS))
def test_round_trip(sandbox: Sandbox, case: str) -> None:
    ROUND_TRIPS[case](sandbox)
    original = sandbox.snapshot()
    applied = sandbox.remedy(*APPLY, timeout=300)
    assert applied.code == 0, applied.stderr
    env = sandbox.shell_env("bash")
    assert env.get("CLAUDE_CODE_USE_MANTLE") == "1"
    if case != "an assignment in a heredoc":
        assert "CLAUDE_CODE_USE_BEDROCK" not in env
    again = sandbox.remedy(*APPLY, timeout=300)
    assert "nothing to do" in again.stdout
    reverted = sandbox.remedy("revert", "--yes", timeout=300)
    assert reverted.code == 0, reverted.stderr
    assert sandbox.snapshot() == original, "every byte back"
    assert our_temps(sandbox.home) == []
    figures.add("hostile files round-tripped")


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusal(sandbox: Sandbox, case: str) -> None:
    plant, message = REFUSALS[case]
    plant(sandbox)
    before = sandbox.snapshot()
    result = sandbox.remedy(*APPLY, timeout=30)  # a FIFO that blocked would time out here
    assert result.code == 1
    assert message in result.stderr
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "Traceback" not in result.stderr and "unexpected" not in result.stderr
    )
    assert sandbox.snapshot() == before
    assert our_temps(sandbox.home) == []
    dry = sandbox.remedy(*APPLY[:-1], "--dry-run", timeout=30)
    assert dry.code == 1 and "Traceback" not in dry.stderr
    figures.add("hostile files refused")
