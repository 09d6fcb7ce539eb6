"""A console of the test's own, where a user logs in for real: a private mount namespace
(unshare) with an empty login-record file (/run/utmp on a tmpfs of its own) and a pty bound
over /dev/console. Root runs `login -f NAME` on that console, and login writes the record
`NAME console ...` that `who` reads there, as on a machine whose user logged in at its
console; the MDM scripts run in the same namespace (`Console.enter`) and find them.

Nothing outside the namespace changes: the machine's own /run/utmp (a developer's laptop has
one, with its real users) is neither read nor written, nor /var/log's wtmp and lastlog, so
tests beside each other never see each other's logins and no record is left behind when a
test dies (the namespace goes with its last process). This container has no logind, so a
record in utmp is how a console user is found here.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import require_program
from tests.support.terminal import SETSID

READY = "ready"


@dataclass(frozen=True)
class Console:
    enter: tuple[str, ...]  # put before a command to run it in the namespace

    def who(self) -> str:
        return subprocess.run(
            [*self.enter, "who"], capture_output=True, text=True, check=True, timeout=10
        ).stdout


@contextlib.contextmanager
def private_console(logged_in: str | None = None) -> Iterator[Console]:
    """The namespace, with `logged_in` logged in at its console until the block ends (its
    login shell runs their start-up files as them, as any login does), or nobody."""
    if not os.path.exists("/dev/console"):  # a container started without a terminal
        message = "no /dev/console to log a user in at"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must have it (see .ci/run)")
        pytest.skip(message)
    main, child = pty.openpty()
    # The holder keeps the namespace until its stdin closes: when this block ends, or when
    # the test's process dies (it was a `sleep`, left behind by a killed test: review).
    # /var/log too is its own: login writes wtmp and lastlog there.
    setup = (
        "mount -t tmpfs -o mode=755 remedy-run /run && "
        "install -m 664 -g utmp /dev/null /run/utmp && "
        "mount -t tmpfs -o mode=755 remedy-log /var/log && "
        f"mount --bind {os.ttyname(child)} /dev/console && echo {READY} && exec cat >/dev/null"
    )
    unshare = (require_program("unshare"), "--mount", "--propagation", "private", "--")
    holder = subprocess.Popen(
        [*unshare, "sh", "-c", setup],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    login = None
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == READY, "the namespace was not made"
        console = Console((require_program("nsenter"), "-t", str(holder.pid), "-m", "--"))
        if logged_in is not None:
            # Opened in the namespace, by its name there: login records the line `console`.
            at_console = f"exec {SETSID} --ctty login -f -- {shlex.quote(logged_in)} "
            at_console += "</dev/console >/dev/console 2>&1"
            login = subprocess.Popen([*console.enter, "sh", "-c", at_console])
            _wait_for_record(console, logged_in, main, login)
        yield console
    finally:
        if login is not None:
            with contextlib.suppress(OSError):
                os.write(main, b"exit\n")
            try:
                login.wait(timeout=10)
            except subprocess.TimeoutExpired:
                login.kill()
                login.wait()
        assert holder.stdin is not None
        holder.stdin.close()
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
        os.close(child)
        os.close(main)


def _wait_for_record(
    console: Console, name: str, main: int, login: subprocess.Popen[bytes]
) -> None:
    """Until `who` there lists `name` (the login shell's output drained meanwhile)."""
    said = b""
    deadline = time.monotonic() + 30
    while f"{name} " not in console.who():
        if login.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"login of {name} left no record: {said!r}")
        if select.select([main], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):
                said += os.read(main, 4096)
