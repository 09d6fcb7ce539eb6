"""Claude Code's managed settings as the artefacts administrators deploy.

The same settings object (`{"env": {...}}`) in four forms, each a pure function of it:
- `json`: a managed-settings drop-in, as `remedy apply --machine` writes it (Linux, WSL,
  macOS, and any configuration management that copies files);
- `mobileconfig`: a macOS configuration profile for the preference domain
  `com.anthropic.claudecode`, whose keys are the settings' own (Jamf, Kandji, Intune for Mac);
- `reg`: a Windows policy, value `Settings` (the settings as a JSON string) under
  `HKLM\\SOFTWARE\\Policies\\ClaudeCode`, for regedit or Group Policy preferences;
- `ps1`: the same policy as PowerShell, for an Intune platform script.
Where Claude Code reads them is FACTS.md, "Machine-wide settings". Identifiers and UUIDs are
derived from the content, so exporting the same settings twice gives the same bytes.
"""

from __future__ import annotations

import json
import plistlib
import uuid
from collections.abc import Mapping
from typing import Any

DOMAIN = "com.anthropic.claudecode"
POLICY_KEY = r"HKLM\SOFTWARE\Policies\ClaudeCode"
POLICY_VALUE = "Settings"
FORMATS = ("json", "mobileconfig", "reg", "ps1")
SUFFIX = {"json": ".json", "mobileconfig": ".mobileconfig", "reg": ".reg", "ps1": ".ps1"}

# A fixed namespace: the same settings always get the same UUIDs (uuid5 is a SHA-1 of it).
_NAMESPACE = uuid.UUID("6f1d2b8e-5a47-4f5e-9c1a-8d3e2f0b7a64")


def settings_for(env: Mapping[str, str]) -> dict[str, Any]:
    return {"env": dict(env)}


def dropin_bytes(settings: Mapping[str, Any]) -> bytes:
    """The managed-settings drop-in: indented JSON, keys in the order given, one final LF."""
    return (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode()


def _compact(settings: Mapping[str, Any]) -> str:
    return json.dumps(settings, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def mobileconfig_bytes(settings: Mapping[str, Any], remedy: str) -> bytes:
    """A configuration profile with one payload for Claude Code's preference domain."""
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
    # regedit's string syntax: backslash and double quote escaped with a backslash.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reg_bytes(settings: Mapping[str, Any]) -> bytes:
    """A .reg file as regedit writes one: UTF-16 LE with a byte-order mark, CRLF lines."""
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


def _ps_literal(text: str) -> str:
    # A PowerShell single-quoted string: nothing is expanded; a quote is doubled.
    return "'" + text.replace("'", "''") + "'"


def ps1_bytes(settings: Mapping[str, Any]) -> bytes:
    """PowerShell that sets the same policy value (run elevated, e.g. as an Intune script)."""
    path = "HKLM:\\" + POLICY_KEY.partition("\\")[2]
    lines = [
        "# Claude Code managed settings, written by remedy. Run as an administrator.",
        "$ErrorActionPreference = 'Stop'",
        f"$key = {_ps_literal(path)}",
        "New-Item -Path $key -Force | Out-Null",
        f"New-ItemProperty -Path $key -Name {_ps_literal(POLICY_VALUE)} -PropertyType String "
        f"-Value {_ps_literal(_compact(settings))} -Force | Out-Null",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


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
