"""`remedy fleet-report DIR`: what a rollout did, for a person and for a program.

Reads the per-host JSON reports `make rollout` (and -check, -revert, -verify, fleet-doctor)
wrote, each named after its host's name made safe; the real name is the report's "host"
field; and an MDM's CSV export of the scripts' lines (fleet_exports.py). For a
person, a thousand hosts fit on a screen: the count of each outcome first, then the failed
and unreachable hosts grouped by their first error line, most common first; the names of the
others only with --verbose. Hosts sort naturally (host2 before host10). --html FILE writes
the same as one self-contained page, --csv FILE as a table for spreadsheets (fleet_page.py).
"""

from __future__ import annotations

import csv
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from remedies.commands import short_help
from remedies.commands.fleet_exports import MOST_BYTES, rows_from_csv
from remedies.commands.fleet_hosts import Fleet, HostRow, Outcome, classify, host_row, natural
from remedies.commands.fleet_page import CSV_COLUMNS, csv_table, html_page
from remedies.context import Context
from remedies.engine.fileio import write_private
from remedies.errors import BadInput, FileProblem
from remedies.options import json_option
from remedies.output import Output, wants_colour
from remedies.redact import printable


@dataclass(frozen=True)
class FleetReportRequest:
    """What `remedy fleet-report DIR` was asked."""

    folder: Path
    verbose: bool = False  # name the hosts of every outcome
    html: Path | None = None  # write the page here
    csv: Path | None = None  # write the table here


@click.pass_obj
def _fleet_report(
    ctx: Context,
    folder: Path,
    *,
    verbose: bool,
    html: Path | None,
    csv: Path | None,
    json_mode: bool,
) -> None:
    request = FleetReportRequest(folder, verbose, html, csv)
    Output(json_mode, wants_colour(ctx.env)).show(core(ctx, request))


command = click.Command(
    "fleet-report",
    callback=_fleet_report,
    short_help=short_help("fleet-report"),
    help="Read the JSON reports in DIR (one per host: `make rollout`, `make fleet-doctor`, "
    "the MDM scripts' reports=) and any CSV an MDM exported with a column of doctor "
    "--check's lines (a Jamf extension attribute, an Intune detection's output), and "
    "summarise them: "
    "how many hosts changed, were already fine, did not need it, failed, were unreachable "
    "or could not tell; those grouped by their first error line; the versions and problems "
    "seen. --verbose names every host; --html and --csv write the same for a browser and a "
    "spreadsheet.",
    params=[
        click.Argument(["folder"], type=click.Path(path_type=Path), metavar="DIR"),
        click.Option(["--verbose", "-v"], is_flag=True, help="Name the hosts of every outcome."),
        click.Option(
            ["--html"],
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Also write one self-contained HTML page (no network): counts, a chart, "
            "every host, failed first.",
        ),
        click.Option(
            ["--csv"],
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Also write a CSV, a row per host, failed first.",
        ),
        json_option(),
    ],
)


# Read here, defined beside the row they make (fleet_hosts); tests import them from here too.
__all__ = ["FleetReportRequest", "FleetSummary", "classify", "command", "core", "natural"]


@dataclass(frozen=True)
class FleetSummary:
    fleet: Fleet
    verbose: bool = False
    written: tuple[Path, ...] = ()  # the HTML page and the CSV, as the user named them

    @property
    def outcomes(self) -> dict[str, list[str]]:
        """outcome -> hosts, for --json: an unreachable host counts as failed (as it did)."""
        found: dict[str, list[str]] = {}
        for row in self.fleet.rows:
            outcome = Outcome.FAILED if row.outcome is Outcome.UNREACHABLE else row.outcome
            found.setdefault(outcome.value, []).append(row.host)
        return dict(sorted(found.items()))

    @property
    def errors(self) -> dict[str, str]:
        """Failed, unreachable and cannot-tell hosts: remedy's message (or why it cannot tell)."""
        return {r.host: r.message for r in self.fleet.rows if r.message is not None}

    @property
    def unreadable(self) -> tuple[str, ...]:
        return self.fleet.unreadable

    def to_json(self) -> dict[str, Any]:
        rows = self.fleet.rows
        counts = self.fleet.counts()
        doc = {
            "hosts": len(rows),
            "outcomes": self.outcomes,
            "errors": self.errors,
            "unreachable": [r.host for r in rows if r.outcome is Outcome.UNREACHABLE],
            "versions": {f"claude {v}": n for v, n in counts.version},
            "unreadable": list(self.fleet.unreadable),
            # What the page and the text count: unreachable apart from failed.
            "counts": counts.to_json(),
        }
        if self.written:
            doc["written"] = [str(path) for path in self.written]
        return doc

    def for_person(self, out: Output) -> None:
        hosts = len(self.fleet.rows)
        out.say(f"{hosts} host(s) reported in {printable(self.fleet.folder)}", bold=True)
        colours = {"failed": "red", "unreachable": "red", "changed": "green", "cannot tell": "red"}
        counts = self.fleet.counts()
        out.say(
            "  "
            + ", ".join(
                f"{out.paint(k.value, fg=colours.get(k.value, 'cyan'), bold=True)} {n}"
                for k, n in counts.outcome
            )
        )
        named: dict[Outcome, list[HostRow]] = {}
        for row in self.fleet.rows:
            named.setdefault(row.outcome, []).append(row)
        for outcome, _ in counts.outcome:
            if outcome.needs_attention:
                out.say(f"  {outcome.value}:")
                for error, group in _by_error(named[outcome]):
                    out.say(f"    {error}  ({len(group)}: {_names(group)})")
            elif self.verbose:
                out.say(f"  {outcome.value}: {_names([r.host for r in named[outcome]])}")
        if counts.version:
            seen = ", ".join(f"claude {v} ({n})" for v, n in counts.version)
            out.say(f"  versions seen: {seen}")
        if counts.problem:
            out.say("  problems: " + ", ".join(f"{p} ({n})" for p, n in counts.problem))
        for name in self.fleet.unreadable:
            out.warn(f"{name} is not a readable report")
        if not self.verbose and any(not k.needs_attention for k, _ in counts.outcome):
            out.say("  (--verbose names the other hosts)")
        for path in self.written:
            out.say(f"  written: {printable(str(path))}")


