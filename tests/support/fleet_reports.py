"""Rollout reports as the playbook's callback writes them (fleet/callback_plugins), many at
once: for tests of `remedy fleet-report` and for `make bench`."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

DENIED = "remedy: error: cannot read ~/.bashrc: permission denied"
NO_REGION = "remedy: error: the Mantle endpoint needs an AWS region"
TIMED_OUT = "unreachable: ssh: connect to host 10.0.0.1 port 22: Connection timed out"
NO_CLAUDE = "no claude on the PATH a new shell gets"


def reports(folder: Path, hosts: int) -> None:
    """`make rollout` of mantle: changed, already fine, some failed, some unreachable."""
    folder.mkdir()
    for i in range(1, hosts + 1):
        report: dict[str, object] = {"host": f"host{i}", "action": "apply", "rc": 0}
        report.update(changed=i % 3 != 0, remedy="mantle", claude={"version": "2.1.111"})
        if i % 97 == 0:
            report.update(rc=1, error=DENIED)
        if i % 250 == 0:
            report.update(rc=None, error=TIMED_OUT)
        if i == 5:
            report.update(rc=1, error=NO_REGION)
        (folder / f"host{i}.json").write_text(json.dumps(report))


def mixed_reports(folder: Path, hosts: int) -> None:
    """Every outcome the report knows, problems and several Claude Code versions: a rollout's
    reports beside the `doctor --check --json` lines an MDM script wrote for other hosts."""
    folder.mkdir()
    versions = ("2.1.111", "2.1.172", "2.1.332")
    for i in range(1, hosts + 1):
        report: dict[str, object]
        version = versions[i % len(versions)]
        if i % 4 == 0:  # doctor --check, from an MDM's script
            state = ("compliant", "needs a remedy", "cannot tell")[i % 3]
            problems = ["invalid-beta-flag"] if state == "needs a remedy" else []
            if state == "needs a remedy" and i % 5 == 0:
                problems.append("aws-region-missing")
            report = {
                "host": f"mac{i}",
                "state": state,
                "exit": {"compliant": 0, "needs a remedy": 1, "cannot tell": 3}[state],
                "remedies": ["mantle"] if problems else [],
                "problems": problems,
                "claude": None if state == "cannot tell" else version,
                "why": NO_CLAUDE if state == "cannot tell" else None,
            }
        else:
            report = {"host": f"host{i}", "action": "apply", "rc": 0, "remedy": "mantle"}
            report.update(changed=i % 3 != 0, claude={"version": version})
            if i % 7 == 0:
                report.update(rc=1, error=DENIED)
            if i % 250 == 1:
                report.update(rc=None, error=TIMED_OUT)
            if i % 11 == 0 and report["rc"] == 0:
                report.update(not_needed="Bedrock is not on here", changed=False)
        (folder / f"{report['host']}.json").write_text(json.dumps(report))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.counts: dict[str, dict[str, int]] = {}
        self.comments: list[str] = []
        self.others: list[str] = []  # declarations other than the doctype, processing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        found = dict(attrs)
        if found.get("data-count") is not None and found.get("data-key") is not None:
            kind = str(found.get("data-kind"))
            self.counts.setdefault(kind, {})[str(found["data-key"])] = int(str(found["data-count"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_pi(self, data: str) -> None:
        self.others.append(data)

    def unknown_decl(self, data: str) -> None:
        self.others.append(data)


def parsed(page: str) -> _Page:
    """The page's start tags, comments and the counts it marks (data-kind/-key/-count)."""
    found = _Page()
    found.feed(page)
    found.close()
    return found
