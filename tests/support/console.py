"""A user logged in for real, as the user at the console: root runs `login -f -h :0 NAME` on
a pseudo-terminal, as a terminal of the local display does, and login writes the utmp record
that `who` reads (`NAME pts/N ... (:0)`), which the MDM scripts take for the console user.

This container has no logind, so that record is how the scripts find a user here. Which user
is at the console is one fact for the whole machine, so the tests that depend on it hold a
lock while they run (`console_held`): pytest-xdist runs the others' tests beside them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require_program
from tests.support.terminal import SETSID

LOCK = Path(tempfile.gettempdir()) / "remedy-tests-console.lock"
# Where glibc's utmp is. A laptop has it; a container may not: login then records nothing.
UTMP = Path("/var/run/utmp")


@contextlib.contextmanager
def console_held() -> Iterator[None]:
    """Nobody else's test logs a user in, or counts on nobody being logged in, meanwhile."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def who() -> str:
    return subprocess.run(
        [require_program("who")], capture_output=True, text=True, check=True, timeout=10
    ).stdout


@contextlib.contextmanager
def utmp_present() -> Iterator[None]:
    """The login record file, made as Debian makes it (root:utmp 0664) where missing and
    taken away again after."""
    if UTMP.exists():
        yield
        return
    subprocess.run(["install", "-m", "664", "-g", "utmp", "/dev/null", str(UTMP)], check=True)
    try:
        yield
    finally:
        UTMP.unlink(missing_ok=True)


@contextlib.contextmanager
def logged_in_at_console(name: str) -> Iterator[None]:
    """NAME's login session, open on a pty until the block ends; its login shell runs NAME's
    start-up files as NAME, as any login does."""
    login = require_program("login")
    with console_held(), utmp_present():
        main, child = pty.openpty()
        process = subprocess.Popen(
            [SETSID, "--ctty", login, "-f", "-h", ":0", name],
            stdin=child,
            stdout=child,
            stderr=child,
            env={"PATH": "/usr/bin:/bin", "TERM": "dumb"},
            cwd="/",
        )
        os.close(child)
        said = b""
        try:
            deadline = time.monotonic() + 30
            while f"{name} " not in who():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"login of {name} left no record: {said!r}")
                if select.select([main], [], [], 0.1)[0]:
                    with contextlib.suppress(OSError):
                        said += os.read(main, 4096)
            yield
        finally:
            with contextlib.suppress(OSError):
                os.write(main, b"exit\n")
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(main)
