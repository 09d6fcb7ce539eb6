"""`make demo` must keep working: it is the first thing a newcomer runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.support.claude_client import install

pytestmark = [pytest.mark.real_client]


def test_the_demo_passes() -> None:
    install()  # fails in CI, skips elsewhere, when npm is missing
    done = subprocess.run(
        [sys.executable, "-m", "demo.demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "demo passed" in done.stdout
    assert done.stdout.count("invalid beta flag") >= 2 and "Hello!" in done.stdout
