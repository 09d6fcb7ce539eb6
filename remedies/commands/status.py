"""`remedy status`: what is applied where, and whether those files changed since.

Kept light on purpose (`make bench` measures it): no shell detection, no subprocess, only
the journal and a hash of each file it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from remedies.context import Context
from remedies.engine.fileio import read_bytes, sha256
from remedies.engine.journal import locked
from remedies.errors import RemedyError
from remedies.options import json_option
from remedies.output import Output, display, wants_colour


def file_status(record_new_sha: str | None, path: str) -> str:
    try:
        data = read_bytes(Path(path))
    except RemedyError:
        return "unreadable"
    if data is None:
        return "missing" if record_new_sha is not None else "in place"
    return "in place" if sha256(data) == record_new_sha else "changed since"


@click.pass_obj
def _status(ctx: Context, json_mode: bool) -> None:
    status(ctx, json_mode)


command = click.Command(
    "status",
    callback=_status,
    short_help="What is applied where, and whether files changed since.",
    help="Show each applied remedy, the files it changed, and whether they changed since.",
    params=[json_option()],
)


def status(ctx: Context, json_mode: bool) -> None:
    out = Output(json_mode, wants_colour(ctx.env))
    with locked(ctx, read_only=True) as state:
        entries = list(state.load().entries)
        interrupted = state.pending_path.exists()
    applied: list[dict[str, Any]] = []
    for entry in entries:
        files = [{"path": r.path, "state": file_status(r.new_sha256, r.path)} for r in entry.files]
        applied.append(
            {
                "remedy": entry.remedy,
                "at": entry.at,
                "txid": entry.txid,
                "details": entry.details,
                "files": files,
            }
        )
    if json_mode:
        out.document({"applied": applied, "interrupted": interrupted})
        return
    if interrupted:
        out.warn("a run was interrupted; the next apply or revert finishes or undoes it")
    if not applied:
        out.say("Nothing applied here.")
        return
    for item in applied:
        out.say(f"{item['remedy']} (applied {item['at']})", bold=True)
        for f in item["files"]:
            colour = "green" if f["state"] == "in place" else "yellow"
            out.say(f"  {out.paint(f['state'].ljust(13), fg=colour)} {display(ctx, f['path'])}")
