"""The Windows pair of `remedy export` (claude.mdm_windows) with hostile values: read by the
model of PowerShell's tokenizer the `ps1` export is checked with
(tests/support/export_readers.py; no PowerShell runs here), the code outside the strings is
exactly the template's, every other string a constant, and the wanted settings read back."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings

from remedies.claude.managed_formats import settings_for
from remedies.claude.mdm_windows import WINDOWS_FORMATS, windows_bytes
from remedies.errors import BadInput
from tests.conftest import Sandbox
from tests.support.export_readers import read_ps1
from tests.test_export_quoting import BREAKOUT, CP1252_BREAKOUT, ENV, refused

TEMPLATE = {
    fmt: read_ps1(windows_bytes(fmt, settings_for({"X": "plain"}), "extra-body"))
    for fmt in WINDOWS_FORMATS
}
WANT = {fmt: TEMPLATE[fmt][1].index('{"X":"plain"}') for fmt in WINDOWS_FORMATS}


def read_back(fmt: str, data: bytes) -> dict[str, str]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so 5.1 does not read cp1252"
    code, strings = read_ps1(data)
    template_code, template_strings = TEMPLATE[fmt]
    assert code == template_code, f"code outside the strings: {code!r}"
    want = WANT[fmt]
    assert (
        strings[:want] + strings[want + 1 :]
        == template_strings[:want] + template_strings[want + 1 :]
    )
    return dict(json.loads(strings[want]))


@pytest.mark.parametrize("fmt", WINDOWS_FORMATS)
@settings(max_examples=300, deadline=None)
@given(env=ENV)
@example(env={"CLAUDE_CODE_EXTRA_BODY": BREAKOUT})
@example(env={"CLAUDE_CODE_EXTRA_BODY": CP1252_BREAKOUT})
def test_hostile_values_stay_inside_the_string(fmt: str, env: dict[str, str]) -> None:
    try:
        data = windows_bytes(fmt, settings_for(env), "extra-body")
    except BadInput:
        assert any(refused("ps1", v) for v in env.values()), env
        return
    assert not any(refused("ps1", v) for v in env.values()), env
    assert read_back(fmt, data) == env


def test_the_pair_from_the_command_line(sandbox: Sandbox) -> None:
    for fmt in WINDOWS_FORMATS:
        done = sandbox.remedy("export", "extra-body", "--format", fmt, "--value", BREAKOUT)
        assert done.code == 0, done.stderr
        assert read_back(fmt, done.stdout.encode()) == {"CLAUDE_CODE_EXTRA_BODY": BREAKOUT}
    no_region = sandbox.remedy("export", "mantle", "--format", "intune-detect-ps1")
    assert no_region.code == 2 and "needs --region" in no_region.stderr
