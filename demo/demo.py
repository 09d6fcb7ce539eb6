"""`make demo`: the main job end to end, in a sandbox HOME, with real shells.

An affected user has Bedrock switched on in two start-up files. We show what a new shell
gets, preview the fix, apply it, prove it with a new real shell, apply again (nothing to do),
and revert: every byte and the old environment come back. Nothing outside the sandbox
(.cache/demo) is touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SANDBOX = REPO / ".cache" / "demo"
HOME = SANDBOX / "home"
WATCHED = ("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_MANTLE", "AWS_REGION")
PLANTED = {
    ".bashrc": "# work laptop\nexport CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n",
    ".bash_profile": "[ -f ~/.bashrc ] && . ~/.bashrc\nexport CLAUDE_CODE_USE_BEDROCK=1\n",
}


def env() -> dict[str, str]:
    return {
        "HOME": str(HOME),
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "SHELL": "/bin/bash",
        "TERM": "dumb",
        "LANG": "C.UTF-8",
    }


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m" if sys.stdout.isatty() else f"\n== {title}", flush=True)


def run(*argv: str) -> int:
    print("$ " + " ".join(argv), flush=True)
    return subprocess.run(argv, env=env(), cwd=HOME, check=False).returncode


def new_shell_sees() -> dict[str, str]:
    """Ask a real new bash, login and not, what it has; report the variables that matter."""
    seen = {}
    for flags in (["-i"], ["-l", "-i"]):
        code = "; ".join(f'echo "{v}=${{{v}-<unset>}}"' for v in WATCHED)
        done = subprocess.run(
            ["bash", *flags, "-c", code], env=env(), capture_output=True, text=True, check=False
        )
        label = "login bash" if "-l" in flags else "bash      "
        print(f"  {label}: " + "  ".join(done.stdout.split()))
        seen[label] = done.stdout
    return seen


def snapshot() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(HOME.iterdir()) if p.is_file()}


def main() -> int:
    shutil.rmtree(SANDBOX, ignore_errors=True)
    HOME.mkdir(parents=True)
    for name, text in PLANTED.items():
        (HOME / name).write_text(text)
    original = snapshot()

    step("An affected user: Bedrock is on in ~/.bashrc and ~/.bash_profile")
    before = new_shell_sees()
    step("Preview the fix (nothing is written)")
    run("remedy", "apply", "mantle", "--shell", "bash", "--dry-run")
    step("Apply it")
    if run("remedy", "apply", "mantle", "--shell", "bash", "--yes") != 0:
        return 1
    step("A new shell now uses Mantle")
    after = new_shell_sees()
    step("Applying again changes nothing")
    run("remedy", "apply", "mantle", "--shell", "bash", "--yes")
    run("remedy", "status")
    step("Revert: every byte comes back")
    run("remedy", "revert", "--yes")
    restored = snapshot() == original
    back = new_shell_sees() == before
    print(f"\n  files byte-identical to the start: {restored}; old environment back: {back}")
    ok = restored and back and "CLAUDE_CODE_USE_BEDROCK=<unset>" in "".join(after.values())
    print("\ndemo " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
