"""Build dist/remedy.pyz: remedy and its four dependencies in one file (PEP 441 zipapp).

Why a zipapp rather than a virtualenv per host: a rollout copies and runs one file with the
host's own Python, so hosts need no pip, no network and no install step (air-gapped hosts
included), and a rollout costs about what a plain blockinfile playbook does (`make bench`).
Dependencies are resolved for the oldest Python we support (3.9), so one file runs on every
host; they come from the project's own metadata, so pyproject.toml stays the only list.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipapp
from importlib.metadata import requires
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "pyz"
TARGET = REPO / "dist" / "remedy.pyz"
OLDEST_PYTHON = "3.9"


def runtime_requirements() -> list[str]:
    return [r for r in requires("remedy") or [] if "extra ==" not in r]


def build() -> Path:
    shutil.rmtree(BUILD, ignore_errors=True)
    BUILD.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--target",
            str(BUILD),
            "--python-version",
            OLDEST_PYTHON,
            "--only-binary=:all:",
            *runtime_requirements(),
        ],
        check=True,
    )
    for package in ("remedies", "shells"):
        shutil.copytree(
            REPO / package, BUILD / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for junk in BUILD.glob("bin"):
        shutil.rmtree(junk)
    TARGET.parent.mkdir(exist_ok=True)
    zipapp.create_archive(
        BUILD, TARGET, interpreter="/usr/bin/env python3", main="remedies.cli:main", compressed=True
    )
    return TARGET


if __name__ == "__main__":
    print(build())
