"""`make bench`: `remedy doctor` against the floor it cannot beat.

doctor must ask the real shell: the floor is what that costs by itself, one traced start of
each kind of new shell it asks (`bash -x -i -c` and `bash -x -l -i -c` printing the
environment), run as bare processes. Both run interleaved in the same HOME (a Fedora-style
~/.bashrc with a ~/.bashrc.d folder); we report the median of the per-round ratios. Goal:
<= 1.3 (issue 12). No timing is asserted in the tests.

Until issue 24's last change the floor also held `claude --version` (the real client from npm,
half a second of Node.js), which doctor ran for every claude; doctor now reads the version
from what the installer laid down (claude/installs.py, laid_down_version), so the floor is
the shells alone, and the ratio against the old floor (shells + `--version`) is printed
beside it for comparison with earlier figures.

Second case (issue 24): a user with a ~/.bashrc and a ~/.zshrc, doctor run without --shell,
so it judges every kind of new shell of both. Its floor is every one of those traced starts,
started side by side as bare processes (doctor asks them side by side; a floor that ran them
one after another would flatter it).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from demo.claude_cache import install
from shells import shell_named

ROUNDS = 10
GOAL = 1.3
DOCTOR = [sys.executable, "-m", "remedies", "doctor", "--shell", "bash"]
BASHRC = """\
# .bashrc (Fedora)
if [ -f /etc/bashrc ]; then
    . /etc/bashrc
