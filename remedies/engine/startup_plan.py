"""From "set these variables for these shells" to a list of file changes. Reads, never writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from remedies.context import Context
from remedies.engine.direnv_files import (
    ENVRC_SHELL,
    allow_content,
    allow_file,
    is_allowed,
    nearest_envrc,
)
from remedies.engine.envedit import EnvEdit, plan_rc_edit
from remedies.engine.fileio import FileState, read_state
from remedies.engine.shell_choice import installed
from remedies.engine.transaction import Change, SyntaxCheck
from remedies.engine.undo import NoUndo, RcUndo, StoreUndo
from remedies.output import display
from shells.base import Shell, Where


def _roles(
    shells: list[Shell], where: Where, sourced: dict[Path, Shell]
) -> dict[Path, tuple[Shell, bool]]:
    """Each start-up file, the shell that owns it, and whether our block goes there. Files
    the start-up files source are edited too (a line there is as real as one in ~/.bashrc),
    when they are the user's own: a system file is named by the check after apply."""
    roles: dict[Path, tuple[Shell, bool]] = {}
    for shell in shells:
        for path in shell.write_set(where):
            roles.setdefault(path, (shell, True))
    for shell in shells:
        for path in shell.read_set(where):
            roles.setdefault(path, (shell, False))
    for path, shell in sourced.items():
        if _owned_by_us(path):
            roles.setdefault(path, (shell, False))
    return roles


def _owned_by_us(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.geteuid()
    except OSError:
        return False


def _syntax_check(ctx: Context, shell: Shell) -> SyntaxCheck | None:
    executable = installed(ctx, shell)
    if executable is None:
        return None  # the user may share dotfiles with machines that have it; we cannot check

    def check(temp: Path) -> list[str] | None:
        return shell.syntax_check_argv(executable, str(temp))

    return check


def _summary(disabled_at: tuple[int, ...], block: str, created: bool) -> str:
    parts = []
    if block:
        parts.append("created with our block" if created else f"block {block}")
    if disabled_at:
        lines = ", ".join(str(n) for n in disabled_at)
        parts.append(f"disabled line{'s' if len(disabled_at) > 1 else ''} {lines}")
    return "; ".join(parts)


def _store_changes(
    ctx: Context, shells: list[Shell], edit: EnvEdit, seen: set[Path]
) -> list[Change]:
    """Variables a shell keeps outside its start-up files (fish's exported universals)."""
    changes = []
    where = Where(ctx.home, ctx.env)
    for shell in shells:
        store = shell.variable_store(where)
        if store is None or not edit.unset:
            continue
        state = read_state(store)
        if state.data is None or state.target in seen:
            continue
        seen.add(state.target)
        new, dropped = shell.drop_from_store(state.data, edit.unset)
        if dropped:
            undo = StoreUndo(shell=shell.name, lines=tuple(dropped))
            summary = f"removed {len(dropped)} exported universal variable(s)"
            changes.append(Change(state=state, new=new, undo=undo, summary=summary))
    return changes


@dataclass(frozen=True)
class Planned:
    """The changes to start-up files, and what a person must know of them: the lines left as
    they are because they cannot be disabled on their own (envedit.RcEdit.kept)."""

    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()

    def __add__(self, other: Planned) -> Planned:
        return Planned((*self.changes, *other.changes), (*self.notes, *other.notes))


def plan_env_changes(
    ctx: Context,
    shells: list[Shell],
    remedy: str,
    edit: EnvEdit,
    *,
    where: Where | None = None,
    sourced: dict[Path, Shell] | None = None,
) -> Planned:
    """The changes for these shells: `where` as the shells resolve it (ZDOTDIR), `sourced`
    the files their start-up files source (engine.startup_walk)."""
    where = where or Where(ctx.home, ctx.env)
    seen: set[Path] = set()
    planned = Planned(tuple(_store_changes(ctx, shells, edit, seen)))
    for path, (shell, write) in _roles(shells, where, sourced or {}).items():
        state: FileState = read_state(path)
        if state.target in seen or (state.data is None and not write):
            continue
        seen.add(state.target)
        planned += plan_file(ctx, state, shell, remedy, edit, write_block=write)
    return planned


def _kept(ctx: Context, state: FileState, kept: tuple[tuple[int, str], ...]) -> tuple[str, ...]:
    return tuple(
        f"{display(ctx, state.path)}:{line} sets {name} and more (or only under a condition, "
        "or across lines), so remedy leaves that line as it is: its own lines, after it, win"
        for line, name in kept
    )


def plan_file(
    ctx: Context, state: FileState, shell: Shell, remedy: str, edit: EnvEdit, *, write_block: bool
) -> Planned:
    """One file in a shell's syntax: the user's lines disabled, our block when asked; no
    change when nothing changes."""
    result = plan_rc_edit(
        state.data or b"",
        shell=shell,
        remedy=remedy,
        edit=edit,
        write_block=write_block,
        where=display(ctx, state.path),
    )
    notes = _kept(ctx, state, result.kept)
    if state.data is not None and result.new == state.data:
        return Planned((), notes)
    undo = RcUndo(
        remedy=remedy,
        shell=shell.name,
        prefix=shell.neutralise_prefix(remedy),
        disabled=tuple(zip(result.disabled, result.disabled_at)),
    )
    change = Change(
        state=state,
        new=result.new,
        undo=undo,
        check=_syntax_check(ctx, shell),
        summary=_summary(result.disabled_at, result.block, state.data is None),
    )
    return Planned((change,), notes)


def plan_envrc(ctx: Context, remedy: str, edit: EnvEdit) -> Planned:
    """The project's direnv .envrc (bash syntax): the same edit, and, when direnv allowed
    it before, the allowance of the new content so that it keeps loading."""
    from shells import shell_named

    envrc = nearest_envrc(ctx.cwd)
    bash = shell_named(ENVRC_SHELL)
    if envrc is None or bash is None:
        return Planned()
    state = read_state(envrc)
    if state.data is None:
        return Planned()
    planned = plan_file(ctx, state, bash, remedy, edit, write_block=True)
    change = planned.changes[0] if planned.changes else None
    if change is None or change.new is None:
        return Planned((), planned.notes)
    changes = [change]
    if is_allowed(ctx.env, ctx.home, envrc, state.data):
        allow = allow_file(ctx.env, ctx.home, envrc, change.new)
        changes.append(
            Change(
                state=read_state(allow),
                new=allow_content(envrc),
                undo=NoUndo(),
                summary=f"direnv allows the edited {display(ctx, envrc)}, as it allowed it before",
            )
        )
    return Planned(tuple(changes), planned.notes)
