"""Everything a command needs from the outside world, passed in instead of read from globals.

A test builds a Context around a temporary HOME and a made-up environment; nothing patches
`os.environ` or `open`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from remedies.errors import FileProblem, RemedyError

if TYPE_CHECKING:
    import subprocess


@dataclass(frozen=True)
class Runner:
    """Runs programs. One place, so that timeouts and missing programs read the same everywhere."""

    # The folder a program works in when its caller names none: the run's (Context.cwd),
    # which is not this process's when a test runs remedy in its own process. Root's
    # programs work in "/" instead (_where_root_may).
    cwd: Path | None = None

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        timeout: float = 30.0,
        cwd: Path | None = None,
        argv0: str | None = None,
        on_stderr: Callable[[bytes], None] | None = None,
        _live: _Started | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run argv; argv0, when given, is the name the program sees (`-tcsh` for a login
        shell) while argv[0] stays the program started. on_stderr, when given, is handed
        the program's stderr piece by piece as it comes (all of it is also returned).

        It runs in a session of its own, with no terminal and stdin closed: a start-up file
        that reads, prompts or sleeps cannot reach the user's terminal, and on a timeout the
        whole group goes (a `sleep` left behind would hold the pipes open and hang us)."""
        import subprocess  # only commands that run programs pay for it (not `status`)

        env = _as_root_may(argv[0], env)
        try:
            process = subprocess.Popen(
                [argv0, *argv[1:]] if argv0 else list(argv),
                executable=argv[0] if argv0 else None,
                env=dict(env),
                cwd=_where_root_may(cwd) or self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError as e:
            raise RemedyError(f"cannot run {argv[0]}: not found") from e
        except OSError as e:
            raise RemedyError(f"cannot run {argv[0]}: {e.strerror}") from e
        if _live is not None:
            _live.add(process)  # for run_side_by_side, whose thread cannot get Ctrl-C
            _widen_pipes(process)
        try:
            if on_stderr is None:
                stdout, stderr = process.communicate(timeout=timeout)
            else:
                stdout, stderr = _read_as_it_comes(process, timeout, on_stderr)
        except subprocess.TimeoutExpired as e:
            _kill_group(process, threading.Event())
            # A child that left our group (setsid) may still hold the pipes: stop waiting.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=2)
            raise RemedyError(f"{argv[0]} did not finish within {timeout:g} s") from e
        except BaseException:
            _kill_group(process, threading.Event())
            process.wait()
            raise
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def run_side_by_side(
        self,
        jobs: Sequence[tuple[Sequence[str], str | None]],
        *,
        env: Mapping[str, str],
        timeout: float,
        cwd: Path | None = None,
        meanwhile: Callable[[], object] | None = None,
        on_stderr: Sequence[Callable[[bytes], None] | None] = (),
        envs: Sequence[Mapping[str, str]] = (),
    ) -> list[subprocess.CompletedProcess[bytes] | RemedyError]:
        """run() for several programs at once ((argv, argv0) each), the answers in order; a
        program that could not run or did not finish gets its RemedyError in its place.
        Each is read by a thread of its own (a full pipe would stall it), which hands its
        stderr to the job's on_stderr as it comes, while this thread does `meanwhile` (work
        that needs none of the answers), then waits: Ctrl-C or an error here kills every one
        of them before it goes on up.

        The threads are daemons, waited for by an Event each, never joined: Python 3.11's
        Thread.join, hit by Ctrl-C as the thread ends, can raise "RuntimeError: release
        unlocked lock" instead of KeyboardInterrupt (seen once in the suite, as ThreadPool's
        shutdown joined its workers)."""

        def one(
            job: tuple[Sequence[str], str | None],
            sink: Callable[[bytes], None] | None,
            its_env: Mapping[str, str],
        ) -> subprocess.CompletedProcess[bytes] | RemedyError:
            argv, argv0 = job
            try:
                return self.run(
                    argv,
                    env=its_env,
                    timeout=timeout,
                    cwd=cwd,
                    argv0=argv0,
                    on_stderr=sink,
                    _live=live,
                )
            except RemedyError as e:
                return e

        sinks = [*on_stderr, *[None] * (len(jobs) - len(on_stderr))]
        if os.geteuid() == 0:
            # Root's PATH is judged once, here, before the threads and `meanwhile` compete
            # for the interpreter: found there, it held every shell's start back (an 8 MB
            # apply: +200 ms).
            from remedies.root_programs import root_safe_path

            root_safe_path(env.get("PATH", os.defpath))
        live = _Started()
        # `envs`: one environment per job where they differ (each shell's own PS4).
        per_job = [*envs, *[env] * (len(jobs) - len(envs))]
        running = [
            _Job.start(functools.partial(one, job, sink, its_env))
            for job, sink, its_env in zip(jobs, sinks, per_job)
        ]
        try:
            if meanwhile is not None:
                meanwhile()
            return [job.answer() for job in running]
        except BaseException:
            live.stop_all()
            deadline = time.monotonic() + 5
            for job in running:  # their programs are gone: each thread ends at once
                job.done.wait(max(deadline - time.monotonic(), 0))
            raise

    def run_long(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        timeout: float,
        show: bool,
    ) -> tuple[int | None, str]:
        """Run an installer: its output shown as it comes (show=True) and kept; None for the
        exit code when it ran out of time, in which case the whole process group is killed
        (npm starts children of its own)."""
        import subprocess

        env = _as_root_may(argv[0], env)
        try:
            process = subprocess.Popen(
                list(argv),
                env=dict(env),
                cwd=_where_root_may(None) or self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as e:
            raise RemedyError(f"cannot run {argv[0]}: {e.strerror}") from e
        assert process.stdout is not None
        kept: list[bytes] = []
        fired = threading.Event()
        timer = threading.Timer(timeout, lambda: _kill_group(process, fired))
        timer.start()
        try:
            for line in process.stdout:
                kept.append(line)
                if show:
                    sys.stderr.buffer.write(b"  | " + line)
                    sys.stderr.flush()
            process.wait()
        finally:
            timer.cancel()
        output = b"".join(kept).decode("utf-8", "replace")
        return (None if fired.is_set() else process.returncode), output


def _as_root_may(program: str, env: Mapping[str, str]) -> Mapping[str, str]:
    """Every program remedy starts goes through here: as root, only one that no other user
    can change, with a PATH of root's folders (remedies/root_programs.py says why)."""
    if os.geteuid() != 0:
        return env
    from remedies.root_programs import env_for_root_run

    return env_for_root_run(program, env)


def _where_root_may(cwd: Path | None) -> Path | None:
    """A program root starts works in "/" unless told where: the working folder it would
    inherit may be a user's, and programs read things there (a version manager's
    .tool-versions, npm's .npmrc, Claude Code's .mcp.json in every folder above it)."""
    if cwd is None and os.geteuid() == 0:
        return Path("/")
    return cwd


def _read_as_it_comes(
    process: subprocess.Popen[bytes], timeout: float, on_stderr: Callable[[bytes], None]
) -> tuple[bytes, bytes]:
    """communicate(), but each piece of stderr is handed to on_stderr as it is read.
    TimeoutExpired when the program has not closed its output and ended within `timeout`
    (the caller kills its group, as for communicate())."""
    import selectors
    import subprocess

    deadline = time.monotonic() + timeout
    kept: dict[int, list[bytes]] = {}
    with selectors.DefaultSelector() as selector:
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                selector.register(pipe.fileno(), selectors.EVENT_READ)
                kept[pipe.fileno()] = []
        err = process.stderr.fileno() if process.stderr is not None else -1
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout)
            for key, _events in selector.select(left):
                piece = os.read(key.fd, _PIPE_SIZE)
                if not piece:
                    selector.unregister(key.fd)
                    continue
                kept[key.fd].append(piece)
                if key.fd == err:
                    on_stderr(piece)
    process.wait(max(deadline - time.monotonic(), 0.001))
    out = process.stdout.fileno() if process.stdout is not None else -1
    answer = b"".join(kept.get(out, [])), b"".join(kept.get(err, []))
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    return answer


# Linux's fcntl F_SETPIPE_SZ (named in Python's fcntl from 3.10).
_SET_PIPE_SIZE = 1031
_PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask for, by default


def _widen_pipes(process: subprocess.Popen[bytes]) -> None:
    """Let a program write up to 1 MiB ahead of our reading it. A traced shell over a big
    start-up file writes megabytes while this process does other work beside it (the
    reading thread waits its turn for the interpreter): with the 64 KiB default pipe, the
    shell would stop and wait. Where the system says no, the pipes stay as they were."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl

    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                fcntl.fcntl(pipe.fileno(), _SET_PIPE_SIZE, _PIPE_SIZE)


class _Job:
    """One of run_side_by_side's programs, run by a daemon thread; done is set when its
    answer (or the exception it raised) is in."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.done = threading.Event()
        self._work = work
        self._answer: Any = None
        self._error: BaseException | None = None

    @classmethod
    def start(cls, work: Callable[[], Any]) -> _Job:
        job = cls(work)
        threading.Thread(target=job._run, daemon=True).start()
        return job

    def _run(self) -> None:
        try:
            self._answer = self._work()
        except BaseException as e:  # handed to the thread that waits for the answer
            self._error = e
        finally:
            self.done.set()

    def answer(self) -> Any:
        self.done.wait()
        if self._error is not None:
            raise self._error
        return self._answer


class _Started:
    """The programs run_side_by_side's threads have started. Once stop_all() was called, a
    program started after it (a thread was inside Popen at the instant of Ctrl-C) is
    killed as soon as it is added: none is left for the pool to wait for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[bytes]] = []
        self._stopped = False

    def add(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.append(process)
            stopped = self._stopped
        if stopped:
            _kill_group(process, threading.Event())

    def stop_all(self) -> None:
        with self._lock:
            self._stopped = True
            started = list(self._processes)
        for process in started:
            _kill_group(process, threading.Event())


def _kill_group(process: subprocess.Popen[bytes], fired: threading.Event) -> None:
    fired.set()
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Faults:
    """Test hooks at each step of a transaction, so that fault tests can stop a run at every
    step deterministically instead of hoping a timer lands between two system calls:
    REMEDY_CRASH_AT=N kills this process with SIGKILL at the Nth point, REMEDY_FAIL_AT=N
    makes the Nth point fail like a disk error would, REMEDY_INTERRUPT_AT=N sends this
    process SIGINT there, as Ctrl-C would. The points passed are counted in the run's record
    (RunRecord.points_seen)."""

    crash_at: int = 0
    fail_at: int = 0
    interrupt_at: int = 0

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Faults:
        crash_at = env.get("REMEDY_CRASH_AT", "")
        fail_at = env.get("REMEDY_FAIL_AT", "")
        interrupt_at = env.get("REMEDY_INTERRUPT_AT", "")
        return cls(
            crash_at=int(crash_at) if crash_at.isdigit() else 0,
            fail_at=int(fail_at) if fail_at.isdigit() else 0,
            interrupt_at=int(interrupt_at) if interrupt_at.isdigit() else 0,
        )


@dataclass
class RunRecord:
    """What a run records as it goes, shared by every copy of its Context (the Context
    itself is what the run was given, and frozen)."""

    # Answers worth asking once per run (what a new shell gets costs a shell start), keyed
    # by what was asked. Only engine.new_shell writes here, and a commit empties it (the
    # start-up files changed); a changed environment must use a new key.
    asked: dict[tuple[str, ...], object] = field(default_factory=dict)
    # Transactions this run committed (their txids): an interrupted run says "nothing was
    # changed" only when it is true.
    committed: list[str] = field(default_factory=list)
    # Fault points passed so far (Faults).
    points_seen: int = 0


def _warn_once() -> Callable[[str], None]:
    said: set[str] = set()

    def warn(text: str) -> None:
        if text not in said:
            said.add(text)
            sys.stderr.write(f"remedy: warning: {text}\n")
            sys.stderr.flush()

    return warn


def _on_terminal(text: str) -> None:
    from remedies.layout import on_stderr  # here: it imports click, which a script skips

    sys.stderr.write(on_stderr(text) + "\n")
    sys.stderr.flush()


def _no_parent_shell() -> str | None:
    return None


@dataclass(frozen=True)
class Context:
    """What a run is given. Built from the process by the command line (from_process), and
    by a test from a temporary HOME and an environment of its own (from_environment, or
    directly): `remedy` then runs in the test's process (cli.run(argv, ctx=...))."""

    home: Path
    env: Mapping[str, str]
    cwd: Path
    runner: Runner = field(default_factory=Runner)
    clock: Callable[[], float] = time.time
    python: str = sys.executable
    interactive: bool = False  # stdin is a terminal: a person can answer our questions
    faults: Faults = field(default_factory=Faults)
    lock_timeout: float = 60.0
    # Where system files (/etc/claude-code, /etc/environment) are read from. Only tests move
    # it, through REMEDY_SYSTEM_ROOT, so that they never touch the machine's own /etc.
    system_root: Path = Path("/")
    platform: str = sys.platform
    # The shell among this process's ancestors, by name, asked only when a command needs to
    # know which shell the user runs (shells.detect): the process tree for the command line,
    # none for a test's Context, whose answer must not depend on what started the tests.
    parent_shell: Callable[[], str | None] = field(default=_no_parent_shell, compare=False)
    # A line while something takes a while ("running your claude in a new zsh..."): on a
    # terminal's stderr only, so stdout (and --json) stays the result alone.
    progress: Callable[[str], None] = field(default=lambda _text: None, compare=False)
    # A warning from below the commands (a remedy file skipped): on stderr, each once per
    # run, however often the layer that finds it is asked.
    warn: Callable[[str], None] = field(default=lambda _text: None, compare=False)
    # Machine scope (--machine): remedy changes Claude Code's managed settings for every user
    # of the machine, keeps its journal in a system folder, and reads nothing in any home.
    machine: bool = False
    # What the run records as it goes; `replace(ctx, ...)` copies share it.
    record: RunRecord = field(default_factory=RunRecord, compare=False)

    def point(self, label: str, can_fail: bool = True) -> None:
        """A step of a transaction, where a fault test may crash or fail the run (Faults)."""
        self.record.points_seen += 1
        seen = self.record.points_seen
        if self.faults.crash_at and seen == self.faults.crash_at:
            sys.stderr.write(f"remedy: test crash at point {seen} ({label})\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        if self.faults.interrupt_at and seen == self.faults.interrupt_at:
            # The real signal, not a raised KeyboardInterrupt: a step that holds Ctrl-C back
            # must be seen to hold it.
            os.kill(os.getpid(), signal.SIGINT)
        if can_fail and self.faults.fail_at and seen == self.faults.fail_at:
            raise FileProblem(f"test failure at point {seen} ({label})")

    @property
    def state_dir(self) -> Path:
        if self.machine:
            # FHS: /var/lib holds a program's state; macOS keeps it under /Library.
            system = (
                "/Library/Application Support/remedy"
                if self.platform == "darwin"
                else ("/var/lib/remedy")
            )
            return self.system_path(system)
        # XDG Base Directory spec: state data in $XDG_STATE_HOME, default ~/.local/state;
        # a relative value is invalid and ignored.
        value = self.env.get("XDG_STATE_HOME", "")
        base = Path(value) if value.startswith("/") else self.home / ".local" / "state"
        return base / "remedy"

    def system_path(self, absolute: str) -> Path:
        """A system file such as /etc/environment, under system_root."""
        return self.system_root / absolute.lstrip("/")

    def given_path(self, typed: str | Path) -> Path:
        """A path the user typed, taken from the folder they typed it in (ctx.cwd), which is
        not this process's when a test runs remedy in its own process."""
        return self.cwd / typed

    def which(self, program: str) -> str | None:
        import shutil

        return shutil.which(program, path=self.env.get("PATH", os.defpath))

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str],
        cwd: Path,
        *,
        interactive: bool = False,
        on_terminal: bool = False,
        parent_shell: Callable[[], str | None] = _no_parent_shell,
    ) -> Context:
        """The Context a run gets in this environment: the one place an environment becomes
        a Context, for the command line and for tests alike. `on_terminal`: stderr is a
        terminal (progress lines are shown)."""
        return cls(
            home=home_from_environment(env),
            env=dict(env),
            cwd=cwd,
            runner=Runner(cwd),
            system_root=Path(env.get("REMEDY_SYSTEM_ROOT") or "/"),
            interactive=interactive,
            progress=_on_terminal if on_terminal else (lambda _text: None),
            warn=_warn_once(),
            faults=Faults.from_environment(env),
            parent_shell=parent_shell,
        )

    @classmethod
    def from_process(cls, parent_shell: Callable[[], str | None] = _no_parent_shell) -> Context:
        """This process's Context; `parent_shell` is how to find the shell among its
        ancestors (the command line passes shells.detect.process_tree_shell: the kernel
        imports no layer)."""
        try:
            cwd = Path.cwd()
        except FileNotFoundError:
            # The folder it was started in was removed since: say which, not a bare
            # "No such file or directory" (found by review).
            raise RemedyError(
                f"the folder you are in ({os.environ.get('PWD') or 'unknown'}) no longer "
                "exists: cd to one that does, then run remedy again"
            ) from None
        return cls.from_environment(
            os.environ,
            cwd,
            # Whether a person is there is a question about the terminal they type at, not
            # about stdout: `remedy apply mantle | tee apply.log` still asks (on stderr).
            interactive=sys.stdin.isatty(),
            on_terminal=sys.stderr.isatty(),
            parent_shell=parent_shell,
        )


def home_from_environment(env: Mapping[str, str] = os.environ) -> Path:
    """The home remedy works in: $HOME, else the running user's from the passwd database."""
    return Path(env.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir)
