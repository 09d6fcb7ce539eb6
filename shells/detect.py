"""Which shell does the user run? shellingham first, then $SHELL; never a crash."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from shells import normalise, shell_named
from shells.base import Shell


def detect(
    env: Mapping[str, str], parent_shell: Callable[[], str | None]
) -> tuple[Shell, str] | None:
    """The user's shell and how we know it, or None when nothing tells us. `parent_shell`
    names the shell among the caller's ancestors (process_tree_shell for the command line;
    a test passes its own answer, so that what started the tests does not change it)."""
    login_shell = shell_named(env.get("SHELL", "")) if env.get("SHELL") else None
    parent = parent_shell()
    found = shell_named(parent) if parent else None
    if found is not None:
        # A launcher among our ancestors (`sh -c` from make, npm or an IDE task) is not the
        # shell the user types into, so the login shell named by $SHELL is the better answer
        # when it is another one.
        launcher = found.ancestor_is_a_launcher
        if launcher and login_shell is not None and login_shell.name != found.name:
            return login_shell, "$SHELL"
        return found, "the parent process"
    if login_shell is not None:
        return login_shell, "$SHELL"
    return None


def process_tree_shell() -> str | None:
    """The name of the nearest shell among this process's ancestors when a person may be
    typing into it; None when it runs a script or a command (`bash backup.sh`, `zsh -c ...`:
    a cron job, a CI step, a provisioning script, whose interpreter is not the user's
    shell), so that $SHELL decides. Linux's /proc says what each ancestor runs; elsewhere
    shellingham names the nearest shell."""
    if os.path.isdir("/proc/self"):
        return _nearest_interactive(os.getppid())
    try:
        import shellingham  # imported here: only commands that need a shell pay for it

        name, _path = shellingham.detect_shell()
    except Exception:
        return None
    return normalise(name)


def _nearest_interactive(pid: int) -> str | None:
    for _ in range(64):  # a loop in what /proc says cannot keep us here
        if pid <= 1:
            return None
        argv = _cmdline(pid)
        if argv:
            name = normalise(os.path.basename(argv[0]))
            if shell_named(name) is not None:
                return None if runs_a_script(argv[1:]) else name
        pid = _parent_of(pid)
    return None


def runs_a_script(args: list[str]) -> bool:
    """Whether a shell started with these arguments runs a command or a script rather than
    reading what a person types: `-c` (alone or among other letters, as in `-lc`), or an
    operand (a script's path) before any `--` ends the options."""
    taking_a_value = False
    for index, arg in enumerate(args):
        if taking_a_value:
            taking_a_value = False
            continue
        if arg == "--":
            return index + 1 < len(args)  # what follows is the script
        if arg in _TAKE_A_VALUE:
            taking_a_value = True
            continue
        if arg.startswith("-") and not arg.startswith("--"):
            if "c" in arg[1:]:
                return True
            continue
        if arg.startswith(("--", "+")):
            continue
        return True  # an operand: the script
    return False


# Options whose value is the next argument (bash and zsh `-o vi`, bash `-O extglob`,
# `--rcfile FILE`), never a script.
_TAKE_A_VALUE = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read()
    except OSError:
        return []
    return [os.fsdecode(a) for a in raw.split(b"\0") if a]


def _parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        # The command name is in parentheses and may hold spaces: the fields after the last
        # ")" are state, then the parent's pid (proc(5)).
        return int(stat[stat.rindex(b")") + 2 :].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
