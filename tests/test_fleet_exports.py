"""`remedy fleet-report` reads an MDM's own CSV export (commands/fleet_exports.py): the
column of doctor --check's lines found by what it holds, the host by its column's name.
The exports are written here in the shapes Jamf Pro's computer search and an Intune
Remediations device report take (no MDM runs here: their column names are stand-ins; what
is read is the lines the scripts print, which tests/test_export_mdm.py takes from real runs).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from remedies.commands.fleet_exports import read_line, rows_from_csv
from remedies.commands.fleet_hosts import Outcome
from tests.conftest import Sandbox


def table(*rows: tuple[str, ...]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


JAMF = table(
    ("Computer Name", "Serial Number", "Claude Code remedy"),
    ("ann-mbp", "C02X1", "needs a remedy: mantle"),
    ("bob-mbp", "C02X2", "<result>compliant: mantle is not needed here</result>"),
    ("cy-mbp", "C02X3", "cannot tell: no claude on the PATH a new shell gets"),
    ("di-mbp", "C02X4", "not checked: no user at the console (name one: user= at the top)"),
    ("ed-mbp", "C02X5", ""),  # enrolled, not run yet
)
INTUNE = table(
    ("Device name", "UPN", "Pre-remediation detection output", "Post-remediation detection output"),
    ("lin-01", "a@x", "needs a remedy: mantle", "compliant: mantle is not needed here"),
    ("lin-02", "b@x", "compliant: mantle is not needed here", ""),
    ("lin-03", "c@x", "needs a remedy: mantle", "needs a remedy: mantle"),
)


def report(sandbox: Sandbox, folder: Path) -> dict[str, Any]:
    done = sandbox.remedy("fleet-report", str(folder), "--json")
    assert done.code == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_jamf_search_export_is_counted(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "jamf.csv").write_text(JAMF)
    counts = report(sandbox, tmp_path)["counts"]
    assert counts == {
        "outcome": {"needs a remedy": 1, "already fine": 1, "failed": 1, "cannot tell": 1},
        "problem": {},
        "version": {},
    }, counts


def test_an_intune_report_counts_a_remediated_laptop_as_changed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "intune.csv").write_text("\ufeff" + INTUNE)  # Excel's byte-order mark
    rows = {r.host: r for r in rows_from_csv(INTUNE) or []}
    assert rows["lin-01"].outcome is Outcome.CHANGED and rows["lin-01"].remedy == "mantle"
    assert rows["lin-02"].outcome is Outcome.ALREADY_FINE
    assert rows["lin-03"].outcome is Outcome.NEEDS_REMEDY
    counts = report(sandbox, tmp_path)["counts"]
    assert counts["outcome"] == {"changed": 1, "needs a remedy": 1, "already fine": 1}, counts


def test_our_own_table_is_skipped_and_another_csv_is_named(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    (tmp_path / "jamf.csv").write_text(JAMF)
    first = sandbox.remedy("fleet-report", str(tmp_path), "--csv", str(tmp_path / "out.csv"))
    assert first.code == 0, first.stderr
    (tmp_path / "inventory.csv").write_text(table(("name", "os"), ("a", "macOS 15")))
    found = report(sandbox, tmp_path)
    assert found["unreadable"] == ["inventory.csv"], found
    assert sum(found["counts"]["outcome"].values()) == 4, found


def test_what_a_host_says_stays_data(sandbox: Sandbox, tmp_path: Path) -> None:
    """A laptop's name and its line are the MDM's data: escaped in the page, no formula in
    the CSV, no escape sequence in the text."""
    hostile = table(
        ("Computer Name", "EA"),
        ('=HYPERLINK("http://x")', "cannot tell: <script>alert(1)</script>\x1b[31m"),
    )
    (tmp_path / "jamf.csv").write_text(hostile)
    page, cells = tmp_path / "page.html", tmp_path / "table.csv"
    done = sandbox.remedy("fleet-report", str(tmp_path), "--html", str(page), "--csv", str(cells))
    assert done.code == 0, done.stderr
    assert "<script>alert" not in page.read_text() and "\x1b" not in done.stdout
    assert "'=HYPERLINK" in cells.read_text(encoding="utf-8-sig")


def test_each_line_the_scripts_print_reads_back() -> None:
    for line, outcome in (
        ("compliant: no problem a remedy fixes here", Outcome.ALREADY_FINE),
        ("needs a remedy: mantle, upgrade", Outcome.NEEDS_REMEDY),
        ("cannot tell: a new bash did not finish within 20 s", Outcome.CANNOT_TELL),
        ("<result>not checked: no python3 (set python= at the top)</result>", Outcome.FAILED),
        ("error: remedy doctor --check failed (exit 1, not an answer)", Outcome.FAILED),
    ):
        found = read_line(line)
        assert found is not None and found.outcome is outcome, line
    for other in ("Compliant", "compliant", "needs a remedy", "macOS 15.1", ""):
        assert read_line(other) is None, other


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_rows_or_none(text: str) -> None:
    try:
        rows = rows_from_csv(text)
    except csv.Error:
        return  # read_fleet lists the file as unreadable
    for row in rows or []:
        assert row.host and "\x1b" not in row.host


def hosts(text: str) -> dict[str, tuple[Outcome, str | None]]:
    return {r.host: (r.outcome, r.message or r.remedy) for r in rows_from_csv(text) or []}


def test_every_column_of_lines_counts_and_the_worst_wins() -> None:
    """Two extension attributes, one per remedy: ann needs the second (only the first was
    read); "posture" is no post-remediation (ann read as changed). Found by review."""
    two = table(
        ("Computer Name", "Claude posture (mantle)", "Claude posture (upgrade)"),
        ("ann", "compliant: mantle is not needed here", "needs a remedy: upgrade"),
        ("bob", "compliant: mantle is not needed here", "cannot tell: no claude"),
    )
    assert hosts(two) == {
        "ann": (Outcome.NEEDS_REMEDY, "upgrade"),
        "bob": (Outcome.CANNOT_TELL, "no claude"),
    }


def test_an_error_column_of_another_kind_is_not_ours() -> None:
    """`error: The device is offline` is an MDM's own column, not the scripts' lines."""
    inventory = table(
        ("Computer Name", "Last Error", "Claude Code remedy"),
        ("ann", "", "needs a remedy: mantle"),
        ("bob", "error: The device is offline", "compliant: mantle is not needed here"),
        ("cy", "", "compliant: mantle is not needed here"),
    )
    assert hosts(inventory) == {
        "ann": (Outcome.NEEDS_REMEDY, "mantle"),
        "bob": (Outcome.ALREADY_FINE, None),
        "cy": (Outcome.ALREADY_FINE, None),
    }
    assert rows_from_csv(table(("Computer Name", "Error"), ("bob", "error: offline"))) is None


def test_a_script_that_failed_is_a_failed_laptop_not_a_lost_one() -> None:
    """Intune shows the Windows detection's `remedy: WHY` as its output: one such cell made
    the column unread and the laptops vanished (found by review)."""
    windows = table(
        ("Device name", "Pre-remediation detection output", "Post-remediation detection output"),
        ("win-01", "needs a remedy: no Claude Code policy", "compliant: every setting is set"),
        ("win-02", "remedy: Requested registry access is not allowed.", ""),
        ("win-03", "needs a remedy: no Claude Code policy", ""),
        ("win-04", "Access denied", ""),
    )
    assert hosts(windows) == {
        "win-01": (Outcome.CHANGED, "no Claude Code policy"),
        "win-02": (Outcome.FAILED, "Requested registry access is not allowed."),
        "win-03": (Outcome.NEEDS_REMEDY, "no Claude Code policy"),
        "win-04": (Outcome.FAILED, "Access denied"),
    }


def test_a_host_with_a_report_is_counted_once(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "ann.json").write_text(
        json.dumps({"host": "ann", "state": "needs a remedy", "exit": 1, "claude": "2.1.111"})
    )
    (tmp_path / "jamf.csv").write_text(table(("Computer Name", "EA"), ("ann", "needs a remedy: x")))
    found = report(sandbox, tmp_path)
    assert found["hosts"] == 1 and found["counts"]["version"] == {"2.1.111": 1}, found


def test_what_is_no_file_or_too_big_is_unreadable_not_a_hang(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A FIFO named x.csv hung the report; a link to /dev/zero filled the memory (review)."""
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    (tmp_path / "empty.csv").write_text(table(("EA",), ("needs a remedy: x",)))
    found = report(sandbox, tmp_path)
    assert sorted(found["unreadable"]) == ["empty.csv", "fifo.csv", "zero.csv", "zero.json"]


def test_a_big_cell_elsewhere_does_not_make_the_export_unreadable() -> None:
    apps = "App; " * 40_000  # over csv's default field limit (131,072 characters)
    assert hosts(table(("Computer Name", "Applications", "EA"), ("ann", apps, "compliant: x")))
