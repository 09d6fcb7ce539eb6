"""Each command's core, called directly: a Context built here (a temporary HOME, a made-up
environment, a system root of its own), a typed request, a typed result. No click, no
Output, and no program started: the Context's runner fails the test if one is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from remedies.context import Context, Runner
from remedies.engine.change_report import FileChanges


@dataclass(frozen=True)
class NoPrograms(Runner):
    """A runner that refuses: these cores must decide everything from the files."""

    def run(self, argv: Sequence[str], **_kw: Any) -> Any:
        raise AssertionError(f"a core started {argv[0]}")

    def run_side_by_side(self, jobs: Sequence[Any], **_kw: Any) -> Any:
        raise AssertionError(f"a core started {jobs[0][0][0]}")

    def run_long(self, argv: Sequence[str], **_kw: Any) -> Any:
        raise AssertionError(f"a core started {argv[0]}")


def a_context(tmp_path: Path, env: Mapping[str, str] | None = None) -> Context:
    """A home of its own; no shell, no claude on PATH (an empty folder is all of it)."""
    home = tmp_path / "home"
    (tmp_path / "bin").mkdir()
    (tmp_path / "system").mkdir()
    home.mkdir()
    given = {"HOME": str(home), "PATH": str(tmp_path / "bin"), "SHELL": "/bin/bash"}
    return Context(
        home=home,
        env={**given, **(env or {})},
        cwd=home,
        system_root=tmp_path / "system",
        runner=NoPrograms(),
    )


def write(ctx: Context, relative: str, text: str) -> Path:
    path = ctx.home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- doctor ---------------------------------------------------------------------------------


def test_doctor_finds_bedrock_set_in_the_settings_over_the_shell(tmp_path: Path) -> None:
    from remedies.commands.doctor import DoctorRequest, core

    ctx = a_context(tmp_path)
    write(ctx, ".bashrc", "export CLAUDE_CODE_USE_MANTLE=1\n")
    write(ctx, ".claude/settings.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}\n')

    result = core(ctx, DoctorRequest(shell_names=("bash",)))

    assert result.shells == ("bash",)
    assert result.claude.install_method == "missing"
    assert result.picture.provider == "bedrock"
    winner = result.picture.effective("CLAUDE_CODE_USE_BEDROCK")
    assert winner is not None and winner.kind == "user-settings"
    mantle = result.picture.of("CLAUDE_CODE_USE_MANTLE")
    assert [(s.kind, s.path, s.line) for s in mantle] == [("shell", str(ctx.home / ".bashrc"), 1)]
    assert result.terminal is None  # no one at a terminal
    assert result.to_json()["provider"] == "bedrock"


def test_doctor_refuses_settings_that_are_not_json_before_a_shell_starts(tmp_path: Path) -> None:
    from remedies.commands.doctor import DoctorRequest, core
    from remedies.errors import RemedyError

    ctx = a_context(tmp_path)
    # A bash to ask (never run: the runner refuses): every file is read before it would be.
    fake = tmp_path / "bin" / "bash"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    write(ctx, ".claude/settings.json", "{not json\n")
    with pytest.raises(RemedyError, match=r"settings\.json"):
        core(ctx, DoctorRequest(shell_names=("bash",)))


# --- the picture: files read once, the shells' answers laid over them ----------------------


def test_draw_reads_no_file_again_when_the_shells_answer_nothing_new(tmp_path: Path) -> None:
    from remedies.claude.collect import draw, read_files
    from shells import shell_named

    ctx = a_context(tmp_path)
    bash = shell_named("bash")
    assert bash is not None
    write(ctx, ".bashrc", "export AWS_REGION=eu-west-3\n")
    settings = write(ctx, ".claude/settings.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    read = read_files(ctx, [bash])
    # Changed after the reading: a drawing from what was read does not see it.
    settings.write_text('{"env": {"CLAUDE_CODE_USE_MANTLE": "1"}}')
    (ctx.home / ".bashrc").write_text("export AWS_REGION=us-east-1\n")

    picture = draw(ctx, read)

    assert picture.provider == "bedrock" and picture.region() == "eu-west-3"


def test_draw_reads_the_start_up_files_again_where_a_shell_moved_them(tmp_path: Path) -> None:
    """zsh's own ~/.zshenv may set ZDOTDIR: the files then read are the ones it names."""
    from remedies.claude.collect import draw, read_files
    from remedies.engine.new_shell import ShellEnv
    from shells import shell_named

    ctx = a_context(tmp_path)
    zsh = shell_named("zsh")
    assert zsh is not None
    write(ctx, "dots/.zshrc", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    read = read_files(ctx, [zsh])
    assert read.startup == () and draw(ctx, read).provider == "anthropic"

    moved = ShellEnv("zsh", login=False, env={"ZDOTDIR": str(ctx.home / "dots")})
    picture = draw(ctx, read, [moved])

    where = [(s.path, s.line) for s in picture.of("CLAUDE_CODE_USE_BEDROCK") if s.kind == "shell"]
    assert where == [(str(ctx.home / "dots/.zshrc"), 1)]


# --- apply (an env remedy, for this user) ---------------------------------------------------

BEDROCK = "export CLAUDE_CODE_USE_BEDROCK=1\n"


@dataclass
class Person:
    """An Asker standing in for the person at the terminal: answers `says`, keeps the rest."""

    says: bool = True
    warned: list[str] = field(default_factory=list)
    asked: list[tuple[str, FileChanges]] = field(default_factory=list)

    def warn(self, text: str) -> None:
        self.warned.append(text)

    def ask(self, question: str, about: FileChanges) -> bool:
        self.asked.append((question, about))
        return self.says


def mantle_request(**given: Any) -> Any:
    from remedies.catalog.env_apply import ApplyRequest
    from remedies.catalog.mantle import REMEDY

    options = {"region": "eu-west-3"}
    return ApplyRequest(REMEDY, ("bash",), remedy_options=options, **given)


def test_apply_dry_run_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core

    ctx = a_context(tmp_path)
    bashrc = write(ctx, ".bashrc", BEDROCK)
    person = Person()

    result = core(ctx, mantle_request(dry_run=True), person)

    assert (result.remedy, result.shells, result.changed) == ("mantle", ("bash",), False)
    assert result.changes.stage == "dry-run"
    # bash's login shells read ~/.profile, not ~/.bashrc: the block goes there too.
    assert [f.shown for f in result.changes.files] == ["~/.bashrc", "~/.profile"]
    changed = result.changes.files[0]
    assert changed.path == str(bashrc)
    assert changed.diff is not None and "+export CLAUDE_CODE_USE_MANTLE=1" in changed.diff
    assert bashrc.read_text() == BEDROCK and not ctx.state_dir.exists()
    assert person.asked == [] and person.warned == []


def test_apply_with_consent_writes_once_and_again_changes_nothing(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core

    ctx = a_context(tmp_path)
    bashrc = write(ctx, ".bashrc", BEDROCK)

    done = core(ctx, mantle_request(yes=True), Person())

    assert done.changed and done.changes.stage == "done"
    assert [(f.shown, f.diff) for f in done.changes.files] == [
        ("~/.bashrc", None),
        ("~/.profile", None),
    ]
    text = bashrc.read_text()
    assert "export CLAUDE_CODE_USE_MANTLE=1" in text and "AWS_REGION=eu-west-3" in text
    again = core(ctx, mantle_request(yes=True), Person())
    assert not again.changed and again.changes.stage == "nothing"
    assert bashrc.read_text() == text


@pytest.mark.parametrize("says", [True, False])
def test_apply_at_a_terminal_asks_with_the_diff(tmp_path: Path, says: bool) -> None:
    from remedies.commands.apply_env import core
    from remedies.errors import Declined

    ctx = replace(a_context(tmp_path), interactive=True)
    bashrc = write(ctx, ".bashrc", BEDROCK)
    person = Person(says=says)

    if says:
        result = core(ctx, mantle_request(), person)
        assert result.changed and result.changes.notes_shown is False
    else:
        with pytest.raises(Declined):
            core(ctx, mantle_request(), person)
        assert bashrc.read_text() == BEDROCK

    [(question, about)] = person.asked
    assert question == "Apply mantle to these files?"
    assert [f.shown for f in about.files] == ["~/.bashrc", "~/.profile"]
    assert about.files[0].diff and "-export CLAUDE_CODE_USE_BEDROCK=1" in about.files[0].diff


def test_apply_without_a_person_or_consent_is_refused(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core
    from remedies.errors import BadInput

    ctx = a_context(tmp_path)  # not interactive: no one can say yes
    write(ctx, ".bashrc", BEDROCK)
    with pytest.raises(BadInput, match="no one can be asked"):
        core(ctx, mantle_request(), Person())


def test_apply_for_the_machine_takes_no_shell(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core
    from remedies.errors import BadInput

    with pytest.raises(BadInput, match="--machine changes no shell"):
        core(a_context(tmp_path), mantle_request(dry_run=True), Person(), machine=True)
