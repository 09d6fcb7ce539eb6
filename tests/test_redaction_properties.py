"""Properties of redaction: a secret planted in random text, in any syntax we read, never
survives, nor one of a secret's shapes (a URL's userinfo, Bearer and Basic credentials,
sk-ant- keys, AWS key ids, credential-like headers) whatever its name and surroundings; every
newline does; text with nothing secret in it comes back unchanged; a diff is difflib's diff
when there is nothing to mask."""

from __future__ import annotations

import difflib
import json
import re
from typing import Callable

import pytest
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
    "ANTHROPIC_CUSTOM_HEADERS",
    "OTEL_EXPORTER_OTLP_HEADERS",
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
    # the operand of a parameter expansion that sets or stands in for a secret
    "sh, ${NAME:=...}": (WORD + " #", lambda n, p: f": ${{{n}:={p[0]}}}"),
    "sh, ${NAME:-...}": (WORD + " '#", lambda n, p: f'X="${{{n}:-{p[0]}}}"; echo'),
    "sh, ${NAME-...}": (WORD, lambda n, p: f"echo ${{{n}-{p[0]}}} ${{{n}+{p[0]}}}"),
    "sh, ${NAME:=...} continued": (WORD, lambda n, p: f": ${{{n}:=" + "\\\n".join(p) + "}"),
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


@pytest.mark.slow
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


SECRET_NAMED = re.compile(
    r"(?i)TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL|AUTHORIZATION|COOKIE|HEADERS"
    r"|AUTH|BEARER|BASIC"
)
SECRET_SHAPED = re.compile(r"sk-ant-|AKIA|ASIA|://")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeKYtokn=:'\"\\ \n#$(){},set-/@" + "xXAIS"))))
def test_text_with_nothing_secret_comes_back_unchanged(text: str) -> None:
    assume(not SECRET_NAMED.search(text) and not SECRET_SHAPED.search(text))
    assert redact_text(text) == text


# --- secrets by their shape, whatever their name ------------------------------------------

TOKEN68 = "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY0123456789-._~+/"
# A password may hold anything but a blank as written in a file, unencoded.
USERINFO = WORD + "/?#@:!$&'()*;[]\"\\`<>{}|^"
Shape = Callable[[st.DrawFn], tuple[str, list[str]]]  # the planted text, its secret pieces


def _piece(draw: st.DrawFn, alphabet: str, least: int = 1) -> str:
    return "Z" + draw(st.text(alphabet=alphabet, min_size=least, max_size=24)) + "Z"


def _bearer(draw: st.DrawFn) -> tuple[str, list[str]]:
    scheme = draw(st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "basic", "BaSiC"]))
    blank = draw(st.sampled_from([" ", "\t", "  ", "%20"]))
    credential = _piece(draw, TOKEN68)
    around = draw(
        st.sampled_from(
            ["{}", "echo {}", "'{}'", '"{}"', "X={}", "({})", "proxy said {} no", "x-y: {}"]
        )
    )
    if scheme.lower() == "bearer" and draw(st.booleans()):
        return f"curl --oauth2-{scheme} {credential} https://api.example.com", [credential]
    return around.format(f"{scheme}{blank}{credential}"), [credential]


def _anthropic_key(draw: st.DrawFn) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(["api03-", "oat01-", "admin01-", ""]))
    key = _piece(draw, "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY0123456789_-")
    around = draw(st.sampled_from(["{}", "MY_GATEWAY={}", '"{}"', "x{}", "{}!", "a:{}.", "#{}"]))
    return around.format(f"sk-ant-{kind}{key}"), [key]


def _aws_key_id(draw: st.DrawFn) -> tuple[str, list[str]]:
    prefix = draw(st.sampled_from(["AKIA", "ASIA"]))
    body = "Z" + draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXY234567", min_size=14, max_size=14)) + "Z"
    around = draw(st.sampled_from(["{}", "# rotated {} today", "id={}", '"{}"', "{}:", "x{}y"]))
    return around.format(prefix + body), [body]


