"""A host's name made a report's file name (fleet/callback_plugins/remedy_reports.py, issue
22 item 8): only safe characters, inside REPORTS whatever the name, never shared by two hosts,
even on a case-insensitive disk. tests/test_fleet.py runs the callback in Ansible."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fleet.callback_plugins.remedy_reports import report_name, report_path

SAFE_FILE = re.compile(r"[a-z0-9_][a-z0-9._-]{0,99}(~[0-9a-f]{16})?")


@settings(max_examples=300, deadline=None)
@given(host=st.text(max_size=300))
@example(host="../../../home/admin/.claude/settings")
@example(host="..")
@example(host=".")
@example(host="")
@example(host="Web1")
@example(host="a\x00b")
@example(host="x" * 300)
@example(host="-rf")
def test_a_report_name_is_safe_and_inside_reports(host: str) -> None:
    name = report_name(host)
    assert SAFE_FILE.fullmatch(name), name
    assert len(f".{name}.json".encode()) < 255
    folder = Path("/srv/reports")
    assert report_path(folder, host) == folder / f"{name}.json"
    if re.fullmatch(r"[a-z0-9_][a-z0-9._-]{0,99}", host):
        assert name == host, "a safe name is kept as it is"


@settings(max_examples=500, deadline=None)
@given(a=st.text(max_size=12), b=st.text(max_size=12))
@example(a="Web1", b="web1")
@example(a="a/b", b="a_b")
@example(a="a/b", b="a?b")
@example(a=".x", b="_x")
@example(a="x" * 101, b="x" * 102)
def test_two_hosts_never_share_a_report(a: str, b: str) -> None:
    """Distinct names, distinct files, even on a case-insensitive disk."""
    if a != b:
        assert report_name(a).lower() != report_name(b).lower()


def test_a_report_never_lands_outside_reports_even_through_a_link(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert report_path(link, "../escape").parent == folder
    assert report_path(link, "../escape").name.startswith("_._escape~")


# --- what a report holds, on the fleet report's page and in its CSV ----------------------

_HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</td></tr><script>",
         "<!--", "]]><svg onload=alert(1)>", "=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
         "&lt;b&gt;", "<style>*{}</style>", "\x1b[31m<b>", "'single'"]
    ),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(values=st.tuples(_HOSTILE, _HOSTILE, _HOSTILE, _HOSTILE, _HOSTILE, _HOSTILE))
@example(
    values=(
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "</svg><script>",
        "=cmd|' /C calc'!A0",
        "<a href=x>",
        "-1+1",
    )
)
def test_nothing_from_a_report_opens_a_tag_or_a_formula(values: tuple[str, ...]) -> None:
    """Every value a host sends is text on the page (no tag, attribute, comment or script of
    its own) and in the CSV (no cell a spreadsheet runs as a formula)."""
    import csv
    import io

    from remedies.commands.fleet_hosts import Fleet, host_row
    from remedies.commands.fleet_page import csv_table, html_page
    from remedies.redact import printable
    from tests.support.fleet_reports import parsed
    from tests.test_fleet_report_page import PAGE_TAGS

    def fleet(given: tuple[str, ...]) -> Fleet:
        host, error, version, problem, remedy, why = given
        failed = {"host": host, "rc": 1, "error": error, "remedy": remedy}
        failed["claude"] = {"version": version}
        checked = {"host": host + "2", "state": "needs a remedy", "exit": 1, "problems": [problem]}
        unsure = {"state": "cannot tell", "exit": 3, "why": why, "claude": version}
        rows = (host_row(failed, "a"), host_row(checked, "b"), host_row(unsure, host))
        return Fleet(host, rows, (host + ".json",))

    page = html_page(fleet(values)).decode("utf-8")
    found = parsed(page)
    assert {tag for tag, _ in found.tags} <= PAGE_TAGS
    # The same elements and attributes as for harmless values: no value opened one of its own
    # (a value that printable() empties is empty in both).
    harmless = (v and printable(v) and f"x{i}" for i, v in enumerate(values))
    clean = parsed(html_page(fleet(tuple(str(v or "") for v in harmless))).decode("utf-8"))
    assert [(t, [n for n, _ in a]) for t, a in found.tags] == [
        (t, [n for n, _ in a]) for t, a in clean.tags
    ]
    assert not any(name.startswith("on") for _, attrs in found.tags for name, _ in attrs)
    assert not found.comments and not found.others
    assert "<script" not in page.lower()

    table = csv_table(fleet(values)).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(table)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells


def test_a_host_name_with_a_digit_int_refuses_sorts() -> None:
    """'²' is a digit to str.isdigit() and not to int(): sorting such a host name stopped the
    report (found by the property test above)."""
    from remedies.commands.fleet_hosts import natural

    names = ["web10", "web²", "web2", "web¹⁰"]
    assert sorted(names, key=natural) == ["web2", "web10", "web²", "web¹⁰"]


def test_a_report_is_read_by_json_types_not_by_truthiness() -> None:
    """A host's report is data: "ok": "yes" is not verified, a version or problem that is not
    a string names nothing (found by review: it counted and showed a dict's repr)."""
    from remedies.commands.fleet_hosts import Outcome, classify, host_row

    verify = {"host": "h", "action": "verify", "rc": 0}
    assert classify({**verify, "ok": "yes"}) is Outcome.FAILED
    assert classify({**verify, "ok": True}) is Outcome.VERIFIED
    odd = {"host": "h", "rc": 0, "claude": {"version": {"a": 1}}, "problems": [{"a": 1}, "p"]}
    row = host_row(odd, "h")
    assert (row.versions, row.problems) == ((), ("p",))
