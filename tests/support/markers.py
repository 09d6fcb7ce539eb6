"""Each test's markers say what it needs beyond the test process, and are held to it.

While a test runs, every program it starts from the test process (remedy run in-process
starts shells and the client through its Runner, which comes here too) and every call to
`require_root` or the real client's installer is recorded. A test that used a kind of thing
its markers do not declare fails, naming the marker to add: `make check` leaves out what
needs the real client, root or a fleet, and must not run it by accident. What a separate
`python -m remedies` process starts is not seen here; tests that run remedy as a process
(kill -9, privilege, the zipapp) carry their markers by hand.

At the end of a run, how many tests of each part ran and how fast goes to
.cache/test-speed.json, one entry per marker selection (docs/development.md,
"Tests"; `make bench` prints it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from shells import SHELLS

REAL_SHELL, REAL_CLIENT, ROOT, FLEET, SLOW = "real_shell", "real_client", "root", "fleet", "slow"
BROWSER = "browser"
# Left out of `make check`: the fast inner loop (and a browser a developer may not have).
NOT_IN_CHECK = (REAL_CLIENT, ROOT, FLEET, SLOW, BROWSER)

# Every program a registered shell runs as (shells.SHELLS), and sh.
_SHELLS = frozenset({"sh", *(name for shell in SHELLS for name in shell.executables)})
_ROOT_PROGRAMS = frozenset(
    {"useradd", "userdel", "runuser", "su", "sudo", "setpriv", "chattr", "mount", "unshare"}
)
# ssh and sshd carry a rollout to a host; make's fleet targets run Ansible (its `pyz`, the
# zipapp that tests for privilege run as a throwaway user, is not a fleet).
_FLEET_PROGRAMS = frozenset({"ansible-playbook", "ansible", "ssh", "sshd"})
# The fleet report's page, opened as a person's browser would (tests/test_fleet_report_browser).
_BROWSERS = frozenset({"chromium", "chromium-browser", "chrome", "google-chrome"})


def kind_of(argv: list[str]) -> str | None:
    """Which marker starting this program needs, if any."""
    name = os.path.basename(argv[0]).lstrip("-")
    if name in _SHELLS:
        return REAL_SHELL
    if name in _ROOT_PROGRAMS:
        return ROOT
    if name in _BROWSERS:
        return BROWSER
    if name in _FLEET_PROGRAMS or (
        name == "make" and any(a.startswith(("rollout", "fleet")) for a in argv[1:])
    ):
        return FLEET
    # The system's npm and node, and the client installed from the registry into the cache,
    # are the real client's; a fake npm or claude in a test's temporary folder is not.
    if name in ("npm", "node", "npx", "claude"):
        found = argv[0] if "/" in argv[0] else (shutil.which(argv[0]) or "")
        # Where it really is: a link in a test's folder to the cached client is the client.
        found = os.path.realpath(found) if found else ""
        if found and not found.startswith(tempfile.gettempdir() + "/"):
            return REAL_CLIENT
    return None


@dataclass
class _Seen:
    current: str | None = None
    used: dict[str, set[str]] = field(default_factory=dict)

    def note(self, kind: str) -> None:
        if self.current is not None:
            self.used.setdefault(self.current, set()).add(kind)


SEEN = _Seen()
_popen_init = subprocess.Popen.__init__


def _noting_init(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
    if not isinstance(args, (str, bytes)):
        argv = [os.fsdecode(a) for a in args]
        if kwargs.get("executable"):
            argv[0] = os.fsdecode(kwargs["executable"])
        kind = kind_of(argv)
        if kind is not None:
            SEEN.note(kind)
    _popen_init(self, args, *rest, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _noting_init  # type: ignore[method-assign]


def noted(kind: str) -> None:
    """For the helpers that need root or install the real client (tests/support)."""
    SEEN.note(kind)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    SEEN.current = item.nodeid
    try:
        answer = yield
    finally:
        SEEN.current = None
    used = SEEN.used.get(item.nodeid, set())
    missing = sorted(used - {m.name for m in item.iter_markers()})
    if missing:
        pytest.fail(
            f"it used {', '.join(missing)} without the marker: add "
            + " ".join(f"@pytest.mark.{m}" for m in missing),
            pytrace=False,
        )
    return answer


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    SEEN.current = item.nodeid  # fixtures that make users or install the client count too
    try:
        yield
    finally:
        SEEN.current = None


# --- how fast each part runs ------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        markers = sorted({m.name for m in item.iter_markers()} & set(NOT_IN_CHECK))
        # Reports carry user_properties to pytest-xdist's controller (part_of, below).
        item.user_properties.append(("markers", markers))


def part_of(markers: set[str]) -> str:
    """`check` (what `make check` runs) or the first marker that keeps a test out of it."""
    return next((m for m in NOT_IN_CHECK if m in markers), "check")


@dataclass
class _Timed:
    started: float = field(default_factory=time.monotonic)
    parts: dict[str, list[float]] = field(default_factory=dict)


TIMED = _Timed()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        given = dict(report.user_properties).get("markers", ())
        markers = {str(m) for m in given} if isinstance(given, (list, tuple)) else set()
        TIMED.parts.setdefault(part_of(markers), []).append(report.duration)


def whole_run(config: pytest.Config) -> bool:
    """The run covered the whole suite, or a marker selection of it (make test, make check):
    not some files or a -k, whose figures would stand in for the suite's."""
    paths = [str(a).rstrip("/") for a in config.args]
    return not config.getoption("keyword", "") and paths in ([], ["tests"], [str(_TESTS)])


_TESTS = Path(__file__).resolve().parents[1]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if (
        not whole_run(session.config)
        or not TIMED.parts
        or hasattr(session.config, "workerinput")
        or os.environ.get("REMEDY_TEST_PRIVATE_MACHINE")
    ):
        # A worker's reports reach the controller, which writes the summary; a test run in
        # a namespace of its own (test_machine_client) is part of the outer run's.
        return
    wall = time.monotonic() - TIMED.started
    selected = session.config.getoption("markexpr", "") or "all"
    summary = {
        "markers": selected,
        "wall_seconds": round(wall, 1),
        "workers": getattr(session.config.option, "numprocesses", None) or 1,
        "parts": {
            part: {
                "tests": len(times),
                "seconds": round(sum(times), 1),
                "tests_per_second": round(len(times) / max(sum(times), 0.001), 1),
            }
            for part, times in sorted(TIMED.parts.items())
        },
    }
    # One summary per selection: the last full run beside the last `make check`.
    target = Path(__file__).resolve().parents[2] / ".cache" / "test-speed.json"
    target.parent.mkdir(exist_ok=True)
    try:
        runs = json.loads(target.read_text())
    except (OSError, ValueError):
        runs = {}
    runs = runs if isinstance(runs, dict) and "parts" not in runs else {}
    runs[selected] = summary
    target.write_text(json.dumps(runs, indent=1) + "\n")
