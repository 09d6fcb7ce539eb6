"""The verdict over every kind of new shell (claude.verdict, catalog.judge), in the test
process on pictures as the real shells' answers make them: no shell runs here. The real
shells' side is held by tests/test_every_new_shell.py."""

from __future__ import annotations

from pathlib import Path

from remedies.catalog.judge import judge
from remedies.claude.installs import ClaudeOnPath, Install
from remedies.claude.sources import Picture, Source, mark_winners
from remedies.engine.new_shell import ShellEnv

HOME = Path("/home/u")
CLAUDE = ClaudeOnPath(Install("/usr/bin/claude", "/usr/bin/claude", "npm", version="2.1.111"))
BEDROCK = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-west-2"}


def start(
    shell: str, *, login: bool = False, interactive: bool = True, env: dict[str, str] | None = None
) -> ShellEnv:
    return ShellEnv(shell, login, dict(env or {}), interactive)


def picture(judged: ShellEnv, *sources: Source) -> Picture:
    return Picture(mark_winners(list(sources), judged.shell), (), judged)


def line(var: str, value: str, path: str, number: int, shell: str) -> Source:
    return Source(var, value, "new-shell", path=path, line=number, shell=shell)


def login_only() -> list[Picture]:
    """~/.zprofile turns Bedrock on: a login zsh gets it, a terminal's and an IDE's do not."""
    zprofile = str(HOME / ".zprofile")
    login = start("zsh", login=True, env=BEDROCK)
    return [
        picture(start("zsh")),
        picture(
            login,
            line("CLAUDE_CODE_USE_BEDROCK", "1", zprofile, 1, "zsh"),
            line("AWS_REGION", "us-west-2", zprofile, 2, "zsh"),
        ),
        picture(start("zsh", interactive=False)),
    ]


def test_affected_in_one_kind_is_affected_and_says_where() -> None:
    verdict = judge(login_only(), [CLAUDE] * 3, "2.1.113", HOME, [])
    assert verdict.affected_in == ("login zsh",)
    assert verdict.shown.label == "login zsh", "the settings shown are the affected kind's"
    diagnosis = verdict.diagnosis()
    assert diagnosis.affected
    problem = next(f for f in diagnosis.findings if f.severity == "problem")
    assert problem.shells == ("login zsh",)
    assert diagnosis.recommendations[0].remedy == "mantle"
    # The region is on the login file's next line: no --region to ask for.
    assert diagnosis.recommendations[0].command == "remedy apply mantle"


def test_the_provider_line_names_each_kind() -> None:
    verdict = judge(login_only(), [CLAUDE] * 3, "2.1.113", HOME, [])
    assert verdict.provider_line() == "bedrock in login zsh; anthropic in zsh, zsh -c"
    clean = judge(
        [picture(start("zsh")), picture(start("zsh", login=True))],
        [CLAUDE] * 2,
        "2.1.113",
        HOME,
        [],
    )
    assert clean.provider_line() == "anthropic  (judged for zsh, login zsh)"
    assert not clean.diagnosis().affected


def test_a_problem_everywhere_names_no_kind() -> None:
    rc = str(HOME / ".bashrc")
    pictures = [
        picture(
            start(shell, login=login, env=BEDROCK),
            line("CLAUDE_CODE_USE_BEDROCK", "1", rc, 1, shell),
        )
        for shell in ("bash",)
        for login in (False, True)
    ]
    findings = judge(pictures, [CLAUDE] * len(pictures), "2.1.113", HOME, []).diagnosis().findings
    problem = next(f for f in findings if f.severity == "problem")
    assert problem.shells == ()


def test_a_line_used_in_another_kind_is_named_there() -> None:
    verdict = judge(login_only(), [CLAUDE] * 3, "2.1.113", HOME, [])
    zprofile_line = line("CLAUDE_CODE_USE_BEDROCK", "1", str(HOME / ".zprofile"), 1, "zsh")
    assert verdict.winner_in(zprofile_line) == ("login zsh",)
    assert verdict.winner_in(Source("CLAUDE_CODE_USE_BEDROCK", "1", "environment")) == ()


def test_a_fixed_version_is_affected_nowhere() -> None:
    verdict = judge(login_only(), [CLAUDE] * 3, "2.1.100", HOME, [])
    assert verdict.affected_in == ()
    assert verdict.shown.label == "zsh"
