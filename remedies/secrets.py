"""Keeping secrets out of everything remedy prints.

A value is secret when its variable is named like one (a token, key, secret, password or
credential), whatever the source. Printed text that may quote a user's file (diffs, a shell's
error message) goes through `redact_text`, which masks the value of any secret-named
assignment in the syntaxes we read: shells, dotenv, and JSON.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

REDACTED = "set (redacted)"
_MASK = "<redacted>"
_SECRET_NAME = re.compile(r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL)")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"

# Assignment syntaxes whose whole remaining line is the value (or more; masking more is fine).
_LINE_PATTERNS = [
    re.compile(rf"(?P<lead>\b(?P<name>{_NAME})\s*\+?=\s*)(?P<value>.+)"),  # sh, dotenv, pwsh
    re.compile(rf"(?P<lead>\bset(?:\s+-\S+)*\s+(?P<name>{_NAME})\s+)(?P<value>.+)"),  # fish
    re.compile(rf"(?P<lead>\bsetenv\s+(?P<name>{_NAME})\s+)(?P<value>.+)"),  # csh
]
_JSON_MEMBER = re.compile(rf'(?P<lead>"(?P<name>{_NAME})"\s*:\s*)(?P<value>"(?:[^"\\]|\\.)*")')


def is_secret(name: str) -> bool:
    return _SECRET_NAME.search(name) is not None


def shown(name: str, value: str | None) -> str | None:
    """A variable's value as we may print it."""
    if value is None:
        return None
    if is_secret(name):
        return REDACTED
    return _without_password(value)


def _without_password(value: str) -> str:
    # https://user:secret@proxy.example/ -> https://user:<redacted>@proxy.example/
    if "://" not in value or "@" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.password is None:
        return value
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:{_MASK}@{host}"))


def redact_text(text: str) -> str:
    """Mask secret values in text that may quote a start-up file, a settings file or a diff."""
    lines = text.split("\n")
    return "\n".join(_redact_line(line) for line in lines)


def _redact_line(line: str) -> str:
    line = _JSON_MEMBER.sub(
        lambda m: m.group("lead") + f'"{_MASK}"' if is_secret(m.group("name")) else m.group(0),
        line,
    )
    for pattern in _LINE_PATTERNS:
        match = pattern.search(line)
        if match and is_secret(match.group("name")) and match.group("value") != f'"{_MASK}"':
            return line[: match.start("value")] + _MASK
    return _redact_urls(line)


_URL_WITH_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)(?P<user>[^:/@\s]*):[^@\s]*@")


def _redact_urls(line: str) -> str:
    return _URL_WITH_PASSWORD.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:{_MASK}@", line)
