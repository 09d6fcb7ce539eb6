"""`remedy` run in the test process: cli.run with a Context the test builds.

Starting `python -m remedies` costs a third of a second before remedy does anything; most
tests ask remedy something about a home and need no process of its own. The command runs
with the environment and folder the test gives (Context.from_environment, the same path the
command line takes), stdin at end of file, no terminal, and its stdout and stderr captured.
What needs a process of its own (a crash, privilege, the zipapp, a terminal) runs in one:
Sandbox.remedy(..., process=True).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from remedies.cli import run
from remedies.context import Context
from tests.support.client_replay import ReplayingRunner

# Runs that need a process: a fault test's SIGKILL or SIGINT would reach the test process,
# and click's shell completion reads what the shell asks from the process's own environment.
NEEDS_A_PROCESS = frozenset({"REMEDY_CRASH_AT", "REMEDY_INTERRUPT_AT", "_REMEDY_COMPLETE"})


def needs_a_process(env: Mapping[str, str], cwd: Path) -> bool:
    """Whether a run in this environment must be a process of its own: the above; a
    variable Python reads as it starts (PYTHONPATH puts a plugin's package on sys.path); or
    root in a home it would work in only as the home's owner, which only a process can
    become (remedies/privilege.py)."""
    if NEEDS_A_PROCESS & env.keys() or any(k.startswith("PYTHON") for k in env):
        return True
    if os.geteuid() != 0:
        return False
    from remedies.context import home_from_environment
    from remedies.errors import RemedyError
    from remedies.privilege import owner_of_home
    from remedies.root_programs import why_not_owned_alone

    # Root refuses to start from a folder another user can change (Python put it on
    # sys.path: cli.run's code_root_did_not_choose); only the program can say so.
    if why_not_owned_alone(cwd, frozenset({0})) is not None:
        return True
    try:
        return owner_of_home(home_from_environment(env)) is not None
    except RemedyError:
        return True  # the program says why, in its own words


def _text_on(buffer: io.BytesIO, errors: str) -> io.TextIOWrapper:
    # As the child's streams under LANG=C.UTF-8: UTF-8; on stdout, bytes Python could not
    # decode (surrogate escapes) written back as the bytes they were, on stderr as
    # backslashed escapes (Python's stderr is always backslashreplace).
    return io.TextIOWrapper(buffer, encoding="utf-8", errors=errors, write_through=True)


class _ThisThreads(io.TextIOBase):
    """sys.stdout (or stderr) for every thread: the stream a run in this thread gave, else the
    one the process had. Tests run remedy from several threads at once (stories side by
    side), and sys.stdout is one for the whole process."""

    def __init__(self, name: str, usual: TextIO) -> None:
        self._name, self._usual = name, usual

    def _stream(self) -> TextIO:
        found: TextIO | None = getattr(_given, self._name, None)
        return found if found is not None else self._usual

    def write(self, text: str) -> int:
        return self._stream().write(text)

    def flush(self) -> None:
        self._stream().flush()

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        return self._stream().readline(size)

    def isatty(self) -> bool:
        return self._stream().isatty()

    def fileno(self) -> int:
        return self._stream().fileno()

    @property
    def buffer(self) -> Any:
        return self._stream().buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream().encoding


_given = threading.local()
_installed = threading.Lock()


def _install() -> None:
    with _installed:
        for name in ("stdin", "stdout", "stderr"):
            current = getattr(sys, name)
            if not isinstance(current, _ThisThreads):
                setattr(sys, name, _ThisThreads(name, current))


@contextlib.contextmanager
def _streams(stdout: TextIO, stderr: TextIO) -> Iterator[None]:
    _install()
    with open(os.devnull, encoding="utf-8") as nothing:
        _given.stdin, _given.stdout, _given.stderr = nothing, stdout, stderr
        try:
            yield
        finally:
            _given.stdin = _given.stdout = _given.stderr = None


def remedy_in_process(
    args: tuple[str, ...], env: Mapping[str, str], cwd: Path
) -> tuple[int, bytes, bytes]:
    """`remedy ARGS` with this environment, in this folder: exit code, stdout, stderr."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout, stderr = _text_on(out, "surrogateescape"), _text_on(err, "backslashreplace")
    ctx = Context.from_environment(env, cwd)
    # The real client's probe runs, each distinct one once per worker (client_replay).
    ctx = replace(ctx, runner=ReplayingRunner(cwd=ctx.runner.cwd))
    if ctx.system_root == Path("/") and os.geteuid() == 0:
        from tests.support import markers

        markers.noted(markers.ROOT)  # the machine's own /etc, which only root may change
    with _streams(stdout, stderr):
        code = run(list(args), ctx)
    answer = code, out.getvalue(), err.getvalue()
    stdout.detach(), stderr.detach()  # a wrapper that goes closes what it wraps
    return answer
