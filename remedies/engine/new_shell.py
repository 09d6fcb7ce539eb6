"""The environment each kind of new shell of the user's gets, asked of the real shell.

Static reading of start-up files (claude/sources.py) says where a value may come from; only
the shell itself knows what it ends up with (conditionals, sourced files, frameworks,
plugins). So the shell is run, the way a terminal, an ssh login and an IDE start it:

- from a clean environment (`session_env`): what a new terminal starts from, never remedy's
  own ZDOTDIR, BASH_ENV or ENV, which would send the probe to other files;
- stdin closed, no terminal, in a session of its own, under a timeout (a plugin that prompts
  or sleeps cannot block us);
- with an execution trace where the shell has one: the files it sourced and the file:line of
  each command. The trace holds every value the files set, secrets included, so it is
  parsed in memory here and only file names, line numbers and variable names leave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remedies.context import Context
from remedies.engine.fileio import read_bytes
from remedies.engine.shell_choice import installed
from remedies.engine.startup_bounds import check_read_set, check_startup_file
from remedies.errors import RemedyError
from remedies.output import display, path_shown
from remedies.redact import printable
from shells.base import Mover, Reach, Shell, Where, parse_env_dump
from shells.sourcing.trace import TraceLine

# What a new terminal inherits from the login session, and nothing else of ours.
SESSION_VARIABLES = ("HOME", "USER", "LOGNAME", "PATH", "SHELL", "TERM", "LANG", "TMPDIR")
SESSION_PREFIXES = ("LC_", "XDG_")
# Long enough for a slow framework (oh-my-zsh with many plugins starts in 1-3 s), short
# enough that a start-up file waiting for input fails in seconds, with its name.
PROBE_TIMEOUT = 20.0


_NO_HISTORY = "/dev/null"


def session_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment a new terminal starts its shell with: the session's basics only."""
    clean = {
        name: value
        for name, value in env.items()
        if name in SESSION_VARIABLES or name.startswith(SESSION_PREFIXES)
    }
    clean.setdefault("TERM", "dumb")
    return clean


@dataclass(frozen=True)
class ShellEnv:
    shell: str
    login: bool
    env: dict[str, str]
    interactive: bool = True
    # Files the shell sourced, in order, as its trace shows them (absolute paths).
    sourced: tuple[str, ...] = ()
    # (file, line, name) of each traced assignment of a watched variable, in order.
    set_at: tuple[tuple[str, int, str], ...] = field(default=())

    @property
    def label(self) -> str:
        if not self.interactive:
            return f"{self.shell} -c"
        return f"{'login ' if self.login else ''}{self.shell}"

    def where_set(self, name: str) -> tuple[str, int] | None:
        """The file and line that last set `name` in this shell, when its trace says so."""
        found = [(f, n) for f, n, var in self.set_at if var == name]
        return found[-1] if found else None


def _modes(shell: Shell, executable: str, python: str) -> list[tuple[bool, bool, list[str]]]:
    """(login, interactive, argv) for each kind of new shell that reads start-up files."""
    modes = [
        (login, True, shell.probe_argv(executable, python, login)) for login in shell.probe_modes()
    ]
    script = shell.script_probe_argv(executable, python)
    if script is not None:
        modes.append((False, False, script))
    return modes


