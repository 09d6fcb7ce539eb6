"""`remedy fleet-report` for a thousand hosts: counts first, failures grouped by their first
error line, names of the rest only with --verbose, natural order; the JSON keeps its meaning.
The reports are written the way the playbook's callback writes them (tests/support/
fleet_reports.py; fleet tests run the real playbook; this one is about reading many)."""

from __future__ import annotations

from pathlib import Path

from remedies.commands.fleet_report import natural
from tests.conftest import Sandbox
from tests.support.fleet_reports import DENIED, NO_REGION, TIMED_OUT, reports


def test_a_thousand_hosts_fit_on_a_screen(sandbox: Sandbox, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    reports(folder, 1000)
    said = sandbox.remedy("fleet-report", str(folder))
    assert said.code == 0, said.stderr
    lines = said.stdout.splitlines()
    assert len(lines) <= 12, said.stdout
    assert lines[1].strip() == "changed 656, already fine 329, failed 11, unreachable 4"
    failed = lines.index("  failed:")
    # Grouped by error, the most common first, hosts in natural order.
    assert lines[failed + 1].startswith(f"    {DENIED}  (10: host97, host194, host291,")
    assert lines[failed + 2] == f"    {NO_REGION}  (1: host5)"
    assert f"    {TIMED_OUT}  (4: host250, host500, host750, host1000)" in lines
    assert "host3," not in said.stdout, "the fine hosts are named only with --verbose"
    verbose = sandbox.remedy("fleet-report", str(folder), "--verbose").stdout
    assert "  already fine: host3, host6, host9," in verbose


def test_the_json_keeps_its_meaning(sandbox: Sandbox, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    reports(folder, 300)
    doc = sandbox.remedy("fleet-report", str(folder), "--json").json()
    assert doc["hosts"] == 300
    # An unreachable host still counts as failed, as before; `unreachable` says which.
    assert doc["unreachable"] == ["host250"]
    assert "host250" in doc["outcomes"]["failed"]
    assert doc["errors"]["host250"] == TIMED_OUT
    assert doc["outcomes"]["failed"] == ["host5", "host97", "host194", "host250", "host291"]


def test_natural_order() -> None:
    names = ["host10", "host2", "web-1b", "host1", "web-1a", "db"]
    assert sorted(names, key=natural) == ["db", "host1", "host2", "host10", "web-1a", "web-1b"]
