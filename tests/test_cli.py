"""The command line as a user meets it: exit codes, one-line errors, dry runs, JSON, prompts."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Sandbox, require_program
from tests.support import terminal

BASHRC = ".bashrc"
PLANTED = b"alias ll='ls -l'\nexport CLAUDE_CODE_USE_BEDROCK=1\n"


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


def test_help_for_every_command(sandbox: Sandbox) -> None:
    for args in (
        [],
        ["apply"],
        ["apply", "mantle"],
        ["apply", "extra-body"],
        ["revert"],
        ["status"],
        ["list"],
    ):
        result = sandbox.remedy(*args, "--help")
        assert result.code == 0, result.stderr
        assert "Usage: remedy" in result.stdout
    assert "community" in sandbox.remedy("apply", "extra-body", "--help").stdout.lower()


def test_list_names_the_remedies_best_first(sandbox: Sandbox) -> None:
    result = sandbox.remedy("list", "--json")
    # The code remedies, then the packaged catalogue by rank.
    assert [r["name"] for r in result.json()["remedies"]] == [
        "mantle",
        "upgrade",
        "extra-body",
        "pin",
        "aws-region-missing",  # rank 30
        "vertex-project-missing",  # 30, then by name
        "model-region-prefix",  # 35
        "disable-betas",  # 40
        "vertex-region-missing",  # 45
        "ca-certs-in-settings",  # 55
        "prompt-caching-off",  # 65
        "max-output-tokens-stale",  # 70
    ]


def test_unknown_shell_exits_2_with_the_supported_names(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "mantle", "--shell", "cmd.exe", "--region", "us-east-1")
    assert result.code == 2
    no_traceback(result.stderr)
    for name in ("bash", "zsh", "fish", "tcsh", "pwsh"):
        assert name in result.stderr


def test_unknown_remedy_exits_2(sandbox: Sandbox) -> None:
    assert sandbox.remedy("apply", "nonsense").code == 2
    result = sandbox.remedy("revert", "nonsense")
    assert result.code == 2
    no_traceback(result.stderr)


@pytest.mark.parametrize("value", ["not json", "[1, 2]", '"a string"', "{broken"])
def test_extra_body_value_that_is_not_a_json_object_exits_2_and_writes_nothing(
    sandbox: Sandbox, value: str
) -> None:
    sandbox.write(BASHRC, PLANTED)
    result = sandbox.remedy("apply", "extra-body", "--shell", "bash", "--value", value, "--yes")
    assert result.code == 2
    no_traceback(result.stderr)
    assert """for example: --value '{"thinking":{"type":"adaptive"}}'""" in result.stderr
    assert sandbox.read(BASHRC) == PLANTED
    assert not (sandbox.home / ".profile").exists()


@pytest.mark.real_shell
def test_mantle_without_any_region_exits_2_and_says_how(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes")
    assert result.code == 2
    no_traceback(result.stderr)
    assert "--region" in result.stderr
    assert sandbox.read(BASHRC) == PLANTED


def test_a_bad_region_exits_2(sandbox: Sandbox) -> None:
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "moon-1; rm -rf ~")
    assert result.code == 2
    no_traceback(result.stderr)


@pytest.mark.real_shell
def test_an_unknown_region_is_refused_and_a_newer_one_can_be_accepted(sandbox: Sandbox) -> None:
    """eu-west-99 is well formed but no AWS region: refused before anything is written,
    with the nearest real one; REMEDY_EXTRA_REGIONS accepts one announced since."""
    sandbox.write(BASHRC, b"export AWS_REGION=us-east-1\n")
    before = sandbox.snapshot()
    args = ("apply", "mantle", "--shell", "bash", "--region", "eu-west-99", "--yes")
    refused = sandbox.remedy(*args)
    assert refused.code == 2 and "not an AWS region remedy knows" in refused.stderr
    assert "REMEDY_EXTRA_REGIONS=eu-west-99" in refused.stderr
    assert sandbox.snapshot() == before and not (sandbox.home / ".local").exists()
    accepted = sandbox.remedy(*args, env={"REMEDY_EXTRA_REGIONS": "eu-west-99"})
    assert accepted.code == 0, accepted.stderr
    assert "differs from the region configured here (us-east-1" in accepted.stdout


@pytest.mark.real_shell
def test_region_from_the_environment_is_pinned_and_from_files_is_not(sandbox: Sandbox) -> None:
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--yes", env={"AWS_REGION": "ap-south-1"}
    )
    assert result.code == 0, result.stderr
    assert b"export AWS_REGION=ap-south-1" in sandbox.read(BASHRC)
    assert sandbox.remedy("revert", "--yes").code == 0

    # Provided by the user's files to every kind of new bash (the login one sources
    # ~/.bashrc, as Debian's ~/.profile does), it is not pinned.
    sandbox.write(BASHRC, b"export AWS_DEFAULT_REGION='eu-north-1'\n")
    sandbox.write(".profile", b". ~/.bashrc\n")
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--yes")
    assert result.code == 0, result.stderr
    assert b"AWS_REGION" not in sandbox.read(BASHRC)
    assert "eu-north-1, from ~/.bashrc:1" in result.stdout


@pytest.mark.real_shell
def test_dry_run_shows_a_diff_and_writes_nothing(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run"
    )
    assert result.code == 0, result.stderr
    assert "+++ ~/.bashrc" in result.stdout
    assert "-export CLAUDE_CODE_USE_BEDROCK=1" in result.stdout
    assert "+: # disabled by remedy mantle: export CLAUDE_CODE_USE_BEDROCK=1" in result.stdout
    assert sandbox.read(BASHRC) == PLANTED
    assert not (sandbox.home / ".local").exists(), "a dry run creates no state either"
    assert sandbox.remedy("status").code == 0
    assert not (sandbox.home / ".local").exists(), "status creates no state either"


@pytest.mark.real_shell
def test_json_documents(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    dry = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run", "--json"
    ).json()
    assert dry["changed"] is False and dry["dry_run"] is True
    assert {f["path"] for f in dry["files"]} == {
        str(sandbox.home / BASHRC),
        str(sandbox.home / ".profile"),
    }
    assert all("diff" in f for f in dry["files"])

    done = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes", "--json"
    ).json()
    assert done["remedy"] == "mantle" and done["changed"] is True
    assert sorted(f["action"] for f in done["files"]) == ["created", "modified"]

    status = sandbox.remedy("status", "--json").json()
    assert [a["remedy"] for a in status["applied"]] == ["mantle"]
    assert {f["state"] for f in status["applied"][0]["files"]} == {"in place"}

    reverted = sandbox.remedy("revert", "mantle", "--yes", "--json").json()
    assert reverted["remedy"] == "mantle" and reverted["changed"] is True
    assert sorted(f["action"] for f in reverted["files"]) == ["deleted", "modified"]


@pytest.mark.real_shell
def test_status_sees_files_changed_since(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    with open(sandbox.path(BASHRC), "ab") as f:
        f.write(b"alias g=git\n")
    result = sandbox.remedy("status")
    assert "changed since" in result.stdout and "~/.bashrc" in result.stdout


@pytest.mark.real_shell
def test_revert_keeps_edits_made_after_apply(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    edited = b"# my new first line\n" + sandbox.read(BASHRC) + b"alias g=git\n"
    sandbox.write(BASHRC, edited)
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 0, result.stderr
    assert sandbox.read(BASHRC) == b"# my new first line\n" + PLANTED + b"alias g=git\n"
    assert "your edits are kept" in result.stdout


def test_nothing_to_revert_is_success(sandbox: Sandbox) -> None:
    result = sandbox.remedy("revert", "--yes")
    assert result.code == 0
    assert "nothing to revert" in result.stdout
    assert sandbox.remedy("revert", "mantle", "--yes").code == 0


@pytest.mark.real_shell
def test_no_colour_when_piped_or_with_no_color(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    for env in ({}, {"NO_COLOR": "1"}):
        result = sandbox.remedy(
            "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--dry-run", env=env
        )
        assert "\x1b[" not in result.stdout + result.stderr


@pytest.mark.real_shell
@pytest.mark.parametrize(
    ("text", "where"),
    [
        (b"x=1\n# >>> remedy mantle >>>\nunset A\n", "~/.bashrc:2"),
        (b"# <<< remedy mantle <<<\n", "~/.bashrc:1"),
        (b'[ -n "$W" ] && export CLAUDE_CODE_USE_BEDROCK=1\n', "~/.bashrc:1"),
    ],
)
def test_corrupt_markers_and_unsafe_lines_are_refused_naming_file_and_line(
    sandbox: Sandbox, text: bytes, where: str
) -> None:
    sandbox.write(BASHRC, text)
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    assert result.code == 1
    no_traceback(result.stderr)
    assert where in result.stderr
    assert sandbox.read(BASHRC) == text
    assert not (sandbox.home / ".profile").exists()


def test_a_folder_where_a_start_up_file_should_be(sandbox: Sandbox) -> None:
    (sandbox.home / BASHRC).mkdir()
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    assert result.code == 1
    no_traceback(result.stderr)
    assert "is a folder" in result.stderr


def test_a_fifo_is_refused_without_blocking(sandbox: Sandbox) -> None:
    os.mkfifo(sandbox.home / BASHRC)
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes", timeout=20
    )
    assert result.code == 1
    assert "named pipe" in result.stderr


@pytest.mark.real_shell
def test_a_symlinked_dotfile_stays_a_symlink_and_its_target_is_edited(sandbox: Sandbox) -> None:
    target = sandbox.write("dotfiles/bashrc", PLANTED)
    os.symlink("dotfiles/bashrc", sandbox.home / BASHRC)
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    assert result.code == 0, result.stderr
    assert (sandbox.home / BASHRC).is_symlink()
    assert os.readlink(sandbox.home / BASHRC) == "dotfiles/bashrc"
    assert b"# >>> remedy mantle >>>" in target.read_bytes()
    assert sandbox.remedy("revert", "--yes").code == 0
    assert (sandbox.home / BASHRC).is_symlink()
    assert target.read_bytes() == PLANTED


@pytest.mark.real_shell
def test_a_dangling_symlink_is_refused(sandbox: Sandbox) -> None:
    os.symlink("dotfiles/missing", sandbox.home / BASHRC)
    result = sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
    assert result.code == 1
    assert "does not exist" in result.stderr


@pytest.mark.real_shell
def test_mode_is_kept(sandbox: Sandbox) -> None:
    path = sandbox.write(BASHRC, PLANTED)
    path.chmod(0o600)
    assert (
        sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes").code
        == 0
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.real_shell
def test_state_is_private(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    assert (
        sandbox.remedy("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes").code
        == 0
    )
    state = sandbox.home / ".local" / "state" / "remedy"
    for path in [state, *state.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


@pytest.mark.real_shell
def test_a_file_that_would_not_parse_is_never_installed(sandbox: Sandbox, tmp_path: Path) -> None:
    """The syntax check runs on the staged file; a failing check leaves everything as it was."""
    fake = tmp_path / "bin"
    fake.mkdir()
    # A bash -n that fails exactly the files our edit touched: the failure is ours.
    # Only `bash -n` is faked: the new shells remedy asks are the real bash.
    (fake / "bash").write_text(
        f'#!/bin/sh\n[ "$1" = -n ] || exec {shutil.which("bash")} "$@"\n'
        'grep -q ">>> remedy" "$2" || exit 0\n'
        'echo "$2: line 3: syntax error" >&2\nexit 2\n'
    )
    (fake / "bash").chmod(0o755)
    sandbox.write(BASHRC, PLANTED)
    env = {"PATH": f"{fake}:{os.environ['PATH']}"}
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes", env=env
    )
    assert result.code == 1
    assert "would not parse" in result.stderr
    assert ".remedy-" not in result.stderr, "the message names the user's file, not our temp"
    assert sandbox.read(BASHRC) == PLANTED
    assert not (sandbox.home / ".profile").exists()
    leftovers = [p.name for p in sandbox.home.iterdir() if ".remedy-" in p.name]
    assert leftovers == []


@pytest.mark.real_shell
@pytest.mark.parametrize(("answer", "code"), [(b"n\n", 1), (b"y\n", 0)])
@pytest.mark.parametrize("command", ["apply", "revert"])
def test_piped_output_at_a_terminal_still_shows_the_diff_and_asks(
    sandbox: Sandbox, answer: bytes, code: int, command: str
) -> None:
    """`remedy apply mantle | tee apply.log`: a person is at the terminal (stdin), so the
    diff and the question reach them there (stderr), and nothing changes without a yes."""
    sandbox.write(BASHRC, PLANTED)
    apply = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    if command == "revert":
        assert sandbox.remedy(*apply, "--yes").code == 0
    before = sandbox.snapshot()
    args = apply if command == "apply" else ["revert"]
    status, screen = terminal.answer(args, sandbox.env, answer, piped=True)
    assert "+++ ~/.bashrc" in screen and "[y/N]" in screen, screen
    assert status == code
    assert (sandbox.snapshot() != before) == (code == 0)


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "args",
    [
        ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "extra-body", "--shell", "bash"],
        ["apply", "auto", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "upgrade"],
        ["revert"],
        ["revert", "mantle"],
    ],
)
def test_with_no_one_to_ask_nothing_changes_without_yes(sandbox: Sandbox, args: list[str]) -> None:
    """A script, cron or an IDE task has no terminal to say yes at: a change needs --yes,
    and without it the command is refused before anything is written."""
    sandbox.write(BASHRC, PLANTED)
    if args[0] == "revert":
        applied = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
        assert sandbox.remedy(*applied).code == 0
    before = sandbox.snapshot()
    state = sorted(p.relative_to(sandbox.home) for p in sandbox.home.rglob("*"))
    result = sandbox.remedy(*args)
    assert result.code == 2, result.stdout + result.stderr
    no_traceback(result.stderr)
    assert "--yes" in result.stderr and "--dry-run" in result.stderr
    assert sandbox.snapshot() == before
    assert sorted(p.relative_to(sandbox.home) for p in sandbox.home.rglob("*")) == state, (
        "no state folder, lock or backup for a refused run"
    )
    assert sandbox.remedy(*args, "--dry-run").code != 2, "a dry run needs no consent"


def test_json_at_a_terminal_asks_on_stderr_and_keeps_stdout_the_document(
    sandbox: Sandbox,
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--json"]
    at = terminal.Terminal(args, sandbox.env, piped=True)
    assert at.wait_for(b"[y/N]"), at.screen
    at.type(b"y\n")
    code, screen = at.finish()
    assert at.process.stdout is not None
    document = json.loads(at.process.stdout.read())
    assert code == 0, screen
    assert "+++ ~/.bashrc" in screen
    assert document["changed"] is True


@pytest.mark.parametrize(("answer", "code"), [(b"n\n", 1), (b"y\n", 0)])
def test_on_a_terminal_it_shows_the_diff_and_asks(
    sandbox: Sandbox, answer: bytes, code: int
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    status, screen = terminal.answer(args, sandbox.env, answer)
    assert "+++ ~/.bashrc" in screen and "[y/N]" in screen
    assert status == code
    if code:
        # Saying no is a choice, not a failure: said plainly, without "error:".
        assert "nothing changed: you said no" in screen and "error" not in screen
    changed = sandbox.read(BASHRC) != PLANTED
    assert changed == (code == 0)


@pytest.mark.real_shell
@pytest.mark.parametrize("parent", ["zsh", "bash", "fish", "tcsh"])
def test_the_shell_is_detected_from_the_parent_process(sandbox: Sandbox, parent: str) -> None:
    program = require_program(parent)
    # A second command keeps the shell alive as our parent (a lone -c command is exec'd).
    command = f"{sys.executable} -m remedies apply mantle --region us-east-1 --dry-run --json; echo"
    done = subprocess.run(
        [program, "-c", command],
        env=sandbox.env,
        cwd=REPO,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    import json

    assert json.loads(done.stdout)["shells"] == [parent]


@pytest.mark.real_shell
def test_sh_in_between_defers_to_the_login_shell(sandbox: Sandbox) -> None:
    """`sh -c` (make, npm scripts) is not the user's shell: $SHELL is the better answer."""
    require_program("zsh")
    command = f"{sys.executable} -m remedies apply mantle --region us-east-1 --dry-run --json; echo"
    env = {**sandbox.env, "SHELL": "/usr/bin/zsh"}
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=env, cwd=REPO, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    import json

    assert json.loads(done.stdout)["shells"] == ["zsh"]


