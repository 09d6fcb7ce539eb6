"""`make bench`: what running remedy in the test process buys, and how fast each part of the
suite ran.

1. `remedy status` and `remedy doctor --json --shell bash` on one home, each as tests run it
   (cli.run with a Context the test builds, tests/support/inprocess.py) and as a program
   (`python -m remedies`), interleaved; the median of the per-round ratios program/in-process.
2. The last `make test` and `make check` (.cache/test-speed.json, written by
   tests/support/markers.py): wall time, workers, and per part the tests and tests per
   second. No timing is asserted in the tests.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import base_env  # noqa: E402
from tests.support.inprocess import remedy_in_process  # noqa: E402

ROUNDS = 15
COMMANDS = {
    "remedy status": ("status",),
    "remedy doctor --json --shell bash": ("doctor", "--json", "--shell", "bash"),
}


def _as_program(args: tuple[str, ...], env: dict[str, str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "remedies", *args],
        env=env,
        cwd=home,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def _in_process(args: tuple[str, ...], env: dict[str, str], home: Path) -> float:
    start = time.perf_counter()
    remedy_in_process(args, env, home)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        (home / ".bashrc").write_text("export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n")
        env = base_env(home)
        for name, args in COMMANDS.items():
            _in_process(args, env, home)  # imports paid once, as in a test run
            ratios, inside = [], []
            for _ in range(ROUNDS):
                one = _in_process(args, env, home)
                inside.append(one)
                ratios.append(_as_program(args, env, home) / one)
            print(
                f"{name}: in the test process {statistics.median(inside) * 1000:.0f} ms; "
                f"as a program {statistics.median(ratios):.1f}x that"
            )
    found = REPO / ".cache" / "test-speed.json"
    runs = json.loads(found.read_text()) if found.exists() else {}
    if "parts" in runs:  # written before runs were kept per selection
        runs = {"all": runs}
    if not runs:
        print("no suite run recorded yet: run `make test` and `make check`")
    for selection, run in runs.items():
        what = "make test" if selection == "all" else f"-m '{selection}'"
        parts = ", ".join(
            f"{part} {p['tests']} tests at {p['tests_per_second']}/s"
            for part, p in run["parts"].items()
        )
        print(f"{what}: {run['wall_seconds']} s with {run['workers']} worker(s); {parts}")


if __name__ == "__main__":
    main()
