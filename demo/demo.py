"""`make demo`: the main job end to end, in a sandbox, with the real Claude Code.

An affected user: Bedrock switched on in ~/.bashrc and in ~/.claude/settings.json (which
overrides every shell), Claude Code 2.1.111 from npm on their PATH. AWS is played by the
loopback stand-in (remedies/verify/standin.py), which answers as bedrock-runtime and Mantle did.
We show claude failing with the 400, then remedy doctor, apply mantle, verify, claude
answering, and revert bringing the original error back. Nothing outside .cache/ is touched
and nothing leaves this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from demo.claude_cache import REPO, install
from remedies.verify.standin import StandIn

SANDBOX = REPO / ".cache" / "demo"
HOME = SANDBOX / "home"
BIN = Path(sys.executable).parent
QUIET = {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1"}


def plant(claude: Path) -> dict[str, bytes]:
    shutil.rmtree(SANDBOX, ignore_errors=True)
    (HOME / ".claude").mkdir(parents=True)
    (HOME / ".bashrc").write_text(
        "# work laptop\n"
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "export AWS_REGION=us-east-1\n"
    )
    (HOME / ".profile").write_text("[ -f ~/.bashrc ] && . ~/.bashrc\n")
    (HOME / ".claude" / "settings.json").write_text(
        '{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  }\n}\n'
    )
    return snapshot()


def snapshot() -> dict[str, bytes]:
    files = [HOME / ".bashrc", HOME / ".profile", HOME / ".claude" / "settings.json"]
    return {str(p.relative_to(HOME)): p.read_bytes() for p in files if p.exists()}


def env() -> dict[str, str]:
    return {
        "HOME": str(HOME),
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "SHELL": "/bin/bash",
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "REMEDY_SYSTEM_ROOT": str(SANDBOX / "system"),  # no managed settings from this machine
        **QUIET,
    }


def step(title: str) -> None:
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(f"\n\033[1m== {title}\033[0m" if bold else f"\n== {title}", flush=True)


def remedy(*args: str) -> int:
    print("$ remedy " + " ".join(args), flush=True)
    return subprocess.run([str(BIN / "remedy"), *args], env=env(), cwd=HOME, check=False).returncode


def claude_says(standin: StandIn) -> str:
    """A new bash of the user's runs `claude -p "say hello"`; AWS is the stand-in."""
    print('$ claude -p "say hello" --model claude-opus-4-7', flush=True)
    done = subprocess.run(
        ["bash", "-i", "-c", 'claude -p "say hello" --model claude-opus-4-7'],
        env={**env(), **standin.client_env()},
        cwd=HOME,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    said = (done.stdout or done.stderr).strip()
    where = "bedrock-runtime" if standin.bedrock_requests() else "Mantle"
    betas = "in the body" if any(r.body_has_beta for r in standin.requests) else "header only"
    print(f"  {said}    (the request went to {where}; betas {betas})")
    standin.clear()
    return said


def main() -> int:
    step("Installing the real Claude Code 2.1.111 from npm into .cache/claude-code")
    claude = install()
    original = plant(claude)
    step("An affected user: Bedrock on in ~/.bashrc and in ~/.claude/settings.json")
    for name, data in original.items():
        print(f"--- ~/{name}\n{data.decode()}", end="")
    with StandIn() as standin:
        step("Their claude fails (AWS is played by a loopback stand-in)")
        before = claude_says(standin)
        step("remedy doctor: what is wrong, and where each setting comes from")
        remedy("doctor")
        step("remedy apply mantle")
        applied = remedy("apply", "mantle", "--yes")
        step("remedy verify: their own claude, their own environment, nothing leaves the machine")
        verified = remedy("verify")
        step("claude answers")
        after = claude_says(standin)
        step("remedy revert: every byte back, and the original error with it")
        reverted = remedy("revert", "--yes")
        again = claude_says(standin)
    restored = snapshot() == original
    print(f"\n  files byte-identical to the start: {restored}")
    ok = (
        "invalid beta flag" in before
        and applied == 0
        and verified == 0
        and after == "Hello!"
        and reverted == 0
        and "invalid beta flag" in again
        and restored
    )
    print("\ndemo " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
