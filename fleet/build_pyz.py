"""Build dist/remedy.pyz: remedy and its four dependencies in one file (PEP 441 zipapp).

Why a zipapp rather than a virtualenv per host: a rollout copies and runs one file with the
host's own Python, so hosts need no pip, no network and no install step (air-gapped hosts
included), and a rollout costs about what a plain blockinfile playbook does (`make bench`).
Dependencies are resolved for the oldest Python we support (3.9), so one file runs on every
host; they are read from pyproject.toml, which stays the only list.
"""

from __future__ import annotations

import compileall
import py_compile
import shutil
import subprocess
import sys
import zipapp
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # a runtime dependency below 3.11 (pyproject.toml), so installed with the project
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "pyz"
TARGET = REPO / "dist" / "remedy.pyz"
OLDEST_PYTHON = "3.9"


# Every Python a host may run the zipapp with: a requirement any of them needs is bundled.
SUPPORTED_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")


def runtime_requirements() -> list[str]:
    """The runtime dependencies, with their markers evaluated for every supported Python,
    not for the one building: pip judges a marker by its own interpreter even with
    --python-version, so `tomli; python_version < '3.11'` built on 3.11 was left out and
    the zipapp failed on 3.9 and 3.10 hosts. Read from pyproject.toml rather than from the
    installed metadata, which is looked up by the distribution's name (renamed once) and is
    stale until the next `pip install -e .`."""
    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = []
    for text in project["dependencies"]:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is not None:
            wanted = (
                {"python_version": v, "python_full_version": f"{v}.0"} for v in SUPPORTED_PYTHONS
            )
            if not any(marker.evaluate(env) for env in wanted):
                continue
            requirement.marker = None
        found.append(str(requirement))
    return found


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
    # Bytecode beside each source (zipimport reads only that layout; it cannot write a cache,
    # so without it every run compiles every module, most of a rollout's cost per host).
    # Unchecked hash-based: valid whatever the zip's timestamps say. A host whose Python is
    # another version finds a foreign magic number and compiles the source instead.
    compiled = compileall.compile_dir(
        BUILD,
        quiet=1,
        legacy=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not compiled:
        raise SystemExit("compiling the zipapp's modules failed")
    TARGET.parent.mkdir(exist_ok=True)
    zipapp.create_archive(
        BUILD, TARGET, interpreter="/usr/bin/env python3", main="remedies.cli:main", compressed=True
    )
    return TARGET


if __name__ == "__main__":
    print(build())
