"""The real @anthropic-ai/claude-code from the npm registry, installed once into the project's
cache (.cache/claude-code/<version>) for the demo and the tests."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "claude-code"
VERSION = "2.1.111"  # the affected version of the seed; up to 2.1.112 it is a 13 MB cli.js


def install(version: str = VERSION) -> Path:
    """The path of `claude` for this version, installed with npm unless already there.
    Concurrent callers (parallel tests) take turns on a lock file."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed; install Node.js and npm first")
    prefix = CACHE / version
    binary = prefix / "node_modules" / ".bin" / "claude"
    prefix.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f".{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            subprocess.run(
                [
                    npm,
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--prefix",
                    str(prefix),
                    f"@anthropic-ai/claude-code@{version}",
                ],
                check=True,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=600,
            )
    return binary
