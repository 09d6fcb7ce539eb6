"""Finding the AWS region a new shell will have: --region, start-up files, the environment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from remedies.blocks import content, split_lines
from remedies.context import Context
from remedies.errors import BadInput, RemedyError
from remedies.fileio import read_bytes
from remedies.planner import display
from shells.base import Shell, Where

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
# us-east-1, eu-central-2, ap-southeast-4, us-gov-west-1, cn-northwest-1 ...
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}\Z")
_VALUE = re.compile(rb"""(?:=|\s)\s*['"]?([a-z]{2}(?:-[a-z]+)+-\d{1,2})['"]?\s*;?\s*\Z""")


@dataclass(frozen=True)
class Region:
    value: str
    source: str  # for a person: "--region", "~/.bashrc:4", "the environment (AWS_REGION)"
    in_files_of: frozenset[str]  # shells whose start-up files set it


def check_region(value: str) -> str:
    if not REGION.match(value):
        raise BadInput(f"{value!r} is not an AWS region name (e.g. us-east-1)")
    return value


def _in_file(ctx: Context, shell: Shell, path: Path) -> tuple[str, str] | None:
    """The last literal region a simple assignment in this file sets, with file:line."""
    try:
        data = read_bytes(path)
    except RemedyError:
        return None
    if not data:
        return None
    lines = split_lines(data)
    found = None
    for index, info in enumerate(shell.scan(lines)):
        for name in REGION_VARIABLES:
            if shell.classify(info, name) == "simple":
                match = _VALUE.search(content(lines[index]))
                if match:
                    found = match.group(1).decode(), f"{display(ctx, path)}:{index + 1}"
    return found


def find_region(ctx: Context, shells: list[Shell], explicit: str | None) -> Region:
    where = Where(ctx.home, ctx.env)
    from_files: dict[str, tuple[str, str]] = {}
    for shell in shells:
        for path in shell.read_set(where):
            hit = _in_file(ctx, shell, path)
            if hit:
                from_files[shell.name] = hit
    shells_with_it = frozenset(from_files)
    if explicit:
        return Region(check_region(explicit), "--region", frozenset())
    if from_files:
        value, source = next(iter(from_files.values()))
        return Region(value, source, shells_with_it)
    for name in REGION_VARIABLES:
        value = ctx.env.get(name, "").strip()
        if value and REGION.match(value):
            return Region(value, f"the environment ({name})", frozenset())
    raise BadInput(
        "the Mantle endpoint needs an AWS region and none was found in the environment or "
        "your start-up files; pass --region REGION (e.g. --region us-east-1)"
    )
