"""A fresh clone of this checkout, as a newcomer gets one: its tracked files as they are in
the working tree (uncommitted edits included, so a test sees the code under test), and
nothing a build or an earlier run left beside them (.venv, build/, dist/, *.egg-info)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import REPO


def fresh_copy(target: Path) -> Path:
    """The tracked files of this checkout, copied into `target` (made here)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        source = REPO / os.fsdecode(name)
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            copy = target / os.fsdecode(name)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(source.read_bytes())
            copy.chmod(source.stat().st_mode & 0o777)
    return target


def quiet_pip_env() -> dict[str, str]:
    """pip as on a fresh machine: this one's pip configuration names package indexes on its
    disk that list no project, and pip warns about each one on every install, whatever is
    installed. That warning is the machine's, not the project's; a test that asserts our
    installs print no warning reads them without it."""
    return {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **pip_cache()}


def pip_cache() -> dict[str, str]:
    """This user's pip cache, for a child whose HOME is a test's: what it downloads once is
    not downloaded again by every run (a cache changes nothing pip prints with --quiet)."""
    found = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    return {"PIP_CACHE_DIR": found}