def test_python_dash_m_and_the_console_script_agree(sandbox: Sandbox) -> None:
    # `make test` installs the package (editable), console script included; a missing
    # script is a broken set-up, not a reason to pass.
    script = Path(sys.executable).parent / "remedy"
    assert script.exists(), f"{script} missing: install with `make test` (pip install -e .)"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == sandbox.remedy("--version").stdout


@pytest.mark.real_shell
def test_all_shells_configures_every_installed_shell(sandbox: Sandbox) -> None:
    for program in ("bash", "zsh", "fish", "tcsh", "ksh"):
        require_program(program)
    result = sandbox.remedy(
        "apply", "mantle", "--all-shells", "--region", "us-east-1", "--yes", "--json"
    )
    assert result.code == 0, result.stderr
    shells = result.json()["shells"]
    assert {"bash", "zsh", "sh", "ksh", "fish", "tcsh"} <= set(shells)
    for name in ("bash", "zsh", "fish", "tcsh", "ksh"):
        env = sandbox.shell_env(name, login=True)
        assert "CLAUDE_CODE_USE_BEDROCK" not in env and env["CLAUDE_CODE_USE_MANTLE"] == "1", name
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == {}


@pytest.mark.real_shell
def test_debug_shows_the_traceback(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, b"# <<< remedy mantle <<<\n")
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    assert "Traceback" not in sandbox.remedy(*args).stderr
    for where in (["--debug", *args], [*args, "--debug"]):  # people add it at the end
        result = sandbox.remedy(*where)
        assert result.code == 1
        assert "Traceback" in result.stderr and "CorruptFile" in result.stderr


