"""Acceptance: remedy is right on the dotfiles people really have ("What a new shell really
runs").

Every home in tests.support.homes is laid out the way a popular public set-up lays it out,
with Bedrock switched on in a file that a top-level start-up file sources. For each:

1. the real shell there really gets CLAUDE_CODE_USE_BEDROCK=1 (this proves the home);
2. `remedy doctor`, started the way cron or Ansible start it, names that file and line;
3. `remedy apply mantle` leaves every kind of new shell (interactive, login, `zsh -c`)
   on Mantle with the right region;
4. applying again changes no byte;
5. `remedy revert` gives every byte (and every link) back.

The steps of one home run in that order on one home; each step runs for every selected home
at once (a few at a time), the first time any test asks for it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest

from shells.base import print_env_argv
from tests.conftest import Result, Sandbox, printed_env, require_program
from tests.support.homes import ALL, DEBIAN_PROFILE, INTERACTIVE, LOGIN, SCRIPT, Layout

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"
MANTLE = "CLAUDE_CODE_USE_MANTLE"
DEFAULT_REGION = "us-east-1"

# Every kind of new shell a shell has: bash -c reads no start-up file at all, so it has none
# of its own; zsh -c reads .zshenv, fish -c reads all of fish's configuration.
KINDS = {
    "bash": (INTERACTIVE, LOGIN),
    "zsh": (INTERACTIVE, LOGIN, SCRIPT),
    "fish": (INTERACTIVE, LOGIN, SCRIPT),
}

# Caches that shells and plugins write for themselves while they start (compinit's dump,
# oh-my-zsh's cache, direnv's list of allowed .envrc files): never remedy's to keep.
TOOL_OWNED_PREFIXES = (".cache/", ".oh-my-zsh/cache/", ".local/share/direnv/", ".local/share/fish/")


def is_on(value: str | None) -> bool:
    """Claude Code's truthiness: 1, true, yes, on (trimmed, any case)."""
    return value is not None and value.strip().lower() in {"1", "true", "yes", "on"}


def snapshot(sandbox: Sandbox) -> dict[str, bytes]:
    return {
        path: data
        for path, data in sandbox.snapshot().items()
        if not path.startswith(TOOL_OWNED_PREFIXES) and not Path(path).name.startswith(".zcompdump")
    }


def links(home: Path) -> dict[str, str]:
    """Every symbolic link under HOME and where it points."""
    return {
        str(path.relative_to(home)): os.readlink(path)
        for path in sorted(home.rglob("*"))
        if path.is_symlink()
    }


# --- asking a new shell ----------------------------------------------------------------------

_T = TypeVar("_T")


def attempt(make: Callable[[], _T]) -> _T | BaseException:
    try:
        return make()
    except Exception as e:  # kept, and raised again in the test that looks at it
        return e


def unwrap(value: _T | BaseException) -> _T:
    if isinstance(value, BaseException):
        raise value
    return value


def own_probe(
    sandbox: Sandbox, shell: str, flags: list[str], cwd: Path, before: str = ""
) -> dict[str, str]:
    """`SHELL FLAGS -c '<before>exec python …'`: the environment printed with the same
    sentinel as shells.base.print_env_argv, so a start-up file's greeting cannot mix in."""
    executable = require_program(shell)
    program, *_flags, code = print_env_argv(sys.executable)
    # Handed over in the environment, so no shell's quoting is involved.
    env = {**sandbox.env, "REMEDY_TEST_PY": program, "REMEDY_TEST_CODE": code}
    command = f'{before}exec "$REMEDY_TEST_PY" -c "$REMEDY_TEST_CODE"'
    what = f"{shell} {' '.join(flags)} -c"
    found = printed_env([executable, *flags, "-c", command], env, cwd, what=what)
    found.pop("REMEDY_TEST_PY", None)
    found.pop("REMEDY_TEST_CODE", None)
    return found


# What bash runs before its first prompt (direnv's hook is one of them): `bash -ic` shows no
# prompt, so a project's .envrc is loaded only when this runs first.
PROMPT_COMMANDS = 'for _c in "${PROMPT_COMMAND[@]}"; do eval "$_c"; done; unset _c; '


