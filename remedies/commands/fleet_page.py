"""A fleet's reports as one HTML page and as a CSV: pure functions, Fleet -> bytes.

The page is self-contained and needs no network: inline CSS, inline SVG charts, no script,
no font, no image, and a Content-Security-Policy that forbids all of them (a page a person
opens from a shared folder must not call anywhere). Every value in it came from a host, and
a host can be hostile (its name, remedy's message quoting a start-up file): each one goes
through `_text` (HTML-escaped, quotes too, so it is inert in an element and in a quoted
attribute); nothing from a report is ever written raw. The counts carry data-kind, data-key
and data-count attributes, which tests read from the rendered DOM.

The CSV is for spreadsheets, which run a cell that starts with = + - @ (or a tab or carriage
return) as a formula (CSV injection): such a cell gets a leading apostrophe, which every
spreadsheet shows as text. UTF-8 with a byte-order mark, so that Excel reads it as UTF-8.
"""

from __future__ import annotations

import csv
import html
import io

from remedies.commands.fleet_hosts import Fleet, FleetCounts, HostRow, Outcome

# Outcome -> colour: a person sees what needs them at a glance.
_COLOURS = {
    Outcome.CHANGED: "#2e7d32",
    Outcome.WOULD_CHANGE: "#1565c0",
    Outcome.NEEDS_REMEDY: "#ef6c00",
    Outcome.VERIFIED: "#2e7d32",
    Outcome.ALREADY_FINE: "#607d8b",
    Outcome.NOT_NEEDED: "#90a4ae",
    Outcome.FAILED: "#c62828",
    Outcome.UNREACHABLE: "#6a1b9a",
    Outcome.CANNOT_TELL: "#f9a825",
}
_OTHER_COLOUR = "#5c6bc0"
_CHART_ROWS = 12  # bars per chart; the rest are one bar ("n others"), all are in the tables
_LABEL_CHARS = 36