def _userinfo(draw: st.DrawFn) -> tuple[str, list[str]]:
    scheme = draw(st.sampled_from(["http", "https", "socks5h"]))
    if draw(st.booleans()):
        user = draw(st.sampled_from(["me", "first.last", "", "x-access-token"]))
        secret = _piece(draw, USERINFO)
        userinfo = f"{user}:{secret}"
    else:  # a token alone: no '/', '?' or '#' (`http://a.b/c@proxy` reads as a host, a path)
        secret = _piece(draw, "".join(c for c in USERINFO if c not in "/?#"))
        userinfo = secret
    host = draw(st.sampled_from(["proxy", "proxy.example:3128", "10.0.0.1:8080", "[::1]:3128"]))
    rest = draw(st.sampled_from(["", "/", "/v1/messages", "/@scope/pkg", "?a=b", ",http://x.y/"]))
    url = f"{scheme}://{userinfo}@{host}{rest}"
    around = draw(
        st.sampled_from(
            [
                "{}",
                "export HTTPS_PROXY={}",
                "curl -x {} https://example.com/",
                "<{}>",
                json.dumps({"env": {"HTTPS_PROXY": "{}"}}),
            ]
        )
    )
    if around.startswith("{"):
        return around.replace("{}", json.dumps(url)[1:-1]), [secret]
    return around.format(url), [secret]


HEADER_NAMES = [
    "Authorization",
    "authorization",
    "Proxy-Authorization",
    "x-api-key",
    "X-Api-Key",
    "api-key",
    "Cookie",
    "set-cookie",
    "x-auth-token",
    "X-Auth",
    "private-token",
    "x-goog-api-key",
]


def _header(draw: st.DrawFn) -> tuple[str, list[str]]:
    name = draw(st.sampled_from(HEADER_NAMES))
    between = draw(st.sampled_from([": ", ":", " : ", "="]))
    value = _piece(draw, WORD + " ;,'\"#")
    header = f"{name}{between}{value}"
    around = draw(
        st.sampled_from(["{}", "curl -H '{}' https://x.example", "x-tenant=t,{}", "# {}", "JSON"])
    )
    if around == "JSON":
        return json.dumps({"extra": header, "AWS_REGION": "us-east-1"}), [value]
    return around.format(header), [value]


SHAPES: dict[str, Shape] = {
    "Bearer or Basic": _bearer,
    "sk-ant- key": _anthropic_key,
    "AWS access key id": _aws_key_id,
    "URL userinfo": _userinfo,
    "credential-like header": _header,
}


@st.composite
def planted_shape(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    shape = draw(st.sampled_from(sorted(SHAPES)))
    line, parts = SHAPES[shape](draw)
    text = draw(NOISE) + "\n" + line + "\n" + draw(NOISE)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return shape, text, parts


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(planted_shape())
def test_a_secret_of_each_shape_never_survives(case: tuple[str, str, list[str]]) -> None:
    shape, text, parts = case
    redacted = redact_text(text)
    for part in parts:
        for form in _encodings(part):
            assert form not in redacted, f"{shape}: {form!r} survives in {redacted!r}"
    assert "<redacted>" in redacted
    assert redacted.count("\n") == text.count("\n")


# What looks like a secret's shape and is not one: links to packages and profiles, prose,
# headers that carry no credential, defaults of ordinary variables, switches named AUTH.
ORDINARY = [
    "https://registry.npmjs.org/@anthropic-ai/claude-code",
    "https://www.npmjs.com/package/@anthropic-ai/claude-code",
    "https://unpkg.com/react@18/umd/react.js",
    "https://medium.com/@someone/a-post",
    "https://example.com/a?b=c#d@e",
    "http://localhost/@scope/pkg",
    "http://10.0.0.1/x@y",
    "file:///home/u/.npm/@scope",
    "https://[::1]/@x",
    "git@github.com:anthropics/claude-code.git",
    "me@example.com",
    "# Basic settings.",
    "the bearer of bad news",
    "Basic auth is off",
    "x-tenant: t",
    "Content-Type: application/json",
    "x-request-id=42,x-tenant=t",
    "echo ${MODEL:-x} ${AWS_REGION:=us-east-1}",
    "export CLAUDE_CODE_SKIP_BEDROCK_AUTH=1",
    '{"env": {"CLAUDE_CODE_SKIP_MANTLE_AUTH": "1"}}',
    "bash: GITHUB_TOKEN: unbound variable",
    "AKIA1234",
    "ASIAN food",
    "sk-ant",
]
HOST = st.from_regex(r"[a-z0-9-]{1,8}(\.[a-z0-9-]{1,8}){1,3}", fullmatch=True)
PATH = st.text(alphabet="abcxyz0123456789@-._~/%+", max_size=24)
LINK = st.builds(lambda h, p: f"https://{h}/{p}", HOST, PATH)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(ORDINARY), LINK), min_size=1, max_size=8),
    st.lists(st.sampled_from([" ", "\n", "; ", " && ", ", "]), min_size=8, max_size=8),
)
def test_what_only_looks_like_a_secret_comes_back_unchanged(
    words: list[str], separators: list[str]
) -> None:
    text = "".join(word + separators[i] for i, word in enumerate(words))
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
