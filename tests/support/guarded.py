"""A snippet of Python run in a child of its own, with a hang guard: for tests of work that
must finish in time linear in its input, where a hang must fail the test, not stall the
suite (the time itself is never asserted: `make bench` measures)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def run_python(code: str, guard: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=guard,
        check=False,
    )
