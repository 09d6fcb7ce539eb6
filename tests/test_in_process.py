"""remedy run in the test process (cli.run with a Context the test builds) is remedy run as a
program: the same answers, from the same environment, whatever started the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from remedies.context import Context
from tests.conftest import Sandbox
from tests.support.inprocess import remedy_in_process

BEDROCK = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n"

# Commands whose whole output is a function of the home: compared byte for byte.
# (what runs first, as a program; the command compared)
APPLIED = ("apply", "mantle", "--yes", "--shell", "bash")
SAME_EITHER_WAY: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    ((), ("status",)),
    ((), ("list",)),
    # --shell: the program, unlike a test's Context, asks its process tree (shells.detect).
    ((), ("doctor", "--json", "--shell", "bash")),
    ((), ("apply", "mantle", "--dry-run")),
    ((), ("apply", "mantle", "--yes", "--json")),
    (APPLIED, ("status", "--json")),
    (APPLIED, ("revert", "--yes", "--json")),
    ((), ("apply", "no-such-remedy")),
    ((), ("check", "./missing.toml")),
    ((), ("--help",)),
]


@pytest.mark.real_shell
def test_a_run_in_the_test_process_answers_as_the_program_does(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Each command twice from the same home: in the test process and as `python -m
    remedies`; code, stdout and stderr the same (times and ids aside)."""
    sandbox.write(".bashrc", BEDROCK)
    pristine = tmp_path / "pristine"
    shutil.copytree(sandbox.home, pristine, symlinks=True)

    def fresh() -> None:
        shutil.rmtree(sandbox.home)
        shutil.copytree(pristine, sandbox.home, symlinks=True)

    for setup, args in SAME_EITHER_WAY:
        answers = []
        for process in (False, True):
            fresh()
            if setup:
                assert sandbox.remedy(*setup, process=True).code == 0
            done = sandbox.remedy(*args, process=process)
            out = _without_times(done.stdout) if "--json" in args else done.stdout
            answers.append((done.code, out, done.stderr))
        assert answers[0] == answers[1], args


def _without_times(document: str) -> str:
    import json

    def strip(value: object) -> object:
        if isinstance(value, dict):
            skip = {"txid", "at", "when", "applied_at", "time"}
            return {k: strip(v) for k, v in value.items() if k not in skip}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(json.loads(document)), sort_keys=True)


def test_the_shell_is_the_contexts_not_the_one_that_started_the_tests(tmp_path: Path) -> None:
    """Shell detection asks the Context: a test's answer never depends on whether pytest ran
    under bash, zsh, make or setsid (it did: 6 catalogue tests failed under setsid)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "REMEDY_SYSTEM_ROOT": str(tmp_path)}
    for shell_env, parent, judged in [
        ({"SHELL": "/usr/bin/zsh"}, lambda: None, "zsh"),
        ({"SHELL": "/bin/bash"}, lambda: "fish", "fish"),
        # `sh` above us is a make or npm `sh -c`: $SHELL is the better answer.
        ({"SHELL": "/usr/bin/zsh"}, lambda: "sh", "zsh"),
    ]:
        ctx = Context.from_environment({**env, **shell_env}, home, parent_shell=parent)
        from remedies.engine.shell_choice import choose_shells

        assert [s.name for s in choose_shells(ctx, (), False)] == [judged]
    code, _out, err = remedy_in_process(("doctor", "--json"), {**env}, home)
    assert code == 2 and b"cannot tell which shell you use" in err


def test_debug_traceback_when_run_as_remedies_cli(sandbox: Sandbox) -> None:
    """`python -m remedies.cli --debug` with a failure printed the NameError of a function
    defined below the `__main__` block instead of the traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "remedies.cli", "--debug", "check", "./missing.toml"],
        env=sandbox.env,
        cwd=sandbox.home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "NameError" not in done.stderr and "no such remedy file" in done.stderr, done.stderr
