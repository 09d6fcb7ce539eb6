"""The rules file of an Intune custom compliance policy for Linux laptops, the other half of the
`intune-compliance` discovery script (claude.mdm_posix).

Intune runs the discovery script on the device, reads the one JSON object it prints, and
judges each setting by a rule of this file: `{"Rules": [{"SettingName", "Operator",
"DataType", "Operand", "MoreInfoUrl", "RemediationStrings": [{"Language", "Title",
"Description"}]}]}`, with at least one `en_US` string (Microsoft's "Custom compliance JSON
files for Microsoft Intune"). One rule: the device is compliant while `RemedyNeeded` is
false. "cannot tell" and "not checked" are compliant by that rule, as detection's exit 0
is: a compliance policy may gate access, and a laptop without claude has nothing to fix.
An administrator who wants them flagged adds a rule on `RemedyState` (a String, IsEquals
"compliant").
"""

from __future__ import annotations

import json

SETTING_NEEDED = "RemedyNeeded"
SETTING_STATE = "RemedyState"
RULES_FORMAT = "intune-compliance-rules"
# Where a user whose laptop is flagged reads more: Claude Code's own troubleshooting page
# (remedy has no published page of its own yet).
MORE_INFO_URL = "https://docs.claude.com/en/docs/claude-code/troubleshooting"


def rules_bytes(remedy: str) -> bytes:
    """The rules file for `remedy`'s discovery script: JSON, UTF-8, LF."""
    rule = {
        "SettingName": SETTING_NEEDED,
        "Operator": "IsEquals",
        "DataType": "Boolean",
        "Operand": False,
        "MoreInfoUrl": MORE_INFO_URL,
        "RemediationStrings": [
            {
                "Language": "en_US",
                "Title": f"Claude Code needs the remedy {remedy}",
                "Description": (
                    f"Claude Code's requests fail on this device until the remedy {remedy} "
                    "is applied (its settings or its version). IT's scheduled fix applies "
                    f"it for you, or run `remedy apply {remedy}` and open a new terminal."
                ),
            }
        ],
    }
    return (json.dumps({"Rules": [rule]}, indent=2, ensure_ascii=False) + "\n").encode()
