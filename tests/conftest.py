"""Shared test fixtures: a temporary HOME, the real CLI in a subprocess, real shells.

A test that needs a shell which is not installed skips on a developer's machine and FAILS in
CI (CI=true): .ci/run installs every shell, so a missing one there is a broken set-up, not a
reason to pass quietly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from shells import Shell, shell_named
from shells.base import parse_env_dump

# A suite started in the background (`make test &`, nohup, a runner without job control)
# inherits SIGINT ignored, and every program it starts would too: remedy then keeps ignoring
# Ctrl-C, as it should, and the Ctrl-C tests would prove nothing. The suite's programs get
# Ctrl-C as a terminal gives it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

REPO = Path(__file__).resolve().parent.parent

# No property test has a deadline: speed is measured by `make bench` as ratios, never by a
# timed assertion (hypothesis' 200 ms default failed a test on a loaded machine).
settings.register_profile("remedy", deadline=None)
settings.load_profile("remedy")

# Fixtures for tests where privilege is the point (root and a throwaway user).
# Each test's markers held to what it uses, and each part's speed (tests/support/markers.py).
pytest_plugins = ["tests.support.accounts", "tests.support.markers"]


@pytest.fixture(autouse=True, scope="session")
def _client_runs_shared_by_workers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With workers, the client runs one of them recorded are replayed by all: they share
    the parent of their temporary folders (pytest-N), which is this run's alone."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from tests.support.client_replay import STORE

        STORE.shared = tmp_path_factory.getbasetemp().parent / "client-replay"


@pytest.fixture(autouse=True)
def _client_runs_real_where_marked(request: pytest.FixtureRequest) -> Any:
    """A test marked every_client_run_real has no probe run of the client replayed
    (tests/support/client_replay.py)."""
    if request.node.get_closest_marker("every_client_run_real") is None:
        yield
        return
    from tests.support.client_replay import every_run_real

    with every_run_real():
        yield


@pytest.fixture(scope="session")
def newest_claude() -> Path:
    """The newest Claude Code measured (demo/claude_cache.py NEWEST), installed from npm once
    for the run: like the oldest (tests/support/claude_client.py), a missing npm fails the
    test in CI (.ci/run installs both clients first) and skips it elsewhere."""
    from tests.support import claude_client

    return claude_client.install_newest()


# Files the shells write themselves when the probes start them; never ours to compare.
SHELL_OWNED = {".sh_history", ".bash_history", ".zsh_history", ".history", "fish_history"}


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must have it (see .ci/run)")
        pytest.skip(message)
    return path


# How this machine reaches the package registries (a TLS-inspecting proxy's CA, proxies,
# registry settings). Without them npm cannot verify TLS and retries for minutes.
_NETWORK_SETTINGS = re.compile(
    r"NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE"
    r"|(HTTPS?|ALL|NO)_PROXY|(https?|all|no)_proxy|(npm|NPM)_(config|CONFIG)_.*"
)


def network_settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if _NETWORK_SETTINGS.fullmatch(k)}


def base_env(home: Path) -> dict[str, str]:
    """A clean environment for a child: nothing of the developer's own shell set-up leaks in,
    except how this machine reaches the package registries."""
    return {
        **network_settings(),
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        # The user's shell, said as a login would: what started the tests must not choose it.
        "SHELL": "/bin/bash",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        # Managed settings and /etc/environment are read under this root, never the real /etc.
        "REMEDY_SYSTEM_ROOT": str(home.parent / "system"),
    }


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def refused(self, *words: str) -> str:
        """Exit 1 with exactly one line on stderr, no traceback, holding each of `words`;
        returns that line."""
        assert self.code == 1, (self.code, self.stdout[-2000:], self.stderr[-2000:])
        assert "Traceback" not in self.stderr and "unexpected" not in self.stderr, self.stderr
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr[-2000:]
        for word in words:
            assert word in lines[0], lines[0]
        return lines[0]


@dataclass
class Sandbox:
    """A temporary HOME with helpers to run remedy and real shells inside it."""

    home: Path

    @property
    def env(self) -> dict[str, str]:
        return base_env(self.home)

    def path(self, relative: str) -> Path:
        return self.home / relative

    def write(self, relative: str, data: bytes | str) -> Path:
        target = self.home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        return target

    def read(self, relative: str) -> bytes:
        return (self.home / relative).read_bytes()

    def snapshot(self) -> dict[str, bytes]:
        """Every file under HOME but remedy's state and the shells' own history files."""
        state = self.home / ".local" / "state"
        found = {}
        for path in sorted(self.home.rglob("*")):
            if path.name in SHELL_OWNED or state in path.parents:
                continue
            if path.is_file() and not path.is_symlink():
                found[str(path.relative_to(self.home))] = path.read_bytes()
        return found

    def remedy(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 120,
        cwd: Path | None = None,
        process: bool = False,
    ) -> Result:
        """remedy in this home; `env` adds to the clean environment (None: leave it out).
        It runs in the test process (tests/support/inprocess.py) unless `process` (or the
        run needs one: a crash point, or REMEDY_TEST_PROCESS=1 to run every test's remedy
        as `python -m remedies`, the way the two are compared)."""
        from tests.support.inprocess import needs_a_process, remedy_in_process

        merged = {**self.env, **(env or {})}
        run_env = {k: v for k, v in merged.items() if v is not None}
        where = cwd or self.home
        process = process or bool(os.environ.get("REMEDY_TEST_PROCESS"))
        if not (process or needs_a_process(run_env, where)):
            code, out, err = remedy_in_process(args, run_env, where)
            return Result(code, out.decode(), err.decode())
        done = subprocess.run(
            [sys.executable, "-m", "remedies", *args],
            env=run_env,
            cwd=where,
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return Result(done.returncode, done.stdout.decode(), done.stderr.decode())

    def shell_env(self, shell_name: str, login: bool = False) -> dict[str, str]:
        """The environment a new interactive shell of this kind gets here, asked of the shell."""
        shell = shell_named(shell_name)
        assert shell is not None
        executable = require_program(shell.executables[0])
        return probe(shell, executable, self.env, login)


def probe(shell: Shell, executable: str, env: dict[str, str], login: bool) -> dict[str, str]:
    argv = shell.probe_argv(executable, sys.executable, login)
    return printed_env(argv, env, env["HOME"], executable=executable, what=argv[0])


def printed_env(
    argv: list[str],
    env: dict[str, str],
    cwd: Path | str,
    *,
    executable: str | None = None,
    what: str,
) -> dict[str, str]:
    """Run a shell that ends by printing its environment (a probe); what it printed."""
    done = subprocess.run(
        argv,
        executable=executable,
        env=env,
        cwd=cwd,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    found = parse_env_dump(done.stdout)
    assert found is not None, (
        f"{what} printed no environment (exit {done.returncode}): "
        f"{done.stderr.decode(errors='replace')[-2000:]}"
    )
    return found


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    home = tmp_path / "home"
    home.mkdir()
    return Sandbox(home)


def pytest_sessionstart(session: pytest.Session) -> None:
    """With workers (make test), the zipapp is built once, before any of them wants it: two
    workers' `make dist/remedy.pyz` at once would write one file together."""
    if getattr(session.config.option, "numprocesses", None) and not hasattr(
        session.config, "workerinput"
    ):
        from tests.support import fleet

        fleet.zipapp()


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.support import figures

    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: to the controller
        session.config.workeroutput["figures"] = dict(figures.COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker's safety figures, added to the controller's."""
    from tests.support import figures

    for name, count in getattr(node, "workeroutput", {}).get("figures", {}).items():
        figures.add(name, count)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.support import figures
    from tests.support.markers import whole_run

    if figures.COUNTS and whole_run(terminalreporter.config):
        figures.save(REPO / ".cache" / "safety-figures.json")
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(figures.COUNTS.items()))
        terminalreporter.write_line(f"safety figures: {summary}")
