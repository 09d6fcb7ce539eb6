"""Small stand-ins for the native installer, Homebrew and npm, behaving as the real ones do:
state kept in files, `claude --version` printing the installed version. Used where the real
tool cannot run here (Homebrew, the native installer's download) or to provoke a failure
(EACCES, a hang, a symlink left behind)."""

from __future__ import annotations

import os
from pathlib import Path

CLAUDE = """#!/bin/sh
# fake claude {version}, installed by the {method} installer
case "$1" in
  --version) echo "{version} (Claude Code)" ;;
  install|update) exec "{native}" "$@" ;;
  *) echo "fake claude: $*" ;;
esac
"""

NATIVE_INSTALLER = """#!/bin/sh
# fake native installer: versions in ~/.local/share/claude/versions, ~/.local/bin/claude links one
state="$HOME/.fake-native"
latest=$(sed -n 's/^latest=//p' "$state")
case "$1" in
  update) version="$latest" ;;
  install) version="${2:-$latest}"; [ "$version" = latest ] && version="$latest" ;;
esac
versions="$HOME/.local/share/claude/versions"
sed "s/{VERSION}/$version/g" "$HOME/.fake-claude-template" > "$versions/$version"
chmod +x "$versions/$version"
echo "Installing Claude Code $version"
if grep -q '^stuck=1' "$state"; then exit 0; fi  # the bug of anthropics/claude-code#50044
ln -sfn "$versions/$version" "$HOME/.local/bin/claude"
"""

BREW = """#!/bin/sh
# fake brew: only `brew upgrade --cask claude-code`, to the latest version
root="{root}"
latest=$(cat "$root/.latest")
[ "$1 $2 $3" = "upgrade --cask claude-code" ] || {{ echo "fake brew: $*" >&2; exit 1; }}
mkdir -p "$root/Caskroom/claude-code/$latest"
sed "s/{{VERSION}}/$latest/g" "$root/.template" > "$root/Caskroom/claude-code/$latest/claude"
chmod +x "$root/Caskroom/claude-code/$latest/claude"
ln -sfn "$root/Caskroom/claude-code/$latest/claude" "$root/bin/claude"
echo "==> Upgrading claude-code to $latest"
"""

NPM_EACCES = """#!/bin/sh
echo "npm error code EACCES"
echo "npm error syscall mkdir"
echo "npm error path {prefix}/lib/node_modules/@anthropic-ai"
echo "npm error errno -13"
echo "npm error Error: EACCES: permission denied, mkdir '{prefix}/lib/node_modules/@anthropic-ai'"
exit 243
"""

NPM_HANGS = """#!/bin/sh
echo "npm http fetch GET https://registry.npmjs.org/@anthropic-ai%2fclaude-code"
sleep 60
"""


def _script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def native(home: Path, version: str, latest: str, stuck: bool = False) -> Path:
    """A native install of `version` in HOME; `update` goes to `latest`."""
    installer = _script(home / ".local/share/claude/fake-installer", NATIVE_INSTALLER)
    template = CLAUDE.format(version="{VERSION}", method="native", native=installer)
    (home / ".fake-claude-template").write_text(template)
    (home / ".fake-native").write_text(f"latest={latest}\nstuck={int(stuck)}\n")
    binary = _script(
        home / ".local/share/claude/versions" / version, template.replace("{VERSION}", version)
    )
    link = home / ".local/bin/claude"
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(binary, link)
    return link.parent


def homebrew(root: Path, version: str, latest: str) -> Path:
    """A Homebrew prefix with the claude-code cask at `version`; its bin folder."""
    template = CLAUDE.format(version="{VERSION}", method="homebrew", native="/bin/false")
    (root / "bin").mkdir(parents=True)
    (root / ".template").write_text(template)
    (root / ".latest").write_text(latest)
    cask = _script(
        root / "Caskroom/claude-code" / version / "claude", template.replace("{VERSION}", version)
    )
    os.symlink(cask, root / "bin/claude")
    _script(root / "bin/brew", BREW.format(root=root))
    return root / "bin"


def npm_layout(prefix: Path, version: str, npm_script: str | None) -> Path:
    """A global npm install of a fake claude under `prefix`, and optionally a fake npm."""
    package = prefix / "lib/node_modules/@anthropic-ai/claude-code"
    cli = _script(
        package / "cli.js", CLAUDE.format(version=version, method="npm", native="/bin/false")
    )
    (prefix / "bin").mkdir(parents=True)
    os.symlink(os.path.relpath(cli, prefix / "bin"), prefix / "bin/claude")
    if npm_script is not None:
        _script(prefix / "bin/npm", npm_script.format(prefix=prefix))
    return prefix / "bin"
