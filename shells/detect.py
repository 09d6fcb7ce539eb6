"""Which shell does the user run? shellingham first, then $SHELL; never a crash."""

from __future__ import annotations

from collections.abc import Mapping

from shells import normalise, shell_named
from shells.base import Shell


def detect(env: Mapping[str, str]) -> tuple[Shell, str] | None:
    """The user's shell and how we know it, or None when nothing tells us."""
    login_shell = shell_named(env.get("SHELL", "")) if env.get("SHELL") else None
    found = _from_process_tree()
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


def _from_process_tree() -> Shell | None:
    try:
        import shellingham  # imported here: only commands that need a shell pay for it

        name, _path = shellingham.detect_shell()
    except Exception:
        return None
    return shell_named(normalise(name))
