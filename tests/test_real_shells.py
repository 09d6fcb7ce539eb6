"""End to end with real shells: plant a user's set-up, apply, ask a new shell for its
environment, apply again (no byte changes), revert (every byte back, old environment back)."""

from __future__ import annotations

import json

import pytest

from shells import shell_named
from tests.conftest import Sandbox, probe, require_program

pytestmark = [pytest.mark.real_shell]

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"
MANTLE = "CLAUDE_CODE_USE_MANTLE"

# An affected user's files per shell: Bedrock switched on in several of the files that shell
# reads, with CRLF, a missing final newline and non-UTF-8 bytes to keep us honest.
PLANTED: dict[str, dict[str, bytes]] = {
    "bash": {
        ".bashrc": b"# \xff latin-1 caf\xe9\nexport CLAUDE_CODE_USE_BEDROCK=1\nalias ll='ls -l'\n",
        ".bash_profile": b"[ -f ~/.bashrc ] && . ~/.bashrc\nexport CLAUDE_CODE_USE_BEDROCK=true",
    },
    "zsh": {
        ".zshenv": b"export CLAUDE_CODE_USE_BEDROCK=1\n",
        ".zshrc": b"setopt no_beep\r\nexport CLAUDE_CODE_USE_BEDROCK=1\r\n",
        ".zprofile": b"CLAUDE_CODE_USE_BEDROCK=on; export CLAUDE_CODE_USE_BEDROCK\n",
    },
    "sh": {".profile": b"PATH=$HOME/bin:$PATH\nexport CLAUDE_CODE_USE_BEDROCK=1\n"},
    "ksh": {
        ".profile": b"export CLAUDE_CODE_USE_BEDROCK=1\n",
        ".kshrc": b"export CLAUDE_CODE_USE_BEDROCK=1",
    },
    "fish": {
        ".config/fish/config.fish": (
            b"if status is-interactive\n    set -gx CLAUDE_CODE_USE_BEDROCK 1\nend\n"
        ),
        ".config/fish/conf.d/work.fish": b"set -x CLAUDE_CODE_USE_BEDROCK 1\n",
    },
    "tcsh": {
        ".tcshrc": b"setenv CLAUDE_CODE_USE_BEDROCK 1\nset prompt='%n> '\n",
        ".login": b"setenv CLAUDE_CODE_USE_BEDROCK 1\n",
    },
}
# Which kinds of new shell (non-login, login) read start-up files, as each shell says.
MODES = {name: shell_named(name).probe_modes() for name in PLANTED}  # type: ignore[union-attr]

SHELLS = sorted(PLANTED)


def plant(sandbox: Sandbox, shell: str) -> dict[str, bytes]:
    for relative, data in PLANTED[shell].items():
        sandbox.write(relative, data)
    return sandbox.snapshot()


def envs(sandbox: Sandbox, shell: str) -> list[dict[str, str]]:
    return [sandbox.shell_env(shell, login) for login in MODES[shell]]


@pytest.mark.parametrize("shell", SHELLS)
def test_mantle_apply_again_and_revert(sandbox: Sandbox, shell: str) -> None:
    original = plant(sandbox, shell)
    before = envs(sandbox, shell)
    assert all(env.get(BEDROCK) for env in before), "the planted set-up must be broken first"

    applied = sandbox.remedy(
        "apply", "mantle", "--shell", shell, "--region", "eu-west-3", "--yes", "--json"
    )
    assert applied.code == 0, applied.stderr
    assert applied.json()["changed"] is True
    for env in envs(sandbox, shell):
        assert BEDROCK not in env
        assert env.get(MANTLE) == "1"
        assert env.get("AWS_REGION") == "eu-west-3"

    after_first = sandbox.snapshot()
    again = sandbox.remedy(
        "apply", "mantle", "--shell", shell, "--region", "eu-west-3", "--yes", "--json"
    )
    assert again.code == 0, again.stderr
    assert again.json()["changed"] is False
    assert sandbox.snapshot() == after_first

    reverted = sandbox.remedy("revert", "--yes", "--json")
    assert reverted.code == 0, reverted.stderr
    assert reverted.json()["changed"] is True
    assert sandbox.snapshot() == original
    assert envs(sandbox, shell) == before


