"""Every `claude` on this machine's PATH: where it really is, how it was installed, and, when
asked, which version it says (docs/claude-code.md, "Install kinds and upgrade"):

- npm: `<prefix>/bin/claude` -> `<prefix>/lib/node_modules/@anthropic-ai/claude-code/cli.js`
  for a global install (`npm prefix -g`, which honours NPM_CONFIG_PREFIX); a local one has
  `<prefix>/node_modules/.bin/claude` -> `<prefix>/node_modules/@anthropic-ai/claude-code/…`;
- native: `~/.local/bin/claude` -> `~/.local/share/claude/versions/<version>`;
- Homebrew cask: the real path is under a `Caskroom/claude-code` folder.
The first on PATH is the one that runs; the others are reported, never touched. A version is
read only when asked (`with_version`), from what the installer laid down where it says one
(`laid_down_version`: an npm package's package.json, the native installer's versions/<version>
file, Homebrew's Caskroom/claude-code/<version> folder), which is the version the client
prints, as a file read; `claude --version` (half a second of Node.js, measured with 2.1.111)
runs only where none says.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from remedies.context import Context
from remedies.engine.fileio import read_small
from remedies.errors import RemedyError

PACKAGE = "@anthropic-ai/claude-code"
_VERSION = re.compile(r"\b(\d+\.\d+\.\d+(?:[-.+][0-9A-Za-z.]+)?)\b")
_WHOLE_VERSION = re.compile(r"\d+\.\d+\.\d+(?:[-.+][0-9A-Za-z.]+)?")
_MANIFEST_LIMIT = 64 * 1024  # the package's package.json is about 1.4 KB


@dataclass(frozen=True)
class Install:
    """One claude on this machine."""

    path: str  # as found on PATH
    real_path: str
    method: str  # npm, native, homebrew, other
    npm_prefix: str | None = None  # npm: the prefix that owns the package
    npm_global: bool = True  # npm: installed with -g (lib/node_modules) or into a prefix
    version: str | None = None  # None until read, or when it cannot be read
    problem: str | None = None  # why the version could not be read

    def describe(self) -> str:
        where = f" under {self.npm_prefix}" if self.npm_prefix else ""
        return f"{self.path} ({self.method}{where}, {self.version or 'version unknown'})"

    def with_version(self, ctx: Context) -> Install:
        laid_down = laid_down_version(self.real_path) if _layout_trusted(self) else None
        if laid_down is not None:
            return replace(self, version=laid_down, problem=None)
        version, problem = read_version(ctx, self.path)
        return replace(self, version=version, problem=problem)


@dataclass(frozen=True)
class ClaudeOnPath:
    """The claude that runs here (the first on PATH, its version read) and those it shadows."""

    first: Install | None
    others: tuple[str, ...] = ()
    found_on: str = "PATH"  # or e.g. "the PATH a new bash gets"

    @property
    def path(self) -> str | None:
        return self.first.path if self.first else None

    @property
    def real_path(self) -> str | None:
        return self.first.real_path if self.first else None

    @property
    def version(self) -> str | None:
        return self.first.version if self.first else None

    @property
    def install_method(self) -> str:
        return self.first.method if self.first else "missing"

    @property
    def problem(self) -> str | None:
        return self.first.problem if self.first else "no `claude` on PATH"

    def summary(self) -> str:
        """One line for a person: where it is, its version, how it was installed."""
        return f"{self.path} ({self.version or 'version unknown'}, {self.install_method})"

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


def absolute_entries(path: str) -> str:
    """PATH without its empty and relative entries (each means a folder of the moment): for
    the PATH a new shell gets, whose `.` is the folder that shell runs in, not this one."""
    return os.pathsep.join(entry for entry in path.split(os.pathsep) if entry.startswith("/"))


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


def _layout_trusted(install: Install) -> bool:
    """As root, a layout speaks only where root could have run the program instead: the
    program and everything the version is read from are root's alone. A user's npm prefix
    would otherwise pass for a healthy install, and root would plan npm runs in it (npm reads
    that prefix's npmrc, and a package's install script runs as root). Elsewhere root reads
    nothing of it and `claude --version` refuses, as before."""
    if os.geteuid() != 0:
        return True
    from remedies.root_programs import root_may_run

    return root_may_run(Path(install.path)) and root_may_run(Path(install.real_path))


# What a runnable native binary begins with: ELF, Mach-O (both byte orders, 32 and 64 bit,
# universal), PE. npm leaves a small placeholder `bin/claude.exe` in packages from 2.1.113
# when the install script did not run (`--ignore-scripts`, pnpm's default, --omit=optional).
_BINARY_MAGIC = (
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",
    b"MZ",
)


def _runs_itself(real_path: str) -> bool:
    """Whether the package's program is one that runs: its script (up to 2.1.112's cli.js)
    or a real binary, not the placeholder an install without scripts leaves."""
    if real_path.endswith(".js"):
        return True
    head = _head(real_path)
    return head is not None and head.startswith(_BINARY_MAGIC)


def _head(path: str) -> bytes | None:
    """The first bytes of a regular file of at least 4 KB (the placeholder is 500 bytes),
    judged before it is opened: a device put there is never opened."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size < 4096:
            return None
        with open(path, "rb") as file:
            return file.read(4)
    except OSError:
        return None


