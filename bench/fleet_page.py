"""`make bench`: `remedy fleet-report` for 1,000 hosts writing the HTML page and the CSV, as
`make fleet-report` does (a process of its own: start-up, reading 1,000 reports, rendering,
writing). Goal (issue 27): under 2 s. No timing is asserted in the tests."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.fleet_reports import mixed_reports

ROUNDS = 5
GOAL = 2.0
HOSTS = 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        mixed_reports(reports, HOSTS)
        argv = [sys.executable, "-m", "remedies", "fleet-report", str(reports)]
        argv += ["--html", str(reports / "fleet-report.html")]
        argv += ["--csv", str(reports / "fleet-report.csv")]
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        size = (reports / "fleet-report.html").stat().st_size
    median = statistics.median(times)
    verdict = "ok" if median < GOAL else "OVER THE GOAL"
    print(
        f"fleet-report --html --csv, {HOSTS} hosts: {median:.2f} s median of {ROUNDS} "
        f"(goal < {GOAL:.0f} s: {verdict}); page {size // 1024} KiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