def test_colour_on_a_terminal(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    env = {k: v for k, v in sandbox.env.items() if k != "NO_COLOR"}
    _status, screen = terminal.answer(args, env, b"n\n")
    assert "\x1b[32m+" in screen, "added lines are green on a terminal"
    _status, screen = terminal.answer(args, {**env, "NO_COLOR": "1"}, b"n\n")
    assert "\x1b[" not in screen


@pytest.mark.real_shell
def test_a_file_broken_before_is_never_called_fixed(sandbox: Sandbox, tmp_path: Path) -> None:
    """A file that already fails the shell's check is not refused for that (the fault is
    not ours), but a block in it never runs: the real login bash says so, so nothing is
    changed and the error says which shell still lacks the change."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bash").write_text(
        f'#!/bin/sh\n[ "$1" = -n ] || exec {shutil.which("bash")} "$@"\n'
        'echo "$2: line 1: syntax error" >&2\nexit 2\n'
    )
    (fake / "bash").chmod(0o755)
    sandbox.write(BASHRC, PLANTED)
    sandbox.write(".profile", b"if true; then\n")
    before = sandbox.snapshot()
    env = {"PATH": f"{fake}:{os.environ['PATH']}"}
    result = sandbox.remedy(
        "apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes", env=env
    )
    assert result.code == 1, result.stderr
    assert "did not parse before remedy changed it either" in result.stderr
    assert "a new login bash does not have CLAUDE_CODE_USE_MANTLE=1" in result.stderr
    assert sandbox.snapshot() == before


@pytest.mark.real_shell
@pytest.mark.parametrize(
    ("shell", "startup", "said"),
    [
        # ~/.zlogin runs after ~/.zshrc in a login zsh, and builds the name at run time: no
        # reading of the file can see it; the trace names the line.
        (
            "zsh",
            {".zshrc": PLANTED, ".zlogin": b"v=BEDROCK\nexport CLAUDE_CODE_USE_$v=1\n"},
            "a new login zsh still has CLAUDE_CODE_USE_BEDROCK=1 (set at ~/.zlogin:2)",
        ),
        # A DEBUG trap (what bash-preexec sets) runs before every later command: no line of
        # the trace sets the name, so none is named, but the shell's answer stops the apply.
        (
            "bash",
            {BASHRC: PLANTED + b"trap 'export CLAUDE_CODE_USE_BEDROCK=1' DEBUG\n"},
            "a new bash still has CLAUDE_CODE_USE_BEDROCK=1; nothing was changed",
        ),
    ],
)
def test_a_line_in_the_way_after_the_change_is_named_and_nothing_changes(
    sandbox: Sandbox, shell: str, startup: dict[str, bytes], said: str
) -> None:
    """The proof after the change asks the shells as a person's start (untraced), and asks
    one that disagrees again, traced, for the file:line to name; everything goes back."""
    require_program(shell)
    for name, data in startup.items():
        sandbox.write(name, data)
    before = sandbox.snapshot()
    result = sandbox.remedy("apply", "mantle", "--shell", shell, "--region", "us-east-1", "--yes")
    assert result.code == 1, result.stderr
    assert said in result.stderr and "nothing was changed" in result.stderr, result.stderr
    assert sandbox.snapshot() == before


@pytest.mark.real_shell
def test_apply_at_a_terminal_says_this_terminal_is_stale(sandbox: Sandbox) -> None:
    """New shells get the change; the terminal remedy ran in does not, and `claude` there
    still fails. Said plainly, with the exact lines for the user's shell."""
    sandbox.write(BASHRC, PLANTED)
    env = {**sandbox.env, "CLAUDE_CODE_USE_BEDROCK": "1"}
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    code, screen = terminal.Terminal(args, env).finish()
    assert code == 0, screen
    assert "this terminal still has CLAUDE_CODE_USE_BEDROCK=1" in screen
    assert "unset CLAUDE_CODE_USE_BEDROCK; export CLAUDE_CODE_USE_MANTLE=1" in screen
    # A narrow window: the line wraps at its width, hanging under its label.
    sandbox.remedy("revert", "--yes")
    code, screen = terminal.Terminal(args, env, columns=60).finish()
    assert code == 0, screen
    lines = screen.replace("\r", "").splitlines()
    assert max(len(line) for line in lines) <= 60, screen
    assert any(line.startswith("      CLAUDE_CODE") for line in lines), screen
    # Not a terminal (a script, Ansible): nothing to say about one.
    again = sandbox.remedy("revert", "--yes")
    assert again.code == 0
    piped = sandbox.remedy(*args, env={"CLAUDE_CODE_USE_BEDROCK": "1"})
    assert piped.code == 0 and "this terminal" not in piped.stdout + piped.stderr


def test_what_should_change_the_users_mind_comes_before_the_question(sandbox: Sandbox) -> None:
    """extra-body's caveat is shown with the diff, before [y/N], not after the yes."""
    sandbox.write(BASHRC, PLANTED)
    status, screen = terminal.answer(
        ["apply", "extra-body", "--shell", "bash"], sandbox.env, b"y\n"
    )
    assert status == 0, screen
    question = screen.index("[y/N]")
    caveat = screen.index("Prefer")
    assert caveat < question, screen
    assert screen.count("Prefer") == 1, "said once, before the question"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["aply", "mantle"], "no command 'aply'; did you mean 'apply'?"),
        (["verfy"], "no command 'verfy'; did you mean 'verify'?"),
        (["apply", "mantel"], "no remedy 'mantel'; did you mean 'mantle'?"),
        (["revert", "mantel"], "unknown remedy 'mantel'; did you mean 'mantle'?"),
    ],
)
def test_a_typo_gets_the_nearest_name(sandbox: Sandbox, args: list[str], said: str) -> None:
    result = sandbox.remedy(*args)
    assert result.code == 2
    assert said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (sandbox.home / ".local").exists(), "bad input writes nothing"