def laid_down_version(real_path: str) -> str | None:
    """The version the installer wrote beside the program, where its layout says one: the
    package.json of the `@anthropic-ai/claude-code` package that holds it (npm, including the
    newer releases whose package runs a native binary), the file name under the native
    installer's `versions/`, the folder under Homebrew's `Caskroom/claude-code/`. None where
    the layout says nothing (a wrapper script, a copy): then only the program can say. Read
    as data, never run, and bounded, as root may read it in a user's folder."""
    parts = Path(real_path).parts
    for index in range(len(parts) - 2, 0, -1):
        if parts[index : index + 3] == ("node_modules", "@anthropic-ai", "claude-code"):
            manifest = read_small(Path(*parts[: index + 3], "package.json"), _MANIFEST_LIMIT)
            try:
                package = json.loads(manifest or b"")
            except ValueError:
                return None
            if not isinstance(package, dict) or package.get("name") != PACKAGE:
                return None
            if not _runs_itself(real_path):
                return None  # let the program say what is wrong with it
            version = package.get("version")
            return (
                version if isinstance(version, str) and _WHOLE_VERSION.fullmatch(version) else None
            )
    if parts[-3:-1] == ("claude", "versions"):
        named = parts[-1]
    else:
        casks = [
            i for i in range(len(parts) - 2) if parts[i : i + 2] == ("Caskroom", "claude-code")
        ]
        named = parts[casks[0] + 2] if casks else ""
    if _WHOLE_VERSION.fullmatch(named):
        return named
    return None


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


def locate(ctx: Context, path: str) -> Install:
    """One claude: where it really is and how it was installed (no version yet)."""
    real = os.path.realpath(path)
    install = Install(path, real, install_method(ctx, real))
    owner = npm_prefix_of(real) if install.method == "npm" else None
    if owner is not None:
        install = replace(install, npm_prefix=owner[0], npm_global=owner[1])
    return install


def inspect(ctx: Context, path: str) -> Install:
    """One claude, its version read."""
    return locate(ctx, path).with_version(ctx)


def find_installs(ctx: Context) -> list[Install]:
    """Every claude on PATH, each version read (upgrade names them all)."""
    return [inspect(ctx, path) for path in all_on_path(ctx, "claude")]


def find_claude(ctx: Context) -> ClaudeOnPath:
    """The claude that runs, its version read; the others only named (doctor, verify)."""
    found = all_on_path(ctx, "claude")
    if not found:
        return ClaudeOnPath(None)
    return ClaudeOnPath(inspect(ctx, found[0]), tuple(found[1:]))
