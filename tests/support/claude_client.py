"""The real `@anthropic-ai/claude-code` from the npm registry, installed once into the
project's cache and run hermetically against the loopback stand-in.

Measured (docs/measured.md, "Cited by the code"): only CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC
stops the client from looking up api.anthropic.com, so every run sets it; nothing else leaves
the machine because every endpoint variable points at the stand-in.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from demo import claude_cache
from remedies.verify.standin import StandIn
from tests.conftest import require_program
from tests.support import markers

CLAUDE_VERSION = claude_cache.VERSION  # the oldest we support: the seed's 2.1.111, a cli.js
NEWEST_VERSION = claude_cache.NEWEST  # the newest measured: a native binary behind npm's wrapper
QUIET = {
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
}


def install(version: str = CLAUDE_VERSION) -> Path:
    """The real client from npm (fails in CI, skips elsewhere, when npm is missing)."""
    markers.noted(markers.REAL_CLIENT)
    require_program("npm")
    return claude_cache.install(version)


def install_newest() -> Path:
    """The newest client measured (tests/conftest.py's `newest_claude`): its native binary
    checked to run and say its version, as for the oldest."""
    return install(NEWEST_VERSION)


def endpoints_at(standin: StandIn) -> dict[str, str]:
    """Every endpoint at the stand-in, authentication skipped (nothing reaches AWS)."""
    return {**standin.client_env(), **QUIET}


@dataclass
class Asked:
    code: int
    stdout: str
    stderr: str
    endpoint: str  # bedrock, mantle, both, none
    body_betas: bool  # some model request carried anthropic_beta in its JSON body
    models: list[str]  # the model ids the client asked for


def ask(
    claude: Path,
    standin: StandIn,
    env: dict[str, str],
    cwd: Path,
    model: str | None = "claude-opus-4-7",
) -> Asked:
    """`claude -p "say hello" --model <model>` with `env` (a new shell's) plus the stand-in;
    model None leaves --model out, so the client picks one itself."""
    standin.clear()
    run_env = {**env, **endpoints_at(standin)}
    run_env["PATH"] = f"{claude.parent}{os.pathsep}{run_env.get('PATH', '/usr/bin:/bin')}"
    done = subprocess.run(
        [str(claude), "-p", "say hello", *(["--model", model] if model else [])],
        env=run_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    bedrock = standin.bedrock_requests()
    mantle = standin.messages_requests()
    endpoint = {(True, False): "bedrock", (False, True): "mantle", (True, True): "both"}.get(
        (bool(bedrock), bool(mantle)), "none"
    )
    betas = any(r.body_has_beta for r in [*bedrock, *mantle])
    models = [r.model_in_path or "" for r in bedrock] + [
        str(r.body.get("model")) for r in mantle if isinstance(r.body, dict)
    ]
    return Asked(done.returncode, done.stdout, done.stderr, endpoint, betas, models)
