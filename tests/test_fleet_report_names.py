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
