"""Redaction: a secret value never survives into printed text, in any syntax we read."""

from __future__ import annotations

import pytest

from remedies.secrets import REDACTED, is_secret, redact_text, shown

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
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret(name)
    assert shown(name, SECRET) == REDACTED


@pytest.mark.parametrize(
    "name", ["AWS_REGION", "CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_MODEL", "AWS_PROFILE"]
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
    ],
)
def test_redact_text(line: str) -> None:
    redacted = redact_text(line)
    assert SECRET not in redacted
    assert "<redacted>" in redacted


def test_ordinary_text_is_untouched() -> None:
    text = 'export AWS_REGION=us-east-1\n{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}\n'
    assert redact_text(text) == text


def test_url_passwords_are_masked_in_values() -> None:
    assert shown("ANTHROPIC_BEDROCK_BASE_URL", f"https://me:{SECRET}@p.example/x") == (
        "https://me:<redacted>@p.example/x"
    )
