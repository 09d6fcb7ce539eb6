"""How the MDM scripts find the console user, and how they quote what is baked in.

Finding the user runs the scripts' own functions (claude.mdm_posix.library) in a real `sh`,
with `uname`, `loginctl`, `who` and `stat` replaced by shell functions that print recorded
outputs (a function wins over a program of the same name). Quoting: every value baked into
a script, read back by a real `sh -n` (it parses) and, as root, by a real run of the whole
script for a throwaway user, whose python3 is a stand-in that writes its arguments back.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from remedies.claude.mdm_posix import SCRIPT_FORMATS, ScriptSpec, library, script_bytes
from remedies.errors import BadInput
from tests.conftest import Sandbox
from tests.support.accounts import User

SHELLS = [s for s in ("dash", "bash", "zsh", "ksh") if shutil.which(s)]

LOGINCTL_ALICE = """
loginctl() {
    case "$*" in
        'show-seat seat0 -p ActiveSession --value') echo 3 ;;
        'show-session 3 -p Class --value') echo user ;;
        'show-session 3 -p Name --value') echo alice ;;
        *) return 1 ;;
    esac
}
"""
LOGINCTL_GREETER = LOGINCTL_ALICE.replace("echo user", "echo greeter")
NO_LOGIND = (
    "loginctl() { echo 'Failed to connect to bus: No such file or directory' >&2; return 1; }\n"
)
# `who` as util-linux prints it: a remote login, root on tty1, a graphical login on :0.
WHO = """\
bob      pts/0        2026-12-07 09:12 (10.0.0.7)
root     tty1         2026-12-07 08:00
carol    :0           2026-12-07 08:55 (:0)
"""
WHO_TTY = "root     tty1         2026-12-07 08:00\ndave     tty2         2026-12-07 08:01\n"
WHO_REMOTE = "bob      pts/0        2026-12-07 09:12 (10.0.0.7)\n"
# Terminals whose comment (utmp's host) names a display, the time in a locale's form: any
# user writes that for their own pty (libutempter), so none of them is the console user.
WHO_TERMINAL = (
    "bob      pts/0        Dec  7 09:12 (localhost:10.0)\n"
    "gina     pts/1        Dec  7 09:13 (10.0.0.7:0)\n"
    "frank    pts/2        Dec  7 09:14 (:0)\n"
)


def who(text: str) -> str:
    return f"who() {{ printf '%s' '{text}'; }}\n"


def console_user(stubs: str, shell: str = "sh", named: str = "") -> tuple[int, str]:
    code = f"user='{named}'\n{library()}{stubs}console_user\n"
    done = subprocess.run(
        [shell, "-c", code], capture_output=True, text=True, timeout=10, check=False
    )
    return done.returncode, done.stdout


LINUX = "uname() { echo Linux; }\n"
DARWIN = "uname() { echo Darwin; }\n"
CASES = [
    ("seat0's active session, from logind", LINUX + LOGINCTL_ALICE + who(WHO), "alice"),
    ("a greeter's session is nobody's: who", LINUX + LOGINCTL_GREETER + who(WHO), "carol"),
    ("no logind: who's graphical login", LINUX + NO_LOGIND + who(WHO), "carol"),
    ("no logind: who's text console, root skipped", LINUX + NO_LOGIND + who(WHO_TTY), "dave"),
    ("only a remote login: nobody", LINUX + NO_LOGIND + who(WHO_REMOTE), None),
    ("no logind: a pty claiming (:0) is nobody", LINUX + NO_LOGIND + who(WHO_TERMINAL), None),
    ("nobody at all", LINUX + NO_LOGIND + who(""), None),
    ("macOS: the owner of /dev/console", DARWIN + "stat() { echo erin; }\n", "erin"),
    ("macOS: setup assistant", DARWIN + "stat() { echo _mbsetupuser; }\n", None),
    ("macOS: the login window", DARWIN + "stat() { echo root; }\n", None),
]


@pytest.mark.real_shell
@pytest.mark.parametrize(("why", "stubs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_console_user_from_recorded_outputs(why: str, stubs: str, expected: str | None) -> None:
    for shell in SHELLS:
        code, out = console_user(stubs, shell)
        if expected is None:
            assert (code, out) == (1, ""), (shell, why, out)
        else:
            assert (code, out) == (0, f"{expected}\n"), (shell, why, out)


@pytest.mark.real_shell
def test_a_user_the_administrator_names_comes_first() -> None:
    assert console_user(LINUX + LOGINCTL_ALICE, named="frank") == (0, "frank\n")


# Quoting: any text an argument can hold, the pieces that mean something to sh first.
PIECES = [
    "'", "''", "'\\''", '"', "\\", "$", "$(id)", "`id`", "${x}", "$((1))", ";", "&", "|", "#",
    "\n", "\r", "\t", " ", "*", "?", "[", "~", "!", "-", "--", "=", "<", ">", "\x01", "\x7f",
    "\u2019", "\u00e9", "\U0001f600", "--yes", "; rm -rf /", "'; id; '",
]  # fmt: skip
VALUE = (
    st.lists(
        st.one_of(st.sampled_from(PIECES), st.text(alphabet=st.characters(codec="utf-8"))),
        max_size=8,
    )
    .map("".join)
    .filter(lambda v: "\0" not in v)
)


def spec_for(value: str, pyz: str = "/usr/local/libexec/remedy.pyz") -> ScriptSpec:
    return ScriptSpec("extra-body", ("--value", value), pyz)


@pytest.mark.real_shell
@settings(max_examples=150, deadline=None)
@given(value=VALUE)
@example(value="'; touch /tmp/remedy-pwned; '")
@example(value="=-")  # zsh's equals expansion: "- not found" (the quoting missed it once)
@example(value="~root")
def test_every_script_parses_whatever_is_baked_in(value: str) -> None:
    for fmt in SCRIPT_FORMATS:
        data = script_bytes(fmt, spec_for(value, pyz=f"/opt/{value}/remedy.pyz"))
        for shell in SHELLS:
            done = subprocess.run(
                [shell, "-n"], input=data, capture_output=True, timeout=10, check=False
            )
            assert done.returncode == 0, (fmt, shell, done.stderr)


def test_what_no_argument_can_hold_is_refused() -> None:
    for value in ("a\0b", "\udcff"):
        with pytest.raises(BadInput):
            script_bytes("jamf-policy", spec_for(value))
    with pytest.raises(BadInput):
        script_bytes("jamf-policy", ScriptSpec('x"; id; "'))


@pytest.fixture
def echo_folder(user: User) -> Iterator[Path]:
    """A folder the user may read and write, with a python3 that writes its arguments back
    (the apply's: to the script's check, `doctor --check`, it answers that the remedy applies)."""
    folder = Path(tempfile.mkdtemp(prefix="remedy-mdm-echo-"))
    folder.chmod(0o777)
    python = folder / "python3"
    python.write_text(
        '#!/bin/sh\ncase " $* " in *" doctor --check "*) echo "needs a remedy: x"; exit 1 ;; esac\n'
        f'for a; do printf "%s\\0" "$a"; done > {folder}/argv\n'
    )
    python.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.root
@pytest.mark.real_shell
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=VALUE, name=st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
@example(value="'; touch /tmp/remedy-pwned; '", name="'$(id)'")
def test_a_real_run_gets_every_baked_value_back(
    user: User, echo_folder: Path, value: str, name: str
) -> None:
    name = name.replace("/", "_").replace("\0", "_")[:50]
    if name in (".", ".."):
        name = "x"
    pyz = echo_folder / name
    pyz.write_bytes(b"")
    pyz.chmod(0o644)
    script = echo_folder / "policy.sh"
    script.write_bytes(script_bytes("jamf-policy", spec_for(value, str(pyz))))
    done = subprocess.run(
        ["sh", str(script)],
        env={
            "PATH": "/usr/bin:/bin",
            "REMEDY_USER": user.name,
            "REMEDY_PYTHON": str(echo_folder / "python3"),
        },
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    argv = (echo_folder / "argv").read_bytes().split(b"\0")[:-1]
    assert [a.decode() for a in argv] == [
        "-I",
        str(pyz),
        "apply",
        "extra-body",
        "--value",
        value,
        "--yes",
    ]
    pyz.unlink()


@pytest.mark.real_shell
def test_a_not_checked_result_carries_no_tag(tmp_path: Path) -> None:
    """The attribute's "not checked" line quotes a user's name: `<>` made `[]` there too, as
    in the check's own line (found by review)."""
    script = tmp_path / "ea.sh"
    script.write_bytes(script_bytes("jamf-ea", spec_for("{}")))
    done = subprocess.run(
        ["sh", str(script)],
        env={"PATH": "/usr/bin:/bin", "REMEDY_USER": "a<b>"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == "<result>not checked: not a user name remedy runs for: a[b]</result>\n"


def test_only_what_a_remedy_has_is_exported(sandbox: Sandbox) -> None:
    """upgrade has no machine-wide settings: its settings formats are one line, exit 2;
    pin is not exported (doctor never finds it needed: its scripts would never act)."""
    done = sandbox.remedy("export", "upgrade", "--format", "json")
    assert done.code == 2 and done.stderr.count("\n") == 1, done
    assert done.stderr.startswith("remedy: error: upgrade has no machine-wide settings"), done
    script = sandbox.remedy("export", "upgrade", "--format", "intune-remediate", "--to", "2.1.150")
    assert script.code == 0, script.stderr
    assert "\nrun_remedy apply upgrade --to 2.1.150 --yes\n" in script.stdout
    assert "--timeout" not in script.stdout, "a default is the laptop's to work out"
    pin = sandbox.remedy("export", "pin", "--format", "intune-detect")
    assert pin.code == 2, pin
    assert pin.stderr.startswith("remedy: error: pin is not exported: doctor never finds it")


LOCAL_FIX = """\
name = "local-fix"
summary = "A fix of this machine's own"
worth = "configuration fix"

[when]
provider = ["vertex"]

[options.val]
help = "the value"

[what]
set = { CLOUD_ML_REGION = "{val}" }
"""


def test_a_script_that_would_fail_on_every_laptop_is_not_written(sandbox: Sandbox) -> None:
    """An option nothing on a laptop gives must be given at export, or the scripts' apply
    fails there every time (found by review); a local remedy file is named on stderr, also
    when the script goes to stdout (it was said only with --output)."""
    sandbox.write(".config/remedy/remedies/local-fix.toml", LOCAL_FIX)
    missing = sandbox.remedy("export", "local-fix", "--format", "jamf-policy")
    assert missing.code == 2 and missing.stdout == "", missing
    assert missing.stderr.startswith("remedy: error: local-fix needs --val"), missing.stderr
    # The reading scripts never pass the options on: they need none (found by review).
    reading = sandbox.remedy("export", "local-fix", "--format", "jamf-ea")
    assert reading.code == 0, reading.stderr
    given = sandbox.remedy("export", "local-fix", "--format", "jamf-policy", "--val", "x")
    assert given.code == 0, given.stderr
    assert given.stdout.startswith("#!/bin/sh\n")
    assert given.stderr.startswith("note: local-fix comes from "), given.stderr


def test_a_remedy_file_may_not_take_exports_own_option_names(sandbox: Sandbox) -> None:
    for name in ("fmt", "pyz"):
        body = LOCAL_FIX.replace("[options.val]", f"[options.{name}]").replace(
            "{val}", "{" + name + "}"
        )
        path = sandbox.write(f"{name}-fix.toml", body)
        done = sandbox.remedy("check", str(path))
        assert done.code == 2, done
        assert f"--{name} is an option of `remedy export`'s own" in done.stderr, done.stderr


def test_an_exports_note_says_how_to_export_again(sandbox: Sandbox) -> None:
    """The note for an unpinned model named `remedy apply mantle --machine`, for an export
    whose settings go to other machines (found by review)."""
    done = sandbox.remedy("export", "mantle", "--format", "json", "--region", "us-east-1")
    assert done.code == 0, done.stderr
    assert "export again with `--model anthropic.claude-opus-4-7`" in done.stderr, done.stderr
    assert "remedy apply" not in done.stderr
