"""A machine of the test's own: /etc and /var/lib overlaid in a mount namespace, their writes
going to a tmpfs, so a test may change /etc/claude-code, /var/lib/remedy or /etc/profile.d
at their real paths, as root, while the rest of the suite (other workers) and the machine
itself never see it. The test body runs there, in a pytest of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.system import require_root

# Run in the test's own namespace: set only for the pytest started there.
INSIDE = "REMEDY_TEST_PRIVATE_MACHINE"

# sh -c SCRIPT sh SCRATCH PYTHON NODEID: a tmpfs for the overlays' writes, /etc and /var/lib
# overlaid, then this one test run there by a pytest of its own.
_PRIVATE = r"""
set -e
mount -t tmpfs remedy-test "$1"
for where in etc var/lib; do
    mkdir -p "$1/$where/upper" "$1/$where/work"
    layers="lowerdir=/$where,upperdir=$1/$where/upper,workdir=$1/$where/work"
    mount -t overlay remedy-test -o "$layers" "/$where"
done
shift
exec "$1" -m pytest -q -p no:cacheprovider -p no:xdist "$2"
"""


def _run_in_a_private_machine(request: pytest.FixtureRequest, scratch: Path) -> None:
    require_root("a mount namespace of the test's own")
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to keep this test's /etc to itself")
    done = subprocess.run(
        [
            *("unshare", "--mount", "--propagation", "private", "sh", "-c", _PRIVATE, "sh"),
            *(str(scratch), sys.executable, request.node.nodeid),
        ],
        env={**os.environ, INSIDE: "1"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    assert "1 passed" in done.stdout, done.stdout[-3000:]  # run, not skipped


def in_private_machine(request: pytest.FixtureRequest, tmp_path: Path) -> bool:
    """True inside the test's own namespace, where the body runs; False outside it, where
    the body has been run there (and the test is over when this returns)."""
    if not os.environ.get(INSIDE):
        (tmp_path / "private").mkdir()
        _run_in_a_private_machine(request, tmp_path / "private")
        return False
    require_root("changing the machine's own files")
    # The variable alone is not proof (it could be set by hand): /etc and /var/lib must be
    # the test's overlays here, whose writes go to its tmpfs.
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    for where in ("/etc", "/var/lib"):
        if not any(f" {where} " in line and "remedy-test" in line for line in mounts):
            pytest.fail(f"{INSIDE} is set, but {where} is not the test's overlay")
    return True
