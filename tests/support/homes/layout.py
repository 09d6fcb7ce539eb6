"""What every sandbox home shares: the Layout each builder returns and the helpers that
write the files.

The underscore helpers are private to this package: the builders in its other modules call
them by these names, as they did when the package was one module.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import base_env

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"

# Kinds of new shell: an interactive one (a terminal), a login one (ssh, macOS Terminal),
# and a script one (`zsh -c`, `fish -c`: what IDEs, scripts, cron and Ansible start).
INTERACTIVE = "interactive"
LOGIN = "login"
SCRIPT = "script"


@dataclass(frozen=True)
class Layout:
    name: str
    shell: str
    # Where a careful user would be told Bedrock is switched on: relative to HOME, 1-based.
    sets_bedrock_at: tuple[str, int]
    # The AWS_REGION a new shell gets here (None: none of them sets one).
    region: str | None
    notes: str
    # Kinds of new shell that really get CLAUDE_CODE_USE_BEDROCK=1 here, before remedy.
    modes: tuple[str, ...] = (INTERACTIVE, LOGIN)
    # The folder (relative to HOME) the user works in, when it matters (direnv).
    project: str | None = None
    # A region configured outside the start-up files (~/.aws/config), which remedy should
    # find by itself: no --region is needed.
    configured_region: str | None = None
    # A line apply cannot disable on its own (it sets other variables too): left as it is,
    # named (this file:line) in apply's notes, and overridden by remedy's block after it.
    kept_at: str | None = None


# --- helpers ------------------------------------------------------------------------------


def _write(home: Path, relative: str, text: str) -> Path:
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _link(home: Path, relative: str, target: str) -> None:
    """A symbolic link at HOME/relative pointing at `target` (relative, as stow and rcm
    make them, or absolute)."""
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the one line of `text` that holds `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def _env(home: Path) -> dict[str, str]:
    """What the tests give every child, for programs run here (fish, direnv)."""
    return base_env(home)


def _run(home: Path, argv: list[str], cwd: Path | None = None) -> None:
    subprocess.run(
        argv,
        env=_env(home),
        cwd=cwd or home,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
