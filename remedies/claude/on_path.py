"""Which `claude` runs here, its version, and how it was installed.

Install methods (FACTS.md): npm global (`<prefix>/bin/claude` -> the package under
`<prefix>/lib/node_modules/@anthropic-ai/claude-code`), native (`~/.local/bin/claude` ->
`~/.local/share/claude/versions/<v>`), Homebrew cask, or something else.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

from remedies.context import Context
from remedies.errors import RemedyError

_VERSION = re.compile(r"\b(\d+\.\d+\.\d+(?:[-.+][0-9A-Za-z.]+)?)\b")


@dataclass(frozen=True)
class ClaudeInstall:
    path: str | None  # the claude found first on PATH; None: there is none
    real_path: str | None
    version: str | None
    install_method: str  # npm, native, homebrew, other, missing
    others: tuple[str, ...] = ()  # further claude executables on PATH, shadowed by the first
    problem: str | None = None  # why the version could not be read
    found_on: str = "PATH"  # or e.g. "the PATH a new bash gets"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "real_path": self.real_path,
            "version": self.version,
            "install_method": self.install_method,
            "others": list(self.others),
            "problem": self.problem,
            "found_on": self.found_on,
        }


def install_method(ctx: Context, real_path: str) -> str:
    if "/node_modules/@anthropic-ai/claude-code" in real_path:
        return "npm"
    native = str(ctx.home / ".local" / "share" / "claude") + "/"
    if real_path.startswith(native) or "/.local/share/claude/versions/" in real_path:
        return "native"
    if "/Caskroom/" in real_path or "/homebrew/" in real_path or "/linuxbrew/" in real_path:
        return "homebrew"
    return "other"


def all_on_path(ctx: Context, program: str) -> list[str]:
    found: list[str] = []
    for folder in ctx.env.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(folder or ".", program)
        # os.path.isfile, not Path.is_file: a PATH folder this user may not search (root's
        # PATH after remedy became a home's owner) is skipped, not an error.
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK) and candidate not in found:
            found.append(candidate)
    return found


def read_version(ctx: Context, path: str) -> tuple[str | None, str | None]:
    """`claude --version` prints e.g. `2.1.111 (Claude Code)`. Run with a throwaway HOME: the
    client writes ~/.claude.json on start, and asking a version must not change the user's."""
    with tempfile.TemporaryDirectory(prefix="remedy-claude-") as home:
        env = {
            **ctx.env,
            "HOME": home,
            "CLAUDE_CONFIG_DIR": home,
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        }
        try:
            done = ctx.runner.run([path, "--version"], env=env, timeout=30)
        except RemedyError as e:
            return None, str(e)
    text = (done.stdout or b"").decode("utf-8", "replace")
    match = _VERSION.search(text)
    if done.returncode != 0 or match is None:
        said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        return None, f"`claude --version` failed: {said[0] if said else done.returncode}"
    return match.group(1), None


def find_claude(ctx: Context) -> ClaudeInstall:
    found = all_on_path(ctx, "claude")
    if not found:
        return ClaudeInstall(None, None, None, "missing", problem="no `claude` on PATH")
    path = found[0]
    real = os.path.realpath(path)
    version, problem = read_version(ctx, path)
    return ClaudeInstall(path, real, version, install_method(ctx, real), tuple(found[1:]), problem)
