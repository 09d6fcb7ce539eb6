"""Runner.run_side_by_side: several new shells at once, with work done in the meantime, and
nothing left running when that work or a Ctrl-C stops the run (real processes)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from remedies.context import Runner
from remedies.errors import RemedyError

ENV = {"PATH": os.environ["PATH"]}


@pytest.mark.real_shell
def test_meanwhile_runs_while_the_programs_do(tmp_path: Path) -> None:
    """Each program waits for a file that only `meanwhile` creates: were it run after the
    answers were awaited, every program would run out of time instead."""
    go = tmp_path / "GO"
    wait = f"while [ ! -e {go} ]; do sleep 0.01; done; echo ok"
    jobs = [(["sh", "-c", wait], None) for _ in range(3)]
    runs = Runner().run_side_by_side(jobs, env=ENV, timeout=10, meanwhile=go.touch)
    for done in runs:
        assert not isinstance(done, RemedyError), done
        assert done.stdout == b"ok\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_a_shell_may_write_a_mebibyte_ahead_of_our_reading(tmp_path: Path) -> None:
    """The pipes of programs run side by side are widened to 1 MiB (from 64 KiB), so that a
    traced shell over a big file does not stop while this process works beside it. The
    program watches its own stdout and stderr until they are widened (F_GETPIPE_SZ)."""
    watch = (
        "import fcntl, time\n"
        "end = time.monotonic() + 10\n"
        "while min(fcntl.fcntl(1, 1032), fcntl.fcntl(2, 1032)) < 1 << 20:\n"
        "    if time.monotonic() > end: break\n"
        "    time.sleep(0.01)\n"
        "print(fcntl.fcntl(1, 1032), fcntl.fcntl(2, 1032))\n"
    )
    runs = Runner().run_side_by_side([([sys.executable, "-c", watch], None)], env=ENV, timeout=30)
    done = runs[0]
    assert not isinstance(done, RemedyError), done
    assert done.stdout.split() == [b"1048576", b"1048576"], done.stdout


@pytest.mark.real_shell
@pytest.mark.parametrize("when", ["at once", "once all have started"])
def test_an_interruption_meanwhile_leaves_nothing_running(tmp_path: Path, when: str) -> None:
    """Ctrl-C (or any error) during `meanwhile` stops every program, also one whose thread
    was still starting it at that instant; the call returns instead of waiting them out."""
    count = 4
    jobs = [
        (["sh", "-c", f"echo $$ > {tmp_path}/pid{n}; exec sleep 60"], None) for n in range(count)
    ]

    def interrupt() -> None:
        if when != "at once":
            while len(list(tmp_path.glob("pid*"))) < count:
                threading.Event().wait(0.01)
        raise KeyboardInterrupt

    raised: list[BaseException] = []

    def run() -> None:
        try:
            Runner().run_side_by_side(jobs, env=ENV, timeout=50, meanwhile=interrupt)
        except BaseException as e:  # what reached the caller, checked below
            raised.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)  # a hang guard: the programs would otherwise run for 50 s
    assert not worker.is_alive(), "run_side_by_side waited for programs it should have stopped"
    assert len(raised) == 1 and isinstance(raised[0], KeyboardInterrupt), raised
    for pid_file in tmp_path.glob("pid*"):
        text = pid_file.read_text().strip()
        if not text:
            continue  # written by a shell killed in the middle of writing it
        with pytest.raises(ProcessLookupError):
            os.kill(int(text), 0)


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "script",
    [
        "echo first >&2; exec sleep 60",  # still writing, for all we know
        "echo first >&2; exec >&- 2>&-; exec sleep 60",  # done writing, not done running
    ],
)
def test_stderr_read_as_it_comes_still_times_out_and_kills(tmp_path: Path, script: str) -> None:
    """run(on_stderr=...) reads the pipes itself instead of communicate(): what came is
    handed over at once, and a program that does not end within the timeout is killed with
    its group and reported as not finished, as without on_stderr."""
    pieces: list[bytes] = []
    pid_file = tmp_path / "pid"
    with pytest.raises(RemedyError, match="did not finish within 1 s"):
        Runner().run(
            ["sh", "-c", f"echo $$ > {pid_file}; {script}"],
            env=ENV,
            timeout=1,
            on_stderr=pieces.append,
        )
    assert b"".join(pieces) == b"first\n"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.real_shell
def test_stderr_read_as_it_comes_is_all_there_and_stdout_too() -> None:
    pieces: list[bytes] = []
    script = "i=0; while [ $i -lt 2000 ]; do echo line $i >&2; echo out $i; i=$((i+1)); done"
    done = Runner().run(["sh", "-c", script], env=ENV, timeout=30, on_stderr=pieces.append)
    expected = b"".join(b"line %d\n" % i for i in range(2000))
    assert b"".join(pieces) == done.stderr == expected
    assert done.stdout == b"".join(b"out %d\n" % i for i in range(2000))
    assert done.returncode == 0


@pytest.mark.real_shell
@pytest.mark.parametrize("interrupted", [False, True])
def test_no_thread_is_joined(monkeypatch: pytest.MonkeyPatch, interrupted: bool) -> None:
    """Python 3.11's Thread.join, hit by Ctrl-C as the thread ends, can raise "RuntimeError:
    release unlocked lock" in place of KeyboardInterrupt (CI saw remedy say "unexpected
    RuntimeError" for a Ctrl-C, as a thread pool's shutdown joined its workers). The threads
    are waited for by events instead: a join here stands for that failure."""

    def no_join(self: threading.Thread, timeout: float | None = None) -> None:
        raise RuntimeError("release unlocked lock")

    def interrupt() -> None:
        raise KeyboardInterrupt

    jobs = [(["sh", "-c", "echo ok"], None) for _ in range(3)]
    monkeypatch.setattr(threading.Thread, "join", no_join)
    if interrupted:
        with pytest.raises(KeyboardInterrupt):
            Runner().run_side_by_side(jobs, env=ENV, timeout=10, meanwhile=interrupt)
    else:
        runs = Runner().run_side_by_side(jobs, env=ENV, timeout=10)
        assert [r.stdout for r in runs if not isinstance(r, RemedyError)] == [b"ok\n"] * 3
