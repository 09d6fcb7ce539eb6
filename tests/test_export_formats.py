"""`remedy export`: each artefact parses back to the same settings, and re-export is
byte-identical. macOS and Windows themselves cannot run here: the profile is read back with
plistlib, the .reg and .ps1 with models of regedit and of PowerShell's tokenizer
(tests/support/export_readers.py; docs/machine.md says so). Hostile values:
test_export_quoting.py."""

from __future__ import annotations

import json
import plistlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from remedies.claude.managed_formats import (
    DOMAIN,
    dropin_bytes,
    mobileconfig_bytes,
    ps1_bytes,
    reg_bytes,
    settings_for,
)
from tests.conftest import Sandbox
from tests.support.export_readers import read_mobileconfig, read_ps1, read_reg

KEY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\ClaudeCode"

NAME = st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True)
# Any text every format carries (no controls, which a profile refuses, no lone surrogates):
# quotes, backslashes, apostrophes, $, unicode.
VALUE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
ENV = st.dictionaries(NAME, VALUE, max_size=6)


def from_mobileconfig(data: bytes) -> dict[str, Any]:
    return read_mobileconfig(data, DOMAIN)


def from_reg(data: bytes) -> dict[str, Any]:
    keys = read_reg(data)
    assert list(keys) == [KEY] and list(keys[KEY]) == ["Settings"], keys
    return dict(json.loads(keys[KEY]["Settings"]))


def from_ps1(data: bytes) -> dict[str, Any]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    code, strings = read_ps1(data)
    assert "-Name '' -PropertyType String -Value '' -Force" in code, code
    assert strings[1] == r"HKLM:\SOFTWARE\Policies\ClaudeCode" and strings[2] == "Settings"
    return dict(json.loads(strings[3]))


@settings(max_examples=300)
@given(ENV)
def test_every_artefact_parses_back_to_the_same_settings(env: dict[str, str]) -> None:
    wanted = settings_for(env)
    assert json.loads(dropin_bytes(wanted)) == wanted
    assert from_mobileconfig(mobileconfig_bytes(wanted, "mantle")) == wanted
    assert from_reg(reg_bytes(wanted)) == wanted
    assert from_ps1(ps1_bytes(wanted)) == wanted


@given(ENV, ENV)
def test_a_profile_identifies_its_content(a: dict[str, str], b: dict[str, str]) -> None:
    """Same settings, same bytes (an MDM sees no change); other settings, other UUIDs."""
    first = plistlib.loads(mobileconfig_bytes(settings_for(a), "mantle"))
    again = plistlib.loads(mobileconfig_bytes(settings_for(a), "mantle"))
    other = plistlib.loads(mobileconfig_bytes(settings_for(b), "mantle"))
    assert first == again
    if a != b:
        assert first["PayloadUUID"] != other["PayloadUUID"]


def test_export_from_the_command_line_is_stable_and_reads_nothing(sandbox: Sandbox) -> None:
    args = ("export", "mantle", "--region", "eu-west-3", "--model", "us.anthropic.claude-opus-4-7")
    for fmt in ("json", "mobileconfig", "reg", "ps1"):
        # To files (a .reg is UTF-16): two exports, the same bytes.
        a, b = sandbox.home.parent / f"a.{fmt}", sandbox.home.parent / f"b.{fmt}"
        for path in (a, b):
            done = sandbox.remedy(*args, "--format", fmt, "--output", str(path))
            assert done.code == 0, done.stderr
        assert a.read_bytes() == b.read_bytes()
    doc = json.loads(sandbox.remedy(*args, "--format", "json").stdout)
    assert doc == {
        "env": {
            "CLAUDE_CODE_USE_BEDROCK": "0",
            "CLAUDE_CODE_USE_MANTLE": "1",
            "AWS_REGION": "eu-west-3",
            "ANTHROPIC_MODEL": "anthropic.claude-opus-4-7",
        }
    }
    assert sandbox.snapshot() == {} and not (sandbox.home / ".local").exists()
    no_region = sandbox.remedy("export", "mantle", "--format", "json")
    assert no_region.code == 2 and "needs --region" in no_region.stderr
    out = sandbox.home / "profile.mobileconfig"
    wrote = sandbox.remedy(*args, "--format", "mobileconfig", "--output", str(out))
    assert wrote.code == 0 and from_mobileconfig(out.read_bytes())["env"] == doc["env"]
    again = sandbox.remedy(*args, "--format", "mobileconfig", "--output", str(out))
    assert again.code == 2 and "exists" in again.stderr
    extra = sandbox.remedy("export", "extra-body", "--format", "json")
    assert json.loads(extra.stdout)["env"]["CLAUDE_CODE_EXTRA_BODY"].startswith("{")


def test_the_ps1_export_creates_the_policy_key_only_where_it_is_missing() -> None:
    """New-Item -Force on a registry key that exists recreates it, and every other value under
    it would be lost (found in review of the MDM scripts): only behind Test-Path."""
    from remedies.claude.managed_formats import ps1_bytes

    lines = ps1_bytes({"env": {"CLAUDE_CODE_USE_MANTLE": "1"}}).decode("utf-8-sig").splitlines()
    creating = [line for line in lines if "New-Item " in line]
    assert creating, lines
    assert all(line.startswith("if (-not (Test-Path -LiteralPath $key)) {") for line in creating)
