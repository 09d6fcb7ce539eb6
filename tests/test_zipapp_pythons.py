"""dist/remedy.pyz on the Pythons a fleet's hosts have: the oldest we support (3.9, the
`requires-python` floor) and the newest here. The zipapp carries bytecode for the Python
that built it; any other finds a foreign magic number and compiles the sources, and its
dependencies are the ones every supported Python needs (tomli below 3.11)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import base_env
from tests.support import fleet

pytestmark = [pytest.mark.fleet]

OLDEST = "3.9"
NEWEST = "3.13"
PLANTED = b"# a laptop\nexport CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"


def python_at(version: str) -> str:
    """A working `pythonX.Y`: on PATH, else one pyenv installed (whose shims refuse to run a
    version that is not selected). Missing in CI is a failure (.ci/run provides it)."""
    candidates = [shutil.which(f"python{version}") or ""]
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
        if done.returncode == 0:
            return candidate
    message = f"no Python {version} here"
    if os.environ.get("CI"):
        pytest.fail(f"{message}, and CI must have it (see .ci/run)")
    pytest.skip(message)


def test_the_zipapp_carries_bytecode_and_every_dependency() -> None:
    names = zipfile.ZipFile(fleet.zipapp()).namelist()
    assert "remedies/cli.pyc" in names and "click/core.pyc" in names
    assert "remedies/cli.py" in names  # the source, for any other Python
    assert any(n.startswith("tomli/") for n in names), "3.9 and 3.10 hosts need tomli"


@pytest.mark.real_shell
@pytest.mark.parametrize("version", [OLDEST, NEWEST, "this"])
def test_apply_and_revert_with_the_hosts_python(tmp_path: Path, version: str) -> None:
    python = sys.executable if version == "this" else python_at(version)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_bytes(PLANTED)
    (home / ".profile").write_bytes(b". ~/.bashrc\n")
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    env = base_env(home)

    def remedy(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, str(fleet.zipapp()), *args],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    listed = remedy("list")  # parses every remedy file: tomllib or tomli
    assert listed.returncode == 0, listed.stderr
    assert "aws-region-missing" in listed.stdout
    applied = remedy("apply", "mantle", "--shell", "bash", "--yes", "--json")
    assert applied.returncode == 0, applied.stderr
    assert fleet.fixed(home)
    reverted = remedy("revert", "--yes")
    assert reverted.returncode == 0, reverted.stderr
    assert {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()} == before
