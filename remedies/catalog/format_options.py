"""A remedy file's `[options.NAME]` table (catalog.data_format), read and checked: each option
a value given as `--NAME`, its pattern, example and default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from remedies.catalog.format_reader import VARIABLE, Reader, regex_trouble
from remedies.claude.config_variables import CREDENTIALS, refusal
from remedies.redact import is_secret

_OPTION = {"help", "pattern", "example", "default", "default_from"}
LOOKUPS = ("aws-config-region", "gcloud-project")
# `default_from = "variable:NAME"`: the option defaults to NAME's current value.
FROM_VARIABLE = "variable:"
# Options every `remedy apply NAME` already has: a file may not declare them again.
RESERVED_OPTIONS = {
    "shell",
    "all_shells",
    "project",
    "system",
    "machine",
    "dry_run",
    "yes",
    "json",
    "json_mode",
    "debug",
    "help",
    "format",
    "output",
}
# `remedy export NAME`'s own (--format is `fmt` inside; --pyz the zipapp's path), which
# every remedy's export takes beside the remedy's options.
EXPORT_OPTIONS = {"fmt", "pyz"}
OPTION_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}\Z")


@dataclass(frozen=True)
class Option:
    """`[options.NAME]`: a value the person (or ARGS in a rollout) gives as `--NAME`."""

    name: str
    help: str
    pattern: str | None = None
    example: str | None = None
    default: str | None = None
    default_from: str | None = None  # one of LOOKUPS
    default_variable: str | None = None  # `default_from = "variable:NAME"`: NAME

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def required(self) -> bool:
        return self.default is None and self.default_from is None and not self.default_variable


def read_options(read: Reader, doc: Mapping[str, Any]) -> tuple[Option, ...]:
    found = []
    for name, table in doc.items():
        if not OPTION_NAME.match(name):
            raise read.fail(name, "an option name is lower-case letters, digits and _", "options")
        if name in RESERVED_OPTIONS:
            raise read.fail(name, f"--{name} is already an option of every apply", "options")
        if name in EXPORT_OPTIONS:
            raise read.fail(name, f"--{name} is an option of `remedy export`'s own", "options")
        if not isinstance(table, dict):
            raise read.fail(name, "must be a table (help, pattern, example, ...)", "options")
        read.only(table, _OPTION, "options")
        pattern = table.get("pattern")
        if isinstance(pattern, str):
            why = regex_trouble(pattern)
            if why:
                raise read.fail("pattern", f"{name}: {why}", "options")
        lookup, variable = _default_from(read, name, table)
        for key in ("pattern", "example", "default"):
            if key in table and not isinstance(table[key], str):
                raise read.fail(key, f"{name}: must be a string", "options")
        for key in ("example", "default"):
            # Held to the pattern a given value is held to: a default nobody checked went
            # into proofs and start-up files as it stood (found by review).
            value = table.get(key)
            if isinstance(value, str) and isinstance(pattern, str) and not _fits(pattern, value):
                raise read.fail(key, f"{name}: {value!r} does not match its pattern", "options")
        found.append(
            Option(
                name=name,
                help=read.string(table, "help", "options"),
                pattern=pattern,
                example=table.get("example"),
                default=table.get("default"),
                default_from=lookup,
                default_variable=variable,
            )
        )
    return tuple(found)


def _fits(pattern: str, value: str) -> bool:
    from remedies.catalog.linear_regex import search  # here: `remedy list` need not load it

    return search(pattern, value)


def _default_from(
    read: Reader, option: str, table: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """An option's `default_from`: (a lookup, None) or (None, a variable's name). Beside a
    `default` it is refused: one of them would silently never be used."""
    found = table.get("default_from")
    if found is None:
        return None, None
    if "default" in table:
        both = f"{option}: give default or default_from, not both"
        raise read.fail("default_from", both, "options")
    if isinstance(found, str) and found.startswith(FROM_VARIABLE):
        name = found[len(FROM_VARIABLE) :]
        # Read, never written: still Claude Code's configuration, and never a credential
        # (its value would be shown, and written wherever the option's {name} goes).
        why = None if VARIABLE.match(name) else f"{name!r} is not a variable name"
        why = why or refusal(name)
        if why is None and (name in CREDENTIALS or is_secret(name)):
            # A secret-named list of headers (ANTHROPIC_CUSTOM_HEADERS) too: an option's
            # value fills proofs that are printed, and the journal keeps it (review).
            why = f"{name} is a credential: its value is never an option's default"
        if why is not None:
            raise read.fail("default_from", f"{option}: {why}", "options")
        return None, name
    if found not in LOOKUPS:
        known = ", ".join((*LOOKUPS, FROM_VARIABLE + "NAME"))
        raise read.fail("default_from", f"{found!r} is none of {known}", "options")
    return found, None
