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
        # `sh` among our ancestors is nearly always a `sh -c` from make, npm or an IDE task,
        # not the shell the user types into (shellingham documents that such chains report
        # sh), so the login shell named by $SHELL is the better answer when it is another one.
        if found.name == "sh" and login_shell is not None and login_shell.name != "sh":
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
