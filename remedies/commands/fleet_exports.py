"""An MDM's own export as hosts for `remedy fleet-report`: a CSV with a row per laptop and
columns of doctor --check's lines, as the MDM scripts print them (claude.mdm_posix,
claude.mdm_windows).

Jamf Pro's search of computers exports each extension attribute as a column named as the
administrator named it (`compliant: no problem a remedy fixes here`, `needs a remedy:
mantle`, `cannot tell: WHY`, `not checked: WHY`, the `<result>` tags stripped or not), one
per remedy checked; an Intune Remediations device report has the detection's output before
the remediation and after it, and what a script could not do (`remedy: WHY`). So columns
are found by what they hold, not by their names: a column of lines is one where at least
one cell is an answer (compliant, needs a remedy, cannot tell) and most filled cells are
lines; a cell there that is not one is that laptop's failure, shown as it is. A column
whose header says "post-remediation" is the state after the one headed "pre-remediation":
a laptop that needed a remedy before and is compliant after was fixed (`changed`). A laptop
with several columns gets the outcome that most needs a person. The host is the column named
like a computer's name, else the first column that holds no lines.

A line carries no Claude Code version and no problem id: those counts come from the JSON
reports (`make fleet-doctor`, `reports=` of the scripts). Every cell is data, made
printable (secrets masked, control characters gone) before any renderer sees it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from remedies.claude.mdm_posix import CHECK_FAILED, NOT_CHECKED
from remedies.commands.doctor_check import Compliance
from remedies.commands.fleet_hosts import HostRow, Outcome
from remedies.redact import printable

# What one report or export may hold (fleet_report.read_bounded), and so one cell: Jamf
# exports a computer's applications in one.
MOST_BYTES = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MOST_BYTES))
_ANSWERS = {
    Compliance.COMPLIANT.value: Outcome.ALREADY_FINE,
    Compliance.NEEDS_FIX.value: Outcome.NEEDS_REMEDY,
    Compliance.CANNOT_TELL.value: Outcome.CANNOT_TELL,
}
_LINE = re.compile(
    r"\A(?:<result>)?(?P<state>"
    + "|".join(re.escape(s) for s in (*_ANSWERS, NOT_CHECKED))
    # jamf-ea's when doctor gave no answer; the scripts' own failure (Windows: on stdout)
    + rf"|error(?=: {re.escape(CHECK_FAILED)})|remedy): (?P<rest>.*?)(?:</result>)?\Z",
    re.DOTALL,
)
_HOST_HEADERS = ("computername", "devicename", "hostname", "name", "host", "device")
_BEFORE = re.compile(r"\bpre[-_ ]?remediation\b", re.IGNORECASE)
_AFTER = re.compile(r"\bpost[-_ ]?remediation\b", re.IGNORECASE)
# Which outcome a laptop with several columns gets: the one that most needs a person.
_URGENCY = (
    Outcome.FAILED,
    Outcome.CANNOT_TELL,
    Outcome.NEEDS_REMEDY,
    Outcome.CHANGED,
    Outcome.ALREADY_FINE,
)


@dataclass(frozen=True)
class Line:
    """One of doctor --check's lines (or a script's failure), read back."""

    outcome: Outcome
    rest: str  # what follows `state: `: the remedies, or why


def read_line(cell: str) -> Line | None:
    found = _LINE.match(cell.strip())
    if found is None:
        return None
    return Line(_ANSWERS.get(found["state"], Outcome.FAILED), found["rest"])


@dataclass(frozen=True)
class _Check:
    """One remedy's columns: its line, or its lines before and after a remediation."""

    now: int
    before: int | None = None


def rows_from_csv(text: str) -> list[HostRow] | None:
    """The hosts of an MDM's export; None when it holds none (no column of lines, or no row
    with a host and a line)."""
    table = list(csv.reader(io.StringIO(text)))
    if len(table) < 2:
        return None
    header, body = table[0], table[1:]
    columns = [c for c in range(len(header)) if _holds_lines(body, c)]
    if not columns:
        return None
    host = _host_column(header, set(columns))
    checks = _checks(header, columns)
    rows = [row for record in body if (row := _row(record, host, checks)) is not None]
    return rows or None


def _cell(record: Sequence[str], column: int | None) -> str:
    return record[column].strip() if column is not None and column < len(record) else ""


def _holds_lines(body: list[list[str]], column: int) -> bool:
    filled = [cell for record in body if (cell := _cell(record, column))]
    lines = [found for cell in filled if (found := read_line(cell)) is not None]
    answers = [line for line in lines if line.outcome is not Outcome.FAILED]
    return bool(answers) and 2 * len(lines) > len(filled)


def _checks(header: list[str], columns: list[int]) -> list[_Check]:
    after = [c for c in columns if _AFTER.search(header[c])]
    before = [c for c in columns if _BEFORE.search(header[c])]
    if len(after) == 1 and len(before) == 1:
        rest = [c for c in columns if c not in (after[0], before[0])]
        return [_Check(after[0], before[0]), *(_Check(c) for c in rest)]
    return [_Check(c) for c in columns]


def _host_column(header: list[str], taken: set[int]) -> int | None:
    plain = ["".join(ch for ch in h.lower() if ch.isalnum()) for h in header]
    for wanted in _HOST_HEADERS:
        for column, name in enumerate(plain):
            if name == wanted and column not in taken:
                return column
    return next((c for c in range(len(header)) if c not in taken), None)


def _judged(record: Sequence[str], check: _Check) -> tuple[Outcome, str] | None:
    """This laptop's outcome by one remedy's columns, and the text behind it."""
    before, now = _cell(record, check.before), _cell(record, check.now)
    cell = now or before  # after a remediation, else before one (or none ran yet)
    if not cell:
        return None
    line = read_line(cell)
    if line is None:  # not a line: what went wrong there, as the MDM shows it
        return Outcome.FAILED, cell
    first = read_line(before) if now else None
    if first and first.outcome is Outcome.NEEDS_REMEDY and line.outcome is Outcome.ALREADY_FINE:
        return Outcome.CHANGED, first.rest  # fixed by the remediation
    return line.outcome, line.rest


def _row(record: Sequence[str], host: int | None, checks: list[_Check]) -> HostRow | None:
    name = printable(_cell(record, host))
    judged = [found for check in checks if (found := _judged(record, check)) is not None]
    if not name or not judged:
        return None  # no host, or no run reported yet (an MDM lists pending devices too)
    outcome = min(judged, key=lambda found: _URGENCY.index(found[0]))[0]
    said = "; ".join(dict.fromkeys(r for o, r in judged if o is outcome))
    return HostRow(
        host=name,
        outcome=outcome,
        message=printable(said) if outcome.needs_attention else None,
        action="doctor --check",
        remedy=printable(said) if outcome in (Outcome.NEEDS_REMEDY, Outcome.CHANGED) else None,
    )