def new_shell_env(sandbox: Sandbox, layout: Layout, kind: str) -> dict[str, str]:
    """The environment a new shell of this kind gets, asked of the real shell."""
    if layout.project is not None:
        assert layout.shell == "bash", "only bash projects are laid out"
        flags = ["-l", "-i"] if kind == LOGIN else ["-i"]
        cwd = sandbox.home / layout.project
        return own_probe(sandbox, "bash", flags, cwd, before=PROMPT_COMMANDS)
    if kind == SCRIPT:
        return own_probe(sandbox, layout.shell, [], sandbox.home)
    return sandbox.shell_env(layout.shell, login=kind == LOGIN)


# --- one home's story, step by step -----------------------------------------------------------


@dataclass
class Applied:
    before: dict[str, bytes]  # every file just before apply
    links_before: dict[str, str]
    result: Result
    links_after: dict[str, str]
    envs: dict[str, dict[str, str] | BaseException]  # new shells after apply, per kind


@dataclass
class Again:
    before: dict[str, bytes]  # every file just before the second apply
    result: Result
    after: dict[str, bytes]
    status: Result


@dataclass
class Reverted:
    result: Result
    after: dict[str, bytes]
    links_after: dict[str, str]


@dataclass
class Story:
    layout: Layout
    sandbox: Sandbox
    done: dict[str, Any] = field(default_factory=dict)

    @property
    def cwd(self) -> Path:
        return self.sandbox.home / (self.layout.project or "")

    def apply_args(self) -> list[str]:
        layout = self.layout
        args = ["apply", "mantle", "--yes", "--shell", layout.shell]
        if layout.region is None and layout.configured_region is None:
            args += ["--region", DEFAULT_REGION]
        if layout.project is not None:
            args.append("--project")
        return args

    def expected_region(self) -> str:
        return self.layout.region or self.layout.configured_region or DEFAULT_REGION

    # The steps, in the order they must run on this home.

    def probe(self, kinds: tuple[str, ...]) -> dict[str, dict[str, str] | BaseException]:
        return {
            kind: attempt(partial(new_shell_env, self.sandbox, self.layout, kind)) for kind in kinds
        }

    def before(self) -> dict[str, dict[str, str] | BaseException]:
        return self.probe(KINDS[self.layout.shell])

    def doctor(self) -> Result:
        # As cron or Ansible start it: none of the variables in its environment, no terminal,
        # stdin at its end (sandbox.remedy gives /dev/null).
        return self.sandbox.remedy(
            "doctor", "--json", "--shell", self.layout.shell, cwd=self.cwd, timeout=200
        )

    def apply(self) -> Applied:
        home = self.sandbox.home
        before, links_before = snapshot(self.sandbox), links(home)
        result = self.sandbox.remedy(*self.apply_args(), cwd=self.cwd, timeout=200)
        links_after = links(home)
        envs = self.probe(KINDS[self.layout.shell])
        return Applied(before, links_before, result, links_after, envs)

    def again(self) -> Again:
        before = snapshot(self.sandbox)
        result = self.sandbox.remedy(*self.apply_args(), cwd=self.cwd, timeout=200)
        after = snapshot(self.sandbox)
        return Again(before, result, after, self.sandbox.remedy("status", "--json"))

    def revert(self) -> Reverted:
        result = self.sandbox.remedy("revert", "--yes", cwd=self.cwd, timeout=200)
        return Reverted(result, snapshot(self.sandbox), links(self.sandbox.home))


STEPS: tuple[str, ...] = ("before", "doctor", "apply", "again", "revert")
# Several homes at a time: most of a step is waiting for shells and interpreters to start.
WORKERS = max(2, min(6, 2 * (os.cpu_count() or 1)))


def run_step(story: Story, step: str) -> Any:
    return attempt(getattr(story, step))


class Stories:
    """The selected homes; a step asked for one home runs, with the steps before it, for every
    home that has not had it yet, several at a time."""

    def __init__(self, root: Path, names: list[str]) -> None:
        self.root = root
        self.names = names
        self.stories: dict[str, Story | BaseException] = {}

    def _build(self, name: str) -> Story | BaseException:
        home = self.root / name / "home"
        home.mkdir(parents=True)
        return attempt(lambda: Story(ALL[name](home), Sandbox(home)))

    def story(self, name: str) -> Story:
        if not self.stories:
            for each in self.names:
                self.stories[each] = self._build(each)
        found = self.stories.get(name)
        if found is None:
            found = self.stories[name] = self._build(name)
        if isinstance(found, FileNotFoundError) and found.filename:
            require_program(str(found.filename))  # fish or direnv missing: skip (fail in CI)
        story = unwrap(found)
        require_program(story.layout.shell)
        return story

    def result(self, name: str, step: str) -> Any:
        self.story(name)
        for current in STEPS[: STEPS.index(step) + 1]:
            waiting = [
                s for s in self.stories.values() if isinstance(s, Story) and current not in s.done
            ]
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                outcomes = list(pool.map(run_step, waiting, [current] * len(waiting)))
            for story, outcome in zip(waiting, outcomes):
                story.done[current] = outcome
        return unwrap(unwrap(self.stories[name]).done[step])


