"""Intune Remediations for Windows, where remedy does not run: the machine scope is the path.

A detection and remediation pair of PowerShell scripts for the policy the `reg` and `ps1`
exports write (`HKLM\\SOFTWARE\\Policies\\ClaudeCode`, value `Settings`, the settings as a JSON
string; Claude Code reads it, and an MDM source is used instead of the managed-settings file,
not merged with it: docs/machine.md):
- `intune-detect-ps1`: exit 1 when the policy is missing, is not JSON, or any of the remedy's
  variables is not the remedy's value in its `env`; exit 0 otherwise. It prints the names
  of what is missing, never a value.
- `intune-remediate-ps1`: sets the remedy's variables in the policy's `env`, keeping every
  other setting and variable an administrator put there (the `ps1` export replaces the whole
  value); a policy that is not JSON is replaced.

Both open the registry's 64-bit view: Intune runs a script in 32-bit PowerShell unless told
otherwise, where `HKLM:\\SOFTWARE` may be redirected to WOW6432Node. The wanted settings are
one single-quoted string, by the rule the `ps1` export uses (shells.powershell_strings), and
every other string is a constant, so the code outside the strings is the same for every
export (tests/test_export_mdm_windows.py reads it with the tokenizer model). UTF-8 with a
byte-order mark and CRLF, as the `ps1` export, for Windows PowerShell 5.1.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from remedies.claude.managed_formats import POLICY_KEY, POLICY_VALUE, check_carried
from remedies.claude.mdm_posix import simple_name
from shells.powershell_strings import single_quoted

WINDOWS_FORMATS = ("intune-detect-ps1", "intune-remediate-ps1")

_SUBKEY = POLICY_KEY.partition("\\")[2]  # SOFTWARE\Policies\ClaudeCode

_OPEN = [
    "$ErrorActionPreference = 'Stop'",
    "trap { Write-Output ('remedy: ' + $_.Exception.Message); exit 2 }",
    "$view = [Microsoft.Win32.RegistryView]::Registry64",
    "$hive = [Microsoft.Win32.RegistryHive]::LocalMachine",
    "$base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, $view)",
]

_DETECT = [
    "$key = $base.OpenSubKey($subkey)",
    "$have = $null",
    "if ($null -ne $key) { $have = $key.GetValue($valueName) }",
    "if ($null -eq $have) { Write-Output 'needs a remedy: no Claude Code policy'; exit 1 }",
    "try { $settings = ConvertFrom-Json -InputObject $have } catch { $settings = $null }",
    "if ($settings -isnot [System.Management.Automation.PSCustomObject]) {",
    "    Write-Output 'needs a remedy: the Claude Code policy is not a JSON object'",
    "    exit 1",
    "}",
    "$missing = @()",
    "foreach ($p in (ConvertFrom-Json -InputObject $want).PSObject.Properties) {",
    "    $now = $null",
    "    if ($settings.env -is [System.Management.Automation.PSCustomObject]) {",
    "        $now = $settings.env.($p.Name)",
    "    }",
    "    if (($now -isnot [string]) -or ($now -cne $p.Value)) { $missing += $p.Name }",
    "}",
    "if ($missing.Count -gt 0) {",
    "    Write-Output ('needs a remedy: not set as remedy sets them: ' + ($missing -join ', '))",
    "    exit 1",
    "}",
    "Write-Output 'compliant: the Claude Code policy has the settings'",
    "exit 0",
]

_REMEDIATE = [
    "$key = $base.CreateSubKey($subkey)",
    "$have = $key.GetValue($valueName)",
    "$settings = $null",
    "if ($null -ne $have) {",
    "    try { $settings = ConvertFrom-Json -InputObject $have } catch { $settings = $null }",
    "}",
    "if ($settings -isnot [System.Management.Automation.PSCustomObject]) {",
    "    $settings = [pscustomobject]@{}",
    "}",
    "if ($settings.env -isnot [System.Management.Automation.PSCustomObject]) {",
    "    Add-Member -InputObject $settings -NotePropertyName 'env' "
    "-NotePropertyValue ([pscustomobject]@{}) -Force",
    "}",
    "foreach ($p in (ConvertFrom-Json -InputObject $want).PSObject.Properties) {",
    "    Add-Member -InputObject $settings.env -NotePropertyName $p.Name "
    "-NotePropertyValue $p.Value -Force",
    "}",
    "$text = ConvertTo-Json -InputObject $settings -Depth 32 -Compress",
    "$key.SetValue($valueName, $text, [Microsoft.Win32.RegistryValueKind]::String)",
    "$key.Close()",
    "Write-Output 'fixed: the Claude Code policy has the settings'",
    "exit 0",
]


def _want(settings: Mapping[str, Any]) -> str:
    return json.dumps(
        dict(settings.get("env", {})), separators=(",", ":"), sort_keys=True, ensure_ascii=False
    )


def windows_bytes(fmt: str, settings: Mapping[str, Any], remedy: str) -> bytes:
    """The PowerShell script `fmt` for the managed `settings` (`{"env": {...}}`)."""
    if fmt not in WINDOWS_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    check_carried("ps1", settings)
    simple_name(remedy)
    detect = fmt == "intune-detect-ps1"
    what = "detection" if detect else "remediation"
    lines = [
        f"# Intune Remediations, {what} script (Windows), written by remedy for {remedy}.",
        "# Run as SYSTEM. Reads and sets the Claude Code policy, HKLM, Settings.",
        *_OPEN,
        f"$subkey = {single_quoted(_SUBKEY)}",
        f"$valueName = {single_quoted(POLICY_VALUE)}",
        f"$want = {single_quoted(_want(settings))}",
        *(_DETECT if detect else _REMEDIATE),
        "",
    ]
    return "\r\n".join(lines).encode("utf-8-sig")
