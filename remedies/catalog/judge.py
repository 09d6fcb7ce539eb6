"""doctor's diagnosis of every kind of new shell a user may start, the remedy files' [when]
included: one Verdict (claude.verdict). `remedy doctor` shows it; `apply auto` follows it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from remedies.catalog import registry
from remedies.catalog.data_format import RemedySpec
from remedies.catalog.data_remedy import evaluate, variables, with_catalogue
from remedies.claude.asking import ask_each
from remedies.claude.collect import draw, draw_each, read_files
from remedies.claude.diagnosis import Finding, diagnose
from remedies.claude.installs import ClaudeOnPath, absolute_entries, all_on_path, find_claude
from remedies.claude.sources import SHELL_KINDS, WATCHED, Picture
from remedies.claude.verdict import Judged, Verdict
from remedies.context import Context
from remedies.engine.dotfile_facts import blocked_reason
from remedies.engine.new_shell import ShellEnv
from remedies.output import path_shown
from shells import SHELLS
from shells.base import Shell


@dataclass(frozen=True)
class Here:
    """What doctor finds here: the claude that runs, what every kind of new shell of the
    shells judged gets, and the verdict on each."""

    claude: ClaudeOnPath
    truth: tuple[ShellEnv, ...]
    verdict: Verdict
    # Said beside the verdict: a winning line in a file remedy could not change.
    blocked: tuple[Finding, ...] = ()


def judge_here(
    ctx: Context, shells: Sequence[Shell], fixed_version: str, env_files: tuple[Path, ...] = ()
) -> Here:
    """`shells`: the ones a user may start, the one they run first (shells_in_use)."""
    # Every supported shell's files are listed (a forgotten config.fish line is what people
    # miss); the shells judged, first here, decide which value wins.
    everyone = [*shells, *(s for s in SHELLS if s.name not in {c.name for c in shells})]
    # The remedy files' [when] look at more variables than the built-in diagnosis does.
    specs = registry.data(ctx).specs
    names = tuple(dict.fromkeys([*WATCHED, *(n for spec in specs for n in variables(spec))]))
    # Every file is read (and a hostile one refused) before any shell is started.
    read = read_files(ctx, everyone, env_files, names)
    # The truth is what the real shell ends with, asked the way a terminal, a login and an
    # IDE start it, for every shell judged, side by side; run from cron or Ansible, this
    # sees what the user's terminals would. A start-up file of the shell the user runs that
    # hangs or fails is an error: what the files alone say could be wrong, and remedy never
    # guesses; another shell's is named as not judged.
    # `claude --version` (a Node.js start, most of the time) runs while the shells do: the
    # claude that runs is found on this PATH, whatever the shells answer.
    found: list[ClaudeOnPath] = []
    # The shell the user runs must answer; another that cannot is named, not judged.
    answers = ask_each(ctx, shells, names, meanwhile=lambda: found.append(find_claude(ctx)))
    truth = answers.envs
    claude = found[0]
    # Each kind of new shell judged on its own, with the claude its own PATH gives (nvm in
    # ~/.zshrc, an npm prefix in ~/.bashrc: a terminal and an IDE may run different ones).
    pictures = draw_each(ctx, read, truth) or [draw(ctx, read, truth)]
    claudes = claude_of_each(ctx, truth, claude) or [claude]
    verdict = judge(
        pictures, claudes, fixed_version, ctx.home, specs, unnamed=f"new {shells[0].name}"
    )
    shown = claudes[verdict.judged.index(verdict.shown)]
    blocked = _blocked(ctx, verdict.shown.picture) if verdict.affected_in else ()
    return Here(shown, tuple(truth), replace(verdict, unasked=answers.unasked), blocked)


def _blocked(ctx: Context, picture: Picture) -> tuple[Finding, ...]:
    """The start-up file whose line turns Bedrock on, when remedy could not change it (a
    home-manager link into the Nix store, an immutable flag): said before apply is tried."""
    winner = picture.effective("CLAUDE_CODE_USE_BEDROCK")
    if winner is None or winner.kind not in SHELL_KINDS or winner.path is None:
        return ()
    reason = blocked_reason(Path(winner.path), ctx.home, ctx.env)
    if reason is None:
        return ()
    where = path_shown(winner.path, ctx.home)
    return (
        Finding(
            "startup-file-read-only",
            "warning",
            f"{where} turns Bedrock on, and remedy cannot change it: {reason}; `remedy apply "
            "mantle --dry-run` says what to change instead",
        ),
    )


def claude_of_each(
    ctx: Context, truth: Sequence[ShellEnv], here: ClaudeOnPath
) -> list[ClaudeOnPath]:
    """The claude each kind of new shell runs: the first on its PATH (its version read once
    per program), else the one this process finds (a kind with none on its PATH)."""
    read: dict[str, ClaudeOnPath] = {}
    if here.real_path:
        read[here.real_path] = here
    found = []
    for env in truth:
        # `.` in a new shell's PATH is the folder that shell runs in, not this process's.
        there = replace(ctx, env={**env.env, "PATH": absolute_entries(env.env.get("PATH", ""))})
        on_path = all_on_path(there, "claude")
        if not on_path:
            found.append(here)
            continue
        real = os.path.realpath(on_path[0])
        if real not in read:
            read[real] = replace(find_claude(there), found_on=f"the PATH a new {env.label} gets")
        found.append(read[real])
    return found


def judge(
    pictures: Sequence[Picture],
    claudes: Sequence[ClaudeOnPath],
    fixed_version: str,
    home: Path,
    specs: Sequence[RemedySpec],
    *,
    unnamed: str = "new shell",
) -> Verdict:
    """Each picture (one per kind of new shell, claude.collect.draw_each) diagnosed on its
    own, with the claude that kind runs (`claudes`, in the same order); `unnamed` labels a
    picture drawn from the files alone (no shell could be asked)."""
    judged = []
    for picture, claude in zip(pictures, claudes):
        diagnosis = with_catalogue(
            diagnose(picture, claude, fixed_version, home),
            [m for spec in specs if (m := evaluate(spec, picture, claude, home)) is not None],
            specs,
        )
        label = picture.judged.label if picture.judged else unnamed
        judged.append(Judged(label, picture, diagnosis))
    return Verdict(tuple(judged))
