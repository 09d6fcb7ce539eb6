"""The real @anthropic-ai/claude-code from the npm registry, installed once into the project's
cache (.cache/claude-code/<version>) for the demo and the tests: the oldest client we support
(VERSION) and the newest we measured (NEWEST). `python -m demo.claude_cache` installs both
and exits 1 unless each runs and says its version (.ci/run, `make clients`).

Up to 2.1.112 the package is one 13 MB cli.js run by Node.js. From 2.1.113 it is a wrapper:
its bin/claude.exe is a 500-byte placeholder script that its postinstall (install.cjs)
replaces with the native binary (~400 MB) of a per-platform optional dependency
(@anthropic-ai/claude-code-linux-x64, ...). npm leaves the placeholder, which only prints
"claude native binary not installed", when the optional dependency is omitted (an npmrc's
omit=optional) or the script does not run (ignore-scripts=true; npm 11.19 already warns that
its allowScripts policy does not cover the package, and a stricter policy skips it): so the
install says --include=optional --ignore-scripts=false, runs the package's own install.cjs
when the placeholder is still there, and an install counts only once the client has printed
its version (measured in December 2026 with npm 11.19 and Node.js 20).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "claude-code"
VERSION = "2.1.111"  # the affected version of the seed; up to 2.1.112 it is a 13 MB cli.js
# The newest release measured for issue 25 (December 2026): a native binary behind the npm
# wrapper. npm warns that it wants Node.js >= 22 (EBADENGINE) and it runs on 20. Pinned, not
# "latest": the tests pin what this client sends (tests/test_newest_client.py) and the
# docs/remedies.md, "Which clients show each problem" names it; 2.1.337 was already out, unmeasured.
NEWEST = "2.1.332"
CLIENTS = (VERSION, NEWEST)
PACKAGE = "@anthropic-ai/claude-code"
_VERIFIED = ".verified"  # in the prefix: this version printed its version once


class InstallError(RuntimeError):
    """The client could not be installed, or does not run once installed."""


def install(version: str = VERSION) -> Path:
    """The path of `claude` for this version, installed with npm unless already there and
    known to run. Concurrent callers (parallel tests) take turns on a lock file."""
    prefix = CACHE / version
    binary = prefix / "node_modules" / ".bin" / "claude"
    prefix.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f".{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = prefix / _VERIFIED
        if binary.exists() and stamp.exists():
            return binary
        installed = not binary.exists()
        if installed:
            _npm_install(prefix, version)
        said = says_version(binary)
        if said != version:
            _lay_down_native(prefix)
            said = says_version(binary)
        if said != version and not installed:
            # A cache an earlier npm left broken (its optional dependency omitted): again.
            _npm_install(prefix, version)
            _lay_down_native(prefix)
            said = says_version(binary)
        if said != version:
            raise InstallError(
                f"{PACKAGE}@{version} in {prefix} does not run: `claude --version` said "
                f"{said or 'nothing'} ({_why_not(binary)})"
            )
        stamp.write_text(version + "\n")
    return binary


def _npm_install(prefix: Path, version: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise InstallError("npm is not installed; install Node.js and npm first")
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            # The native binary of 2.1.113+ comes as an optional dependency and is put in
            # place by the package's postinstall: neither may be left out by an npmrc.
            "--include=optional",
            "--ignore-scripts=false",
            "--prefix",
            str(prefix),
            f"{PACKAGE}@{version}",
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=600,
    )


def _lay_down_native(prefix: Path) -> None:
    """The package's own postinstall, where npm did not run it (a policy on install scripts):
    it puts the platform's binary over the placeholder. Up to 2.1.112 there is none."""
    script = prefix / "node_modules" / "@anthropic-ai" / "claude-code" / "install.cjs"
    node = shutil.which("node")
    if script.is_file() and node is not None:
        subprocess.run(
            [node, str(script)],
            cwd=script.parent,
            check=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
        )


def says_version(binary: Path) -> str | None:
    """The version `claude --version` prints (`2.1.332 (Claude Code)`), with a throwaway
    HOME (the client writes ~/.claude.json), or None."""
    if not binary.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="claude-version-") as home:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "CLAUDE_CONFIG_DIR": home,
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        }
        try:
            done = subprocess.run(
                [str(binary), "--version"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except OSError:
            return None
    words = done.stdout.split()
    return words[0] if done.returncode == 0 and words[1:2] == ["(Claude"] else None


def _why_not(binary: Path) -> str:
    if not binary.exists():
        return f"{binary} is missing"
    try:
        head = binary.resolve().read_bytes()[:200].decode("utf-8", "replace")
    except OSError as e:
        return str(e)
    if "native binary not installed" in head:
        return "npm left the placeholder: the platform's optional dependency is missing"
    return f"{binary.resolve()} is there"


def main() -> int:
    """Install every client the tests use; 1, naming it, unless each runs."""
    failed = 0
    for version in CLIENTS:
        try:
            binary = install(version)
        except (InstallError, subprocess.SubprocessError, OSError) as e:
            said = getattr(e, "stderr", None)
            detail = f": {said.decode(errors='replace').strip()[-1000:]}" if said else ""
            print(f"claude-code {version}: NOT INSTALLED: {e}{detail}", file=sys.stderr)
            failed = 1
            continue
        print(f"claude-code {version}: {binary} -> {binary.resolve()}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
