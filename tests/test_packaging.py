"""What `pip install .` (and so pipx, which runs the same build) ships: every sub-package,
and a `remedy` that runs from the installed copy alone, not from this checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, base_env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A wheel built the way `pip install .` builds it, from a copy of the tracked files
    (a build writes build/ and *.egg-info next to the sources); and what the build said."""
    work = tmp_path_factory.mktemp("build")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    source = work / "src"
    for name in filter(None, tracked):
        target = source / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / os.fsdecode(name)).is_file():
            target.write_bytes((REPO / os.fsdecode(name)).read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = (work / "dist").glob("remedy-*.whl")
    return wheel, done.stdout + done.stderr


def test_the_wheel_ships_every_module(built: tuple[Path, str]) -> None:
    wheel, _ = built
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        str(path.relative_to(REPO))
        for package in ("remedies", "shells")
        for path in (REPO / package).rglob("*.py")
    }
    assert wanted - shipped == set(), "modules the wheel leaves out"
    assert "remedies/py.typed" in shipped


def test_the_installed_copy_runs_on_its_own(built: tuple[Path, str], tmp_path: Path) -> None:
    wheel, _ = built
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        check=True,
    )
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export CLAUDE_CODE_USE_BEDROCK=1\n")
    # -S skips site and its .pth files, among them the editable install's finder, which
    # would serve any missing remedies.* module from this checkout. The dependencies come
    # from the test venv's site-packages, named on PYTHONPATH after the installed copy.
    deps = sysconfig.get_paths()["purelib"]
    env = {**base_env(home), "PYTHONPATH": f"{target}{os.pathsep}{deps}", "SHELL": "/bin/bash"}
    code = "import remedies, sys; from remedies.cli import main; print(remedies.__file__)"
    where = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert where.stdout.startswith(str(target)), (where.stdout, where.stderr)
    script = target / "bin" / "remedy"
    for argv in (["list", "--json"], ["doctor", "--json", "--shell", "bash"]):
        done = subprocess.run(
            [sys.executable, "-S", str(script), *argv],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        json.loads(done.stdout)


def test_the_build_says_no_warning(built: tuple[Path, str]) -> None:
    """`pip install .` printed setuptools' deprecation of a license table four times; the
    SPDX string (setuptools >= 77) is what it asks for."""
    _, said = built
    assert "deprecat" not in said.lower(), said
    assert "warning" not in said.lower(), said
