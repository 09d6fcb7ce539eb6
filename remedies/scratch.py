"""A throwaway folder that no other user can reach into, for the programs remedy runs.

Claude Code reads `.mcp.json`, `CLAUDE.md` and more from its working folder and from every
folder above it, and in `-p` mode starts the MCP servers it finds there without asking
(measured by an adversarial review with 2.1.111: a `.mcp.json` a user left in /tmp ran as
root when the offline probe worked in /tmp/remedy-verify-.../work). So the probe's folder
is not made in /tmp but in the running user's own cache folder, found in the password
database (never $HOME, which may be another user's while root stays root), and every folder
above it must belong to root or to the running user, and no one else may write it.
"""

from __future__ import annotations

import os
import pwd
import tempfile
from pathlib import Path

from remedies.errors import RemedyError


def private_scratch(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A new temporary folder (removed on exit) under ~/.cache/remedy of the running user."""
    me = os.geteuid()
    base = Path(pwd.getpwuid(me).pw_dir) / ".cache" / "remedy"
    try:
        base.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as e:
        raise RemedyError(f"cannot make remedy's scratch folder {base}: {e.strerror}") from e
    from remedies.root_programs import why_not_owned_alone

    problem = why_not_owned_alone(base, frozenset({0, me}))
    if problem is not None:
        raise RemedyError(
            f"remedy's scratch folder {base} is not yours alone ({problem}): Claude Code "
            "would read what others leave above it; nothing was run"
        )
    return tempfile.TemporaryDirectory(prefix=prefix, dir=base)
