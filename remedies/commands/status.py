"""`remedy status`: what is applied where, and whether those files changed since.

Kept light on purpose (`make bench` measures it): no shell detection, no subprocess, only
the journal and a hash of each file it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from remedies.claude.managed_paths import applied_on_machine
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.fileio import read_bytes, sha256
from remedies.engine.journal import Entry, locked
from remedies.errors import RemedyError
from remedies.options import json_option, machine_option
from remedies.output import Output, path_shown, wants_colour


def file_status(record_new_sha: str | None, path: str) -> str:
    try:
        data = read_bytes(Path(path))
    except RemedyError:
        return "unreadable"
    if data is None:
        return "missing" if record_new_sha is not None else "in place"
    return "in place" if sha256(data) == record_new_sha else "changed since"


@dataclass(frozen=True)
class StatusRequest:
    """`remedy status` asks nothing more: which journal it reads is the context's (with
    --machine, cli.Invocation has set ctx.machine: the system's)."""


@click.pass_obj
def _status(ctx: Context, json_mode: bool, machine: bool) -> None:
    Output(json_mode, wants_colour(ctx.env)).show(core(ctx, StatusRequest()))


command = click.Command(
    "status",
    callback=_status,
    short_help=short_help("status"),
    help="Show each applied remedy, the files it changed, and whether they changed since.",
    params=[
        json_option(),
        machine_option("What `apply --machine` applied for every user (the system journal)."),
    ],
)


@dataclass(frozen=True)
class AppliedRemedy:
    remedy: str
    at: str
    txid: str
    details: dict[str, Any]
    files: tuple[tuple[str, str], ...]  # (path, "in place" / "changed since" / ...)


@dataclass(frozen=True)
class Status:
    applied: tuple[AppliedRemedy, ...]
    interrupted: bool
    home: Path  # paths are shown to a person from here
    # Remedies whose managed drop-in fixes every user here (apply --machine), from the files.
    machine: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "applied": [
                {
                    "remedy": a.remedy,
                    "at": a.at,
                    "txid": a.txid,
                    "details": a.details,
                    "files": [{"path": path, "state": state} for path, state in a.files],
                }
                for a in self.applied
            ],
            "interrupted": self.interrupted,
            "machine": list(self.machine),
        }

    def for_person(self, out: Output) -> None:
        if self.interrupted:
            out.warn("a run was interrupted; the next apply or revert finishes or undoes it")
        if self.machine:
            out.say(
                f"For every user of this machine: {', '.join(self.machine)} (remedy's managed "
                "drop-in). Its details: `sudo remedy status --machine`"
            )
        if not self.applied and not self.machine:
            out.say("Nothing applied here. Whether anything is wrong: `remedy doctor`")
        for item in self.applied:
            out.say(f"{item.remedy} (applied {item.at})", bold=True)
            for path, state in item.files:
                colour = "green" if state == "in place" else "yellow"
                label = f"  {out.paint(state.ljust(13), fg=colour)}"
                out.say(path_shown(path, self.home), label=label)


def core(ctx: Context, request: StatusRequest) -> Status:
    """What is applied where, from the journal and a hash of each file it names."""
    with locked(ctx, read_only=True) as state:
        entries = list(state.load().entries)
        interrupted = state.pending_path.exists()
    # Two remedies may share a file (both blocks in ~/.zshenv): the bytes to expect there
    # are what the newest apply that touched it wrote, not each entry's own.
    latest: dict[str, str | None] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        for record in entry.files:
            latest[record.target] = record.new_sha256
    # One line per remedy (issue 26: `apply mantle`, then `apply mantle --model ...`, listed
    # mantle twice): its newest entry's time and details, the files of all its entries.
    by_remedy: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        by_remedy.setdefault(entry.remedy, []).append(entry)
    applied = tuple(
        AppliedRemedy(
            name,
            own[-1].at,
            own[-1].txid,
            own[-1].details,
            tuple(
                {
                    r.path: (r.path, file_status(latest[r.target], r.path))
                    for entry in own
                    for r in entry.files
                }.values()
            ),
        )
        for name, own in by_remedy.items()
    )
    machine = () if ctx.machine else tuple(applied_on_machine(ctx))
    return Status(applied, interrupted, ctx.home, machine)
