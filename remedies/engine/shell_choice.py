"""Which shells a command works on: --shell, --all-shells, or the one the user runs."""

from __future__ import annotations

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
            raise BadInput(f"unknown shell {name!r}; supported: {', '.join(supported_names())}")
        chosen.append(shell)
    if all_shells:
        chosen += [s for s in SHELLS if installed(ctx, s)]
    if not names and not all_shells:
        found = detect(ctx.env, ctx.parent_shell)
        if found is None:
            raise BadInput(
                "cannot tell which shell you use; pass --shell NAME "
                f"(one of: {', '.join(supported_names())}) or --all-shells"
            )
        chosen.append(found[0])
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
    where = Where(ctx.home, ctx.env)
    login = shell_named(ctx.env.get("SHELL", ""))
    more = [
        shell
        for shell in SHELLS
        if (shell is login or any(p.exists() for p in shell.own_files(where)))
        and installed(ctx, shell)
    ]
    return [*chosen, *(s for s in more if s.name not in {c.name for c in chosen})]