@pytest.mark.real_shell
def test_completion_scripts_and_what_they_complete(sandbox: Sandbox) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = sandbox.remedy("completion", shell)
        assert script.code == 0 and "_REMEDY_COMPLETE" in script.stdout, script.stderr
    # What a real bash asks when the user presses Tab after `remedy rev`.
    asked = {"_REMEDY_COMPLETE": "bash_complete", "COMP_WORDS": "remedy rev", "COMP_CWORD": "1"}
    assert "plain,revert" in sandbox.remedy(env=asked).stdout
    asked = {**asked, "COMP_WORDS": "remedy apply mantle --shell fi", "COMP_CWORD": "4"}
    assert sandbox.remedy(env=asked).stdout.split() == ["plain,fish"]
    assert sandbox.remedy("completion", "tcsh").code == 2


@pytest.mark.real_shell
def test_list_and_doctor_call_each_remedy_the_same(sandbox: Sandbox) -> None:
    sandbox.write(BASHRC, PLANTED)
    summaries = {
        r["name"]: r["summary"]
        for r in json.loads(sandbox.remedy("list", "--json").stdout)["remedies"]
    }
    doctor = json.loads(sandbox.remedy("doctor", "--shell", "bash", "--json").stdout)
    recommended = {r["remedy"] for r in doctor["recommendations"]}
    assert {"mantle", "upgrade", "extra-body"} <= recommended <= set(summaries)
    for item in doctor["recommendations"]:
        first = re.split(r"[:;(]", item["why"])[0].strip()
        assert first in summaries[item["remedy"]], (item, summaries)
    extra = next(r for r in doctor["recommendations"] if r["remedy"] == "extra-body")
    assert (
        "often does not work" in extra["why"] and "often does not work" in summaries["extra-body"]
    )


