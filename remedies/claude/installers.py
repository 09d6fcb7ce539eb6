"""Upgrading (and going back) with the installer's own tool, never with sudo.

- npm: `npm install -g --prefix <prefix> @anthropic-ai/claude-code@<version>`; `install`,
  not `update`: `npm update -g` does not cross a pinned range. The prefix is the one that
  owns the running claude, so the upgrade lands where it will be used.
- native: `claude install <version>`, or `claude update` for the latest.
- Homebrew: `brew upgrade --cask claude-code` (the latest only; casks keep no old versions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from remedies.claude.installs import PACKAGE, Install
from remedies.context import Context
from remedies.errors import BadInput, RemedyError


@dataclass(frozen=True)
class Plan:
    argv: list[str]
    method: str


def upgrade_plan(ctx: Context, install: Install, target: str) -> Plan:
    """The command that takes `install` to `target` ("latest" or a version)."""
    return _plan(ctx, install, target, going_back=False)


def reinstall_plan(ctx: Context, install: Install, version: str) -> Plan:
    """The command that puts an exact earlier version back (revert)."""
    return _plan(ctx, install, version, going_back=True)


def _plan(ctx: Context, install: Install, version: str, *, going_back: bool) -> Plan:
    if install.method == "npm" and install.npm_prefix:
        npm = ctx.which("npm")
        if npm is None:
            raise RemedyError(
                f"{install.path} was installed with npm, but npm is not on PATH; install "
                "Node.js and npm, or upgrade with the native installer (`claude install`)"
            )
        scope = ["-g"] if install.npm_global else []
        argv = [npm, "install", *scope, "--prefix", install.npm_prefix, f"{PACKAGE}@{version}"]
        return Plan([*argv, "--no-audit", "--no-fund"], "npm")
    if install.method == "native":
        if version == "latest" and not going_back:
            return Plan([install.path, "update"], "native")
        return Plan([install.path, "install", version], "native")
    if install.method == "homebrew":
        brew = ctx.which("brew")
        if brew is None:
            raise RemedyError(f"{install.path} came from Homebrew, but brew is not on PATH")
        if going_back:
            raise RemedyError(
                "Homebrew keeps no older versions of the claude-code cask, so this upgrade "
                f"cannot be taken back with brew; to run {version} again install it with npm "
                f"(`npm install -g {PACKAGE}@{version}`) or the native installer "
                f"(`claude install {version}`)"
            )
        if version != "latest":
            raise BadInput("Homebrew installs only the latest claude-code; leave out --to")
        return Plan([brew, "upgrade", "--cask", "claude-code"], "homebrew")
    raise RemedyError(
        f"cannot tell how {install.path} was installed ({install.real_path}); upgrade it the "
        f"way you installed it, e.g. `npm install -g {PACKAGE}@latest` or `claude update`"
    )


_NPM_PATH = re.compile(r"npm (?:ERR!|error) path (\S+)")
_DENIED = re.compile(r"(?:EACCES|EPERM)[^,\n]*,\s*\w+ '([^']+)'")


def explain_failure(plan: Plan, code: int, output: str) -> str:
    """One line a person can act on, from the installer's exit code and output."""
    if "EACCES" in output or "EPERM" in output or "permission denied" in output.lower():
        match = _DENIED.search(output) or _NPM_PATH.search(output)
        folder = match.group(1) if match else "the install folder"
        return (
            f"{folder} is not writable by you, and remedy never uses sudo. Either give npm a "
            "prefix you own (`npm config set prefix ~/.npm-global`, put ~/.npm-global/bin "
            "first on PATH, reinstall claude there), or switch to the native installer "
            "(`curl -fsSL https://claude.ai/install.sh | bash`, then `claude install`)"
        )
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    # npm ends every failure with where its log is (in the user's home, which an MDM's
    # administrator never sees): the cause is its first `npm error` line, e.g. `code
    # SELF_SIGNED_CERT_IN_CHAIN` (found by review: every npm failure read the same).
    causes = [line for line in lines if _NPM_ERROR.match(line) and not _NPM_LOG.search(line)]
    said = (causes[0] if causes else lines[-1]) if lines else "no output"
    return f"`{' '.join(plan.argv[:3])} …` failed (exit {code}): {said}"


_NPM_ERROR = re.compile(r"npm (?:error|ERR!) ")
_NPM_LOG = re.compile(r"A complete log of this run can be found in|^npm (?:error|ERR!) *$")
