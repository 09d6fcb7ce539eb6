"""After apply: does every kind of new shell really end with what the remedy set?

Asked of the real shells again (never the answers from before the change): a terminal, a
login shell and an IDE's `SHELL -c` each must have every variable the remedy unsets gone
and every one it sets at exactly its value. A line remedy could not see or may not edit (a
framework's function, /etc/zsh/zlogin) shows up here, with the file:line the trace names.
"""

from __future__ import annotations

from pathlib import Path

from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.new_shell import ShellEnv, envs_of_shells, new_shell_envs
from remedies.engine.shell_choice import installed
from remedies.output import path_shown
from remedies.redact import shown
from shells.base import Shell


def _culprit(env: ShellEnv, name: str, home: Path) -> str:
    at = env.where_set(name)
    return f" (set at {path_shown(at[0], home)}:{at[1]})" if at else ""


def disagreement(env: ShellEnv, edit: EnvEdit, home: Path) -> str | None:
    """What this new shell got that the remedy did not ask for, in a few words."""
    for name in edit.unset:
        if name in env.env:
            value = shown(name, env.env[name])
            return f"a new {env.label} still has {name}={value}{_culprit(env, name, home)}"
    for name, wanted in edit.set:
        got = env.env.get(name)
        if got != wanted:
            has = "does not have" if got is None else f"has {name}={shown(name, got)}, not"
            wants = f"{name}={shown(name, wanted)}"
            return f"a new {env.label} {has} {wants}{_culprit(env, name, home)}"
    return None


def check_new_shells(ctx: Context, shells: list[Shell], edit: EnvEdit) -> str | None:
    """None when every kind of new shell of every installed one agrees, else what does not.

    Asked untraced, as a person's shells run: the environment is the answer. Only a shell
    that disagrees is asked again, traced, to name the file:line that is in the way."""
    names = edit.names()
    # Shells not installed here: dotfiles shared with machines that have them; nothing to
    # ask. The others side by side, in one round.
    here = [shell for shell in shells if installed(ctx, shell) is not None]
    if not here:
        return None
    envs = envs_of_shells(ctx, here, traced=False)
    for shell in here:
        mine = [env for env in envs if env.shell == shell.name]
        problem = _first_disagreement(mine, edit, ctx.home)
        if problem is not None:
            named = _first_disagreement(new_shell_envs(ctx, shell, watched=names), edit, ctx.home)
            return named or problem
    return None


def _first_disagreement(envs: list[ShellEnv], edit: EnvEdit, home: Path) -> str | None:
    return next((p for p in (disagreement(env, edit, home) for env in envs) if p), None)
