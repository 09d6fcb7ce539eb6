"""`remedy export` with hostile values: every artefact reads back exactly, with nothing outside
its string, or the value is refused in one line (BadInput, exit 2). Issue 22, items 5 and 13.

No PowerShell, regedit or macOS runs on this machine, so each artefact is read by a model of
its reader written from that reader's rules (tests/support/export_readers.py; docs/machine.md
lists it among what is modelled): json.loads, plistlib.loads, regedit's string syntax, and
PowerShell's tokenizer for single-quoted strings, where all of ' U+2018 U+2019 U+201A U+201B
open and close a string and two in a row are one literal, read from the file as UTF-8 after
its byte-order mark (and as cp1252 without one, as Windows PowerShell 5.1 does).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from remedies.claude.managed_formats import DOMAIN, FORMATS, SUFFIX, render, settings_for
from remedies.errors import BadInput
from tests.conftest import Sandbox
from tests.support import figures
from tests.support.export_readers import read_mobileconfig, read_ps1, read_reg
from tests.support.system import a_machine, require_root

KEY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\ClaudeCode"
PS1_STRINGS = ["Stop", r"HKLM:\SOFTWARE\Policies\ClaudeCode", "Settings"]
BREAKOUT = '{"x":"\u2019; Start-Process calc.exe; \u2019"}'  # the issue's own example
# `т` is D1 82 in UTF-8, and 0x82 is U+201A (a single quote) in cp1252.
CP1252_BREAKOUT = '{"x":"\u0442; Start-Process calc.exe; \u0442"}'

# Everything a reader of one format or another gives a meaning to, and the characters that
# cannot be carried at all: quotes of every kind (PowerShell's five single and four double,
# regedit's and JSON's "), escapes (\ ` $), here-string and comment openers, line breaks,
# NUL and other controls, XML's non-characters, lone surrogates (what Python makes of a byte
# that is not UTF-8), the byte-order mark, and text that is code in the formats' languages.
PIECES = [
    "'", "\u2018", "\u2019", "\u201a", "\u201b", "''", "\u2019\u2019", "'\u2019",
    '"', "\u201c", "\u201d", "\u201e", '\\"', "\\", "\\\\", "\\n", "\\u0000",
    "$", "$(calc)", "${env:PATH}", "$env:X", "`", "`n", "`'",
    "@'", "'@", '@"', '"@', "<#", "#>", "#", ";", "|", "&", "<", ">", "]]>", "&amp;",
    "\r", "\n", "\r\n", "\t", "\0", "\x01", "\x1b", "\x7f", "\x82", "\x85", "\x9f",
    "\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udcff", "\udfff", "\ufeff",
    "\u0442", "\u00e9", "\u20ac", "\U0001f600", "\U0010fffd", "\u2028", "\u2029",
    "; Start-Process calc.exe; ", "%PATH%", "[HKEY_LOCAL_MACHINE\\X]", '"="', "\r\n;",
    BREAKOUT, CP1252_BREAKOUT,
]  # fmt: skip
NAME = st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True)
VALUE = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.characters(exclude_categories=()),  # any code point, surrogates included
        st.text(max_size=4),
    ),
    max_size=10,
).map("".join)
ENV = st.dictionaries(NAME, VALUE, max_size=4)


def _xml_char(c: str) -> bool:
    """XML 1.0's Char production (section 2.2)."""
    n = ord(c)
    return n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n > 0xFFFF


def refused(fmt: str, value: str) -> bool:
    """What each format must refuse, and nothing more. An environment variable holds no NUL,
    and a lone surrogate has no UTF-8 (or UTF-16) form: no format can carry them. A profile
    cannot hold what XML 1.0 cannot, nor a CR (an XML reader reads it as LF, section 2.11)."""
    if "\0" in value or any("\ud800" <= c <= "\udfff" for c in value):
        return True
    return fmt == "mobileconfig" and any(c == "\r" or not _xml_char(c) for c in value)


def read_back(fmt: str, data: bytes) -> Any:
    """The settings the artefact's reader gets, with nothing read outside the value."""
    if fmt == "json":
        return json.loads(data.decode("utf-8"))
    if fmt == "mobileconfig":
        return read_mobileconfig(data, DOMAIN)
    if fmt == "reg":
        keys = read_reg(data)
        assert list(keys) == [KEY] and list(keys[KEY]) == ["Settings"], keys
        return json.loads(keys[KEY]["Settings"])
    code, strings = read_ps1(data)  # as 5.1 reads it: cp1252 unless it starts with a BOM
    assert code == PS1_CODE, f"code outside the strings: {code!r}"
    assert strings[:3] == PS1_STRINGS and len(strings) == 4, strings
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so 5.1 does not read cp1252"
    return json.loads(strings[3])


# The code of a .ps1 whose strings hold nothing a reader could mistake: every export's must
# be exactly this, its strings aside.
PS1_CODE = read_ps1(render("ps1", settings_for({"X": "plain"}), "mantle"))[0]


