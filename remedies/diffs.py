"""Unified diffs of file bytes, for --dry-run and for the question before applying."""

from __future__ import annotations

import difflib

from remedies.blocks import split_lines
from remedies.secrets import redact_text


def _text_lines(data: bytes | None) -> list[str]:
    if not data:
        return []
    lines = [line.decode("utf-8", "backslashreplace") for line in split_lines(data)]
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified_diff(old: bytes | None, new: bytes | None, label: str) -> str:
    """The diff as a person reads it; secret values in its lines are masked."""
    return redact_text(
        "".join(
            difflib.unified_diff(
                _text_lines(old),
                _text_lines(new),
                fromfile="/dev/null" if old is None else f"a/{label}",
                tofile="/dev/null" if new is None else f"b/{label}",
            )
        )
    )


def colour_diff(diff: str, paint: bool) -> str:
    if not paint:
        return diff
    import click

    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(click.style(line, bold=True))
        elif line.startswith("+"):
            out.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            out.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            out.append(click.style(line, fg="cyan"))
        else:
            out.append(line)
    return "".join(out)