def test_json_on_a_pty_is_the_document_alone(sandbox: Sandbox) -> None:
    """Ansible over `ssh -tt` runs remedy on a pty that merges stderr into stdout: with
    --json, no progress line may come before the document."""
    sandbox.write(BASHRC, PLANTED)
    code, screen = terminal.Terminal(["doctor", "--shell", "bash", "--json"], sandbox.env).finish()
    assert code == 0, screen
    assert screen.startswith("{"), screen[:300]
    json.loads(screen)
    _code, screen = terminal.Terminal(["doctor", "--shell", "bash"], sandbox.env).finish()
    assert screen.startswith("asking a new bash what it gets..."), "progress without --json"


@pytest.mark.real_shell
@pytest.mark.parametrize(
    "args",
    [
        ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"],
        ["apply", "auto", "--shell", "bash", "--region", "us-east-1"],
        ["revert"],
    ],
)
def test_ctrl_c_at_the_question_changes_nothing(sandbox: Sandbox, args: list[str]) -> None:
    sandbox.write(BASHRC, PLANTED)
    if args == ["revert"]:
        applied = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
        assert sandbox.remedy(*applied).code == 0
    before = sandbox.snapshot()
    at = terminal.Terminal(args, sandbox.env)
    assert at.wait_for(b"[y/N]"), at.screen
    at.type(b"\x03")
    code, screen = at.finish()
    assert code == 130, screen
    # On a line of its own, not after the ^C the terminal echoed.
    assert "\r\nremedy: error: interrupted at the question; nothing changed" in screen, screen
    assert "Traceback" not in screen
    assert sandbox.snapshot() == before