fi
if [ -d ~/.bashrc.d ]; then
    for rc in ~/.bashrc.d/*; do
        if [ -f "$rc" ]; then
            . "$rc"
        fi
    done
fi
unset rc
"""


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        argv,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def floor_commands(path: str) -> list[list[str]]:
    bash = shell_named("bash")
    assert bash is not None
    executable = shutil.which("bash") or "/bin/bash"
    commands = [
        bash.traced(bash.probe_argv(executable, sys.executable, login)) for login in (False, True)
    ]
    return commands


def version_command(path: str) -> list[str]:
    claude = shutil.which("claude", path=path)
    assert claude is not None
    return [claude, "--version"]


def all_kinds(path: str) -> list[list[str]]:
    """Every traced start doctor makes for a bash and zsh user."""
    from remedies.engine.new_shell import _modes

    commands = []
    for name in ("bash", "zsh"):
        shell = shell_named(name)
        assert shell is not None
        executable = shutil.which(name) or f"/bin/{name}"
        commands += [
            shell.traced(argv) for _l, _i, argv in _modes(shell, executable, sys.executable)
        ]
    return commands


def side_by_side(commands: list[list[str]], env: dict[str, str]) -> float:
    start = time.perf_counter()
    running = [
        subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        for argv in commands
    ]
    for process in running:
        process.wait()
    return time.perf_counter() - start


def two_shells() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        rc = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"
        (home / ".bashrc").write_text(BASHRC + rc)
        (home / ".profile").write_text("[ -f ~/.bashrc ] && . ~/.bashrc\n")
        (home / ".zshrc").write_text(rc)
        claude = install()
        path = f"{claude.parent}:/usr/local/bin:/usr/bin:/bin"
        env = {"HOME": str(home), "PATH": path, "NO_COLOR": "1", "SHELL": "/bin/bash"}
        doctor = [sys.executable, "-m", "remedies", "doctor"]
        floor = all_kinds(path)
        old_floor = [*floor, version_command(path)]
        for _ in range(2):
            side_by_side(old_floor, env)
            timed(doctor, env)
        ratios, old_ratios, floors, doctors = [], [], [], []
        for _ in range(ROUNDS):
            base = side_by_side(floor, env)
            old = side_by_side(old_floor, env)
            took = timed(doctor, env)
            floors.append(base)
            doctors.append(took)
            ratios.append(took / base)
            old_ratios.append(took / old)
    what = f"{len(floor)} traced bash and zsh starts, side by side"
    print(f"floor, {what}: {statistics.median(floors) * 1000:6.1f} ms")
    print(f"remedy doctor, bash and zsh judged:      {statistics.median(doctors) * 1000:6.1f} ms")
    print(f"median ratio over {ROUNDS} rounds: {statistics.median(ratios):.2f} (goal <= {GOAL})")
    print(
        f"  against those and `claude --version` side by side: {statistics.median(old_ratios):.2f}"
    )


def fedora_home(folder: str, aws_sh: str) -> Path:
    """The bench's home: a Fedora-style ~/.bashrc sourcing ~/.bashrc.d/aws.sh (`aws_sh`)."""
    home = Path(folder)
    (home / ".bashrc").write_text(BASHRC)
    (home / ".bashrc.d").mkdir()
    (home / ".bashrc.d" / "aws.sh").write_text(aws_sh)
    (home / ".profile").write_text("[ -f ~/.bashrc ] && . ~/.bashrc\n")
    return home


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        home = fedora_home(
            folder, "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"
        )
        # The real client, as the user has it (doctor reads its package.json).
        claude = install()
        path = f"{claude.parent}:/usr/local/bin:/usr/bin:/bin"
        env = {"HOME": str(home), "PATH": path, "NO_COLOR": "1"}
        floor = floor_commands(path)
        version = version_command(path)

        def floor_run() -> float:
            return sum(timed(argv, env) for argv in floor)

        for _ in range(2):  # warm the page cache and .pyc files
            floor_run()
            timed(DOCTOR, env)
        ratios, old_ratios, floors, doctors = [], [], [], []
        for _ in range(ROUNDS):
            base = floor_run()
            old = base + timed(version, env)
            doctor = timed(DOCTOR, env)
            floors.append(base)
            doctors.append(doctor)
            ratios.append(doctor / base)
            old_ratios.append(doctor / old)
    print(f"floor, 2 traced bash starts:               {statistics.median(floors) * 1000:6.1f} ms")
    print(
        f"remedy doctor, Fedora-style ~/.bashrc.d:     {statistics.median(doctors) * 1000:6.1f} ms"
    )
    print(f"median ratio over {ROUNDS} rounds: {statistics.median(ratios):.2f} (goal <= {GOAL})")
    print(f"  against those and `claude --version`: {statistics.median(old_ratios):.2f}")
    check_on_a_fixed_home()
    two_shells()
    return 0


def check_on_a_fixed_home() -> None:
    """Issue 27: `remedy doctor --check` (an MDM's detection script) on a home with nothing to
    fix (Mantle on), against the same floor (goal: <= 1.3), and against `remedy doctor` on
    the same home, interleaved: what the contract itself costs over doctor's judgement."""
    check = [*DOCTOR, "--check"]
    with tempfile.TemporaryDirectory() as folder:
        home = fedora_home(
            folder,
            "export CLAUDE_CODE_USE_MANTLE=1\nexport AWS_REGION=eu-west-1\n"
            "export ANTHROPIC_MODEL=anthropic.claude-opus-4-7\n",
        )
        path = f"{install().parent}:/usr/local/bin:/usr/bin:/bin"
        env = {"HOME": str(home), "PATH": path, "NO_COLOR": "1"}
        floor = floor_commands(path)
        for _ in range(2):
            timed(check, env)
        ratios, checks, over_doctor = [], [], []
        for _ in range(ROUNDS):
            base = sum(timed(argv, env) for argv in floor)
            took = timed(check, env)
            checks.append(took)
            ratios.append(took / base)
            over_doctor.append(took / timed(DOCTOR, env))
    print(f"remedy doctor --check, nothing to fix:     {statistics.median(checks) * 1000:6.1f} ms")
    print(f"median ratio over {ROUNDS} rounds: {statistics.median(ratios):.2f} (goal <= {GOAL})")
    print(f"  against remedy doctor on that home: {statistics.median(over_doctor):.2f}")


if __name__ == "__main__":
    sys.exit(main())
