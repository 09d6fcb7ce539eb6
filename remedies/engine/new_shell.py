"""The environment a new shell of the user's gets, asked of the real shell.

Static reading of start-up files (sources.py) says where a value comes from; only the shell
itself knows what it ends up with (conditionals, sourced files, plugins). verify runs Claude
Code with exactly this environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from remedies.context import Context
from remedies.engine.shell_choice import installed
from remedies.engine.startup_bounds import check_read_set
from remedies.errors import RemedyError
from shells.base import Shell, parse_env_dump


@dataclass(frozen=True)
class ShellEnv:
    shell: str
    login: bool
    env: dict[str, str]

    @property
    def label(self) -> str:
        return f"{'login ' if self.login else ''}{self.shell}"


def new_shell_envs(ctx: Context, shell: Shell, timeout: float = 60) -> list[ShellEnv]:
    """One environment per kind of new shell (login, non-login) that reads start-up files.

    Every start-up file the shell would read is checked first: a device, a pipe or a huge
    file there would make the shell block or eat memory without end, so none is started."""
    executable = installed(ctx, shell)
    if executable is None:
        raise RemedyError(f"{shell.name} is not installed here, so its environment cannot be asked")
    check_read_set(shell, ctx.home, ctx.env)
    found = []
    for login in shell.probe_modes():
        argv = shell.probe_argv(executable, ctx.python, login)
        # argv[0] may be a name such as -tcsh; the program is always `executable`.
        done = ctx.runner.run(
            [executable, *argv[1:]], env=ctx.env, timeout=timeout, cwd=ctx.home, argv0=argv[0]
        )
        env = parse_env_dump(done.stdout)
        if env is None:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RemedyError(
                f"a new {'login ' if login else ''}{shell.name} printed no environment "
                f"(exit {done.returncode}{': ' + said[-1] if said else ''})"
            )
        found.append(ShellEnv(shell.name, login, env))
    return found
