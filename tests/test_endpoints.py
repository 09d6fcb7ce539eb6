"""Where the client would send a request: shown by the offline check, which answers on loopback
instead (the default base URLs, replaced by a *_BASE_URL variable: docs/claude-code.md,
"Default base URLs and overrides")."""

from __future__ import annotations

import pytest

from remedies.claude.region import real_host


@pytest.mark.parametrize(
    ("endpoint", "env", "host"),
    [
        ("mantle", {"AWS_REGION": "eu-west-3"}, "bedrock-mantle.eu-west-3.api.aws"),
        ("mantle", {"AWS_DEFAULT_REGION": "ap-south-1"}, "bedrock-mantle.ap-south-1.api.aws"),
        (
            "mantle",
            {"AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "us-east-1"},
            "bedrock-mantle.eu-west-3.api.aws",
        ),
        ("bedrock", {"AWS_REGION": "us-west-2"}, "bedrock-runtime.us-west-2.amazonaws.com"),
        (
            "mantle",
            {
                "AWS_REGION": "eu-west-3",
                "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": "https://gw.corp:8443/x",
            },
            "gw.corp",
        ),
        # No region: no host is guessed, although 2.1.111 falls back to us-east-1
        # (docs/claude-code.md, "Region reading").
        ("mantle", {}, None),
        ("vertex", {"AWS_REGION": "eu-west-3"}, None),
    ],
)
def test_the_host_the_client_would_reach(
    endpoint: str, env: dict[str, str], host: str | None
) -> None:
    assert real_host(endpoint, env) == host
