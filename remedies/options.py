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


def _fixed_version(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """--fixed-version, else REMEDY_FIXED_VERSION in the run's environment (the Context's,
    which is not this process's when a test runs remedy in its own: click's `envvar` would
    read os.environ), else the default."""
    from remedies.context import Context

    run = ctx.find_object(Context)
    if ctx.get_parameter_source(param.name or "") is click.core.ParameterSource.DEFAULT and run:
        value = run.env.get("REMEDY_FIXED_VERSION") or value
    return _a_version(ctx, param, value)


def fixed_version_option(default: str) -> click.Option:
    """--fixed-version; its default is Claude Code knowledge (claude.known_issues)."""
    return click.Option(
        ["--fixed-version"],
        metavar="VERSION",
        default=default,
        show_default=True,
        callback=_fixed_version,
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


def machine_option(help_text: str) -> click.Option:
    """--machine. Who the process runs as was decided from this same command line, parsed
    before the command ran (cli.Invocation.of): the value read now must agree with it, or
    the command would work on the machine as a user, or on a home as root."""
    return click.Option(["--machine"], is_flag=True, callback=_as_decided, help=help_text)


def _as_decided(click_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if click_ctx.resilient_parsing:
        return value  # the parse that decides (cli.Invocation.of)
    from remedies.context import Context

    decided = click_ctx.find_object(Context)
    if decided is not None and bool(value) != decided.machine:
        raise click.UsageError(
            "could not tell whether --machine was meant before choosing whom to run as; "
            "nothing was changed (with --machine, a remedy comes from the package, "
            "/etc/remedy/remedies or a path)"
        )
    return value
