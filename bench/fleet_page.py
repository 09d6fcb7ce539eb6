"""`make bench`: `remedy fleet-report` for 1,000 hosts writing the HTML page and the CSV, as
`make fleet-report` does (a process of its own: start-up, reading 1,000 reports, rendering,
writing). Goal (issue 27): under 2 s. No timing is asserted in the tests."""

from __future__ import annotations

import csv
import io
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


LINES = (
    "needs a remedy: mantle",
    "compliant: mantle is not needed here",
    "cannot tell: no claude on the PATH a new shell gets",
    "not checked: no user at the console (name one: user= at the top)",
)


def mdm_export(folder: Path, hosts: int) -> None:
    """An Intune-shaped device report: a row per laptop, the detection before and after."""
    folder.mkdir(parents=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("Device name", "Pre-remediation output", "Post-remediation output"))
    for i in range(hosts):
        before = LINES[i % len(LINES)]
        after = LINES[1] if i % 8 == 0 and before == LINES[0] else ""
        writer.writerow((f"laptop{i}", before, after))
    (folder / "intune.csv").write_text(out.getvalue())


def timed(reports: Path) -> tuple[float, int]:
    argv = [sys.executable, "-m", "remedies", "fleet-report", str(reports)]
    argv += ["--html", str(reports / "fleet-report.html")]
    argv += ["--csv", str(reports / "fleet-report.csv")]
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), (reports / "fleet-report.html").stat().st_size


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        reports, export = Path(folder) / "reports", Path(folder) / "export"
        mixed_reports(reports, HOSTS)
        mdm_export(export, HOSTS)
        for what, where in (("JSON reports", reports), ("an MDM's CSV export", export)):
            median, size = timed(where)
            verdict = "ok" if median < GOAL else "OVER THE GOAL"
            print(
                f"fleet-report --html --csv, {HOSTS} hosts from {what}: {median:.2f} s median "
                f"of {ROUNDS} (goal < {GOAL:.0f} s: {verdict}); page {size // 1024} KiB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
