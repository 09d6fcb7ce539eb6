"""Acceptance: start-up files that misbehave ("What a new shell really runs").

One that hangs (`sleep 300`), one whose plugin reads stdin, one that exits: remedy fails
cleanly in bounded time, or works as usual, changes nothing when it fails, and leaves no
process behind. Each runs remedy as a program of its own, in a session of its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Result, Sandbox, require_program
from tests.support.homes import DEBIAN_PROFILE, Layout
from tests.support.new_shells import BEDROCK, KINDS, check_new_shell, new_shell_env, snapshot

# --- start-up files that misbehave ----------------------------------------------------------------


@dataclass
class Run:
    code: int | None  # None: still running when we stopped waiting
    seconds: float
    stdout: str
    stderr: str

    def result(self) -> Result:
        assert self.code is not None, f"remedy was still running after {self.seconds:.0f} s"
        return Result(self.code, self.stdout, self.stderr)


def processes_of(home: Path) -> list[int]:
    """Processes whose HOME is this sandbox's: what remedy, or the shells it started, left
    running."""
    marker = f"HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def end(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def leftovers() -> Iterator[list[Path]]:
    """Homes whose stray processes (a `sleep 300` a start-up file started) are ended after the
    test, by id, whatever the test found."""
    homes: list[Path] = []
    yield homes
    for home in homes:
        end(processes_of(home))


def run_remedy(
    sandbox: Sandbox,
    *args: str,
    stdin_open: bool = False,
    limit: float = 200,
) -> Run:
    """remedy in a session of its own, output to files (a stray child holding a pipe cannot
    make us wait), stdin at its end or, with stdin_open, a pipe nobody writes to (a terminal
    nobody types in)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "remedies", *args],
            env=sandbox.env,
            cwd=sandbox.home,
            stdin=subprocess.PIPE if stdin_open else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            code: int | None = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            code = None
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        finally:
            if process.stdin is not None:
                process.stdin.close()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(
            code, seconds, out.read().decode(errors="replace"), err.read().decode(errors="replace")
        )


def assert_refused(**runs: Run) -> None:
    """Each command failed cleanly: exit 1, one line on stderr naming the shell, no
    traceback. Every command's outcome is shown, not only the first one that is wrong."""
    wrong = {}
    for command, run in runs.items():
        try:
            run.result().refused("bash")
        except AssertionError as e:
            wrong[command] = f"after {run.seconds:.0f} s: {str(e)[:1500]}"
    assert not wrong, wrong


def in_parallel(*calls: Callable[[], Run]) -> list[Run]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def new_home(tmp_path: Path, label: str, files: dict[str, str]) -> Sandbox:
    home = tmp_path / label / "home"
    home.mkdir(parents=True)
    sandbox = Sandbox(home)
    for relative, text in files.items():
        sandbox.write(relative, text)
    return sandbox


@pytest.mark.slow
def test_a_start_up_file_that_hangs_is_a_clear_failure_not_a_hang(
    tmp_path: Path, leftovers: list[Path]
) -> None:
    """`sleep 300` in ~/.bashrc (a network mount, a slow `nvm`): doctor and apply give up
    within a bounded time, with one line naming the line that waits, change nothing, and
    leave no process behind."""
    require_program("bash")
    files = {
        ".bashrc": (
            "export CLAUDE_CODE_USE_BEDROCK=1\n# waits for the office NFS mount\nsleep 300\n"
        ),
        ".profile": DEBIAN_PROFILE,
    }
    doctor_home = new_home(tmp_path, "doctor", files)
    apply_home = new_home(tmp_path, "apply", files)
    leftovers += [doctor_home.home, apply_home.home]
    before = snapshot(apply_home)
    doctor, apply = in_parallel(
        lambda: run_remedy(doctor_home, "doctor", "--json", "--shell", "bash"),
        lambda: run_remedy(
            apply_home, "apply", "mantle", "--yes", "--shell", "bash", "--region", "us-east-1"
        ),
    )
    assert_refused(doctor=doctor, apply=apply)
    # The culprit is named (issue 26): the file and line the shell was running, and how to
    # let remedy proceed.
    for done in (doctor, apply):
        assert "it was running ~/.bashrc:3: sleep 300;" in done.stderr, done.stderr
        assert "[ -t 0 ]" in done.stderr and "A start-up file that waits" in done.stderr
    assert snapshot(apply_home) == before, "a failed apply must change nothing"
    time.sleep(1)
    for sandbox in (doctor_home, apply_home):
        assert not processes_of(sandbox.home), "remedy left the start-up file's processes running"