@pytest.mark.parametrize("moment", [1, 3])
def test_ctrl_c_mid_apply_leaves_the_home_as_it_was(sandbox: Sandbox, moment: int) -> None:
    """Ctrl-C while new shells are asked: before the change (the 1st shell asked), or while
    the change is being checked (the 3rd): exit 130, and nothing stays changed."""
    sandbox.write(BASHRC, PLANTED)
    before = sandbox.snapshot()
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes"]
    at = terminal.Terminal(args, sandbox.env)
    asked = at.wait_for(b"asking a new", count=moment)
    at.type(b"\x03")
    code, screen = at.finish()
    if not asked or code == 0:
        # It finished first (a fast machine): then it must have done the whole job.
        assert code == 0, screen
        assert sandbox.remedy("revert", "--yes").code == 0
        pytest.skip("apply finished before the interrupt landed")
    assert code == 130, screen
    assert "\r\nremedy: error: interrupted" in screen and "Traceback" not in screen, screen
    assert sandbox.snapshot() == before, screen
    assert sandbox.remedy("status", "--json").json()["applied"] == []


@pytest.mark.parametrize(("keys", "code"), [(b"\x04", 1), (b"maybe\nyes\n", 0)])
def test_end_of_input_is_no_and_a_stray_answer_is_asked_again(
    sandbox: Sandbox, keys: bytes, code: int
) -> None:
    sandbox.write(BASHRC, PLANTED)
    args = ["apply", "mantle", "--shell", "bash", "--region", "us-east-1"]
    status, screen = terminal.answer(args, sandbox.env, keys)
    assert status == code, screen
    if code == 1:
        assert "nothing changed: you said no" in screen and sandbox.read(BASHRC) == PLANTED
    else:
        assert "Please answer y or n." in screen and sandbox.read(BASHRC) != PLANTED
