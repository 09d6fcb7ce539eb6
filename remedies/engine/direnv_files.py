"""A project's direnv `.envrc`: which one applies here, and whether direnv allows it.

direnv loads the nearest `.envrc` above the current folder when a shell's prompt comes up
there, but only once `direnv allow` has recorded that exact content: a file under
`$XDG_DATA_HOME/direnv/allow/` named by sha256(path + "\\n" + content), holding the path
(measured with direnv 2.32). remedy never allows content the user did not: when it edits an
allowed `.envrc`, the allow file for the new content is one more file of the same
transaction, so revert takes it away with the edit and the old allowance still stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from remedies.engine.fileio import sha256

ENVRC = ".envrc"
# direnv evaluates every .envrc with bash, whatever the user's shell (its stdlib is bash):
# a fact of direnv's, so the one place outside shells/ that names a shell.
ENVRC_SHELL = "bash"


def nearest_envrc(cwd: Path) -> Path | None:
    """The .envrc direnv would load in `cwd`: the nearest in it or a folder above."""
    for folder in (cwd, *cwd.parents):
        candidate = folder / ENVRC
        if candidate.is_file():
            return candidate
    return None


def allow_file(env: Mapping[str, str], home: Path, envrc: Path, content: bytes) -> Path:
    data = env.get("XDG_DATA_HOME", "")
    base = Path(data) if data.startswith("/") else home / ".local" / "share"
    digest = sha256(str(envrc).encode() + b"\n" + content)  # direnv's own name for it
    return base / "direnv" / "allow" / str(digest)


def allow_content(envrc: Path) -> bytes:
    return str(envrc).encode() + b"\n"


def is_allowed(env: Mapping[str, str], home: Path, envrc: Path, content: bytes) -> bool:
    return allow_file(env, home, envrc, content).is_file()
