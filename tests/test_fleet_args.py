"""ARGS for a fleet (fleet/filter_plugins/remedy_argv.py, issue 22 item 4): split into
words on the controller and quoted one by one for the host's sh, which must give every word
back as one argument (real shells, hostile words); a failed run's report carries remedy's
own line. tests/test_fleet.py runs the same through Ansible."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fleet.callback_plugins.remedy_reports import remedy_message
from fleet.filter_plugins.remedy_argv import BadArgs, name_or_file, script_cmd, words
from tests.conftest import require_program
from tests.support import figures

# Any text a person could put in an argument (an argv holds no NUL, an environment no lone
# surrogate), weighted towards what a shell would act on.
SHELLISH = "'\"\\$`;|&#*?~!{}()[]<> \t\n\r=%^"
word = st.text(
    alphabet=st.one_of(
        st.sampled_from(SHELLISH),
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    ),
    max_size=20,
)
HOSTILE_WORDS = [
    "; touch pwned #",
    "$(touch pwned)",
    "`touch pwned`",
    "it's",
    '{"thinking":{"type":"adaptive"}}',
    "a\nb",
    "-",
    "--",
    "",
    " ",
    "\\",
    "'\"'\"'",
    "$HOME",
    "~",
    "*",
    "{{ lookup('pipe', 'id') }}",
    "\u2018quoted\u2019",
]


def test_words_are_split_as_a_posix_shell_would() -> None:
    assert words("--shell bash ; touch /tmp/x #") == [
        "--shell",
        "bash",
        ";",
        "touch",
        "/tmp/x",
        "#",
    ]
    assert words('--value \'{"a":"b"}\'') == ["--value", '{"a":"b"}']
    assert words('--region "eu west 1" a\\ b') == ["--region", "eu west 1", "a b"]
    assert words("$HOME $(id) `id`") == ["$HOME", "$(id)", "`id`"], "nothing is expanded"
    assert words("") == [] and words(None) == []
    assert words(["--value", "a b"]) == ["--value", "a b"], "a list is taken as it is"


@pytest.mark.parametrize("bad", ['--value \'{"a"', 'x "y', "trailing \\"])
def test_an_unsplittable_args_is_refused(bad: str) -> None:
    with pytest.raises(BadArgs, match=r"^ARGS cannot be split into arguments \("):
        words(bad)


def test_an_argument_holding_the_zipapps_path_is_refused() -> None:
    """ansible.builtin.script replaces that text everywhere in its cmd with the host's copy."""
    with pytest.raises(BadArgs, match="zipapp's own path"):
        script_cmd("/repo/dist/remedy.pyz", ["--value", "/repo/dist/remedy.pyz"])


def test_a_remedy_file_is_made_absolute_and_a_name_kept() -> None:
    assert name_or_file("mantle") == "mantle"
    assert name_or_file("") == ""
    assert name_or_file("./my fix.toml") == str(Path.cwd() / "my fix.toml")
    assert name_or_file("/abs/fix.toml") == "/abs/fix.toml"


def sh_argv(shell: list[str], command: str) -> list[str]:
    """The argv a shell gives the program of `command` (printf, a builtin everywhere)."""
    done = subprocess.run([*shell, command], capture_output=True, check=True, timeout=30)
    return done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


# /bin/sh is what Ansible runs a script's cmd with (`/bin/sh -c`); dash is Debian's sh, bash
# the sh of RHEL and macOS, ksh and zsh in sh emulation the others one may meet.
SHELLS = {
    "sh": ["/bin/sh", "-c"],
    "dash": ["dash", "-c"],
    "bash": ["bash", "--posix", "-c"],
    "ksh": ["ksh", "-c"],
    "zsh": ["zsh", "--emulate", "sh", "-c"],
}


@pytest.mark.real_shell
@pytest.mark.parametrize("shell", sorted(SHELLS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=st.lists(word, max_size=6))
@example(argv=HOSTILE_WORDS)
def test_every_word_reaches_the_program_as_one_argument(shell: str, argv: list[str]) -> None:
    """ARGS split on the controller, quoted word by word, read by the host's sh: the same
    words, none of them run. And splitting the quoted line again gives them back too."""
    program = SHELLS[shell]
    require_program(program[0])
    # A first word of our own: printf with no argument still prints its format once.
    command = script_cmd("printf", ["%s\\0", "first", *argv])
    assert sh_argv(program, command) == ["first", *argv]
    assert words(" ".join(shlex.quote(w) for w in argv)) == argv
    figures.add("hostile ARGS words given back as one argument each by a real sh")


def test_a_failed_run_reports_remedys_own_line() -> None:
    own = "remedy: error: Invalid value for '--region'"
    assert remedy_message({"stderr": f"warning\n{own}\n", "stdout": ""}, 2) == own
    # Connected through a pty (become with a password), stderr arrives in stdout.
    assert remedy_message({"stdout": f"{own}\r\n", "stderr": ""}, 2) == own
    assert remedy_message({"stderr": "Traceback\nBoom\n"}, 1) == "Boom"
    assert remedy_message({"msg": "non-zero return code"}, 1) == "non-zero return code"
    assert remedy_message({}, 3) == "exit 3"
