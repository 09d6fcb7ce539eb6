"""Claude Code's settings files: where they are, what their `env` holds, and editing them.

Claude Code merges the `env` objects of its settings files over the process environment, so a
variable set there beats every start-up file (docs/claude-code.md, "Settings precedence";
maintainer comment in anthropics/claude-code#78567). Precedence, lowest first: user, project,
project-local, managed. Managed settings belong to an administrator: we read them always and
write them only with --system.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from remedies.claude.managed_paths import managed_dir
from remedies.context import Context
from remedies.engine.fileio import FileState, read_state
from remedies.engine.jsonedit import JsonOp, JsonProblem, parse, too_deep
from remedies.engine.startup_bounds import check_size
from remedies.errors import RemedyError

# Lowest precedence first.
SCOPES = ("user", "project", "local", "managed")
ENV = ("env",)


@dataclass(frozen=True)
class SettingsFile:
    path: Path
    scope: str  # one of SCOPES

    @property
    def rank(self) -> int:
        return SCOPES.index(self.scope)


def user_settings_dir(ctx: Context) -> Path:
    # CLAUDE_CONFIG_DIR moves the user folder (docs/claude-code.md, "Settings precedence").
    value = ctx.env.get("CLAUDE_CONFIG_DIR", "")
    if not value:
        return ctx.home / ".claude"
    if value == "~" or value.startswith("~/"):
        return ctx.home / value[2:]  # the run's home, not whichever this process has
    return Path(value).expanduser()


def settings_files(ctx: Context) -> list[SettingsFile]:
    """Every settings file Claude Code started in ctx.cwd would read, lowest precedence first."""
    project = ctx.cwd / ".claude"
    managed = managed_dir(ctx)
    # Dot-files are not read by Claude Code (docs/claude-code.md, "Machine-wide managed settings").
    drop_ins = sorted(
        p for p in (managed / "managed-settings.d").glob("*.json") if not p.name.startswith(".")
    )
    files = [
        SettingsFile(user_settings_dir(ctx) / "settings.json", "user"),
        SettingsFile(project / "settings.json", "project"),
        SettingsFile(project / "settings.local.json", "local"),
        SettingsFile(managed / "managed-settings.json", "managed"),
        *(SettingsFile(p, "managed") for p in drop_ins),
    ]
    # Started in the home folder, the project's .claude is the user's own: one file, counted
    # once, as the user's.
    unique: list[SettingsFile] = []
    for file in files:
        if all(_same(file.path, u.path) is False for u in unique):
            unique.append(file)
    return unique


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def js_string(value: Any) -> str:
    """What process.env holds after Claude Code copies a settings value into it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


@dataclass(frozen=True)
class LoadedSettings:
    file: SettingsFile
    state: FileState
    text: str
    document: dict[str, Any]

    @property
    def env(self) -> dict[str, str]:
        raw = self.document.get("env")
        return {str(k): js_string(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def load(file: SettingsFile, where: str) -> LoadedSettings | None:
    """The file's contents, None when absent; malformed JSON is an error naming the file."""
    check_size(file.path, where)  # before reading: a 1 GB sparse file costs 3 GB to read
    state = read_state(file.path)
    if state.data is None:
        return None
    try:
        text = state.data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RemedyError(
            f"{where} is not valid JSON: not UTF-8 ({e.reason} at byte {e.start})"
        ) from e
    try:
        parse(text, where)
        document = json.loads(text)
    except JsonProblem as e:
        raise RemedyError(str(e)) from e
    except RecursionError as e:  # parse() refuses deep nesting first; this is a backstop
        raise RemedyError(too_deep(where)) from e
    if not isinstance(document, dict):
        raise RemedyError(f"{where} is not a JSON object")
    return LoadedSettings(file, state, text, document)


SettingsPlanner = Callable[[LoadedSettings], list[JsonOp]]