def check(fmt: str, env: dict[str, str]) -> None:
    wanted = settings_for(env)
    bad = [name for name, value in env.items() if refused(fmt, value)]
    try:
        data = render(fmt, wanted, "mantle")
    except BadInput as e:
        message = str(e)
        assert bad, f"{fmt} refused what it can carry: {message}"
        assert "\n" not in message and message.split(maxsplit=1)[0].rstrip(":") == bad[0], message
        return
    assert not bad, f"{fmt} wrote {bad[0]}, which it cannot carry exactly"
    assert read_back(fmt, data) == wanted


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=400, deadline=None)
@given(env=ENV)
@example(env={"CLAUDE_CODE_EXTRA_BODY": BREAKOUT})
@example(env={"CLAUDE_CODE_EXTRA_BODY": CP1252_BREAKOUT})
@example(env={"A": "\ufffe"})
@example(env={"A": "\udcff"})
def test_hostile_values_read_back_exactly_or_are_refused(fmt: str, env: dict[str, str]) -> None:
    check(fmt, env)


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_hostile_piece_reads_back_exactly_or_is_refused(fmt: str) -> None:
    """Each piece alone, inside a JSON string as extra-body would carry it, and twice over."""
    for piece in PIECES:
        for value in (piece, '{"x":"' + piece + '"}', piece + "x" + piece):
            check(fmt, {"CLAUDE_CODE_EXTRA_BODY": value})
    figures.add("hostile export values read back or refused", 3 * len(PIECES))


def test_issue_breakouts_stay_inside_the_powershell_string(sandbox: Sandbox) -> None:
    """`remedy export extra-body --format ps1` with the issue's values: the script starts with
    a UTF-8 BOM and its code outside the strings is exactly the template's, read by the
    tokenizer model (there is no PowerShell on this machine to run it)."""
    for n, value in enumerate((BREAKOUT, CP1252_BREAKOUT)):
        out = sandbox.home.parent / f"breakout{n}.ps1"
        done = sandbox.remedy(
            "export", "extra-body", "--format", "ps1", "--value", value, "--output", str(out)
        )
        assert done.code == 0, done.stderr
        settings_read = read_back("ps1", out.read_bytes())
        assert settings_read == {"env": {"CLAUDE_CODE_EXTRA_BODY": value}}


def test_a_value_xml_cannot_hold_is_refused_for_a_profile_only(sandbox: Sandbox) -> None:
    """U+FFFE made an invalid .mobileconfig with exit 0 (issue 22, item 13)."""
    value = '{"x":"\ufffe"}'
    for fmt in FORMATS:
        out = sandbox.home.parent / f"fffe{SUFFIX[fmt]}"
        done = sandbox.remedy(
            "export", "extra-body", "--format", fmt, "--value", value, "--output", str(out)
        )
        if fmt == "mobileconfig":
            assert done.code == 2, done.stderr
            assert done.stderr.count("\n") == 1 and "CLAUDE_CODE_EXTRA_BODY" in done.stderr
            assert "U+FFFE" in done.stderr and not out.exists()
        else:
            assert done.code == 0, done.stderr
            assert read_back(fmt, out.read_bytes())["env"]["CLAUDE_CODE_EXTRA_BODY"] == value


# A byte that is not UTF-8 on the command line: Python hands remedy U+DCFF for it, and
# subprocess gives the child the byte 0xFF back.
NOT_UTF8 = '{"x":"\udcff"}'


def test_an_argument_that_is_not_utf8_is_refused_in_one_line(sandbox: Sandbox) -> None:
    """It gave "unexpected UnicodeEncodeError" (issue 22, item 13). The command line refuses
    it before any command reads it (cli.main); managed_formats.check_carried refuses it too,
    for a value that reaches a renderer another way (the property tests above)."""
    for fmt in FORMATS:
        out = sandbox.home.parent / f"bytes{SUFFIX[fmt]}"
        for where in (("--output", str(out)), ()):
            done = sandbox.remedy(
                "export", "extra-body", "--format", fmt, "--value", NOT_UTF8, *where
            )
            assert done.code == 2, done.stderr
            assert done.stderr.count("\n") == 1 and "unexpected" not in done.stderr
            assert "after --value" in done.stderr and "0xFF" in done.stderr
            assert done.stdout == "" and not out.exists()


@pytest.mark.root
def test_apply_machine_refuses_it_by_the_same_rule(sandbox: Sandbox) -> None:
    require_root("changing a machine's managed settings")
    root = Path(sandbox.env["REMEDY_SYSTEM_ROOT"])
    a_machine(root)
    done = sandbox.remedy("apply", "extra-body", "--machine", "--value", NOT_UTF8, "--yes")
    assert done.code == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "unexpected" not in done.stderr
    assert "after --value" in done.stderr and "0xFF" in done.stderr
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == ["etc", "var", "var/lib"]