NAMES = list(ALL)


@pytest.fixture(scope="module")
def stories(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Stories:
    selected = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "module", None) is request.module and "name" in params:
            selected.append(str(params["name"]))
    return Stories(tmp_path_factory.mktemp("dotfiles"), list(dict.fromkeys(selected)))


@pytest.fixture(params=NAMES)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def check_new_shell(env: dict[str, str], kind: str, region: str) -> None:
    assert not is_on(env.get(BEDROCK)), f"a new {kind} shell still has {BEDROCK}={env[BEDROCK]!r}"
    assert env.get(MANTLE) == "1", f"a new {kind} shell has {MANTLE}={env.get(MANTLE)!r}"
    assert env.get("AWS_REGION") == region, (
        f"a new {kind} shell has AWS_REGION={env.get('AWS_REGION')!r}, not {region!r}"
    )


# --- the five steps, for every home -------------------------------------------------------------


@pytest.mark.real_shell
def test_the_home_is_real(stories: Stories, name: str) -> None:
    layout = stories.story(name).layout
    assert layout.name == name, "each builder is listed under its own name"
    envs = stories.result(name, "before")
    for kind in KINDS[layout.shell]:
        env = unwrap(envs[kind])
        if kind not in layout.modes:
            # The layout says this kind of shell reads none of it (`zsh -c` reads only .zshenv).
            assert BEDROCK not in env, f"a new {kind} {layout.shell} gets {BEDROCK} too"
            continue
        assert env.get(BEDROCK) == "1", f"a new {kind} {layout.shell} does not get {BEDROCK}=1"
        if layout.region is not None:
            assert env.get("AWS_REGION") == layout.region, (kind, env.get("AWS_REGION"))
        if layout.project is not None:
            assert env.get("PROJECT_ENV") == "dev", f"direnv did not load the .envrc ({kind})"


@pytest.mark.real_shell
def test_doctor_names_the_file_and_line(stories: Stories, name: str) -> None:
    story = stories.story(name)
    result = stories.result(name, "doctor")
    assert result.code == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    report = result.json()
    assert report["provider"] == "bedrock", report["provider"]
    assert report["affected"] is True
    relative, line = story.layout.sets_bedrock_at
    target = (story.sandbox.home / relative).resolve()
    named = [
        (s.get("path"), s.get("line"))
        for s in report["sources"]
        if s["var"] == BEDROCK and s.get("path")
    ]
    assert any(Path(path).resolve() == target and at == line for path, at in named), (
        f"doctor does not name ~/{relative}:{line} for {BEDROCK}; it names {named}"
    )


@pytest.mark.real_shell
def test_apply_fixes_every_kind_of_new_shell(stories: Stories, name: str) -> None:
    story = stories.story(name)
    applied: Applied = stories.result(name, "apply")
    if story.layout.refused_at is not None:
        # Disabling the line would drop the other variables it sets: refused, by line,
        # before anything else is said (not "no region"), and nothing written.
        line = applied.result.refused(story.layout.refused_at, "cannot disable")
        assert "needs an AWS region" not in line
        assert snapshot(story.sandbox) == applied.before
        return
    assert applied.result.code == 0, applied.result.stderr[-3000:]
    assert applied.links_after == applied.links_before, (
        "a linked start-up file must stay a link (it lives in the user's dotfiles repo)"
    )
    for kind, env in applied.envs.items():
        found = unwrap(env)
        check_new_shell(found, kind, story.expected_region())
        if story.layout.project is not None:
            assert found.get("PROJECT_ENV") == "dev", (
                f"the project's .envrc no longer loads in a new {kind} shell"
            )


