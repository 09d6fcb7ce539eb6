"""Which shells a command works on: --shell, --all-shells, or the one the user runs."""

from __future__ import annotations

import os

from remedies.context import Context
from remedies.errors import BadInput
from shells import SHELLS, Shell, Where, shell_named, supported_names
from shells.detect import detect


def installed(ctx: Context, shell: Shell) -> str | None:
    """The path of the program that runs this shell here, if any."""
    return next((p for p in map(ctx.which, shell.executables) if p), None)


def choose_shells(ctx: Context, names: tuple[str, ...], all_shells: bool) -> list[Shell]:
    chosen: list[Shell] = []
    for name in names:
        shell = shell_named(name)
        if shell is None:
            from remedies.typos import unknown  # difflib, for a typo only

            raise BadInput(unknown("shell", name, supported_names()))
        chosen.append(shell)
    if all_shells:
        chosen += [s for s in SHELLS if installed(ctx, s)]
    if not names and not all_shells:
        found = detect(ctx.env, ctx.parent_shell)
        shell = found[0] if found is not None and installed(ctx, found[0]) else None
        if shell is None and ctx.env.get("SHELL"):
            # $SHELL names a shell remedy does not support (nushell, xonsh) or one not
            # installed here: the shells the user's files say they start still count.
            shell = next((s for s in SHELLS if installed(ctx, s) and _has_own_files(ctx, s)), None)
        if shell is None:
            raise BadInput(
                "cannot tell which shell you use; pass --shell NAME "
                f"(one of: {', '.join(supported_names())}) or --all-shells"
            )
        chosen.append(shell)
    unique: list[Shell] = []
    for shell in chosen:
        if shell.name not in {s.name for s in unique}:
            unique.append(shell)
    return unique


def shells_in_use(ctx: Context, names: tuple[str, ...], all_shells: bool) -> list[Shell]:
    """Every shell a new terminal, login or IDE of this user may start, the one they run
    first: with --shell, those named (the user narrowed it); otherwise the one they run,
    their login shell ($SHELL), and every other installed shell whose own start-up files
    are here (a user who moved to zsh keeps a ~/.bashrc that an IDE's bash still reads)."""
    chosen = choose_shells(ctx, names, all_shells)
    if names:
        return chosen
    login = shell_named(ctx.env.get("SHELL", ""))
    found = list(chosen)
    # One program under two names (csh is tcsh through Debian's alternatives) answers the
    # same: asked once.
    programs = {os.path.realpath(p) for s in chosen if (p := installed(ctx, s))}
    for shell in SHELLS:
        program = installed(ctx, shell)
        if program is None or shell.name in {s.name for s in found}:
            continue
        if shell is not login and not _has_own_files(ctx, shell):
            continue
        if os.path.realpath(program) in programs:
            continue
        programs.add(os.path.realpath(program))
        found.append(shell)
    return found


def _has_own_files(ctx: Context, shell: Shell) -> bool:
    return any(p.exists() for p in shell.own_files(Where(ctx.home, ctx.env)))