def _by_error(rows: list[HostRow]) -> list[tuple[str, list[str]]]:
    """Hosts grouped by their first error line, the most common first."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        first = (row.message or "no error recorded").splitlines()[0]
        groups.setdefault(first, []).append(row.host)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def _names(hosts: list[str], most: int = 10) -> str:
    """At most `most` names, then how many more (a thousand names help no one)."""
    shown = ", ".join(hosts[:most])
    return shown + (f" and {len(hosts) - most} more" if len(hosts) > most else "")


def core(ctx: Context, request: FleetReportRequest) -> FleetSummary:
    """The reports in the folder, counted and grouped (nothing else is read); the page and
    the CSV written where asked."""
    # Read from the folder the user meant (relative: from ctx.cwd), named as they typed it.
    fleet = read_fleet(ctx.given_path(request.folder), str(request.folder))
    written = []
    for path, render in ((request.html, html_page), (request.csv, csv_table)):
        if path is not None:
            write_report(ctx.given_path(path), render(fleet))
            written.append(path)
    return FleetSummary(fleet, request.verbose, tuple(written))


def read_fleet(folder: Path, shown: str) -> Fleet:
    if not folder.is_dir():
        raise BadInput(f"{shown} is not a folder of rollout reports")
    rows = []
    unreadable = []
    for path in sorted(folder.glob("*.json"), key=lambda p: natural(p.name)):
        text = read_bounded(path)
        try:
            report = json.loads(text) if text is not None else None
        except ValueError:
            report = None
        if not isinstance(report, dict):
            unreadable.append(printable(path.name))
            continue
        rows.append(host_row(report, path.stem))
    # An MDM's export (fleet_exports.py), beside the reports; our own table is not one. A
    # host with a report of its own is counted once, by its report (which says more).
    seen = {row.host for row in rows}
    for path in sorted(folder.glob("*.csv"), key=lambda p: natural(p.name)):
        text = read_bounded(path)
        if text is not None and _ours(text):
            continue
        try:
            exported = rows_from_csv(text) if text is not None else None
        except csv.Error:  # a NUL, a field over the limit
            exported = None
        if exported is None:
            unreadable.append(printable(path.name))
            continue
        for row in exported:
            if row.host not in seen:
                seen.add(row.host)
                rows.append(row)
    rows.sort(key=lambda r: natural(r.host))
    return Fleet(shown, tuple(rows), tuple(unreadable))


def read_bounded(path: Path) -> str | None:
    """A regular file's text (UTF-8, a byte-order mark dropped, what is not UTF-8 replaced),
    at most MOST_BYTES; None for anything else, or what cannot be read (a FIFO named x.csv
    hung the report, a link to /dev/zero filled the memory: found by review)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as opened:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = opened.read(MOST_BYTES + 1)
        except OSError:
            return None
    if len(data) > MOST_BYTES:
        return None
    return data.decode("utf-8-sig", errors="replace")


def _ours(text: str) -> bool:
    """The table `--csv` wrote (a second run finds it in the folder it sums up)."""
    return text.splitlines()[:1] == [",".join(CSV_COLUMNS)]


def write_report(path: Path, data: bytes) -> None:
    """A page or table of our own, replaced whole (never half-written): 0600, as the
    reports it sums up are (messages quote start-up files)."""
    try:
        write_private(path, data)
    except FileProblem as e:
        raise BadInput(str(e)) from e
