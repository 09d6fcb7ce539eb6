"""PowerShell 7 (`pwsh`) on Linux and macOS."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from shells.base import (
    Shell,
    ValueQuoting,
    Where,
    check_name,
    check_value,
    print_env_argv,
)
from shells.lexing import Syntax
from shells.powershell_strings import single_quoted
from shells.words import Word, powershell_word


@lru_cache(maxsize=256)
def _mention_pattern(name: str) -> re.Pattern[bytes]:
    n = re.escape(name).encode()
    return re.compile(
        rb"(?i)(?:\$\{?env:" + n + rb"\}?\s*\+?=(?!=)"
        rb"|\b(?:set-item|new-item|si|ni)\b.*\benv:\\?" + n + rb"\b"
        rb"|setenvironmentvariable\s*\()"
    )


@lru_cache(maxsize=256)
def _simple_pattern(name: str) -> re.Pattern[bytes]:
    n = re.escape(name).encode()
    return re.compile(
        rb"(?i)\s*\$\{?env:" + n + rb"\}?\s*=\s*(?:'_*'|\"_*\"|[^\s;|(){}]+)\s*;?\s*\Z"
    )


@lru_cache(maxsize=256)
def _value_start(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?i)\s*\$\{?env:" + re.escape(name).encode() + rb"\}?\s*=\s*")


@lru_cache(maxsize=256)
def _unset_pattern(name: str) -> re.Pattern[bytes]:
    n = re.escape(name).encode()
    return re.compile(rb"(?i)\b(?:remove-item|ri|rm|del)\s+(?:-path\s+)?env:\\?" + n + rb"\b")


class PowerShell(Shell):
    name = "pwsh"
    executables: tuple[str, ...] = ("pwsh", "powershell")
    # Backtick escapes outside and inside double quotes; '' inside '...'; @'...'@ here-strings.
    syntax = Syntax(escape=ord("`"), powershell=True)
    # A backtick escapes outside quotes and in "..."; '' in '...' reads as a quote that
    # closes and opens again, which ends the value at the same place.
    value_quoting = ValueQuoting(escape="`", quotes=(("'", "'"), ('"', '`"')), here_strings=True)
    name_prefix = "$env:"

    def _profile_dir(self, where: Where) -> Path:
        # about_Profiles: on Linux and macOS the current-user profiles live in
        # $XDG_CONFIG_HOME/powershell, by default ~/.config/powershell.
        return where.config_home() / "powershell"

    def read_set(self, where: Where) -> list[Path]:
        # Loading order: CurrentUserAllHosts (profile.ps1), then CurrentUserCurrentHost.
        d = self._profile_dir(where)
        return [d / "profile.ps1", d / "Microsoft.PowerShell_profile.ps1"]

    def write_set(self, where: Where) -> list[Path]:
        # profile.ps1 is read by every host (the console, VS Code's PowerShell extension),
        # where Microsoft.PowerShell_profile.ps1 is read by the console host only.
        return [self._profile_dir(where) / "profile.ps1"]

    def quote(self, value: str) -> str:
        # Single-quoted strings expand nothing: no $, no backtick escapes; newlines are kept;
        # ' and the four typographic single quotes are doubled (shells.powershell_strings).
        return single_quoted(check_value(value))

    def render_set(self, name: str, value: str) -> str:
        return f"$env:{check_name(name)} = {self.quote(value)}"

    def render_unset(self, name: str) -> str:
        return f"Remove-Item -Path Env:{check_name(name)} -ErrorAction SilentlyContinue"

    def block_line_ending(self, file_line_ending: bytes) -> bytes:
        # PowerShell reads CRLF and LF alike, so our lines follow the file's own convention.
        return file_line_ending

    def mentions(self, code: bytes, name: str) -> bool:
        return _mention_pattern(name).search(code) is not None

    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        return _simple_pattern(name).match(code) is not None

    def assigned_value(self, line: bytes, name: str) -> Word | None:
        found = _value_start(name).match(line)
        return None if found is None else powershell_word(line, found.end())

    def unsets(self, code: bytes, name: str) -> bool:
        return _unset_pattern(name).search(code) is not None

    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        script = (
            "$e=$null;[void][System.Management.Automation.Language.Parser]::ParseFile("
            f"{self.quote(path)},[ref]$null,[ref]$e);"
            "if($e){$e|ForEach-Object{$_.ToString()};exit 1}"
        )
        return [executable, "-NoProfile", "-NonInteractive", "-Command", script]

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        command = f"& {self._quoted(print_env_argv(python))}"
        # -Login must come first (about_Pwsh); profiles load because -NoProfile is absent.
        return [executable, *(["-Login"] if login else []), "-NoLogo", "-Command", command]
