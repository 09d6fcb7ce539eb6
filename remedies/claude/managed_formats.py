"""Claude Code's managed settings as the artefacts administrators deploy.

The same settings object (`{"env": {...}}`) in four forms, each a pure function of it:
- `json`: a managed-settings drop-in, as `remedy apply --machine` writes it (Linux, WSL,
  macOS, and any configuration management that copies files);
- `mobileconfig`: a macOS configuration profile for the preference domain
  `com.anthropic.claudecode`, whose keys are the settings' own (Jamf, Kandji, Intune for Mac);
- `reg`: a Windows policy, value `Settings` (the settings as a JSON string) under
  `HKLM\\SOFTWARE\\Policies\\ClaudeCode`, for regedit or Group Policy preferences;
- `ps1`: the same policy as PowerShell, for an Intune platform script.
Where Claude Code reads them: docs/claude-code.md, "Machine-wide managed settings". Identifiers
and UUIDs are derived from the content, so exporting the same settings twice gives the same
bytes.

Each form is quoted for every quote character its reader knows, and a value a form cannot
carry exactly is refused before anything is written (`check_carried`): a value is data on
every machine that receives it, never code (issue 22, items 5 and 13).
"""

from __future__ import annotations

import json
import plistlib
import uuid
from collections.abc import Mapping
from typing import Any

from remedies.errors import BadInput
from shells.base import check_name, check_value
from shells.powershell_strings import single_quoted

DOMAIN = "com.anthropic.claudecode"
POLICY_KEY = r"HKLM\SOFTWARE\Policies\ClaudeCode"
POLICY_VALUE = "Settings"
FORMATS = ("json", "mobileconfig", "reg", "ps1")
SUFFIX = {"json": ".json", "mobileconfig": ".mobileconfig", "reg": ".reg", "ps1": ".ps1"}

# A fixed namespace: the same settings always get the same UUIDs (uuid5 is a SHA-1 of it).
_NAMESPACE = uuid.UUID("6f1d2b8e-5a47-4f5e-9c1a-8d3e2f0b7a64")


def settings_for(env: Mapping[str, str]) -> dict[str, Any]:
    return {"env": dict(env)}


def _not_xml(c: str) -> str | None:
    """Why a .mobileconfig cannot carry `c`, or None when it can."""
    if c == "\r":
        # XML readers turn a literal CR into LF (XML 1.0, 2.11), and plistlib writes CR as LF.
        return "an XML reader reads a carriage return as a line feed"
    code = ord(c)
    if code in (0x9, 0xA) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF:
        return None
    return "XML 1.0 has no such character"  # its Char production, 2.2


def check_carried(fmt: str, settings: Mapping[str, Any]) -> None:
    """Refuse, in one line naming the variable, a setting `fmt` cannot carry exactly.

    Every form: what no environment variable can hold (shells.base.check_value: NUL, a lone
    surrogate such as Python makes of an argument that is not UTF-8, more than Linux takes).
    A `.mobileconfig` also cannot hold characters outside XML 1.0 (controls but tab and LF,
    U+FFFE, U+FFFF) or a CR. `json`, `reg` and `ps1` carry every other character: JSON
    escapes controls, and the .reg and .ps1 quote that JSON for their own readers.
    `apply --machine` asks this too, before it plans anything."""
    for name, value in settings.get("env", {}).items():
        try:
            check_name(name)
        except ValueError as e:
            raise BadInput(f"{e}; nothing was written") from None
        try:
            check_value(value)
        except ValueError as e:
            raise BadInput(f"{name}: {e}; nothing was written") from None
        if fmt == "mobileconfig":
            for c in value:
                why = _not_xml(c)
                if why is not None:
                    raise BadInput(
                        f"{name} holds U+{ord(c):04X}, which a .mobileconfig cannot carry "
                        f"({why}); nothing was written"
                    )


