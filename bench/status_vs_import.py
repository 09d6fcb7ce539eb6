"""`make bench`: how long `remedy status`, `remedy list` and `remedy --help` take, each as a
ratio to a bare import of our dependencies.

All run as fresh processes, interleaved, in the same HOME, so machine noise hits them alike;
we report the median of the per-round ratios. Goal: <= 1.2 (issue 16; 1.5 in issue 2):
commands import lazily what they do not need. No timing is asserted in the tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 30
GOAL = 1.2
BASELINE = [sys.executable, "-c", "import click, dotenv, shellingham, packaging.version"]
STATUS = [sys.executable, "-m", "remedies", "status"]
COMMANDS = {
    "remedy status, one remedy applied to 2 files": STATUS,
    "remedy list": [sys.executable, "-m", "remedies", "list"],
    "remedy --help": [sys.executable, "-m", "remedies", "--help"],
}


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
            for argv in COMMANDS.values():
                timed(argv, env)
        ratios: dict[str, list[float]] = {label: [] for label in COMMANDS}
        times: dict[str, list[float]] = {label: [] for label in COMMANDS}
        bases = []
        for _ in range(ROUNDS):
            for label, argv in COMMANDS.items():
                base = timed(BASELINE, env)
                took = timed(argv, env)
                bases.append(base)
                times[label].append(took)
                ratios[label].append(took / base)
    print(
        f"baseline, import click, dotenv, shellingham, packaging: "
        f"{statistics.median(bases) * 1000:6.1f} ms"
    )
    for label in COMMANDS:
        ms = statistics.median(times[label]) * 1000
        ratio = statistics.median(ratios[label])
        print(f"{label + ':':48s} {ms:6.1f} ms, median ratio {ratio:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
