"""`make bench`: `remedy verify` (offline) against the client's own run against the stand-in.

A home with Mantle set up in ~/.bashrc (one distinct environment: the interactive and the
login bash get the same). verify asks the new shells, finds and runs the real client from npm
against the loopback stand-in, and checks the recorded request; the floor is one bare
`claude -p` of the same client against the same stand-in with the same environment, started
as a process with a HOME of its own, fresh each time, as verify must give it (it may not
touch the user's). Interleaved rounds, median of the ratios. Goal (issue 16): <= 1.2 per distinct
environment probed. No timing is asserted in the tests.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from demo.claude_cache import install
from remedies.verify.standin import StandIn

ROUNDS = 5
GOAL = 1.2
QUIET = {
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_MAX_RETRIES": "0",
}


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, check=False, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed: {(done.stdout + done.stderr).decode()[-400:]}")
    return time.perf_counter() - start


def main() -> int:
    claude = install()
    with tempfile.TemporaryDirectory() as folder, StandIn() as standin:
        home = Path(folder)
        (home / ".bashrc").write_text(
            f"export PATH={claude.parent}:/usr/bin:/bin\nexport CLAUDE_CODE_USE_MANTLE=1\n"
            "export AWS_REGION=us-east-1\nexport ANTHROPIC_MODEL=anthropic.claude-opus-4-7\n"
        )
        (home / ".profile").write_text(". ~/.bashrc\n")
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
        verify = [sys.executable, "-m", "remedies", "verify", "--shell", "bash"]
        bare_env = {
            "HOME": str(home),
            "PATH": f"{claude.parent}:/usr/bin:/bin",
            "CLAUDE_CODE_USE_MANTLE": "1",
            "AWS_REGION": "us-east-1",
            "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": f"{standin.url}/mantle",
            "CLAUDE_CODE_SKIP_MANTLE_AUTH": "1",
            **QUIET,
        }
        bare = [str(claude), "-p", "say hello", "--model", "anthropic.claude-opus-4-7"]

        def fresh() -> float:
            with tempfile.TemporaryDirectory() as own:
                return timed(bare, {**bare_env, "HOME": own}, Path(own))

        fresh()
        timed(verify, env, home)
        ratios, ours, theirs = [], [], []
        for _ in range(ROUNDS):
            base = fresh()
            took = timed(
                verify, {**env, **{k: v for k, v in os.environ.items() if k == "TERM"}}, home
            )
            ours.append(took)
            theirs.append(base)
            ratios.append(took / base)
    print("remedy verify (offline), one distinct environment, against one bare claude -p:")
    print(f"  claude -p against the stand-in: {statistics.median(theirs) * 1000:6.0f} ms")
    print(f"  remedy verify:                  {statistics.median(ours) * 1000:6.0f} ms")
    print(f"  median ratio {statistics.median(ratios):.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
