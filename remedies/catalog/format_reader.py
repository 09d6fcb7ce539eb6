"""Reading a remedy file's parsed document (catalog.data_format): where a key is written, and
the checks every table shares, each error naming the file, the key and its line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from remedies.claude.config_variables import refusal
from remedies.errors import BadInput

VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def line_of(text: str, key: str, table: str | None = None) -> int:
    """The line where `key` is written (inside `[table]` when given), else the table's, else 1:
    errors point at a line a person can go to."""
    lines = text.splitlines()
    start, in_table = 0, table is None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = table is not None and stripped.strip("[] ").split(".")[0] == table
            if in_table:
                start = number
            continue
        if in_table and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    table_line = re.compile(rf"\s*\[{re.escape(key)}\]")
    header = next((n for n, line in enumerate(lines, 1) if table_line.match(line)), None)
    return start or header or 1


def line_of_word(text: str, word: str, table: str) -> int:
    """The first line inside `[table]` (or a `[table.x]` under it) that names `word`, else
    the table's own line: a variable in an inline table is on the line of its key."""
    in_table, start = False, 0
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[] ").split(".")[0] == table
            start = number if in_table and not start else start
            continue
        if in_table and pattern.search(line):
            return number
    return start or 1


class Reader:
    """Checks one file's parsed document, each error naming the file, key and line."""

    def __init__(self, text: str, origin: str) -> None:
        self.text, self.origin = text, origin

    def fail(self, key: str, why: str, table: str | None = None) -> BadInput:
        where = f"{table}.{key}" if table else key
        line = line_of(self.text, key, table)
        return BadInput(f"{self.origin}:{line}: {where}: {why}")

    def only(self, doc: Mapping[str, Any], allowed: set[str], table: str | None) -> None:
        for key in doc:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(key, f"unknown key (known here: {known})", table)

    def string(self, doc: Mapping[str, Any], key: str, table: str | None = None) -> str:
        value = doc.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string", table)
        return value

    def strings(
        self, doc: Mapping[str, Any], key: str, table: str | None = None
    ) -> tuple[str, ...]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of strings", table)
        return tuple(value)

    def variables(self, doc: Mapping[str, Any], key: str, table: str) -> tuple[str, ...]:
        found = self.strings(doc, key, table)
        for name in found:
            if not VARIABLE.match(name):
                raise self.fail(key, f"{name!r} is not a variable name", table)
        return found

    def configuration(self, names: tuple[str, ...], key: str, table: str) -> None:
        """Each variable the remedy changes is Claude Code's configuration, never one that
        chooses code (claude.config_variables says which and why)."""
        for name in names:
            why = refusal(name)
            if why is not None:
                line = line_of_word(self.text, name, table)
                raise BadInput(f"{self.origin}:{line}: {table}.{key}: {why}")

    def table(self, doc: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table", None)
        return value

    def mapping(self, doc: Mapping[str, Any], key: str, table: str) -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table of NAME = value", table)
        return dict(value)


def regex_trouble(pattern: str) -> str | None:
    """Why a file's regex cannot be matched (None when it can): the subset of Python's regexes
    that linear_regex matches in time linear in the value (issue 22: `^(a+)+$` with Python's
    re never finished a doctor)."""
    from remedies.catalog.linear_regex import Unsupported, check

    try:
        check(pattern)
    except Unsupported as e:
        return f"not a regex of the subset remedy files use ({e})"
    return None