@pytest.mark.real_shell
def test_second_apply_changes_nothing(stories: Stories, name: str) -> None:
    applied: Applied = stories.result(name, "apply")
    if stories.story(name).layout.refused_at is not None:
        pytest.skip("apply refuses here (see test_apply_fixes_every_kind_of_new_shell)")
    assert applied.result.code == 0, applied.result.stderr[-3000:]
    again: Again = stories.result(name, "again")
    assert again.result.code == 0, again.result.stderr[-3000:]
    changed = sorted(
        p for p in set(again.before) | set(again.after) if again.before.get(p) != again.after.get(p)
    )
    assert not changed, f"the second apply changed {changed}"
    assert again.status.code == 0, again.status.stderr[-3000:]
    entries = again.status.json()["applied"]
    assert len(entries) == 1, entries


def test_revert_is_byte_exact(stories: Stories, name: str) -> None:
    applied: Applied = stories.result(name, "apply")
    if stories.story(name).layout.refused_at is not None:
        pytest.skip("apply refuses here (see test_apply_fixes_every_kind_of_new_shell)")
    assert applied.result.code == 0, applied.result.stderr[-3000:]
    reverted: Reverted = stories.result(name, "revert")
    assert reverted.result.code == 0, reverted.result.stderr[-3000:]
    changed = sorted(
        p
        for p in set(applied.before) | set(reverted.after)
        if applied.before.get(p) != reverted.after.get(p)
    )
    assert not changed, f"revert left these different from before apply: {changed}"
    assert reverted.links_after == applied.links_before


# --- start-up files that misbehave ----------------------------------------------------------------


@dataclass
class Run:
    code: int | None  # None: still running when we stopped waiting
    seconds: float
    stdout: str
    stderr: str

    def result(self) -> Result:
        assert self.code is not None, f"remedy was still running after {self.seconds:.0f} s"
        return Result(self.code, self.stdout, self.stderr)


def processes_of(home: Path) -> list[int]:
    """Processes whose HOME is this sandbox's: what remedy, or the shells it started, left
    running."""
    marker = f"HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def end(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def leftovers() -> Iterator[list[Path]]:
    """Homes whose stray processes (a `sleep 300` a start-up file started) are ended after the
    test, by id, whatever the test found."""
    homes: list[Path] = []
    yield homes
    for home in homes:
        end(processes_of(home))


def run_remedy(
    sandbox: Sandbox,
    *args: str,
    stdin_open: bool = False,
    limit: float = 200,
) -> Run:
    """remedy in a session of its own, output to files (a stray child holding a pipe cannot
    make us wait), stdin at its end or, with stdin_open, a pipe nobody writes to (a terminal
    nobody types in)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "remedies", *args],
            env=sandbox.env,
            cwd=sandbox.home,
            stdin=subprocess.PIPE if stdin_open else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            code: int | None = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            code = None
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        finally:
            if process.stdin is not None:
                process.stdin.close()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Run(
            code, seconds, out.read().decode(errors="replace"), err.read().decode(errors="replace")
        )


def assert_refused(**runs: Run) -> None:
    """Each command failed cleanly: exit 1, one line on stderr naming the shell, no
    traceback. Every command's outcome is shown, not only the first one that is wrong."""
    wrong = {}
    for command, run in runs.items():
        try:
            run.result().refused("bash")
        except AssertionError as e:
            wrong[command] = f"after {run.seconds:.0f} s: {str(e)[:1500]}"
    assert not wrong, wrong


def in_parallel(*calls: Callable[[], Run]) -> list[Run]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def new_home(tmp_path: Path, label: str, files: dict[str, str]) -> Sandbox:
    home = tmp_path / label / "home"
    home.mkdir(parents=True)
    sandbox = Sandbox(home)
    for relative, text in files.items():
        sandbox.write(relative, text)
    return sandbox


