"""Every `claude` on PATH, and how each was installed (FACTS.md, "Install and upgrade"):

- npm: `<prefix>/bin/claude` -> `<prefix>/lib/node_modules/@anthropic-ai/claude-code/cli.js`
  for a global install (`npm prefix -g`, which honours NPM_CONFIG_PREFIX); a local one has
  `<prefix>/node_modules/.bin/claude` -> `<prefix>/node_modules/@anthropic-ai/claude-code/…`;
- native: `~/.local/bin/claude` -> `~/.local/share/claude/versions/<version>`;
- Homebrew cask: the real path is under a `Caskroom/claude-code` folder.
The first on PATH is the one that runs; the others are reported, never touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from remedies.claude.on_path import all_on_path, install_method, read_version
from remedies.context import Context

PACKAGE = "@anthropic-ai/claude-code"


@dataclass(frozen=True)
class Install:
    path: str  # as found on PATH
    real_path: str
    method: str  # npm, native, homebrew, other
    version: str | None
    npm_prefix: str | None = None  # npm: the prefix that owns the package
    npm_global: bool = True  # npm: installed with -g (lib/node_modules) or into a prefix

    def describe(self) -> str:
        where = f" under {self.npm_prefix}" if self.npm_prefix else ""
        return f"{self.path} ({self.method}{where}, {self.version or 'version unknown'})"


def npm_prefix_of(real_path: str) -> tuple[str, bool] | None:
    """The npm prefix owning the package at real_path, and whether it is a global install."""
    parts = Path(real_path).parts
    for index in range(len(parts) - 2, 0, -1):
        if parts[index : index + 3] == ("node_modules", "@anthropic-ai", "claude-code"):
            modules = Path(*parts[: index + 1])
            if modules.parent.name == "lib":
                return str(modules.parent.parent), True
            return str(modules.parent), False
    return None


def inspect(ctx: Context, path: str) -> Install:
    """One claude: where it really is, how it was installed, which version it says."""
    real = os.path.realpath(path)
    version, _problem = read_version(ctx, path)
    install = Install(path, real, install_method(ctx, real), version)
    owner = npm_prefix_of(real) if install.method == "npm" else None
    if owner is not None:
        install = replace(install, npm_prefix=owner[0], npm_global=owner[1])
    return install


def find_installs(ctx: Context) -> list[Install]:
    return [inspect(ctx, path) for path in all_on_path(ctx, "claude")]
