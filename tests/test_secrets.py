"""Redaction: a secret value never survives into printed text, in any syntax we read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remedies.claude.this_terminal import compare
from remedies.context import Context
from remedies.redact import REDACTED, holds_secret, is_secret, printable, redact_text, shown
from remedies.verify.containment import contain
from shells import shell_named

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    "name",
    [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_BEARER_TOKEN_BEDROCK",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "DB_PASSWORD",
        "GITHUB_TOKEN",
        "my_api_key",
        "AWS_ACCESS_KEY_ID",
        "MAX_TOKENS_KEY",
        "GITHUB_TOKEN_MAX_TOKENS_SECRET",
        "GITHUB_TOKEN_MAX_TOKENS",
        # lists of headers: `Authorization: Bearer …`, `api-key=…`
        "ANTHROPIC_CUSTOM_HEADERS",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "HTTP_AUTHORIZATION",
        "SESSION_COOKIE",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret(name)
    assert shown(name, SECRET) == REDACTED


@pytest.mark.parametrize(
    "name",
    [
        "AWS_REGION",
        "CLAUDE_CODE_USE_BEDROCK",
        "ANTHROPIC_MODEL",
        "AWS_PROFILE",
        "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
        "MAX_THINKING_TOKENS",
        # switches, not secrets: hidden, doctor could not show them nor the probe keep them
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
        "CLAUDE_CODE_SKIP_MANTLE_AUTH",
        "CLAUDE_CODE_SKIP_VERTEX_AUTH",
        "CLAUDE_CODE_USE_BEDROCK_SSO",
        "AUTHOR",
    ],
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret(name)
    assert shown(name, "us-east-1") == "us-east-1"


@pytest.mark.parametrize(
    "line",
    [
        f"export AWS_SECRET_ACCESS_KEY={SECRET}",
        f"export AWS_SECRET_ACCESS_KEY='{SECRET}'; export X=1",
        f'AWS_SESSION_TOKEN="{SECRET}"',
        f"-export ANTHROPIC_API_KEY={SECRET}",
        f"+: # disabled by remedy mantle: export ANTHROPIC_API_KEY={SECRET}",
        f"set -gx ANTHROPIC_API_KEY {SECRET}",
        f"setenv AWS_BEARER_TOKEN_BEDROCK {SECRET}",
        f"$env:ANTHROPIC_API_KEY = '{SECRET}'",
        f'    "ANTHROPIC_API_KEY": "{SECRET}",',
        f'{{"env": {{"AWS_SECRET_ACCESS_KEY": "{SECRET}", "AWS_REGION": "us-east-1"}}}}',
        f"ANTHROPIC_BEDROCK_BASE_URL=https://me:{SECRET}@proxy.example/",
        # every assignment on a line is looked at, not only the first
        f"export X=1 AWS_SESSION_TOKEN={SECRET}",
        f"env A=1 B_TOKEN={SECRET} cmd",
        f"X=1; export GITHUB_TOKEN={SECRET}",
        f"export AWS_REGION=us-east-1 DB_PASSWORD='{SECRET}'",
        # fish's universal variables (fish_variables)
        f"SETUVAR --export GITHUB_TOKEN:{SECRET}",
        f"SETUVAR GITHUB_TOKEN:{SECRET}",
        f"SETUVAR --export ANTHROPIC_API_KEY:{SECRET}\\x20with\\x27escapes",
        f"SET_EXPORT AWS_SESSION_TOKEN:{SECRET}",
        # JSON held in a JSON string, at any depth of escaping
        f'"CLAUDE_CODE_EXTRA_BODY": "{{\\"api_key\\":\\"{SECRET}\\",\\"thinking\\":{{}}}}"',
        f'"X": "{{\\"a\\": \\"{{\\\\\\"api_key\\\\\\": \\\\\\"{SECRET}\\\\\\"}}\\"}}"',
        f"{{'api_key': '{SECRET}'}}",
        # more shells' ways
        f"set -gx ANTHROPIC_API_KEY '{SECRET}'",
        f"set DB_PASSWORD = {SECRET}",
        f"set -q GITHUB_TOKEN; or set -gx GITHUB_TOKEN {SECRET}",
        f"--api-key={SECRET}",
        f"alias gh='GITHUB_TOKEN={SECRET} gh'",
        f"https://me:{SECRET}@proxy.example/",
        f"https://me:p@{SECRET}@proxy.example/",
        # by shape, whatever the name (issue 22, item 7)
        f'export ANTHROPIC_CUSTOM_HEADERS="Authorization: Bearer {SECRET}"',
        f"export OTEL_EXPORTER_OTLP_HEADERS=x-tenant=t,api-key={SECRET}",
        f"x-tenant=t,api-key={SECRET}",
        f"Authorization=Basic%20{SECRET},x-tenant=t",
        f"export HTTPS_PROXY=http://{SECRET}@proxy:3128",
        f"export HTTPS_PROXY=http://user:pa/{SECRET}@proxy:3128",
        f"export HTTPS_PROXY=http://user:pa?{SECRET}#x@proxy:3128",
        f": ${{ANTHROPIC_API_KEY:={SECRET}}}",
        f'claude() {{ ANTHROPIC_API_KEY="${{ANTHROPIC_API_KEY:-{SECRET}}}" command claude; }}',
        f"echo ${{GITHUB_TOKEN-{SECRET}}}",
        f"curl -H 'Authorization: Bearer {SECRET}' https://api.example.com",
        f"curl -H 'X-Api-Key: {SECRET}'",
        f"curl -H 'Cookie: session={SECRET}'",
        f"x-auth: {SECRET}",
        f"BEARER {SECRET}",
        f"curl --oauth2-bearer {SECRET} https://api.example.com",
        f'{{"Authorization": "Basic {SECRET}"}}',
        f'{{"env": {{"ANTHROPIC_CUSTOM_HEADERS": "X-Api-Key: {SECRET}"}}}}',
        f"key sk-ant-api03-{SECRET}",
        f"sk-ant-oat01-{SECRET}",
    ],
)
def test_redact_text(line: str) -> None:
    redacted = redact_text(line)
    assert SECRET not in redacted
    assert "<redacted>" in redacted


def test_ordinary_text_is_untouched() -> None:
    text = 'export AWS_REGION=us-east-1\n{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}\n'
    assert redact_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "npm install https://registry.npmjs.org/@anthropic-ai/claude-code/-/claude-code-2.1.1.tgz",
        "see https://www.npmjs.com/package/@anthropic-ai/claude-code and https://x.org/@me",
        "# Basic settings. The bearer of bad news.",
        "Content-Type: application/json",
        "export CLAUDE_CODE_SKIP_BEDROCK_AUTH=1",
        "echo ${ANTHROPIC_MODEL:-claude-opus-4-7}",
    ],
)
def test_what_only_looks_like_a_secret_is_untouched(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "<redacted>"),
        ("id ASIAIOSFODNN7EXAMPLE.", "id <redacted>."),
        ("http://TOKEN@proxy:3128", "http://<redacted>@proxy:3128"),
        ("http://user:pa/ss@proxy:3128/x", "http://<redacted>@proxy:3128/x"),
        # a port and an '@' in the path: masked too much, never too little
        ("http://localhost:4873/@scope/pkg", "http://<redacted>@scope/pkg"),
        ("Authorization: Bearer abc.def", "Authorization: <redacted>"),
        ('"Bearer abc.def"', '"Bearer <redacted>"'),
        ("ANTHROPIC_API_KEY=sk-ant-api03-x # note", "ANTHROPIC_API_KEY=<redacted>"),
        ("gw=sk-ant-api03-abc_d-e!", "gw=<redacted>!"),
    ],
)
def test_how_a_shape_is_masked(text: str, masked: str) -> None:
    assert redact_text(text) == masked


def test_a_value_is_shown_masked_when_its_shape_is_a_secrets() -> None:
    assert shown("HTTPS_PROXY", f"http://{SECRET}@proxy") == "http://<redacted>@proxy"
    assert shown("AWS_PROFILE", "AKIAIOSFODNN7EXAMPLE") == "<redacted>"
    assert holds_secret("HTTPS_PROXY", f"http://{SECRET}@proxy")
    assert holds_secret("ANTHROPIC_CUSTOM_HEADERS", "x-tenant: t")
    assert not holds_secret("ANTHROPIC_BEDROCK_BASE_URL", "https://gw.example/@x")


def test_a_terminal_line_that_would_print_a_secret_is_not_offered() -> None:
    bash = shell_named("bash")
    assert bash is not None
    new = {"ANTHROPIC_BEDROCK_BASE_URL": f"https://{SECRET}@gw.example/", "X": "1"}
    stale = compare({}, new, ["ANTHROPIC_BEDROCK_BASE_URL", "X"], bash)
    assert stale is not None and stale.fix is None
    assert SECRET not in stale.line() and SECRET not in json.dumps(stale.to_json())
    plain = compare({}, {"X": "1"}, ["X"], bash)
    assert plain is not None and plain.fix == "export X=1"


def test_a_probe_carries_no_list_of_headers(tmp_path: Path) -> None:
    """Lists of headers are credentials (`Authorization: Bearer …`): the probe, which skips
    authentication, gets none. Nothing it judges depends on them: measured with 2.1.111, an
    `anthropic-beta` given in ANTHROPIC_CUSTOM_HEADERS is replaced by the client's own, on
    Bedrock and on Mantle."""
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    headers = {
        "ANTHROPIC_CUSTOM_HEADERS": f"Authorization: Bearer {SECRET}",
        "OTEL_EXPORTER_OTLP_HEADERS": f"api-key={SECRET}",
    }
    (home / ".claude/settings.json").write_text(json.dumps({"env": headers}))
    ctx = Context(home=home, env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=home)
    shell_env = {**headers, "CLAUDE_CODE_USE_BEDROCK": "1"}
    contained = contain(ctx, shell_env, "http://127.0.0.1:9", tmp_path / "scratch")
    assert not set(headers) & set(contained.env)
    assert not set(headers) & set(contained.settings.get("env", {}))
    assert contained.env["CLAUDE_CODE_USE_BEDROCK"] == "1"


def test_url_userinfo_is_masked_in_values() -> None:
    # The user too: a token is often the user (https://TOKEN:x-oauth-basic@github.com).
    assert shown("ANTHROPIC_BEDROCK_BASE_URL", f"https://me:{SECRET}@p.example/x") == (
        "https://<redacted>@p.example/x"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"export GITHUB_TOKEN=abc\\\n{SECRET}\nexport X=1\n",
        f'export GITHUB_TOKEN="abc\n{SECRET}"\nexport X=1\n',
        f"export GITHUB_TOKEN='abc\n{SECRET}\n{SECRET}' # it's\nexport X=1\n",
        f"T_KEY=$'ab\\'\n{SECRET}'\nexport X=1\n",
        f"export GITHUB_TOKEN=$(\n  echo {SECRET}\n)\nexport X=1\n",
        f"set -gx ANTHROPIC_API_KEY 'ab\\'\n{SECRET}'\nset -gx X 1\n",
        f"setenv AWS_SESSION_TOKEN abc\\\n{SECRET}\nsetenv X 1\n",
        f"$env:ANTHROPIC_API_KEY = @'\n{SECRET}\n'@\n$env:X = 1\n",
        f'$env:ANTHROPIC_API_KEY = "a`"\n{SECRET}"\n$env:X = 1\n',
        f'AWS_SECRET_ACCESS_KEY="-----BEGIN\r\n{SECRET}\r\n-----END"\r\nX=1\r\n',
        # a block commented out line by line
        f'# export SSH_PRIVATE_KEY="-----BEGIN\n# {SECRET}\n# -----END"\nexport X=1\n',
    ],
)
def test_a_value_continued_onto_later_lines_is_masked_on_each(text: str) -> None:
    redacted = redact_text(text)
    assert SECRET not in redacted
    assert redacted.count("\n") == text.count("\n")
    assert redacted.count("\r") == text.count("\r")
    last = redacted.splitlines()[-1]
    assert last in {"X=1", "export X=1", "set -gx X 1", "setenv X 1", "$env:X = 1"}, "read on"


def test_what_follows_a_masked_value_is_read_as_usual() -> None:
    text = (
        "export GITHUB_TOKEN=abc  # don't share\n"
        "export AWS_REGION=us-east-1\n"
        "SETUVAR fish_greeting:hi\n"
        '{"AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1"}\n'
    )
    assert redact_text(text) == (
        "export GITHUB_TOKEN=<redacted>\n"
        "export AWS_REGION=us-east-1\n"
        "SETUVAR fish_greeting:hi\n"
        '{"AWS_SECRET_ACCESS_KEY": "<redacted>", "AWS_REGION": "us-east-1"}\n'
    )


def test_messages_that_name_a_secret_keep_their_words() -> None:
    for text in ["bash: GITHUB_TOKEN: unbound variable", "GITHUB_TOKEN set (redacted)"]:
        assert redact_text(text) == text


def test_a_line_doctor_cannot_evaluate_is_redacted() -> None:
    line = f"export AWS_REGION=us-east-1 GITHUB_TOKEN={SECRET}"
    assert shown("AWS_REGION", line) == "export AWS_REGION=us-east-1 GITHUB_TOKEN=<redacted>"


def test_printable_redacts_and_drops_control_characters() -> None:
    text = f"h1\x1b[31m\x1b]0;title\x07\x9b2J\x7f\x00 failed: GITHUB_TOKEN={SECRET}\nnext\tline"
    assert printable(text) == "h1 failed: GITHUB_TOKEN=<redacted> next line"
    assert printable(f"https://u:{SECRET}@host/") == "https://<redacted>@host/"


def test_the_first_party_credentials_become_stand_ins_never_the_users(tmp_path: Path) -> None:
    """Where ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN is set, the probe gets a stand-in value
    in the same place (the client then sends its request, to the stand-in); with no provider
    and neither set, a stand-in key (2.1.111 otherwise stops at "Not logged in"). Bedrock
    skips authentication and gets no key it did not have."""
    from remedies.verify.containment import STANDIN_CREDENTIALS

    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude/settings.json").write_text(json.dumps({"env": {"ANTHROPIC_API_KEY": SECRET}}))
    ctx = Context(home=home, env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=home)
    gateway = {"ANTHROPIC_BASE_URL": "https://gw.example.com", "ANTHROPIC_AUTH_TOKEN": SECRET}
    contained = contain(ctx, gateway, "http://127.0.0.1:9", tmp_path / "a")
    assert contained.env["ANTHROPIC_AUTH_TOKEN"] == STANDIN_CREDENTIALS["ANTHROPIC_AUTH_TOKEN"]
    assert (
        contained.settings["env"]["ANTHROPIC_API_KEY"] == STANDIN_CREDENTIALS["ANTHROPIC_API_KEY"]
    )
    assert "ANTHROPIC_API_KEY" not in contained.env  # only where the user has it
    assert SECRET not in json.dumps([contained.env, contained.settings])
    (home / ".claude/settings.json").unlink()
    bare = contain(ctx, {}, "http://127.0.0.1:9", tmp_path / "b")
    assert bare.env["ANTHROPIC_API_KEY"] == STANDIN_CREDENTIALS["ANTHROPIC_API_KEY"]
    bedrock = contain(ctx, {"CLAUDE_CODE_USE_BEDROCK": "1"}, "http://127.0.0.1:9", tmp_path / "c")
    assert not set(STANDIN_CREDENTIALS) & set(bedrock.env)