@pytest.mark.slow
def test_a_start_up_file_that_hangs_is_a_clear_failure_not_a_hang(
    tmp_path: Path, leftovers: list[Path]
) -> None:
    """`sleep 300` in ~/.bashrc (a network mount, a slow `nvm`): doctor and apply give up
    within a bounded time, with one line, change nothing, and leave no process behind."""
    require_program("bash")
    files = {
        ".bashrc": (
            "export CLAUDE_CODE_USE_BEDROCK=1\n# waits for the office NFS mount\nsleep 300\n"
        ),
        ".profile": DEBIAN_PROFILE,
    }
    doctor_home = new_home(tmp_path, "doctor", files)
    apply_home = new_home(tmp_path, "apply", files)
    leftovers += [doctor_home.home, apply_home.home]
    before = snapshot(apply_home)
    doctor, apply = in_parallel(
        lambda: run_remedy(doctor_home, "doctor", "--json", "--shell", "bash"),
        lambda: run_remedy(
            apply_home, "apply", "mantle", "--yes", "--shell", "bash", "--region", "us-east-1"
        ),
    )
    assert_refused(doctor=doctor, apply=apply)
    assert snapshot(apply_home) == before, "a failed apply must change nothing"
    time.sleep(1)
    for sandbox in (doctor_home, apply_home):
        assert not processes_of(sandbox.home), "remedy left the start-up file's processes running"


@pytest.mark.real_shell
def test_a_plugin_that_reads_stdin_does_not_block(tmp_path: Path, leftovers: list[Path]) -> None:
    """A plugin that asks a question (`read -r x` in ~/.zshrc) when remedy's stdin is a pipe
    nobody writes to: remedy must not hand it its stdin; doctor and apply work as usual."""
    require_program("zsh")
    zshrc = (
        "# a plugin asks on first run\n"
        'print -n "[plugin] set up now? [y/N] "\n'
        "read -r x\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    sandbox = new_home(tmp_path, "stdin", {".zshrc": zshrc})
    leftovers.append(sandbox.home)
    # The home is real: a new zsh whose stdin is such a pipe waits for an answer.
    waiting = subprocess.Popen(
        [require_program("zsh"), "-i", "-c", "exit 0"],
        env=sandbox.env,
        cwd=sandbox.home,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=2)
    finally:
        waiting.kill()
        waiting.wait()
        assert waiting.stdin is not None
        waiting.stdin.close()

    doctor = run_remedy(sandbox, "doctor", "--json", "--shell", "zsh", stdin_open=True).result()
    assert doctor.code == 0, doctor.stderr[-3000:]
    report = doctor.json()
    assert report["provider"] == "bedrock"
    zshrc_at = (sandbox.home / ".zshrc").resolve()
    bedrock_at = [(s.get("path"), s.get("line")) for s in report["sources"] if s["var"] == BEDROCK]
    assert any(
        path and Path(path).resolve() == zshrc_at and line == 4 for path, line in bedrock_at
    ), bedrock_at

    applied = run_remedy(
        sandbox,
        "apply",
        "mantle",
        "--yes",
        "--shell",
        "zsh",
        "--region",
        "us-east-1",
        stdin_open=True,
    ).result()
    assert applied.code == 0, applied.stderr[-3000:]
    layout = Layout("stdin", "zsh", (".zshrc", 4), None, "")
    for kind in KINDS["zsh"]:
        check_new_shell(new_shell_env(sandbox, layout, kind), kind, "us-east-1")


@pytest.mark.real_shell
def test_a_start_up_file_that_exits_is_a_clear_failure(
    tmp_path: Path, leftovers: list[Path]
) -> None:
    """A sourced script calls `exit 1` (a VPN client's env script when the VPN is down): no
    new interactive bash ever runs a command, so remedy cannot learn what one gets. It says so
    in one line and changes nothing; it never reports success."""
    require_program("bash")
    bashrc = "export CLAUDE_CODE_USE_BEDROCK=1\n# the VPN client's environment\n. ~/.vpn/env.sh\n"
    vpn = 'echo "vpn: not connected" >&2\nexit 1\n'
    sandbox = new_home(
        tmp_path, "exits", {".bashrc": bashrc, ".profile": DEBIAN_PROFILE, ".vpn/env.sh": vpn}
    )
    leftovers.append(sandbox.home)
    probe = subprocess.run(
        ["bash", "-i", "-c", "echo ran"],
        env=sandbox.env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 1 and b"ran" not in probe.stdout, "the home must really exit"
    before = snapshot(sandbox)
    doctor, apply = (
        run_remedy(sandbox, "doctor", "--json", "--shell", "bash"),
        run_remedy(sandbox, "apply", "mantle", "--yes", "--shell", "bash", "--region", "us-east-1"),
    )
    assert_refused(doctor=doctor, apply=apply)
    assert snapshot(sandbox) == before, "a failed apply must change nothing"
