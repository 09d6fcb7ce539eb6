"""Tests that change the machine itself (mounts, users) need root: they fail in CI, where
.ci/run runs as root, and skip elsewhere. Users made here are removed afterwards."""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess
import time
from pathlib import Path

import pytest


def require_root(why: str) -> None:
    from tests.support import markers

    markers.noted(markers.ROOT)
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{why} needs root in CI")
        pytest.skip(f"{why} needs root")


def new_user_name() -> str:
    return f"rmdy{secrets.token_hex(3)}"


def add_user(name: str) -> Path:
    """A throwaway user with a home. "*": no password, but not locked (sshd without PAM
    refuses a locked account, which is what useradd makes by default, even for keys)."""
    subprocess.run(
        ["useradd", "--create-home", "--shell", "/bin/bash", "--password", "*", name], check=True
    )
    return Path(pwd.getpwnam(name).pw_dir)


def give(path: Path, name: str) -> None:
    account = pwd.getpwnam(name)
    os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)


def remove_user(name: str) -> None:
    """userdel refuses a user with processes left (an SSH session lingering): end them."""
    subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True, check=False)
    said = b""
    for _ in range(50):
        said = subprocess.run(
            ["userdel", "--remove", name], capture_output=True, check=False
        ).stderr
        try:
            pwd.getpwnam(name)
        except KeyError:
            return  # gone (userdel may still complain about a missing mail spool)
        time.sleep(0.1)
    raise AssertionError(f"could not remove test user {name}: {said.decode()}")


def a_machine(root: Path) -> Path:
    """`root` as a machine's / for REMEDY_SYSTEM_ROOT: what every Linux machine has, /etc and
    /var/lib (remedy creates neither), and nothing of Claude Code's or remedy's yet."""
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "var/lib").mkdir(parents=True, exist_ok=True)
    return root


def why_killed(code: int) -> str:
    """For a program that ended by SIGKILL (137 through runuser, -9 from Popen): what the
    kernel said about memory at the time, so that a one-off kill in CI (seen once, at exit
    after remedy printed its refusal, on a test that passed every other run) names its cause
    the next time instead of leaving a guess. Empty for any other exit."""
    if code not in (137, -9):
        return ""
    said = subprocess.run(["dmesg"], capture_output=True, text=True, check=False).stdout
    kernel = [line for line in said.splitlines() if "oom" in line.lower() or "kill" in line.lower()]
    memory = Path("/proc/meminfo").read_text().splitlines()[:3]
    return (
        "\n[killed: dmesg "
        + " | ".join(kernel[-5:] or ["says nothing"])
        + "; "
        + "; ".join(memory)
        + "]"
    )
