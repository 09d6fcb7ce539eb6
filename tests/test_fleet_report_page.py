"""`remedy fleet-report --html FILE --csv FILE`: one self-contained page and a table for
spreadsheets, with the same counts as --json, the hosts that need attention first with remedy's
own message. tests/test_fleet_report_browser.py opens the page in Chromium;
tests/test_fleet_report_names.py feeds it hostile reports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.conftest import Sandbox
from tests.support.fleet_reports import DENIED, NO_CLAUDE, TIMED_OUT, mixed_reports, parsed

# What the page may hold: ours, all of it; nothing that loads or runs anything.
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "table", "tr",
    "th", "td", "span", "ul", "li", "svg", "text", "rect",
}  # fmt: skip


def written(sandbox: Sandbox, tmp_path: Path, hosts: int) -> tuple[dict[str, object], str, str]:
    folder = tmp_path / "reports"
    mixed_reports(folder, hosts)
    said = sandbox.remedy(
        "fleet-report", str(folder), "--json", "--html", str(tmp_path / "r.html"),
        "--csv", str(tmp_path / "r.csv"),
    )  # fmt: skip
    assert said.code == 0, said.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    table = (tmp_path / "r.csv").read_bytes().decode("utf-8-sig")
    return said.json(), page, table


def test_the_page_and_the_table_count_what_the_json_counts(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    doc, page, table = written(sandbox, tmp_path, 1000)
    counts = doc["counts"]
    assert isinstance(counts, dict)
    # Every outcome the reports can carry, problems and versions (the generator's).
    assert set(counts["outcome"]) == {
        "changed", "needs a remedy", "already fine", "not needed", "failed", "unreachable",
        "cannot tell",
    }  # fmt: skip
    assert counts["problem"] == {"invalid-beta-flag": 84, "aws-region-missing": 17}
    assert set(counts["version"]) == {"2.1.111", "2.1.172", "2.1.332"}
    assert sum(counts["outcome"].values()) == doc["hosts"] == 1000
    marked = parsed(page).counts
    assert {k: marked.get(k, {}) for k in counts} == counts
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 1000
    by_outcome: dict[str, int] = {}
    for row in rows:
        by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + 1
    assert by_outcome == counts["outcome"]
    assert doc["written"] == [str(tmp_path / "r.html"), str(tmp_path / "r.csv")]


def test_the_hosts_that_need_attention_come_first_with_remedys_message(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    _, page, table = written(sandbox, tmp_path, 60)
    rows = list(csv.DictReader(io.StringIO(table)))
    outcomes = [row["outcome"] for row in rows]
    attention = [o for o in outcomes if o in ("failed", "unreachable", "cannot tell")]
    assert outcomes[: len(attention)] == attention, "failed, unreachable, cannot tell first"
    assert attention[0] == "failed" and {"unreachable", "cannot tell"} <= set(attention)
    first = rows[0]
    assert (first["host"], first["message"], first["claude_code"]) == ("host7", DENIED, "2.1.172")
    assert rows[len(attention) - 1]["message"] == NO_CLAUDE
    assert any(row["message"] == TIMED_OUT for row in rows)
    assert not any(row["message"] for row in rows[len(attention) :])
    # The page in the same order: the first host row is the first failed host.
    hosts = re.findall(r'<tr class="o-[a-z-]+" data-outcome="([a-z ]+)"><td>([^<]*)</td>', page)
    assert [h for _, h in hosts] == [row["host"] for row in rows]
    assert (
        page.index("Needs attention")
        < page.index(DENIED.replace("~", "~"))
        < page.index("The other hosts")
    )


def test_the_page_needs_no_network(sandbox: Sandbox, tmp_path: Path) -> None:
    _, page, _ = written(sandbox, tmp_path, 30)
    found = parsed(page)
    assert {tag for tag, _ in found.tags} <= PAGE_TAGS
    attributes = {name for _, attrs in found.tags for name, _ in attrs}
    assert not attributes & {"src", "href", "srcset", "action", "xlink:href", "background"}
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg\")", page)
    assert "default-src 'none'" in page, "a Content-Security-Policy forbids any load"
    assert page.count("<svg") == 3, "a chart by outcome, by problem, by version"


def test_the_files_go_where_the_options_say_from_the_folder_typed_in(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    mixed_reports(tmp_path / "reports", 12)
    said = sandbox.remedy(
        "fleet-report", "reports", "--html", "reports/page.html", "--csv", "t.csv", cwd=tmp_path
    )
    assert said.code == 0, said.stderr
    assert "  written: reports/page.html" in said.stdout.splitlines()
    assert (tmp_path / "reports" / "page.html").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbfhost,outcome,message,")
    again = sandbox.remedy("fleet-report", "reports", "--json", cwd=tmp_path).json()
    assert again["hosts"] == 12 and again["unreadable"] == [], "the page is not read as a report"