@pytest.mark.real_shell
def test_a_plugin_that_reads_stdin_does_not_block(tmp_path: Path, leftovers: list[Path]) -> None:
    """A plugin that asks a question (`read -r x` in ~/.zshrc) when remedy's stdin is a pipe
    nobody writes to: remedy must not hand it its stdin; doctor and apply work as usual."""
    require_program("zsh")
    zshrc = (
        "# a plugin asks on first run\n"
        'print -n "[plugin] set up now? [y/N] "\n'
        "read -r x\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    sandbox = new_home(tmp_path, "stdin", {".zshrc": zshrc})
    leftovers.append(sandbox.home)
    # The home is real: a new zsh whose stdin is such a pipe waits for an answer.
    waiting = subprocess.Popen(
        [require_program("zsh"), "-i", "-c", "exit 0"],
        env=sandbox.env,
        cwd=sandbox.home,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=2)
    finally:
        waiting.kill()
        waiting.wait()
        assert waiting.stdin is not None
        waiting.stdin.close()

    doctor = run_remedy(sandbox, "doctor", "--json", "--shell", "zsh", stdin_open=True).result()
    assert doctor.code == 0, doctor.stderr[-3000:]
    report = doctor.json()
    assert report["provider"] == "bedrock"
    zshrc_at = (sandbox.home / ".zshrc").resolve()
    bedrock_at = [(s.get("path"), s.get("line")) for s in report["sources"] if s["var"] == BEDROCK]
    assert any(
        path and Path(path).resolve() == zshrc_at and line == 4 for path, line in bedrock_at
    ), bedrock_at

    applied = run_remedy(
        sandbox,
        "apply",
        "mantle",
        "--yes",
        "--shell",
        "zsh",
        "--region",
        "us-east-1",
        stdin_open=True,
    ).result()
    assert applied.code == 0, applied.stderr[-3000:]
    layout = Layout("stdin", "zsh", (".zshrc", 4), None, "")
    for kind in KINDS["zsh"]:
        check_new_shell(new_shell_env(sandbox, layout, kind), kind, "us-east-1")


@pytest.mark.real_shell
def test_a_start_up_file_that_exits_is_a_clear_failure(
    tmp_path: Path, leftovers: list[Path]
) -> None:
    """A sourced script calls `exit 1` (a VPN client's env script when the VPN is down): no
    new interactive bash ever runs a command, so remedy cannot learn what one gets. It says so
    in one line and changes nothing; it never reports success."""
    require_program("bash")
    bashrc = "export CLAUDE_CODE_USE_BEDROCK=1\n# the VPN client's environment\n. ~/.vpn/env.sh\n"
    vpn = 'echo "vpn: not connected" >&2\nexit 1\n'
    sandbox = new_home(
        tmp_path, "exits", {".bashrc": bashrc, ".profile": DEBIAN_PROFILE, ".vpn/env.sh": vpn}
    )
    leftovers.append(sandbox.home)
    probe = subprocess.run(
        ["bash", "-i", "-c", "echo ran"],
        env=sandbox.env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 1 and b"ran" not in probe.stdout, "the home must really exit"
    before = snapshot(sandbox)
    doctor, apply = (
        run_remedy(sandbox, "doctor", "--json", "--shell", "bash"),
        run_remedy(sandbox, "apply", "mantle", "--yes", "--shell", "bash", "--region", "us-east-1"),
    )
    assert_refused(doctor=doctor, apply=apply)
    assert snapshot(sandbox) == before, "a failed apply must change nothing"
