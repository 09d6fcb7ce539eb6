"""Which shell does the user run? shellingham first, then $SHELL; never a crash."""

from __future__ import annotations

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
    """The name of the nearest shell among this process's ancestors, if shellingham finds
    one."""
    try:
        import shellingham  # imported here: only commands that need a shell pay for it

        name, _path = shellingham.detect_shell()
    except Exception:
        return None
    return normalise(name)
