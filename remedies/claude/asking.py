"""Asking the real shells what every kind of new shell gets, for the variables a picture is
drawn from (engine.new_shell starts them; claude.collect lays the answers over the files),
and reading their start-up files ahead while they run."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from remedies.claude.installs import absolute_entries, all_on_path
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv, answered, asked_each, startup_where
from remedies.engine.shell_choice import choose_shells, installed
from remedies.engine.startup_walk import walk
from remedies.errors import BadInput, RemedyError
from shells.base import Shell


def ask_shells(
    ctx: Context,
    shells: Sequence[Shell],
    names: tuple[str, ...],
    meanwhile: Callable[[], object] | None = None,
) -> list[ShellEnv]:
    """What every kind of new shell of these (installed) shells really gets. `meanwhile`:
    work that needs no answer of theirs, done while the first of them runs. While shells do
    run, their start-up files are also read ahead (read_ahead). Every one must answer."""
    envs, failed = _ask(ctx, shells, names, meanwhile)
    for _name, error in failed:
        raise error
    return envs


@dataclass(frozen=True)
class Answers:
    envs: list[ShellEnv]
    # Shells besides the first that could not be asked, and why.
    unasked: tuple[tuple[str, str], ...] = ()


def ask_each(
    ctx: Context,
    shells: Sequence[Shell],
    names: tuple[str, ...],
    meanwhile: Callable[[], object] | None = None,
) -> Answers:
    """ask_shells for the shell the user runs (the first: it must answer) and every other
    shell they may start, each of which may fail on its own: a forgotten ~/.cshrc that waits
    for input must not stop doctor for a zsh user, and is named as not judged."""
    envs, failed = _ask(ctx, shells, names, meanwhile)
    first = shells[0].name if shells else None
    for name, error in failed:
        if name == first:
            raise error
    return Answers(envs, tuple((name, str(error)) for name, error in failed))


def _ask(
    ctx: Context,
    shells: Sequence[Shell],
    names: tuple[str, ...],
    meanwhile: Callable[[], object] | None,
) -> tuple[list[ShellEnv], list[tuple[str, RemedyError]]]:
    to_ask = [shell for shell in shells if installed(ctx, shell) is not None]

    def beside_the_shells() -> None:
        if meanwhile is not None:
            meanwhile()
        read_ahead(ctx, shells)

    # Only when a shell will run: read ahead of an answer already known would be work lost.
    work = beside_the_shells if any(not answered(ctx, s) for s in to_ask) else meanwhile
    if not to_ask:
        if work is not None:
            work()
        return [], []
    return asked_each(ctx, to_ask, names, work)


def read_ahead(ctx: Context, shells: Sequence[Shell]) -> None:
    """Read and scan the start-up files that reading alone finds, while new shells run (a
    big file costs as much to scan as a shell takes to run it): the picture drawn from their
    answers reads the same bytes, and the scanner keeps its answer per content
    (shells.lexing.scan, shells.sourcing.may_source). It only warms: every answer is drawn
    again, and a file that cannot be read is left for that drawing to report."""
    with contextlib.suppress(RemedyError):
        for root in walk(ctx, list(shells), startup_where(ctx, [])):
            for item in root.flat():
                item.shell.scan(item.lines)


def with_new_shell_path(ctx: Context) -> Context:
    """`ctx` with the PATH of the first kind of new shell of this user (the shell they run,
    asked as a terminal and as a login starts it) that has a claude on it: the claude and
    the installer they run next, wherever remedy runs from. From cron, an MDM's script or
    Ansible, this process's PATH is the system's (`/usr/bin:/bin`), where ~/.local/bin
    (Ubuntu's ~/.profile adds it, for login shells only), Homebrew's or nvm's are not:
    upgrade found no claude there that doctor had judged.

    Entries that are not absolute are left out: the shell read `.` in the home, and this
    process would read it in whatever folder it runs in. A shell that cannot answer (a
    start-up file that waits) stops here, as it stops doctor: remedy does not guess. `ctx`
    as it is only where there is no shell to ask (no $SHELL, none as parent)."""
    try:
        shells = choose_shells(ctx, (), False)[:1]
    except BadInput:
        return ctx
    for env in ask_shells(ctx, shells, ("PATH",)):
        path = absolute_entries(env.env.get("PATH", ""))
        if all_on_path(replace(ctx, env={"PATH": path}), "claude"):
            return replace(ctx, env={**ctx.env, "PATH": path})
    return ctx
