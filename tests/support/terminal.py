"""Driving remedy on a real pseudo-terminal, as a person at a keyboard would."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.conftest import REPO

SETSID = shutil.which("setsid") or "setsid"  # util-linux, in every Debian


class Terminal:
    """remedy running with a pty as stdin, stdout and stderr; with piped=True its stdout
    goes to a pipe instead, as in `remedy apply mantle | tee apply.log` typed at a terminal."""

    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        piped: bool = False,
        columns: int = 250,
        cwd: Path | None = None,
    ) -> None:
        self.main, child = pty.openpty()
        # A wide window by default, so that what a test looks for is on one line; a test of
        # wrapping asks for a narrow one.
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        self.process = subprocess.Popen(
            # The pty is the controlling terminal of a session of its own (setsid --ctty), as
            # in a terminal window: Ctrl-C typed there (b"\x03") interrupts remedy's process
            # group. Not a preexec_fn, which is unsafe once the tests run threads. The child is
            # not a group leader, so setsid need not fork: its pid is remedy's.
            [SETSID, "--ctty", sys.executable, "-m", "remedies", *args],
            stdin=child,
            stdout=subprocess.PIPE if piped else child,
            stderr=child,
            env=env,
            cwd=cwd or REPO,  # a folder of the user's: a project's files count there
        )
        os.close(child)
        self.screen = b""

    def _read(self, timeout: float) -> bool:
        """Read what is there; False once the other side is gone."""
        if not select.select([self.main], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.main, 4096)
        except OSError:
            return False
        self.screen += chunk
        return bool(chunk)

    def wait_for(self, text: bytes, timeout: float = 60, count: int = 1) -> bool:
        """Until `text` has been shown `count` times (or the other side is gone)."""
        deadline = time.monotonic() + timeout
        while self.screen.count(text) < count and time.monotonic() < deadline:
            if not self._read(0.2) or (self.process.poll() is not None and not self._read(0)):
                break
        return self.screen.count(text) >= count

    def type(self, keys: bytes) -> None:
        os.write(self.main, keys)

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """Read to the end; the exit code and everything shown."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            if self.process.poll() is not None and not select.select([self.main], [], [], 0)[0]:
                break
        code = self.process.wait(timeout=timeout)
        os.close(self.main)
        return code, self.screen.decode(errors="replace")


def answer(
    args: list[str], env: dict[str, str], keys: bytes, piped: bool = False
) -> tuple[int, str]:
    """Run remedy on a terminal and answer its yes/no question with `keys`; what reached
    the terminal (with piped=True, stdout went to a pipe and is not in it)."""
    terminal = Terminal(args, env, piped)
    if terminal.wait_for(b"[y/N]"):
        terminal.type(keys)
    return terminal.finish()
