"""One host's report as a typed row: what `remedy fleet-report` counts, prints and renders.

A report is what a host said (a rollout's callback wrote remedy's JSON plus "host", "action",
"rc", "error"; an MDM script may write the one JSON line of `remedy doctor --check --json`).
Everything in it came from a host: every text is made printable here (secrets redacted,
escape sequences and control characters gone), before any renderer sees it, and the HTML and
CSV renderers still escape what they write (remedies/commands/fleet_page.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from remedies.commands.doctor_check import Compliance
from remedies.redact import printable


class Outcome(Enum):
    """What happened on a host, in the order a person reads the counts. The value is the word
    shown and the key in --json's "outcomes"."""

    CHANGED = "changed"
    WOULD_CHANGE = "would change"  # a dry run (make rollout-check) with files to change
    NEEDS_REMEDY = "needs a remedy"  # doctor --check: exit 1
    VERIFIED = "verified"
    ALREADY_FINE = "already fine"  # apply changed nothing; doctor --check: compliant
    NOT_NEEDED = "not needed"  # what the remedy fixes is not on this host ([when])
    FAILED = "failed"
    UNREACHABLE = "unreachable"  # never reached: --json counts these as failed, as before
    CANNOT_TELL = "cannot tell"  # doctor --check: exit 3 (no claude, a start-up file waits...)

    @property
    def needs_attention(self) -> bool:
        """Shown first, with the host's message: a person has something to do there."""
        return self in (Outcome.FAILED, Outcome.UNREACHABLE, Outcome.CANNOT_TELL)


@dataclass(frozen=True)
class HostRow:
    """One host, every text printable."""

    host: str
    outcome: Outcome
    message: str | None = None  # remedy's own one line, for a host that needs attention
    action: str | None = None  # apply, check, revert, verify (a rollout's), or doctor --check
    remedy: str | None = None
    versions: tuple[str, ...] = ()  # Claude Code versions the report names, e.g. "2.1.111"
    problems: tuple[str, ...] = ()  # ids of the problems found (doctor --check reports)


def natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """host2 before host10: runs of ASCII digits compare as numbers (str.isdigit() is true
    for '²', which int() refuses: a host named so stopped the report, found by hypothesis)."""
    return tuple(
        (0, int(part)) if _DIGITS.fullmatch(part) else (1, part)
        for part in _DIGITS.split(name)
        if part
    )


_DIGITS = re.compile(r"([0-9]+)")


_CHECKED = {
    Compliance.COMPLIANT.value: Outcome.ALREADY_FINE,
    Compliance.NEEDS_FIX.value: Outcome.NEEDS_REMEDY,
    Compliance.CANNOT_TELL.value: Outcome.CANNOT_TELL,
}


def classify(report: dict[str, Any]) -> Outcome:
    state = report.get("state")
    if isinstance(state, str) and state in _CHECKED and "exit" in report:
        return _CHECKED[state]  # doctor --check's line: its exit 1 and 3 are answers
    if report.get("action") == "verify" and report.get("rc") in (0, 1) and "ok" in report:
        # A host's report is data: only JSON's true is "ok" ("yes" was: found by review).
        return Outcome.VERIFIED if report["ok"] is True else Outcome.FAILED
    if report.get("rc") != 0:
        error = str(report.get("error") or "")
        if report.get("rc") is None and printable(error).startswith("unreachable"):
            return Outcome.UNREACHABLE
        return Outcome.FAILED
    if report.get("not_needed"):
        return Outcome.NOT_NEEDED
    if report.get("dry_run"):
        return Outcome.WOULD_CHANGE if report.get("files") else Outcome.ALREADY_FINE
    return Outcome.CHANGED if report.get("changed") else Outcome.ALREADY_FINE


def _message(report: dict[str, Any], outcome: Outcome) -> str | None:
    if outcome is Outcome.CANNOT_TELL:
        return printable(str(report.get("why") or "cannot tell"))
    if outcome in (Outcome.FAILED, Outcome.UNREACHABLE):
        found = report.get("error") or report.get("message") or f"exit {report.get('rc')}"
        return printable(str(found))
    return None


def _versions(report: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    claude = report.get("claude")
    if isinstance(claude, dict) and isinstance(claude.get("version"), str):
        found.append(claude["version"])
    elif isinstance(claude, str) and claude:  # doctor --check names the version alone
        found.append(claude)
    for key in ("from", "to"):
        if report.get("remedy") == "upgrade" and isinstance(report.get(key), str):
            found.append(report[key])
    # A value printable() empties (control characters alone) is none: it names nothing.
    return tuple(dict.fromkeys(shown for v in found if (shown := printable(v))))


def _problems(report: dict[str, Any]) -> tuple[str, ...]:
    given = report.get("problems")
    if not isinstance(given, list):
        return ()
    # Ids are strings: anything else a report holds is no problem's name (a dict was shown
    # as its repr: found by review).
    names = [p for p in given if isinstance(p, str)]
    return tuple(dict.fromkeys(shown for p in names if (shown := printable(p))))


def host_row(report: dict[str, Any], fallback: str) -> HostRow:
    """A report as a row; `fallback` names a host whose report does not (its file's stem)."""
    outcome = classify(report)
    checked = isinstance(report.get("state"), str) and report.get("state") in _CHECKED
    action = report.get("action") or ("doctor --check" if checked else None)
    remedy = report.get("remedy")
    return HostRow(
        host=printable(str(report.get("host") or fallback)),
        outcome=outcome,
        message=_message(report, outcome),
        action=printable(str(action)) if action else None,
        remedy=printable(str(remedy)) if remedy else None,
        versions=_versions(report),
        problems=_problems(report),
    )


@dataclass(frozen=True)
class FleetCounts:
    """The counts every view shows (the text, --json's "counts", the page's tables, the CSV's
    readers): each (name, hosts), only names some host has."""

    outcome: tuple[tuple[Outcome, int], ...]  # in Outcome's order
    problem: tuple[tuple[str, int], ...]  # the most common first
    version: tuple[tuple[str, int], ...]  # oldest first

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "outcome": {k.value: n for k, n in self.outcome},
            "problem": dict(self.problem),
            "version": dict(self.version),
        }


@dataclass(frozen=True)
class Fleet:
    """Every report in a folder: a row per readable report, in natural order of host."""

    folder: str  # as the user typed it
    rows: tuple[HostRow, ...]
    unreadable: tuple[str, ...] = ()  # file names

    def counts(self) -> FleetCounts:
        outcomes: dict[Outcome, int] = {}
        problems: dict[str, int] = {}
        versions: dict[str, int] = {}
        for row in self.rows:
            outcomes[row.outcome] = outcomes.get(row.outcome, 0) + 1
            for problem in row.problems:
                problems[problem] = problems.get(problem, 0) + 1
            for version in row.versions:
                versions[version] = versions.get(version, 0) + 1
        return FleetCounts(
            tuple((k, outcomes[k]) for k in Outcome if k in outcomes),
            tuple(sorted(problems.items(), key=lambda item: (-item[1], natural(item[0])))),
            tuple(sorted(versions.items(), key=lambda item: natural(item[0]))),
        )

    def attention_first(self) -> list[HostRow]:
        """Failed, unreachable and cannot-tell hosts first (in that order), then the rest in
        Outcome's order; hosts in natural order within each."""
        order = {outcome: i for i, outcome in enumerate(Outcome)}
        return sorted(
            self.rows,
            key=lambda r: (not r.outcome.needs_attention, order[r.outcome], natural(r.host)),
        )