@pytest.mark.parametrize("shell", SHELLS)
def test_mantle_unsets_bedrock_inherited_from_the_parent(sandbox: Sandbox, shell: str) -> None:
    """`unset` in our block covers a value that comes from elsewhere (a parent, /etc)."""
    result = sandbox.remedy("apply", "mantle", "--shell", shell, "--region", "us-east-1", "--yes")
    assert result.code == 0, result.stderr
    sandbox_env = {**sandbox.env, BEDROCK: "1"}
    found = shell_named(shell)
    assert found is not None
    executable = require_program(found.executables[0])
    for login in MODES[shell]:
        assert BEDROCK not in probe(found, executable, sandbox_env, login)


HOSTILE_VALUES = [
    '{"q": "it\'s \\"quoted\\"", "d": "$HOME ${HOME} $(touch CANARY) `touch CANARY`"}',
    '{"bang": "!! !$ !-1 !touch", "bs": "\\\\ \\\\\\\\ \\n", "pct": "%s %d %n #not-a-comment"}',
    '{\n  "newline": "between tokens",\n\t"tab": "too"\n}',
    '{"unicode": "caf\u00e9 \u65e5\u672c \U0001f389 \u2018smart\u2019 \u201cquotes\u201d"}',
    '{"tilde": "~ ~root *.txt ? [a] {a,b}", "semi": "; && || | > < &"}',
    '{"trailing": "space "}   ',
    "{" + ",".join(f'"k{i}": "{"x" * 50}"' for i in range(200)) + "}",
]


@pytest.mark.parametrize("shell", SHELLS)
def test_extra_body_hostile_values_read_back_exactly(sandbox: Sandbox, shell: str) -> None:
    plant(sandbox, shell)
    original = sandbox.snapshot()
    for value in HOSTILE_VALUES:
        result = sandbox.remedy("apply", "extra-body", "--shell", shell, "--value", value, "--yes")
        assert result.code == 0, result.stderr
        for env in envs(sandbox, shell):
            assert env.get("CLAUDE_CODE_EXTRA_BODY") == value
        assert not list(sandbox.home.rglob("CANARY")), "a value ran as code"
        assert json.loads(value) is not None
    assert sandbox.remedy("revert", "extra-body", "--yes").code == 0
    assert sandbox.snapshot() == original


def test_fish_exported_universal_is_taken_out_and_put_back(sandbox: Sandbox) -> None:
    """No start-up line can hide an exported universal from children (fish 3.6), so mantle
    edits fish_variables itself; revert gives back its exact bytes."""
    fish = require_program("fish")
    import subprocess

    subprocess.run(
        [fish, "-c", "set -Ux CLAUDE_CODE_USE_BEDROCK 1; set -U unrelated keep"],
        env=sandbox.env,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    store = ".config/fish/fish_variables"
    original = sandbox.read(store)
    assert b"SETUVAR --export CLAUDE_CODE_USE_BEDROCK:1" in original
    assert sandbox.shell_env("fish").get(BEDROCK) == "1"

    result = sandbox.remedy("apply", "mantle", "--shell", "fish", "--region", "us-east-1", "--yes")
    assert result.code == 0, result.stderr
    assert b"CLAUDE_CODE_USE_BEDROCK" not in sandbox.read(store)
    assert b"unrelated" in sandbox.read(store)
    for login in (False, True):
        env = sandbox.shell_env("fish", login)
        assert BEDROCK not in env and env.get(MANTLE) == "1"

    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.read(store) == original
    assert sandbox.shell_env("fish").get(BEDROCK) == "1"


def test_a_start_up_file_cannot_run_python_code_in_the_environment_dump(
    sandbox: Sandbox,
) -> None:
    """The probe's last command is the running Python printing its environment. A start-up
    file that points PYTHONPATH at a sitecustomize (a virtualenv hook, a dotfile manager)
    must not get to run there, nor change what is printed: the dump runs with -I -S."""
    hook = sandbox.home / "py" / "sitecustomize.py"
    hook.parent.mkdir()
    hook.write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['HOME'], 'RAN').write_text('x')\n"
        "os.environ['CLAUDE_CODE_USE_BEDROCK'] = '1'\n"
    )
    sandbox.write(".bashrc", b'export PYTHONPATH="$HOME/py"\n')
    sandbox.write(".profile", b". ~/.bashrc\n")
    found = shell_named("bash")
    assert found is not None
    executable = require_program("bash")
    for login in MODES["bash"]:
        env = probe(found, executable, sandbox.env, login)
        assert env.get("PYTHONPATH") == str(hook.parent), env  # the shell's, as it is
        assert BEDROCK not in env
    result = sandbox.remedy("doctor", "--shell", "bash")
    assert result.code in (0, 1), result.stderr
    assert not (sandbox.home / "RAN").exists()
