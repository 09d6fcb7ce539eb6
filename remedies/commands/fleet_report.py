"""`remedy fleet-report DIR`: what a rollout did, for a person and for a program.

Reads the per-host JSON reports `make rollout` (and -check, -revert, -verify) wrote, each
named after its host's name made safe; the real name is the report's "host" field. For a
person, a thousand hosts fit on a screen: the count of each outcome first, then the failed
and unreachable hosts grouped by their first error line, most common first; the names of the
others only with --verbose. Hosts sort naturally (host2 before host10).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from remedies.commands import short_help
from remedies.context import Context
from remedies.errors import BadInput
from remedies.options import json_option
from remedies.output import Output, wants_colour
from remedies.redact import printable


@dataclass(frozen=True)
class FleetReportRequest:
    """What `remedy fleet-report DIR` was asked."""

    folder: Path
    verbose: bool = False  # name the hosts of every outcome


@click.pass_obj
def _fleet_report(ctx: Context, folder: Path, verbose: bool, json_mode: bool) -> None:
    Output(json_mode, wants_colour(ctx.env)).show(core(ctx, FleetReportRequest(folder, verbose)))


command = click.Command(
    "fleet-report",
    callback=_fleet_report,
    short_help=short_help("fleet-report"),
    help="Read the JSON reports of `make rollout` in DIR (one per host) and summarise them: "
    "how many hosts changed, were already fine, did not need it, failed or were unreachable; "
    "the failed and "
    "unreachable ones grouped by their first error line; the versions seen. --verbose names "
    "every host.",
    params=[
        click.Argument(["folder"], type=click.Path(path_type=Path), metavar="DIR"),
        click.Option(["--verbose", "-v"], is_flag=True, help="Name the hosts of every outcome."),
        json_option(),
    ],
)


def classify(report: dict[str, Any]) -> str:
    if report.get("action") == "verify" and report.get("rc") in (0, 1) and "ok" in report:
        return "verified" if report["ok"] else "failed"
    if report.get("rc") != 0:
        return "failed"
    if report.get("not_needed"):
        return "not needed"  # what the remedy fixes is not on this host ([when])
    if report.get("dry_run"):
        return "would change" if report.get("files") else "already fine"
    return "changed" if report.get("changed") else "already fine"


def natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """host2 before host10: runs of digits compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    )


# The order outcomes are counted in, for a person.
_ORDER = (
    "changed",
    "would change",
    "verified",
    "already fine",
    "not needed",
    "failed",
    "unreachable",
)


def _versions(report: dict[str, Any]) -> set[str]:
    found = set()
    claude = report.get("claude")
    if isinstance(claude, dict) and claude.get("version"):
        found.add(f"claude {printable(str(claude['version']))}")
    for key in ("from", "to"):
        if report.get("remedy") == "upgrade" and report.get(key):
            found.add(f"claude {printable(str(report[key]))}")
    return found


@dataclass(frozen=True)
class FleetSummary:
    folder: Path
    outcomes: dict[str, list[str]]  # outcome -> hosts (an unreachable host counts as failed)
    errors: dict[str, str]  # failed host -> its error
    versions: dict[str, int]
    unreadable: tuple[str, ...]
    unreachable: tuple[str, ...] = ()  # failed hosts that were never reached
    verbose: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "hosts": sum(len(v) for v in self.outcomes.values()),
            "outcomes": self.outcomes,
            "errors": self.errors,
            "unreachable": list(self.unreachable),
            "versions": self.versions,
            "unreadable": list(self.unreadable),
        }

    def _counted(self) -> list[tuple[str, list[str]]]:
        """Outcomes for a person: unreachable hosts apart from the ones that failed."""
        apart = set(self.unreachable)
        found = {k: [h for h in v if h not in apart] for k, v in self.outcomes.items()}
        found["unreachable"] = list(self.unreachable)
        order = [*_ORDER, *sorted(k for k in found if k not in _ORDER)]
        return [(k, found[k]) for k in order if found.get(k)]

    def for_person(self, out: Output) -> None:
        hosts = sum(len(v) for v in self.outcomes.values())
        out.say(f"{hosts} host(s) reported in {self.folder}", bold=True)
        colours = {"failed": "red", "unreachable": "red", "changed": "green"}
        counted = self._counted()
        out.say(
            "  "
            + ", ".join(
                f"{out.paint(k, fg=colours.get(k, 'cyan'), bold=True)} {len(v)}" for k, v in counted
            )
        )
        for outcome, names in counted:
            if outcome in ("failed", "unreachable"):
                out.say(f"  {outcome}:")
                for error, group in _by_error(names, self.errors):
                    out.say(f"    {error}  ({len(group)}: {_names(group)})")
            elif self.verbose:
                out.say(f"  {outcome}: {_names(names)}")
        if self.versions:
            seen = ", ".join(f"{v} ({n})" for v, n in sorted(self.versions.items()))
            out.say(f"  versions seen: {seen}")
        for name in self.unreadable:
            out.warn(f"{name} is not a readable report")
        if not self.verbose and any(k not in ("failed", "unreachable") for k, _ in counted):
            out.say("  (--verbose names the other hosts)")


def _by_error(names: list[str], errors: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Hosts grouped by their first error line, the most common first."""
    groups: dict[str, list[str]] = {}
    for name in names:
        first = (errors.get(name) or "no error recorded").splitlines()[0]
        groups.setdefault(first, []).append(name)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def _names(hosts: list[str], most: int = 10) -> str:
    """At most `most` names, then how many more (a thousand names help no one)."""
    shown = ", ".join(hosts[:most])
    return shown + (f" and {len(hosts) - most} more" if len(hosts) > most else "")


def core(ctx: Context, request: FleetReportRequest) -> FleetSummary:
    """The reports in the folder, counted and grouped (nothing else is read)."""
    # Read from the folder the user meant (relative: from ctx.cwd), named as they typed it.
    found = summarise(ctx.given_path(request.folder))
    return replace(found, folder=request.folder, verbose=request.verbose)


def summarise(folder: Path) -> FleetSummary:
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder of rollout reports")
    hosts: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    versions: dict[str, int] = {}
    unreadable = []
    unreachable = []
    for path in sorted(folder.glob("*.json"), key=lambda p: natural(p.name)):
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            unreadable.append(printable(path.name))
            continue
        if not isinstance(report, dict):
            unreadable.append(printable(path.name))
            continue
        # Everything a report holds came from a host: secrets are redacted and control
        # characters (a terminal's escape sequences) dropped, for the terminal and --json.
        host = printable(str(report.get("host") or path.stem))
        outcome = classify(report)
        hosts.setdefault(outcome, []).append(host)
        if outcome == "failed":
            errors[host] = printable(
                str(report.get("error") or report.get("message") or f"exit {report.get('rc')}")
            )
            if report.get("rc") is None and errors[host].startswith("unreachable"):
                unreachable.append(host)
        for version in _versions(report):
            versions[version] = versions.get(version, 0) + 1
    outcomes = {k: sorted(v, key=natural) for k, v in sorted(hosts.items())}
    return FleetSummary(
        folder,
        outcomes,
        errors,
        versions,
        tuple(unreadable),
        tuple(sorted(unreachable, key=natural)),
    )