def dropin_bytes(settings: Mapping[str, Any]) -> bytes:
    """The managed-settings drop-in: indented JSON, keys in the order given, one final LF."""
    check_carried("json", settings)
    return (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode()


def _compact(settings: Mapping[str, Any]) -> str:
    return json.dumps(settings, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def mobileconfig_bytes(settings: Mapping[str, Any], remedy: str) -> bytes:
    """A configuration profile with one payload for Claude Code's preference domain."""
    check_carried("mobileconfig", settings)
    content = _compact(settings)
    identifier = f"dev.remedy.claudecode.{remedy}"
    payload = {
        "PayloadType": DOMAIN,
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.settings",
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, f"{identifier}.settings:{content}")).upper(),
        "PayloadDisplayName": f"Claude Code settings (remedy {remedy})",
        **settings,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(uuid.uuid5(_NAMESPACE, f"{identifier}:{content}")).upper(),
        "PayloadDisplayName": f"Claude Code: remedy {remedy}",
        "PayloadDescription": f"Claude Code managed settings written by `remedy export {remedy}`.",
        "PayloadScope": "System",
        "PayloadContent": [payload],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)


def _reg_string(text: str) -> str:
    # regedit's string syntax: a string runs between double quotes on one line, and inside it
    # a backslash escapes the next character. We write only \\ and \" (what regedit's own
    # export writes), and never a line break or NUL, which a string on one line cannot hold:
    # the JSON quoted here has none (JSON escapes them), so this never fires on our input.
    if any(c in "\r\n\0" for c in text):
        raise ValueError("a .reg string cannot hold a line break or NUL")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reg_bytes(settings: Mapping[str, Any]) -> bytes:
    """A .reg file as regedit writes one: UTF-16 LE with a byte-order mark, CRLF lines."""
    check_carried("reg", settings)
    root, _, rest = POLICY_KEY.partition("\\")
    key = {"HKLM": "HKEY_LOCAL_MACHINE"}[root] + "\\" + rest
    lines = [
        "Windows Registry Editor Version 5.00",
        "",
        f"[{key}]",
        f"{_reg_string(POLICY_VALUE)}={_reg_string(_compact(settings))}",
        "",
    ]
    return "\ufeff".encode("utf-16-le") + "\r\n".join(lines).encode("utf-16-le")


def ps1_bytes(settings: Mapping[str, Any]) -> bytes:
    """PowerShell that sets the same policy value (run elevated, e.g. as an Intune script).

    Every string is single-quoted by PowerShell's own rule, which has five quote characters
    (shells.powershell_strings). UTF-8 with a byte-order mark: without one Windows PowerShell
    5.1 reads a script in the ANSI code page, cp1252, where the second byte of `т` (D1 82) is
    U+201A, a single quote (about_Character_Encoding)."""
    check_carried("ps1", settings)
    path = "HKLM:\\" + POLICY_KEY.partition("\\")[2]
    lines = [
        "# Claude Code managed settings, written by remedy. Run as an administrator.",
        "$ErrorActionPreference = 'Stop'",
        f"$key = {single_quoted(path)}",
        # Only where the key is missing: New-Item -Force on a registry key that exists
        # recreates it, and every other value under it would be lost.
        "if (-not (Test-Path -LiteralPath $key)) { New-Item -Path $key -Force | Out-Null }",
        f"New-ItemProperty -Path $key -Name {single_quoted(POLICY_VALUE)} -PropertyType String "
        f"-Value {single_quoted(_compact(settings))} -Force | Out-Null",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8-sig")


def render(fmt: str, settings: Mapping[str, Any], remedy: str) -> bytes:
    if fmt == "json":
        return dropin_bytes(settings)
    if fmt == "mobileconfig":
        return mobileconfig_bytes(settings, remedy)
    if fmt == "reg":
        return reg_bytes(settings)
    if fmt == "ps1":
        return ps1_bytes(settings)
    raise ValueError(f"unknown format {fmt!r}")
