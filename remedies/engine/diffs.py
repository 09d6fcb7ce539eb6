"""Unified diffs of file bytes, for --dry-run and for the question before applying."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from remedies.redact import redact_text

_NO_NEWLINE = "\n\\ No newline at end of file\n"


def _text_lines(text: str) -> list[str]:
    """Lines with their endings kept; only LF ends a line (as blocks.split_lines)."""
    if not text:
        return []
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + _NO_NEWLINE)
    return lines


def _both(data: bytes | None) -> tuple[list[str], list[str]]:
    """The lines of a file, and the same lines with secret values masked.

    The whole text is redacted at once, so a value continued onto later lines (a backslash, a
    quote left open) is masked on each of them; redaction keeps every newline, so the two
    lists line up one for one.
    """
    if not data:
        return [], []
    text = data.decode("utf-8", "backslashreplace")
    return _text_lines(text), _text_lines(redact_text(text))


def unified_diff(old: bytes | None, new: bytes | None, label: str) -> str:
    """The diff as a person reads it; secret values in its lines are masked.

    Lines are compared as they are (a changed secret value still shows as a changed line)
    and shown as redacted.
    """
    return "".join(
        _unified(
            _both(old),
            _both(new),
            # The path as the person knows it (~/.zshrc), not git's a/ and b/ halves.
            fromfile="/dev/null" if old is None else label,
            tofile="/dev/null" if new is None else label,
        )
    )


def _unified(
    old: tuple[list[str], list[str]],
    new: tuple[list[str], list[str]],
    fromfile: str,
    tofile: str,
) -> Iterator[str]:
    """difflib.unified_diff over the real lines, printing their redacted twins."""
    (a, shown_a), (b, shown_b) = old, new
    for number, group in enumerate(difflib.SequenceMatcher(None, a, b).get_grouped_opcodes(3)):
        if number == 0:
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    # The same line may be masked in one file and not the other (a quote
                    # opened above it in only one): a context line shows the safer one.
                    yield " " + (shown_a[i] if shown_a[i] == shown_b[j] else _masked_line(a[i]))
                continue
            if tag in {"replace", "delete"}:
                for i in range(i1, i2):
                    yield "-" + shown_a[i]
            if tag in {"replace", "insert"}:
                for j in range(j1, j2):
                    yield "+" + shown_b[j]


def _masked_line(line: str) -> str:
    ending = line[len(line.rstrip("\r\n")) :] if not line.endswith(_NO_NEWLINE) else _NO_NEWLINE
    return "<redacted>" + ending


def _range(start: int, stop: int) -> str:
    """A hunk's range, as difflib writes it."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


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