_STYLE = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#212121}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.5em 0 .4em}
table{border-collapse:collapse;margin:.3em 0}
th,td{border-bottom:1px solid #e0e0e0;padding:.2em .6em;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.msg{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-word}
.counts{display:flex;flex-wrap:wrap;gap:2em}.dot{display:inline-block;width:.8em;height:.8em;
border-radius:50%;margin-right:.4em}svg text{font:13px system-ui,sans-serif;fill:#212121}
.none{color:#757575}
"""


def _text(value: object) -> str:
    """A value from a report, inert in HTML (element text and double-quoted attributes)."""
    return html.escape(str(value), quote=True)


def _css_class(outcome: Outcome) -> str:
    return "o-" + outcome.value.replace(" ", "-")  # ours, never a report's


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "\u2026"


def _chart(title: str, bars: list[tuple[str, int, str]]) -> str:
    """Horizontal bars, one per (label, count, colour), scaled to the largest."""
    if len(bars) > _CHART_ROWS:
        rest = bars[_CHART_ROWS - 1 :]
        bars = [
            *bars[: _CHART_ROWS - 1],
            (f"{len(rest)} others", sum(b[1] for b in rest), "#bdbdbd"),
        ]
    most = max((count for _, count, _ in bars), default=0) or 1
    label_w, bar_w, row_h, top = 250, 380, 24, 26
    height = top + row_h * max(len(bars), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
        f'height="{height}" role="img" aria-label="{_text(title)}">',
        f'<text x="0" y="16" font-weight="bold">{_text(title)}</text>',
    ]
    for i, (label, count, colour) in enumerate(bars):
        y = top + i * row_h
        width = max(round(bar_w * count / most), 1)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_text(_short(label))}'
            f"<title>{_text(label)}</title></text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 6}" '
            f'fill="{colour}"/><text x="{label_w + width + 6}" y="{y + 16}">{count}</text>'
        )
    if not bars:
        parts.append(f'<text x="0" y="{top + 16}" fill="#757575">none reported</text>')
    parts.append("</svg>")
    return "".join(parts)


def _count_table(kind: str, heading: str, items: list[tuple[str, int, str]]) -> str:
    if not items:
        return (
            f"<div><table><tr><th>{heading}</th><th>hosts</th></tr>"
            f'<tr><td class="none" colspan="2">none reported</td></tr></table></div>'
        )
    rows = "".join(
        f'<tr><td><span class="dot" style="background:{colour}"></span>{_text(key)}</td>'
        f'<td class="n" data-kind="{kind}" data-key="{_text(key)}" data-count="{count}">'
        f"{count}</td></tr>"
        for key, count, colour in items
    )
    return f"<div><table><tr><th>{heading}</th><th>hosts</th></tr>{rows}</table></div>"


def _host_table(rows: list[HostRow]) -> str:
    head = (
        "<tr><th>host</th><th>outcome</th><th>message</th><th>action</th><th>remedy</th>"
        "<th>Claude Code</th><th>problems</th></tr>"
    )
    body = "".join(
        f'<tr class="{_css_class(r.outcome)}" data-outcome="{_text(r.outcome.value)}">'
        f"<td>{_text(r.host)}</td>"
        f'<td><span class="dot" style="background:{_COLOURS[r.outcome]}"></span>'
        f"{_text(r.outcome.value)}</td>"
        f'<td class="msg">{_text(r.message or "")}</td><td>{_text(r.action or "")}</td>'
        f"<td>{_text(r.remedy or '')}</td><td>{_text(' '.join(r.versions))}</td>"
        f"<td>{_text(' '.join(r.problems))}</td></tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def _grouped(counts: FleetCounts) -> dict[str, list[tuple[str, int, str]]]:
    return {
        "outcome": [(k.value, n, _COLOURS[k]) for k, n in counts.outcome],
        "problem": [(k, n, _OTHER_COLOUR) for k, n in counts.problem],
        "version": [(k, n, _OTHER_COLOUR) for k, n in counts.version],
    }


def html_page(fleet: Fleet) -> bytes:
    """The whole report as one page: counts, charts, hosts needing attention, the others."""
    counts = _grouped(fleet.counts())
    ordered = fleet.attention_first()
    attention = [r for r in ordered if r.outcome.needs_attention]
    others = [r for r in ordered if not r.outcome.needs_attention]
    title = f"remedy fleet report: {len(fleet.rows)} host(s) in {fleet.folder}"
    summary = ", ".join(f"{key} {n}" for key, n, _ in counts["outcome"]) or "no reports"
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        # No script, font, image or connection of any kind, whatever the page holds.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_text(title)}</h1>",
        f'<p data-kind="hosts" data-count="{len(fleet.rows)}">{_text(summary)}</p>',
        '<h2>Counts</h2><div class="counts">',
        _count_table("outcome", "outcome", counts["outcome"]),
        _count_table("problem", "problem", counts["problem"]),
        _count_table("version", "Claude Code version", counts["version"]),
        '</div><h2>Chart</h2><div class="counts">',
        _chart("hosts by outcome", counts["outcome"]),
        _chart("hosts by problem", counts["problem"]),
        _chart("hosts by Claude Code version", counts["version"]),
        "</div>",
        f"<h2>Needs attention ({len(attention)}): failed, unreachable, cannot tell</h2>",
        _host_table(attention) if attention else '<p class="none">none</p>',
        f"<h2>The other hosts ({len(others)})</h2>",
        _host_table(others) if others else '<p class="none">none</p>',
    ]
    if fleet.unreadable:
        items = "".join(f"<li>{_text(name)}</li>" for name in fleet.unreadable)
        parts.append(f"<h2>Not readable as a report ({len(fleet.unreadable)})</h2><ul>{items}</ul>")
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"); a leading apostrophe makes it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("host", "outcome", "message", "action", "remedy", "claude_code", "problems")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_table(fleet: Fleet) -> bytes:
    """A row per host, needing attention first; several versions or problems space-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in fleet.attention_first():
        values = (r.host, r.outcome.value, r.message or "", r.action or "", r.remedy or "")
        writer.writerow([_cell(v) for v in (*values, " ".join(r.versions), " ".join(r.problems))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
