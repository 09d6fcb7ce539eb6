"""`make bench`: how long `remedy status` takes, as a ratio to a bare import of our dependencies.

Both commands run as fresh processes, interleaved, in the same HOME, so machine noise hits
both alike; we report the median of the per-round ratios. Goal: <= 1.5 (issue 2): commands
import lazily what they do not need. No timing is asserted in the tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 30
GOAL = 1.5
BASELINE = [sys.executable, "-c", "import click, dotenv, shellingham, packaging.version"]
STATUS = [sys.executable, "-m", "remedies", "status"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / ".bashrc").write_text("export CLAUDE_CODE_USE_BEDROCK=1\n")
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
        apply = [*STATUS[:-1], "apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
        subprocess.run([*apply, "--yes"], env=env, check=True, stdout=subprocess.DEVNULL)
        for _ in range(3):  # warm the page cache and .pyc files
            timed(BASELINE, env)
            timed(STATUS, env)
        ratios, bases, statuses = [], [], []
        for _ in range(ROUNDS):
            base = timed(BASELINE, env)
            status = timed(STATUS, env)
            bases.append(base)
            statuses.append(status)
            ratios.append(status / base)
    ratio = statistics.median(ratios)
    base_ms = statistics.median(bases) * 1000
    status_ms = statistics.median(statuses) * 1000
    print(f"baseline, import click, dotenv, shellingham, packaging: {base_ms:6.1f} ms")
    print(f"remedy status, one remedy applied to 2 files:           {status_ms:6.1f} ms")
    print(f"median ratio over {ROUNDS} rounds: {ratio:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
