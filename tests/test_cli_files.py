"""What apply, status and revert do to the user's files as the command line reports it: dry
runs, JSON documents, edits kept, links, modes, and the files it refuses to touch.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import Sandbox, require_program
from tests.support.cli import BASHRC, PLANTED, no_traceback


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
@pytest.mark.parametrize(
    ("text", "where"),
    [
        (b"x=1\n# >>> remedy mantle >>>\nunset A\n", "~/.bashrc:2"),
        (b"# <<< remedy mantle <<<\n", "~/.bashrc:1"),
        # A conditional line is no longer refused: it is left, named, and overridden
        # (tests/test_lines_left_alone.py; tests/test_hostile_files.py round-trips it).
    ],
)
def test_corrupt_markers_are_refused_naming_file_and_line(
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