def new_shell_envs(
    ctx: Context,
    shell: Shell,
    *,
    timeout: float = PROBE_TIMEOUT,
    watched: Iterable[str] = (),
    traced: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> list[ShellEnv]:
    """One environment per kind of new shell (interactive, login, `SHELL -c`).

    Every start-up file the shell would read is checked first: a device, a pipe or a huge
    file there would make the shell block or eat memory without end, so none is started.
    Untraced (`traced=False`), the shells run as a person's would and only their
    environments come back (no file:line, no sourced files): half the cost on a big
    start-up file, for a question the environment alone answers. `meanwhile`: work done in
    this thread while the shells run (Runner.run_side_by_side)."""
    return envs_of_shells(
        ctx, [shell], timeout=timeout, watched=watched, traced=traced, meanwhile=meanwhile
    )


def envs_of_shells(
    ctx: Context,
    shells: Sequence[Shell],
    *,
    timeout: float = PROBE_TIMEOUT,
    watched: Iterable[str] = (),
    traced: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> list[ShellEnv]:
    """new_shell_envs for several shells, every kind of each started side by side: judging
    every shell a user may start costs one start of the slowest, not one of each."""
    probes = _probe(ctx, shells, timeout, traced, meanwhile)
    names = tuple(watched)
    return [env for shell in shells for env in _as_envs(shell, _answers(probes, shell.name), names)]


def envs_of_each(
    ctx: Context,
    shells: Sequence[Shell],
    *,
    traced: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[ShellEnv], list[tuple[str, str]]]:
    """envs_of_shells where the first shell (the one the user runs) must answer and each
    other may fail on its own: its failure is returned (name, why), not raised."""
    probes = _probe(ctx, shells, PROBE_TIMEOUT, traced, meanwhile)
    envs: list[ShellEnv] = []
    failed: list[tuple[str, str]] = []
    for index, shell in enumerate(shells):
        answer = probes[shell.name]
        if isinstance(answer, RemedyError):
            if index == 0:
                raise answer
            failed.append((shell.name, str(answer)))
            continue
        envs += _as_envs(shell, answer, ())
    return envs, failed


@dataclass(frozen=True)
class _Probe:
    """What one new shell printed: its environment, and its trace (parsed, kept in memory
    only: it holds every value the files set)."""

    login: bool
    interactive: bool
    env: dict[str, str]
    trace: tuple[Any, ...]  # shells.sourcing.TraceLine
    sourced: tuple[str, ...]


def _as_envs(shell: Shell, probes: list[_Probe], names: tuple[str, ...]) -> list[ShellEnv]:
    from shells.sourcing import assignments

    return [
        ShellEnv(
            shell.name,
            probe.login,
            probe.env,
            probe.interactive,
            probe.sourced,
            tuple(assignments(list(probe.trace), names)) if names else (),
        )
        for probe in probes
    ]


@dataclass(frozen=True)
class _Start:
    """One kind of new shell of one shell, to be started."""

    shell: Shell
    login: bool
    interactive: bool
    label: str
    argv: list[str]  # argv[0] may be a name such as -tcsh; the program is `executable`
    executable: str


def _starts(ctx: Context, shell: Shell, traced: bool) -> list[_Start]:
    executable = installed(ctx, shell)
    if executable is None:
        raise RemedyError(f"{shell.name} is not installed here, so its environment cannot be asked")
    check_read_set(shell, static_where(ctx))
    starts = []
    for login, interactive, plain in _modes(shell, executable, ctx.python):
        label = f"{'login ' if login else ''}{shell.name}{'' if interactive else ' -c'}"
        argv = shell.traced(plain) if traced else plain
        starts.append(_Start(shell, login, interactive, label, argv, executable))
    return starts


def _probe(
    ctx: Context,
    shells: Sequence[Shell],
    timeout: float,
    traced: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> dict[str, list[_Probe] | RemedyError]:
    """Every kind of new shell of each of `shells`, started side by side; by shell name,
    what each answered or why it could not be asked (the caller decides whether that
    stops the run: for the shell the user runs it does; for another it may not)."""
    from shells.sourcing import TraceReader, sourced_files

    if not ctx.home.is_dir():
        # Shells start in the home: without one, the error would blame the shell's program
        # ("cannot run /usr/bin/bash: not found", found by review).
        raise RemedyError(f"the home {ctx.home} is not a folder here, so no new shell can start")
    found: dict[str, list[_Probe] | RemedyError] = {shell.name: [] for shell in shells}
    # Every start-up file of every shell is checked before any shell starts.
    starts: list[_Start] = []
    for shell in shells:
        try:
            starts += _starts(ctx, shell, traced)
        except RemedyError as e:
            found[shell.name] = e
    for start in starts:
        ctx.progress(f"asking a new {start.label} what it gets...")
    # No history of the probe: an interactive ksh writes its -c command to ~/.sh_history
    # (an MDM's hourly check grew it without end: found by review). Taken out of the answer
    # again below, unless a start-up file set HISTFILE itself (its history then gets the
    # probe's line: ksh reads HISTFILE after its start-up files).
    base = {**session_env(ctx.env), "HISTFILE": _NO_HISTORY}
    # PS4 is per shell (bash and zsh name file and line differently): each job's own.
    envs = [
        {**base, "PS4": ps4} if traced and (ps4 := start.shell.trace_ps4) else base
        for start in starts
    ]
    # The kinds of new shell are independent processes: asked side by side, a big start-up
    # file costs one run of the shell in wall time, not one per kind.
    jobs = [([start.executable, *start.argv[1:]], start.argv[0]) for start in starts]
    # Each trace is read as the shell writes it, by the thread that reads its output.
    readers = [TraceReader(relevant_only=True) for _ in jobs] if traced else []
    if not jobs:  # every shell failed before it could start
        if meanwhile is not None:
            meanwhile()
        return found
    runs = ctx.runner.run_side_by_side(
        jobs,
        env=base,
        envs=envs,
        timeout=timeout,
        cwd=ctx.home,
        meanwhile=meanwhile,
        on_stderr=[reader.feed for reader in readers],
    )
    for index, (start, done) in enumerate(zip(starts, runs)):
        answers = found[start.shell.name]
        if isinstance(answers, RemedyError):
            continue  # one kind of this shell failed already: that is its answer
        if isinstance(done, RemedyError):
            running = readers[index].last if traced else None
            if running is not None and running.file is None:
                running = _placed(ctx, start.shell, running)
            found[start.shell.name] = _not_finished(ctx, start.label, timeout, done, running)
            continue
        trace = readers[index].finish() if traced else []
        printed = parse_env_dump(done.stdout)
        if printed is not None and printed.get("HISTFILE") == _NO_HISTORY:
            del printed["HISTFILE"]  # ours, not the shell's
        if printed is None:
            # Never a trace line (they start with PS4's "+"): those may hold secrets.
            said = [
                line
                for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and not line.startswith("+")
            ]
            # The shell's own words, from a start-up file: secrets masked, one line, no
            # command of its own (it reached an MDM's console unmasked: found by review).
            last = printable(said[-1].strip()) if said else ""
            found[start.shell.name] = RemedyError(
                f"a new {start.label} printed no environment (exit {done.returncode}"
                f"{': ' + last if last else ''})"
            )
            continue
        sourced = tuple(str(p) for p in sourced_files(trace))
        answers.append(_Probe(start.login, start.interactive, printed, tuple(trace), sourced))
    return found


def _placed(ctx: Context, shell: Shell, running: TraceLine) -> TraceLine:
    """A traced command with no file (bash as root ignores remedy's PS4: docs/shells.md),
    placed by the one line of the shell's own start-up files that holds it, if one does."""
    wanted = running.command.strip()
    found = []
    for path in shell.read_set(static_where(ctx)):
        data = read_bytes(path) if path.is_file() else None
        lines = (data or b"").decode("utf-8", "replace").splitlines()
        found += [(str(path), n) for n, line in enumerate(lines, 1) if line.strip() == wanted]
    if len(found) != 1:
        return running
    return TraceLine(found[0][0], found[0][1], running.command)


def _as_written(running: TraceLine) -> str:
    """The line as its file has it (`$TOKEN`, not the value the trace shows expanded: found
    by review), else only the program the trace names: what it ran with may be a secret."""
    if running.file and running.line:
        data = read_bytes(Path(running.file)) if Path(running.file).is_file() else None
        lines = (data or b"").decode("utf-8", "replace").splitlines()
        if 0 < running.line <= len(lines):
            return lines[running.line - 1].strip()
    words = running.command.split()
    return f"{words[0]} ..." if words else ""


WAITING_DOCS = 'docs/shells.md, "A start-up file that waits"'


def _not_finished(
    ctx: Context, label: str, timeout: float, error: RemedyError, running: TraceLine | None
) -> RemedyError:
    """Why a new shell could not be asked: it did not finish. Traced, the line it was
    running when it was stopped is named (xtrace writes a line before running it), secrets
    masked (issue 26: 20 silent seconds and no culprit)."""
    if "did not finish" not in str(error):
        return error
    if running is not None:
        where = display(ctx, running.file) + f":{running.line}: " if running.file else ""
        command = printable(_as_written(running))[:80]
        culprit = f"it was running {where}{command}"
    else:
        culprit = "one of its start-up files waits for something (input, the network, a sleep)"
    said = RemedyError(
        f"a new {label} did not finish within {timeout:g} s: {culprit}; until it finishes, "
        "remedy cannot tell what new shells get. Let that line wait only at a terminal "
        f"([ -t 0 ] && ...): the shells remedy asks have none ({WAITING_DOCS})"
    )
    said.__cause__ = error
    return said


def _answers(found: Mapping[str, list[_Probe] | RemedyError], name: str) -> list[_Probe]:
    answer = found[name]
    if isinstance(answer, RemedyError):
        raise answer
    return answer


def movers() -> list[tuple[Shell, Mover]]:
    """Each variable that moves start-up files (Shell.movers), once, with the first shell
    that names it (ksh and mksh read ENV as sh does)."""
    from shells import SHELLS

    found: dict[tuple[str, str], tuple[Shell, Mover]] = {}
    for shell in SHELLS:
        for mover in shell.movers:
            found.setdefault((mover.variable, mover.set_in), (shell, mover))
    return list(found.values())


def moved_later(envs: list[ShellEnv]) -> dict[str, str]:
    """Variables as the shell itself resolved them that move its later files (ZDOTDIR:
    ~/.zshenv may move every later file there)."""
    later: dict[str, str] = {}
    for shell, mover in movers():
        if mover.reach is not Reach.LATER_FILES:
            continue
        for env in envs:
            value = env.env.get(mover.variable, "")
            if env.shell == shell.name and value.startswith("/"):
                later.setdefault(mover.variable, value)
                break
    return later


def startup_where(ctx: Context, envs: list[ShellEnv]) -> Where:
    """Where the shells look for their files: the session's environment, plus what a shell's
    first file set that moves its later ones (ZDOTDIR as zsh's own ~/.zshenv sets it;
    remedy's own never counts). A variable that reaches the session (ENV, which names the
    file sh and ksh read): the value a login shell ended with, else the session's."""
    env = session_env(ctx.env)
    later = moved_later(envs)
    for _shell, mover in movers():
        if mover.reach is not Reach.SESSION:
            continue
        name = mover.variable
        named = next((e.env[name] for e in envs if e.login and name in e.env), ctx.env.get(name))
        if named:
            env[name] = named
    return Where(ctx.home, env, later)


def _asked_key(ctx: Context, shell: Shell) -> tuple[str, ...]:
    session = tuple(sorted(session_env(ctx.env).items()))
    return ("new-shell", shell.name, str(ctx.home), repr(session))


def answered(ctx: Context, shell: Shell) -> bool:
    """Whether asked_each() already knows what new shells of this one get, in this run."""
    return _asked_key(ctx, shell) in ctx.record.asked


def asked_each(
    ctx: Context,
    shells: Sequence[Shell],
    watched: Iterable[str] = (),
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[ShellEnv], list[tuple[str, RemedyError]]]:
    """new_shell_envs of each of `shells`, asked once per run for the same shell and
    session (a second question about other names reads the same traces: a big start-up file
    costs a shell run each); those not yet asked are started side by side. `meanwhile` is
    done while the shells run, or at once when every answer is known. The shells that could
    not be asked (a start-up file that waits, a hostile file) come back by name with why,
    never raised: the caller decides (claude.asking: the shell the user runs must answer)."""
    names = tuple(sorted(set(watched)))
    to_ask = [shell for shell in shells if not answered(ctx, shell)]
    if to_ask:
        found = _probe(ctx, to_ask, PROBE_TIMEOUT, meanwhile=meanwhile)
        for shell in to_ask:
            ctx.record.asked[_asked_key(ctx, shell)] = found[shell.name]
    elif meanwhile is not None:
        meanwhile()
    envs: list[ShellEnv] = []
    failed: list[tuple[str, RemedyError]] = []
    for shell in shells:
        answer = ctx.record.asked[_asked_key(ctx, shell)]
        if isinstance(answer, RemedyError):
            failed.append((shell.name, answer))
            continue
        assert isinstance(answer, list)
        envs += _as_envs(shell, answer, names)
    return envs, failed


def static_where(ctx: Context) -> Where:
    """Where the shells look, read from the files alone, before any shell is started: what
    each mover's file sets (the ZDOTDIR ~/.zshenv sets, the ENV ~/.profile exports; a device
    or a huge file named there must be refused before a shell reads it)."""
    from shells.sourcing import static_variables

    env = session_env(ctx.env)
    where = Where(ctx.home, env)
    later: dict[str, str] = {}
    for shell, mover in movers():
        path = ctx.home / mover.set_in
        check_startup_file(path, path_shown(path, ctx.home))
        try:
            data = read_bytes(path)
        except RemedyError:
            continue
        value = static_variables(shell, data, where).get(mover.variable) if data else None
        if value and value.startswith("/"):
            moved = later if mover.reach is Reach.LATER_FILES else env
            moved[mover.variable] = value
    return Where(ctx.home, env, later)
