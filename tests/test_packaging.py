"""What `pip install .` (and so pipx, which runs the same build) ships: every sub-package,
and a `remedy` that runs from the installed copy alone, not from this checkout; what
`make dist` builds for PyPI under our own distribution name, and that pipx installs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from remedies import __version__
from tests.conftest import REPO, base_env
from tests.support.checkout import fresh_copy, pip_cache

# The distribution's name: `remedy` on PyPI is another program (pyproject.toml says more).
# The command it installs is `remedy`.
DIST_NAME = "remedy-cli"
WHEEL_NAME = "remedy_cli"  # the name as wheel and sdist files spell it (PEP 491, PEP 625)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A wheel built the way `pip install .` builds it, from a copy of the tracked files
    (a build writes build/ and *.egg-info next to the sources); and what the build said."""
    work = tmp_path_factory.mktemp("build")
    source = fresh_copy(work / "src")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = (work / "dist").glob(f"{WHEEL_NAME}-*.whl")
    return wheel, done.stdout + done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`make dist` in a fresh copy of the checkout, with this venv (whose test extras hold
    build and twine: its stamp is taken as made, or make would install the copy into it):
    the copy's dist/ folder and what make printed."""
    copy = fresh_copy(tmp_path_factory.mktemp("clone") / "remedy")
    venv = Path(sys.executable).parent.parent
    (copy / ".venv").symlink_to(venv)
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed-test", "dist"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, **pip_cache()},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return copy / "dist", done.stdout + done.stderr


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


def test_make_dist_builds_what_pypi_accepts_under_our_own_name(dist: tuple[Path, str]) -> None:
    """`make dist`: an sdist and a wheel named remedy-cli (not `remedy`, which on PyPI is
    another program), both passed by `twine check --strict` as PyPI would take them."""
    folder, said = dist
    assert sorted(p.name for p in folder.glob(f"{WHEEL_NAME}-*")) == [
        f"{WHEEL_NAME}-{__version__}-py3-none-any.whl",
        f"{WHEEL_NAME}-{__version__}.tar.gz",
    ], said
    assert said.count("PASSED") == 2, said
    (wheel,) = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        info = f"{WHEEL_NAME}-{__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        scripts = archive.read(f"{info}/entry_points.txt").decode()
        licence = archive.read(f"{info}/licenses/LICENSE").decode()
    assert f"\nName: {DIST_NAME}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert licence.startswith("MIT License"), "the licence's text travels with the wheel"
    assert "remedy = remedies.cli:main" in scripts, "the command stays `remedy`"
    (sdist,) = folder.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    top = f"{WHEEL_NAME}-{__version__}"
    # The tree the tests run from, not test files without what they import (found before).
    for needed in ("LICENSE", "Makefile", "tests/conftest.py", "tests/support/__init__.py"):
        assert f"{top}/{needed}" in names, needed
    assert f"{top}/docs/commands.md" in names and f"{top}/.ci/run" in names
    assert not [n for n in names if "__pycache__" in n]


def test_pipx_installs_a_remedy_that_runs(dist: tuple[Path, str], tmp_path: Path) -> None:
    """What a user types once it is published, `pipx install remedy-cli`, with the wheel
    `make dist` built standing in for PyPI's: pipx's own venv, a `remedy` on its bin folder
    that runs from there (this checkout nowhere on its path)."""
    folder, _ = dist
    (wheel,) = folder.glob("*.whl")
    home = tmp_path / "home"
    home.mkdir()
    pipx = {
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    # The dependencies come from the machine's package index, as a user's do.
    pip = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    env = {**base_env(home), **pip, **pip_cache(), **pipx}
    done = subprocess.run(
        [sys.executable, "-m", "pipx", "install", str(wheel)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "pipx" / "venvs" / DIST_NAME).is_dir(), done.stdout
    remedy = tmp_path / "bin" / "remedy"

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(remedy), *argv], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )

    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"remedy, version {__version__}"
    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert "mantle" in listed.stdout
