"""Properties of redaction: a secret planted in random text, in any syntax we read, never
survives; every newline does; text with nothing secret in it comes back unchanged; a diff is
difflib's diff when there is nothing to mask."""

from __future__ import annotations

import difflib
import json
import re
from typing import Callable

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from remedies.engine.diffs import unified_diff
from remedies.redact import redact_text

NAMES = [
    "GITHUB_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ANTHROPIC_API_KEY",
    "DB_PASSWORD",
    "my_api_key",
    "SSH_PASSPHRASE",
    "GOOGLE_CREDENTIALS",
]

# Pieces of a secret are "Z...Z": the noise around them never holds a Z, so a piece found in
# the output is the secret showing, never a coincidence.
WORD = "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY0123456789_-./+=%,"


def pieces(alphabet: str, most: int = 3) -> st.SearchStrategy[list[str]]:
    piece = st.text(alphabet=alphabet, min_size=1, max_size=16).map(lambda s: f"Z{s}Z")
    return st.lists(piece, min_size=1, max_size=most)


# Each syntax: what its value may hold, and how it is written with its name.
Writer = Callable[[str, list[str]], str]


def _fish_escape(value: str) -> str:
    return "".join(c if c.isalnum() or c in "_-./" else f"\\x{ord(c):02x}" for c in value)


def _json(depth: int) -> Writer:
    def write(name: str, parts: list[str]) -> str:
        document = json.dumps({"env": {name: "\n".join(parts), "AWS_REGION": "us-east-1"}})
        for _ in range(depth):
            document = json.dumps({"CLAUDE_CODE_EXTRA_BODY": document, "x": 1})
        return document

    return write


SYNTAXES: dict[str, tuple[str, Writer]] = {
    "sh": (WORD, lambda n, p: f"export {n}={p[0]}"),
    "sh, several on a line": (WORD, lambda n, p: f"export X=1 {n}={p[0]} Y=2"),
    "env": (WORD, lambda n, p: f"env A=1 {n}={p[0]} claude"),
    "sh, continued": (WORD, lambda n, p: f"export {n}=" + "\\\n".join(p)),
    "sh, single quotes": (WORD + ' "#$`\\', lambda n, p: f"export {n}='" + "\n".join(p) + "'"),
    "sh, double quotes": (WORD + " '#", lambda n, p: f'X=1; {n}="' + "\n".join(p) + '"'),
    "sh, $'...'": (WORD + " \"'#", lambda n, p: f"{n}=$'" + "\n".join(p).replace("'", "\\'") + "'"),
    "fish set": (WORD + ' "#', lambda n, p: f"set -gx {n} '" + "\n".join(p) + "'"),
    "fish set, word": (WORD, lambda n, p: f"set -Ux {n} {p[0]}"),
    "csh setenv": (WORD, lambda n, p: f"setenv {n} " + "\\\n".join(p)),
    "csh set": (WORD + " ", lambda n, p: f"set {n} = '{p[0]}'"),
    "dotenv": (WORD + " '#", lambda n, p: f'{n} = "' + "\n".join(p) + '"'),
    "pwsh": (WORD + ' "#$', lambda n, p: f"$env:{n} = '" + "\n".join(p) + "'"),
    "pwsh, double quotes": (WORD + " '#", lambda n, p: f'$Env:{n} = "' + "\n".join(p) + '"'),
    "pwsh, here-string": (WORD + " '\"#", lambda n, p: f"$env:{n} = @'\n" + "\n".join(p) + "\n'@"),
    "JSON": (WORD + " '\"\\\t#", _json(0)),
    "JSON in a JSON string": (WORD + " '\"\\#", _json(1)),
    "JSON in JSON in JSON": (WORD + " '\"\\#", _json(2)),
    "fish SETUVAR": (
        WORD + " '\"\\#$",
        lambda n, p: f"SETUVAR --export {n}:" + _fish_escape("\n".join(p)),
    ),
    "URL password": (
        WORD.replace("/", "") + "@:",
        lambda n, p: f"curl https://me:{p[0]}@proxy.example/v1",
    ),
}

# Noise: no Z, no quote, backslash or parenthesis (which would change what the planted line
# means), but assignments, comments, colons, set, SETUVAR and URLs of its own.
NOISE_WORDS = st.sampled_from(
    [
        "export",
        "X=1",
        "AWS_REGION=us-east-1",
        "set",
        "-gx",
        "SETUVAR",
        "#",
        "a:",
        "https://example.com/",
        "KEY=v",
        ";",
        "&&",
        "echo",
        "SET",
        "{",
        "}",
    ]
)
NOISE_LINE = st.lists(
    st.one_of(NOISE_WORDS, st.text(alphabet=WORD + "\t<>|!?", max_size=12)), max_size=8
).map(" ".join)
NOISE = st.lists(NOISE_LINE, max_size=5).map("\n".join)


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    syntax = draw(st.sampled_from(sorted(SYNTAXES)))
    alphabet, write = SYNTAXES[syntax]
    parts = draw(pieces(alphabet))
    name = draw(st.sampled_from(NAMES))
    line = write(name, parts)
    text = draw(NOISE) + "\n" + line + "\n" + draw(NOISE)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return syntax, text, parts


def _encodings(part: str) -> list[str]:
    """The piece as it may appear: raw, JSON-escaped once, twice, thrice; fish-escaped."""
    found = [part, _fish_escape(part)]
    for _ in range(3):
        part = json.dumps(part)[1:-1]
        found.append(part)
    return found


@settings(max_examples=1500, deadline=None)
@given(planted())
def test_a_planted_secret_never_survives(case: tuple[str, str, list[str]]) -> None:
    syntax, text, parts = case
    redacted = redact_text(text)
    for part in parts:
        for form in _encodings(part):
            assert form not in redacted, f"{syntax}: {form!r} survives in {redacted!r}"
    assert "<redacted>" in redacted
    assert redacted.count("\n") == text.count("\n")


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_every_newline_survives_any_text(text: str) -> None:
    redacted = redact_text(text)
    assert redacted.count("\n") == text.count("\n")
    assert redacted.count("\r\n") >= text.count("\r\n") - redacted.count("<redacted>")


SECRET_NAMED = re.compile(r"(?i)TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeKYtokn=:'\"\\ \n#$()set-/@" + "xX"))))
def test_text_with_nothing_secret_comes_back_unchanged(text: str) -> None:
    assume(not SECRET_NAMED.search(text) and "://" not in text)
    assert redact_text(text) == text


def _difflib(old: bytes | None, new: bytes | None) -> str:
    def lines(data: bytes | None) -> list[str]:
        if not data:
            return []
        found = data.decode().split("\n")
        out = [line + "\n" for line in found[:-1]]
        if found[-1]:
            out.append(found[-1] + "\n\\ No newline at end of file\n")
        return out

    return "".join(
        difflib.unified_diff(
            lines(old),
            lines(new),
            fromfile="/dev/null" if old is None else "f",
            tofile="/dev/null" if new is None else "f",
        )
    )


FILE = st.one_of(
    st.none(),
    st.lists(st.sampled_from(["a", "b", "c\r", "", "export X=1", "d e"]), max_size=12).map(
        lambda lines: "\n".join(lines).encode()
    ),
)


@settings(max_examples=500, deadline=None)
@given(FILE, FILE)
def test_a_diff_with_nothing_to_mask_is_difflibs(old: bytes | None, new: bytes | None) -> None:
    assert unified_diff(old, new, "f") == _difflib(old, new)
