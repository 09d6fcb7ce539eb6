"""Which shell is the user's, asked of real parent processes (issue 24, item 4): a script's
interpreter is not the user's shell; a shell a person types into is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shells.detect import runs_a_script
from tests.conftest import Sandbox, require_program

pytestmark = [pytest.mark.real_shell]

DOCTOR = f"{sys.executable} -m remedies doctor --json\n"


def judged(sandbox: Sandbox, argv: list[str], stdin: str = "") -> list[str]:
    """The shells doctor judged, run as the last command of `argv` (a real parent)."""
    done = subprocess.run(
        argv,
        input=stdin.encode(),
        env={**sandbox.env, "SHELL": require_program("zsh")},
        cwd=sandbox.home,
        capture_output=True,
        timeout=120,
        check=False,
    )
    out = done.stdout.decode()
    start = out.index("{")  # an interactive bash may print a line of its own first
    import json

    doc = json.loads(out[start:])
    return list(doc["shells"])


def test_a_bash_script_as_parent_is_not_the_users_shell(sandbox: Sandbox) -> None:
    """A cron job, CI step or provisioning script in bash, for a user whose shell is zsh:
    doctor judged 'a new bash' and said not affected while ~/.zshrc turns Bedrock on."""
    sandbox.write(".zshrc", "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    script = sandbox.write("nightly.sh", DOCTOR)
    assert judged(sandbox, [require_program("bash"), str(script)]) == ["zsh"]
    assert judged(sandbox, [require_program("bash"), "-c", DOCTOR]) == ["zsh"]
    assert judged(sandbox, [require_program("sh"), "-c", DOCTOR]) == ["zsh"]


def test_a_shell_a_person_types_into_is_the_users(sandbox: Sandbox) -> None:
    """`bash -i` reading what is typed (here from its stdin): bash first, whatever $SHELL
    says; the login shell $SHELL names is judged after it (a new terminal starts that one)."""
    assert judged(sandbox, [require_program("bash"), "-i"], stdin=DOCTOR) == ["bash", "zsh"]


@pytest.mark.parametrize(
    ("args", "script"),
    [
        ([], False),
        (["-l"], False),
        (["-i"], False),
        (["--login"], False),
        (["-o", "vi"], False),
        (["--rcfile", "f.sh"], False),
        (["-l", "--"], False),
        (["-l", "--", "backup.sh"], True),
        (["-c", "echo"], True),
        (["-lc", "echo"], True),
        (["backup.sh"], True),
        (["-o", "vi", "backup.sh"], True),
    ],
)
def test_what_a_shells_arguments_say_it_runs(args: list[str], script: bool) -> None:
    assert runs_a_script(args) is script
