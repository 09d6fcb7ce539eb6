"""What each test really uses, recorded while it runs (REMEDY_TEST_AUDIT=FILE): the programs it
starts, whether it needs root, whether it installs the real client. tests/support/markers.py
checks the recorded uses against each test's markers; this only records."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

USED: dict[str, set[str]] = {}
_current: list[str] = []


def _note(what: str) -> None:
    if _current:
        USED.setdefault(_current[0], set()).add(what)


_original_init = subprocess.Popen.__init__


def _recording_init(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
    program = kwargs.get("executable") or (args if isinstance(args, (str, bytes)) else args[0])
    _note("run:" + os.path.basename(os.fsdecode(program)).split()[0])
    if not isinstance(args, (str, bytes)):
        _note("argv:" + " ".join(os.fsdecode(a) for a in args[:4]))
    _original_init(self, args, *rest, **kwargs)


@pytest.fixture(autouse=True)
def _audit(request: pytest.FixtureRequest) -> Iterator[None]:
    _current[:] = [request.node.nodeid]
    yield
    _current.clear()


def pytest_configure(config: pytest.Config) -> None:
    from demo import claude_cache
    from tests.support import system

    subprocess.Popen.__init__ = _recording_init  # type: ignore[method-assign]
    real_install = claude_cache.install
    real_root = system.require_root

    def install(*args: Any, **kwargs: Any) -> Any:
        _note("real_client")
        return real_install(*args, **kwargs)

    def require_root(why: str) -> None:
        _note("root")
        real_root(why)

    claude_cache.install = install
    system.require_root = require_root
    _REPLACED.update({id(real_install): install, id(real_root): require_root})


_REPLACED: dict[int, Any] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Modules that imported the functions by name hold the originals: give them ours."""
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith(("tests", "demo")) or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if id(value) in _REPLACED:
                setattr(module, attribute, _REPLACED[id(value)])


def pytest_unconfigure(config: pytest.Config) -> None:
    Path(os.environ["REMEDY_TEST_AUDIT"]).write_text(
        json.dumps({k: sorted(v) for k, v in USED.items()}, indent=1)
    )
