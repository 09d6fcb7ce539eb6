"""A remedy file's `[options.NAME]` (catalog.data_format): `--NAME` on `remedy apply`, each
value checked against the file's pattern, and the value an option takes when none is given:
its `default`, else a value the user configured elsewhere (`default_from`), else an error.

`default_from = "variable:NAME"` reads NAME as doctor does: the value Claude Code gets, from
the place that wins (settings over the shells, claude.sources). It is held to the option's
pattern like a value given on the command line: a bad current value is one line, exit 2,
before anything is written. Never for --machine or export: no one's home is read there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

from remedies.catalog import linear_regex
from remedies.catalog.data_format import RemedySpec
from remedies.catalog.format_options import Option
from remedies.context import Context
from remedies.errors import BadInput


@dataclass(frozen=True)
class Current:
    """A variable's value for Claude Code now, and where it is set (for messages)."""

    value: str
    where: str  # "~/.bashrc:3", "~/.claude/settings.json env.NAME"


def option_params(spec: RemedySpec) -> list[click.Parameter]:
    """`--NAME` for each `[options.NAME]`, its value checked while the command line is read:
    a bad value must not create a state folder."""
    return [
        click.Option(
            [option.flag, option.name],
            metavar=option.name.upper(),
            help=_option_help(option),
            callback=lambda _c, _p, value, option=option: _checked(option, value),
        )
        for option in spec.options
    ]


def _option_help(option: Option) -> str:
    if option.default is not None:
        more = f" (default: {option.default})"
    elif option.default_from == "aws-config-region":
        more = " (default: the AWS profile's region in ~/.aws/config)"
    elif option.default_from == "gcloud-project":
        more = " (default: gcloud's core/project)"
    elif option.default_variable:
        more = f" (default: the value {option.default_variable} has for Claude Code now)"
    else:
        more = " (required)"
    example = f", e.g. {option.example}" if option.example else ""
    return f"{option.help}{example}{more}."


def _checked(option: Option, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_value(option, value)
    except BadInput as e:
        raise click.BadParameter(str(e)) from None


def check_value(option: Option, value: str, came_from: str = "") -> str:
    """The value given for an option, stripped; BadInput unless it matches the file's pattern
    (matched in linear time, linear_regex; a value over its MAX_TEXT never matches).
    `came_from` says where a value not given was found ("the current X at ~/.bashrc:3")."""
    value = value.strip()
    what = option.name.replace("_", " ")
    example = f" (e.g. {option.flag} {option.example})" if option.example else ""
    given = f"{option.flag}: {came_from}" if came_from else option.flag
    if option.pattern and len(value) > linear_regex.MAX_TEXT:
        raise BadInput(
            f"{given}: {len(value)} characters is longer than any {what}"
            f" (at most {linear_regex.MAX_TEXT}){example}"
        )
    bad = not value or "\0" in value or "\n" in value
    if bad or (option.pattern and not linear_regex.search(option.pattern, value)):
        shown = _shown(option, value) if came_from else repr(value)
        raise BadInput(f"{given} {shown} is not a {what}{example}")
    return value


def _shown(option: Option, value: str) -> str:
    """A value read from the user's configuration, shown as doctor shows it."""
    from remedies.redact import shown

    return repr(shown(option.default_variable or option.name.upper(), value))


def option_values(
    ctx: Context | None,
    spec: RemedySpec,
    given: Mapping[str, Any],
    env: Mapping[str, str],
    current: Mapping[str, Current] | None = None,
) -> dict[str, str]:
    """Each option's value: given, else its default, else looked up where the user already
    configured it: a lookup (LOOKUPS) or a variable's `current` value (never for a whole
    machine or an export: no one's home is read, and `current` is not given)."""
    from remedies.claude.found_values import LOOKUPS

    values: dict[str, str] = {}
    here = ctx is not None and not ctx.machine
    for option in spec.options:
        value = given.get(option.name)
        if not value and option.default is not None:
            value = option.default
        looked = False
        if not value and option.default_from and ctx is not None and here:
            looked = True
            found = LOOKUPS[option.default_from](ctx, env)
            value = check_value(option, found.value) if found else None
        if not value and option.default_variable and here:
            looked = True
            now = (current or {}).get(option.default_variable)
            came_from = f"the current {option.default_variable} (at {now.where})" if now else ""
            value = check_value(option, now.value, came_from) if now else None
        if not value:
            example = f" (e.g. {option.flag} {option.example})" if option.example else ""
            where = " and none was found where it is usually configured" if looked else ""
            raise BadInput(f"{spec.name} needs {option.flag}{example}{where}")
        values[option.name] = str(value)
    return values
