"""The Intune custom compliance pair (Linux): the rules file against what Microsoft documents
for it ("Custom compliance JSON files for Microsoft Intune"; there is no Intune here), and
the discovery script's output, in a real sh, for each answer remedy's check can give (its
run of remedy replaced by a shell function; tests/test_export_mdm.py runs the real one)."""

from __future__ import annotations

import json
import subprocess

import pytest

from remedies.claude.intune_rules import SETTING_NEEDED, rules_bytes
from remedies.claude.mdm_posix import ScriptSpec, script_bytes

OPERATORS = {"IsEquals", "NotEquals", "GreaterThan", "GreaterEquals", "LessThan", "LessEquals"}
DATA_TYPES = {"Boolean": bool, "Int64": int, "Double": float, "String": str}


def test_the_rules_file_is_what_intune_reads() -> None:
    data = rules_bytes("mantle")
    assert len(data) <= 100 * 1024
    rules = json.loads(data)["Rules"]
    assert 1 <= len(rules) <= 100
    for rule in rules:
        assert rule["Operator"] in OPERATORS
        assert isinstance(rule["Operand"], DATA_TYPES[rule["DataType"]])
        assert rule["MoreInfoUrl"].startswith("https://")
        languages = {s["Language"]: s for s in rule["RemediationStrings"]}
        assert languages["en_US"]["Title"] and languages["en_US"]["Description"]
    assert [r["SettingName"] for r in rules] == [SETTING_NEEDED]


@pytest.mark.real_shell
@pytest.mark.parametrize(
    ("code", "said", "expected"),
    [
        (
            0,
            "compliant: mantle is not needed here",
            {"RemedyNeeded": False, "RemedyState": "compliant"},
        ),
        (1, "needs a remedy: mantle", {"RemedyNeeded": True, "RemedyState": "needs a remedy"}),
        (3, "cannot tell: no claude", {"RemedyNeeded": False, "RemedyState": "cannot tell"}),
        (2, "", {"RemedyNeeded": False, "RemedyState": "not checked"}),
        # remedy's own failure is exit 1 too (a crash, a Python that cannot run it): without
        # doctor's line it is no answer (found by review: it read as "needs a remedy").
        (1, "", {"RemedyNeeded": False, "RemedyState": "not checked"}),
        (3, "needs a remedy: mantle", {"RemedyNeeded": False, "RemedyState": "not checked"}),
    ],
)
def test_the_discovery_script_prints_one_json_object(
    code: int, said: str, expected: object
) -> None:
    script = script_bytes("intune-compliance", ScriptSpec("mantle")).decode()
    # Everything before the script's own main part is its library; replace what runs remedy.
    stubs = "prepare() { :; }\nreport() { :; }\n"
    stubs += f"run_remedy() {{ echo '{said}'; return {code}; }}\n"
    main = script[script.rindex("\nprepare\n") :]
    library = script[: script.rindex("\nprepare\n")]
    done = subprocess.run(
        ["sh", "-c", library + stubs + main],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 0, done
    assert json.loads(done.stdout) == expected
    assert done.stdout.count("\n") == 1
