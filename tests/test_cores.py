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
    asked: list[tuple[str, list[str | FileChanges]]] = field(default_factory=list)

    def warn(self, text: str) -> None:
        self.warned.append(text)

    def ask(self, question: str, about: Sequence[str | FileChanges]) -> bool:
        self.asked.append((question, list(about)))
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

    [(question, [about])] = person.asked
    assert question == "Apply mantle to these files?"
    assert isinstance(about, FileChanges)
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


# --- status, list ---------------------------------------------------------------------------


def test_status_says_what_is_applied_and_which_file_changed_since(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core as apply_core
    from remedies.commands.status import StatusRequest
    from remedies.commands.status import core as status_core

    ctx = a_context(tmp_path)
    assert status_core(ctx, StatusRequest()).applied == ()
    bashrc = write(ctx, ".bashrc", BEDROCK)
    apply_core(ctx, mantle_request(yes=True), Person())
    with bashrc.open("a") as more:
        more.write("alias ll='ls -l'\n")

    status = status_core(ctx, StatusRequest())

    [applied] = status.applied
    assert applied.remedy == "mantle" and not status.interrupted
    assert dict(applied.files) == {
        str(bashrc): "changed since",
        str(ctx.home / ".profile"): "in place",
    }


def test_list_names_the_built_ins_first_with_their_lines(tmp_path: Path) -> None:
    from remedies.catalog.registry import BUILTIN
    from remedies.commands.list_remedies import ListRequest, core

    listing = core(a_context(tmp_path), ListRequest())

    assert listing.remedies[: len(BUILTIN)] == tuple((n, b.summary) for n, b in BUILTIN.items())
    assert "disable-betas" in dict(listing.remedies)  # the packaged catalogue follows


# --- revert ---------------------------------------------------------------------------------


def test_revert_puts_every_byte_back_and_then_has_nothing_to_do(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core as apply_core
    from remedies.commands.revert import RevertRequest
    from remedies.commands.revert import core as revert_core

    ctx = a_context(tmp_path)
    bashrc = write(ctx, ".bashrc", BEDROCK)
    apply_core(ctx, mantle_request(yes=True), Person())

    preview = revert_core(ctx, RevertRequest(("mantle",), dry_run=True), Person())
    assert preview.reverted == ("mantle",) and not preview.changed
    assert preview.changes.stage == "dry-run" and bashrc.read_text() != BEDROCK

    done = revert_core(ctx, RevertRequest(yes=True), Person())

    assert (done.asked, done.reverted, done.changed) == ((), ("mantle",), True)
    assert [f.shown for f in done.changes.files] == ["~/.bashrc", "~/.profile"]
    assert bashrc.read_text() == BEDROCK and not (ctx.home / ".profile").exists()
    again = revert_core(ctx, RevertRequest(yes=True), Person())
    assert (again.reverted, again.changed) == ((), False)


def test_revert_at_a_terminal_asks_and_a_no_changes_nothing(tmp_path: Path) -> None:
    from remedies.commands.apply_env import core as apply_core
    from remedies.commands.revert import RevertRequest
    from remedies.commands.revert import core as revert_core
    from remedies.errors import Declined

    ctx = a_context(tmp_path)
    write(ctx, ".bashrc", BEDROCK)
    apply_core(ctx, mantle_request(yes=True), Person())
    applied = (ctx.home / ".bashrc").read_text()
    person = Person(says=False)

    with pytest.raises(Declined):
        revert_core(replace(ctx, interactive=True), RevertRequest(("mantle",)), person)

    assert [question for question, _about in person.asked] == ["Revert mantle?"]
    assert (ctx.home / ".bashrc").read_text() == applied


def test_revert_names_a_typo(tmp_path: Path) -> None:
    from remedies.commands.revert import RevertRequest, core
    from remedies.errors import BadInput

    with pytest.raises(BadInput, match=r"no remedy 'mantel'.*mantle"):
        core(a_context(tmp_path), RevertRequest(("mantel",), yes=True), Person())


# --- verify ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "said"),
    [
        ({"machine": True}, "no `claude` on the PATH a new shell gets; nothing to verify"),
        ({"shell_name": "bash"}, "bash is not installed here, so its environment cannot be"),
    ],
)
def test_verify_says_why_it_cannot_run_the_client(
    tmp_path: Path, request_: dict[str, Any], said: str
) -> None:
    """Without a claude or a shell to ask, the core raises what the command line shows (no
    result to render, no exit code of its own)."""
    from remedies.commands.verify import VerifyRequest, core
    from remedies.errors import RemedyError

    with pytest.raises(RemedyError) as raised:
        core(a_context(tmp_path), VerifyRequest(**request_))
    assert said in str(raised.value)


# --- check ----------------------------------------------------------------------------------

NO_PROOF = """\
name = "fix"
summary = "Turn off the experimental betas"
worth = "official setting"
rank = 40

[when]
provider = ["bedrock"]

[what]
set = { CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = "1" }
"""


def test_check_reads_a_file_without_a_proof_and_runs_nothing(tmp_path: Path) -> None:
    from remedies.commands.check_file import CheckRequest, core

    ctx = a_context(tmp_path)
    path = write(ctx, "fix.toml", NO_PROOF)

    result = core(ctx, CheckRequest(path))

    assert (result.spec.name, result.before, result.after, result.ok) == ("fix", None, None, False)
    assert result.to_json()["valid"] is True and result.to_json()["proven"] is False


def test_check_refuses_an_option_the_file_does_not_have(tmp_path: Path) -> None:
    from remedies.commands.check_file import CheckRequest, core
    from remedies.errors import BadInput

    ctx = a_context(tmp_path)
    path = write(ctx, "fix.toml", NO_PROOF)
    with pytest.raises(BadInput, match="--option 'colour=red': give NAME=VALUE"):
        core(ctx, CheckRequest(path, ("colour=red",)))


# --- apply auto -----------------------------------------------------------------------------


def auto_request(**given: Any) -> Any:
    from remedies.commands.apply_auto import AutoRequest

    return AutoRequest(shell_names=("bash",), given={"region": "eu-west-3"}, **given)


def test_auto_dry_run_plans_the_doctor_s_remedies_best_first(tmp_path: Path) -> None:
    from remedies.commands.apply_auto import core

    ctx = a_context(tmp_path)
    bashrc = write(ctx, ".bashrc", BEDROCK)

    result = core(ctx, auto_request(dry_run=True), Person())

    assert result.affected and result.plan[0] == "mantle" and result.succeeded
    mantle = result.tried[0]
    assert mantle.would == "apply, verify, revert if it fails" and mantle.applied is not None
    assert [f.shown for f in mantle.applied.changes.files] == ["~/.bashrc", "~/.profile"]
    assert bashrc.read_text() == BEDROCK and result.verified is None


def test_auto_at_a_terminal_shows_the_first_remedy_and_the_plan(tmp_path: Path) -> None:
    from remedies.commands.apply_auto import core
    from remedies.errors import Declined

    ctx = replace(a_context(tmp_path), interactive=True)
    bashrc = write(ctx, ".bashrc", BEDROCK)
    person = Person(says=False)

    with pytest.raises(Declined):
        core(ctx, auto_request(), person)

    [(question, [heading, changes, plan])] = person.asked
    assert question == "Go ahead?" and heading == "mantle, tried first, would change:\n"
    assert isinstance(changes, FileChanges) and changes.files[0].shown == "~/.bashrc"
    assert isinstance(plan, str) and plan.startswith("Plan: try mantle, then ")
    assert bashrc.read_text() == BEDROCK and not ctx.state_dir.exists()


def test_auto_with_nothing_wrong_has_nothing_to_try(tmp_path: Path) -> None:
    from remedies.commands.apply_auto import core

    result = core(a_context(tmp_path), auto_request(yes=True), Person())

    assert (result.affected, result.plan, result.tried, result.succeeded) == (False, (), (), True)
    assert result.message == "nothing to fix here: the doctor found no problem a remedy fixes"


# --- apply pin ------------------------------------------------------------------------------


def test_pin_needs_a_claude_to_pin(tmp_path: Path) -> None:
    from remedies.catalog.pin import REMEDY
    from remedies.commands.apply_pin import PinRequest, core
    from remedies.errors import RemedyError

    ctx = a_context(tmp_path)
    with pytest.raises(RemedyError, match="no `claude` on PATH; install Claude Code first"):
        core(ctx, PinRequest(REMEDY, "2.1.110", shell_names=("bash",), yes=True), Person())
    assert not ctx.state_dir.exists()


# --- fleet-report ---------------------------------------------------------------------------


def test_fleet_report_counts_the_hosts_by_outcome(tmp_path: Path) -> None:
    import json

    from remedies.commands.fleet_report import FleetReportRequest, core

    reports = tmp_path / "reports"
    reports.mkdir()
    hosts: dict[str, dict[str, Any]] = {
        "host10": {"rc": 0, "changed": True},
        "host2": {"rc": 0, "changed": False},
        "host3": {"rc": 1, "error": "cannot tell which shell you use"},
    }
    for host, report in hosts.items():
        (reports / f"{host}.json").write_text(json.dumps({"host": host, **report}))
    (reports / "broken.json").write_text("{")

    summary = core(a_context(tmp_path), FleetReportRequest(reports, verbose=True))

    assert summary.outcomes == {
        "already fine": ["host2"],
        "changed": ["host10"],
        "failed": ["host3"],
    }
    assert summary.errors == {"host3": "cannot tell which shell you use"}
    assert (summary.unreadable, summary.verbose) == (("broken.json",), True)


# --- export, new ----------------------------------------------------------------------------


def test_export_makes_the_artefact_from_the_options_alone(tmp_path: Path) -> None:
    import json

    from remedies.catalog.mantle import REMEDY
    from remedies.commands.export import ExportRequest, core
    from remedies.errors import BadInput

    ctx = a_context(tmp_path)
    given = {"region": "eu-west-3", "model": None}

    to_stdout = core(ctx, ExportRequest(REMEDY, "json", remedy_options=given))
    written = core(ctx, ExportRequest(REMEDY, "json", Path("drop-in.json"), given))

    env = json.loads(to_stdout.data)["env"]
    assert env["CLAUDE_CODE_USE_MANTLE"] == "1" and env["AWS_REGION"] == "eu-west-3"
    assert to_stdout.output is None and written.output == Path("drop-in.json")
    assert (ctx.cwd / "drop-in.json").read_bytes() == to_stdout.data == written.data
    with pytest.raises(BadInput, match="needs --region"):
        core(ctx, ExportRequest(REMEDY, "json"))


def test_new_writes_a_skeleton_where_the_context_works(tmp_path: Path) -> None:
    from remedies.commands.new_file import NewRequest, core
    from remedies.errors import BadInput

    ctx = a_context(tmp_path)

    path = core(ctx, NewRequest("gateway-betas"))

    assert path == Path("gateway-betas.toml")
    assert 'name = "gateway-betas"' in (ctx.cwd / path).read_text()
    with pytest.raises(BadInput, match="lower-case letters"):
        core(ctx, NewRequest("Gateway"))
