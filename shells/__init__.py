"""One small type per shell, and how to find the ones a user has.

`remedies` asks this package three things: which shell types exist (`SHELLS`), which one a
name means (`shell_named`), and which the user runs (`shells.detect`). SHELLS is the one
registry: a new shell is its module and one line here (shells/base.py, "Adding a shell").
"""

from __future__ import annotations

from shells.base import Shell, Where
from shells.fish import Fish
from shells.posix import Bash, Ksh, Mksh, Sh, Zsh
from shells.powershell import PowerShell
from shells.tcsh import Csh, Tcsh

SHELLS: tuple[Shell, ...] = (
    Bash(),
    Zsh(),
    Sh(),
    Ksh(),
    Mksh(),
    Fish(),
    Tcsh(),
    Csh(),
    PowerShell(),
)

# Names a user or a process list may use, mapped to the shell type that handles them.
_ALIASES: dict[str, str] = {
    "dash": "sh",
    "posh": "sh",
    "ash": "sh",
    "ksh93": "ksh",
    "pdksh": "ksh",
    "powershell": "pwsh",
}


def supported_names() -> list[str]:
    return sorted({s.name for s in SHELLS} | set(_ALIASES))


def normalise(name: str) -> str:
    """`-bash`, `/usr/bin/zsh`, `pwsh.exe` -> the plain lower-case program name."""
    base = name.strip().rsplit("/", 1)[-1].lstrip("-").lower()
    return base[:-4] if base.endswith(".exe") else base


def shell_named(name: str) -> Shell | None:
    key = normalise(name)
    key = _ALIASES.get(key, key)
    return next((s for s in SHELLS if s.name == key), None)


__all__ = ["SHELLS", "Shell", "Where", "normalise", "shell_named", "supported_names"]
