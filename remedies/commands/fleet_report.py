"""`remedy fleet-report DIR`: what a rollout did, host by host, for a person.

Reads the <host>.json reports `make rollout` (and -check, -revert, -verify) wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from remedies.context import Context
from remedies.errors import BadInput
from remedies.options import json_option
from remedies.output import Output, wants_colour
from remedies.redact import printable


@click.pass_obj
def _fleet_report(ctx: Context, folder: Path, json_mode: bool) -> None:
    fleet_report(ctx, folder, json_mode)


command = click.Command(
    "fleet-report",
    callback=_fleet_report,
    short_help="Summarise the reports of a fleet rollout.",
    help="Read the <host>.json reports of `make rollout` in DIR and summarise them: hosts "
    "changed, already fine, failed (with the first line of each error), versions seen.",
    params=[
        click.Argument(["folder"], type=click.Path(path_type=Path), metavar="DIR"),
        json_option(),
    ],
)


def classify(report: dict[str, Any]) -> str:
    if report.get("action") == "verify" and report.get("rc") in (0, 1) and "ok" in report:
        return "verified" if report["ok"] else "failed"
    if report.get("rc") != 0:
        return "failed"
    if report.get("dry_run"):
        return "would change" if report.get("files") else "already fine"
    return "changed" if report.get("changed") else "already fine"


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
    outcomes: dict[str, list[str]]  # outcome -> hosts
    errors: dict[str, str]  # failed host -> its error
    versions: dict[str, int]
    unreadable: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "hosts": sum(len(v) for v in self.outcomes.values()),
            "outcomes": self.outcomes,
            "errors": self.errors,
            "versions": self.versions,
            "unreadable": list(self.unreadable),
        }

    def for_person(self, out: Output) -> None:
        hosts = sum(len(v) for v in self.outcomes.values())
        out.say(f"{hosts} host(s) reported in {self.folder}", bold=True)
        colours = {"failed": "red", "changed": "green", "would change": "yellow"}
        for outcome, names in self.outcomes.items():
            label = out.paint(f"{outcome}:", fg=colours.get(outcome, "cyan"), bold=True)
            out.say(f"  {label} {len(names)}  {', '.join(names)}")
        for host, error in self.errors.items():
            out.say(f"    {host}: {error}")
        if self.versions:
            seen = ", ".join(f"{v} ({n})" for v, n in sorted(self.versions.items()))
            out.say(f"  versions seen: {seen}")
        for name in self.unreadable:
            out.warn(f"{name} is not a readable report")


def summarise(folder: Path) -> FleetSummary:
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder of rollout reports")
    hosts: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    versions: dict[str, int] = {}
    unreadable = []
    for path in sorted(folder.glob("*.json")):
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
        for version in _versions(report):
            versions[version] = versions.get(version, 0) + 1
    outcomes = {k: sorted(v) for k, v in sorted(hosts.items())}
    return FleetSummary(folder, outcomes, errors, versions, tuple(unreadable))


def fleet_report(ctx: Context, folder: Path, json_mode: bool) -> None:
    Output(json_mode, wants_colour(ctx.env)).show(summarise(folder))
