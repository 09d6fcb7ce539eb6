"""The first-party API and gateways in front of it, proven offline (issue 25): the probe gets
stand-in credentials where the user has credentials (verify.containment), so the real client
sends its request to the stand-in. Before, 2.1.111 stopped at "Not logged in": every user of
a gateway (ANTHROPIC_BASE_URL with ANTHROPIC_AUTH_TOKEN) failed verify, and no proof with
`endpoint = "anthropic"` could run."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.client_homes import client_home

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client]

SECRET = "sk-gateway-token-that-must-not-leave-1234567890"


def gateway_home(sandbox: Sandbox, *more: str) -> None:
    gateway = ("ANTHROPIC_BASE_URL=https://gw.example.com", f"ANTHROPIC_AUTH_TOKEN={SECRET}")
    client_home(sandbox, claude_client.install(), *gateway, *more)


def test_a_gateway_user_is_verified_offline(sandbox: Sandbox) -> None:
    gateway_home(sandbox)
    done = sandbox.remedy("verify", "--shell", "bash", "--json")
    assert done.code == 0, done.stdout + done.stderr
    runs = done.json()["runs"]
    assert {run["endpoint"] for run in runs} == {"anthropic"}, runs
    assert SECRET not in done.stdout + done.stderr


def test_a_first_party_proof_is_proven_by_check(sandbox: Sandbox) -> None:
    from tests.test_catalogue import CATALOGUE

    gateway_home(sandbox, "CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096")
    path = CATALOGUE / "max-output-tokens-stale.toml"
    done = sandbox.remedy("check", str(path), "--json")
    assert done.code == 0, done.stdout + done.stderr
    doc = done.json()
    assert doc["verdict"] == "proven", doc
    assert doc["before"] == ['max-output-tokens-stale: the body holds "max_tokens":4096'], doc
