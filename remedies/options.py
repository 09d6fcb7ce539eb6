"""Command-line options several commands share, defined (and checked) once."""

from __future__ import annotations

from typing import Any

import click

# packaging is imported only by the options that need it: `remedy status` takes --json from
# here and must stay light (make bench).


def _a_version(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from packaging.version import InvalidVersion, Version

    if value is not None:
        try:
            Version(str(value))
        except InvalidVersion:
            raise click.BadParameter(f"{value!r} is not a version such as 2.1.113") from None
    return value


def fixed_version_option(default: str) -> click.Option:
    """--fixed-version; its default is Claude Code knowledge (claude.known_issues)."""
    return click.Option(
        ["--fixed-version"],
        metavar="VERSION",
        envvar="REMEDY_FIXED_VERSION",
        default=default,
        show_default=True,
        callback=_a_version,
        help="The first Claude Code version treated as fixed (env REMEDY_FIXED_VERSION).",
    )


def target_version_option() -> click.Option:
    return click.Option(
        ["--to", "target"],
        metavar="VERSION",
        callback=_a_version,
        help="Install this version (default: latest).",
    )


def timeout_option(default: float, what: str) -> click.Option:
    return click.Option(
        ["--timeout"],
        type=click.FloatRange(1, 7200),
        default=default,
        show_default=True,
        help=f"Seconds {what} may take.",
    )


def json_option() -> click.Option:
    return click.Option(["--json", "json_mode"], is_flag=True, help="Print one JSON document.")
