"""From "set these variables for these shells" to a list of file changes. Reads, never writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from remedies.context import Context
from remedies.engine.envedit import EnvEdit, plan_rc_edit
from remedies.engine.fileio import FileState, read_state
from remedies.engine.journal import encode_line
from remedies.engine.shell_choice import installed
from remedies.engine.transaction import Change, SyntaxCheck
from remedies.output import display
from shells.base import Shell, Where


def _roles(ctx: Context, shells: list[Shell]) -> dict[Path, tuple[Shell, bool]]:
    """Each start-up file, the shell that owns it, and whether our block goes there."""
    where = Where(ctx.home, ctx.env)
    roles: dict[Path, tuple[Shell, bool]] = {}
    for shell in shells:
        for path in shell.write_set(where):
            roles.setdefault(path, (shell, True))
    for shell in shells:
        for path in shell.read_set(where):
            roles.setdefault(path, (shell, False))
    return roles


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
            undo = {
                "kind": "store",
                "shell": shell.name,
                "lines": [encode_line(x) for x in dropped],
            }
            summary = f"removed {len(dropped)} exported universal variable(s)"
            changes.append(Change(state=state, new=new, undo=undo, summary=summary))
    return changes


def plan_env_changes(ctx: Context, shells: list[Shell], remedy: str, edit: EnvEdit) -> list[Change]:
    seen: set[Path] = set()
    changes = _store_changes(ctx, shells, edit, seen)
    for path, (shell, write) in _roles(ctx, shells).items():
        state: FileState = read_state(path)
        if state.target in seen or (state.data is None and not write):
            continue
        seen.add(state.target)
        result = plan_rc_edit(
            state.data or b"",
            shell=shell,
            remedy=remedy,
            edit=edit,
            write_block=write,
            where=display(ctx, path),
        )
        if state.data is not None and result.new == state.data:
            continue
        undo: dict[str, Any] = {
            "kind": "rc",
            "remedy": remedy,
            "shell": shell.name,
            "prefix": encode_line(shell.neutralise_prefix(remedy)),
            "disabled": [
                [encode_line(line), number]
                for line, number in zip(result.disabled, result.disabled_at)
            ],
        }
        changes.append(
            Change(
                state=state,
                new=result.new,
                undo=undo,
                check=_syntax_check(ctx, shell),
                summary=_summary(result.disabled_at, result.block, state.data is None),
            )
        )
    return changes
