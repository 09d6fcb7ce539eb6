"""An MDM's own export as hosts for `remedy fleet-report`: a CSV with a row per laptop and a
column of doctor --check's lines, as the MDM scripts print them (claude.mdm_posix).

Jamf Pro's search of computers exports each extension attribute as a column named as the
administrator named it (`compliant: no problem a remedy fixes here`, `needs a remedy:
mantle`, `cannot tell: WHY`, `not checked: WHY`, the `<result>` tags stripped or not); an
Intune Remediations device report has the detection's output before the remediation and
after it. So the column is found by what it holds, not by its name: the one whose filled
cells are such lines. A column whose header says "post" is the state after a remediation:
where a laptop needed a remedy before and is compliant after, it was fixed (`changed`).
The host is the column named like a computer's name, else the first other column.

A line carries no Claude Code version and no problem id: those counts come from the JSON
reports (`make fleet-doctor`, `reports=` of the scripts). Every cell is data, made
printable (secrets masked, control characters gone) before any renderer sees it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from remedies.commands.doctor_check import Compliance
from remedies.commands.fleet_hosts import HostRow, Outcome
from remedies.redact import printable

NOT_CHECKED = "not checked"  # the scripts' own (mdm_posix): they could not run remedy
FAILED_EA = "error"  # jamf-ea's line when doctor --check gave no answer
_LINE = re.compile(
    r"\A(?:<result>)?(?P<state>"
    + "|".join(re.escape(s.value) for s in Compliance)
    + rf"|{NOT_CHECKED}|{FAILED_EA}): (?P<rest>.*?)(?:</result>)?\Z",
    re.DOTALL,
)
_HOST_HEADERS = ("computername", "devicename", "hostname", "name", "host", "device")
_OUTCOMES = {
    Compliance.COMPLIANT.value: Outcome.ALREADY_FINE,
    Compliance.NEEDS_FIX.value: Outcome.NEEDS_REMEDY,
    Compliance.CANNOT_TELL.value: Outcome.CANNOT_TELL,
    NOT_CHECKED: Outcome.FAILED,
    FAILED_EA: Outcome.FAILED,
}


@dataclass(frozen=True)
class Line:
    """One of doctor --check's lines, read back."""

    outcome: Outcome
    rest: str  # what follows `state: `: the remedies, or why


def read_line(cell: str) -> Line | None:
    found = _LINE.match(cell.strip())
    if found is None:
        return None
    return Line(_OUTCOMES[found["state"]], found["rest"])


def rows_from_csv(text: str) -> list[HostRow] | None:
    """The hosts of an MDM's export; None when no column holds doctor --check's lines."""
    table = list(csv.reader(io.StringIO(text)))
    if len(table) < 2:
        return None
    header, body = table[0], table[1:]
    columns = _line_columns(header, body)
    if not columns:
        return None
    after = next((c for c in columns if "post" in header[c].lower()), None)
    before = next((c for c in columns if c != after), after)
    host = _host_column(header, set(columns))
    rows = []
    for record in body:
        row = _row(record, host, before, after)
        if row is not None:
            rows.append(row)
    return rows


def _cell(record: list[str], column: int | None) -> str:
    return record[column] if column is not None and column < len(record) else ""


def _line_columns(header: list[str], body: list[list[str]]) -> list[int]:
    """Columns whose filled cells are all doctor --check's lines (at least one)."""
    found = []
    for column in range(len(header)):
        filled = [c for record in body if (c := _cell(record, column).strip())]
        if filled and all(read_line(c) is not None for c in filled):
            found.append(column)
    return found


def _host_column(header: list[str], taken: set[int]) -> int | None:
    plain = ["".join(ch for ch in h.lower() if ch.isalnum()) for h in header]
    for wanted in _HOST_HEADERS:
        for column, name in enumerate(plain):
            if name == wanted and column not in taken:
                return column
    return next((c for c in range(len(header)) if c not in taken), None)


def _row(
    record: list[str], host: int | None, before: int | None, after: int | None
) -> HostRow | None:
    first = read_line(_cell(record, before))
    last = read_line(_cell(record, after)) if after != before else None
    now = last or first
    name = printable(_cell(record, host).strip())
    if now is None or not name:
        return None  # no run reported yet (an MDM lists pending devices too)
    outcome, remedies = now.outcome, now.rest
    if (
        first is not None
        and last is not None
        and first.outcome is Outcome.NEEDS_REMEDY
        and last.outcome is Outcome.ALREADY_FINE
    ):
        outcome, remedies = Outcome.CHANGED, first.rest  # fixed by the remediation
    return HostRow(
        host=name,
        outcome=outcome,
        message=printable(now.rest) if outcome.needs_attention else None,
        action="doctor --check",
        remedy=printable(remedies) if outcome in (Outcome.NEEDS_REMEDY, Outcome.CHANGED) else None,
    )
