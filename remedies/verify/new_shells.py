"""After apply: does every kind of new shell really end with what the remedy set?

Asked of the real shells again (never the answers from before the change): a terminal, a
login shell and an IDE's `SHELL -c` each must have every variable the remedy unsets gone
and every one it sets at exactly its value. A line remedy could not see or may not edit (a
framework's function, /etc/zsh/zlogin) shows up here, with the file:line the trace names.
"""

from __future__ import annotations

from remedies.context import Context
from remedies.engine.envedit import EnvEdit
from remedies.engine.new_shell import ShellEnv, new_shell_envs
from remedies.engine.shell_choice import installed
from remedies.redact import shown
from shells.base import Shell


def _culprit(env: ShellEnv, name: str) -> str:
    at = env.where_set(name)
    return f" (set at {at[0]}:{at[1]})" if at else ""


def disagreement(env: ShellEnv, edit: EnvEdit) -> str | None:
    """What this new shell got that the remedy did not ask for, in a few words."""
    for name in edit.unset:
        if name in env.env:
            value = shown(name, env.env[name])
            return f"a new {env.label} still has {name}={value}{_culprit(env, name)}"
    for name, wanted in edit.set:
        got = env.env.get(name)
        if got != wanted:
            has = "does not have" if got is None else f"has {name}={shown(name, got)}, not"
            return f"a new {env.label} {has} {name}={shown(name, wanted)}{_culprit(env, name)}"
    return None


def check_new_shells(ctx: Context, shells: list[Shell], edit: EnvEdit) -> str | None:
    """None when every kind of new shell of every installed one agrees, else what does not."""
    names = edit.names()
    for shell in shells:
        if installed(ctx, shell) is None:
            continue  # dotfiles shared with machines that have it; nothing to ask here
        for env in new_shell_envs(ctx, shell, watched=names):
            problem = disagreement(env, edit)
            if problem:
                return problem
    return None
