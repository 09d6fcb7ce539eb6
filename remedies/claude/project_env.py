"""What a folder adds to the environment of `claude` started there: a project's direnv
`.envrc`, mise's `[env]`, and Claude Code's project settings files.

direnv and mise load their files when a shell's prompt comes up in the folder (their hook),
over everything the start-up files set; Claude Code reads `.claude/settings.json` and
`.claude/settings.local.json` of the folder it starts in, over every shell. So a user whose
new shells are fixed may still get the 400 in one folder, and doctor, apply and verify judge
the folder remedy runs in as well as the new shells.

Every file here is READ AS DATA, never run: an `.envrc` is bash that direnv runs, and a line
remedy cannot read without running something (`export X=$(cmd)`) is named, not evaluated.
asdf has no environment of its own (`.tool-versions` holds versions only), so it adds nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from remedies.claude.settings_files import js_string
from remedies.claude.sources import Source, from_envrc, is_on
from remedies.context import Context
from remedies.engine.fileio import read_bytes
from remedies.engine.startup_bounds import check_size
from remedies.errors import RemedyError
from remedies.output import display, path_shown
from remedies.redact import printable, shown

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10 read TOML with tomli
    import tomli as tomllib

# The kinds of source a folder's own tools load over the shell (sources.RANK ranks them).
LOADED_HERE = ("envrc", "mise")
# Claude Code's settings of the folder it starts in, over every shell.
PROJECT_SETTINGS = ("project-settings", "local-settings")
# mise's project files in one folder, lowest precedence first (a `.local` file is the
# user's own override of the shared one); every folder from / down to the current one
# counts, the nearest winning (mise's documented hierarchy).
MISE_FILES = (
    ".config/mise/config.toml",
    ".config/mise.toml",
    "mise/config.toml",
    ".mise/config.toml",
    "mise.toml",
    ".mise.toml",
    ".config/mise/config.local.toml",
    "mise.local.toml",
    ".mise.local.toml",
)
_TABLE = re.compile(rb"^\s*\[\s*([^\]]+?)\s*\]")


def mise_files(cwd: Path) -> list[Path]:
    """mise's project files that apply in `cwd`, lowest precedence first."""
    found = []
    for folder in reversed((cwd, *cwd.parents)):
        found += [folder / name for name in MISE_FILES if (folder / name).is_file()]
    return found


def from_mise(ctx: Context, names: tuple[str, ...]) -> list[Source]:
    """`[env]` entries of mise's files here: a string or a number is the value, `true` is
    "true", `false` unsets (mise's own rules); templates (`{{...}}`) and `_.source` are
    code, named as not evaluated. Files that are not TOML are mise's to complain about."""
    found: list[Source] = []
    for order, path in enumerate(mise_files(ctx.cwd)):
        check_size(path, display(ctx, path))
        try:
            data = read_bytes(path) or b""
            env = tomllib.loads(data.decode("utf-8")).get("env", {})
        except (RemedyError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if not isinstance(env, dict):
            continue
        lines = data.splitlines()
        for name in names:
            if name not in env:
                continue
            value = env[name]
            text = None if value is False else js_string(value)
            dynamic = text is not None and "{{" in text
            found.append(
                Source(
                    name,
                    text,
                    "mise",
                    str(path),
                    line=_env_line(lines, name),
                    dynamic=dynamic,
                    order=order,
                )
            )
    return found


def _env_line(lines: list[bytes], name: str) -> int | None:
    """The line of `NAME = …` in the [env] table (TOML keeps no positions)."""
    key = re.compile(rb'^\s*["\']?' + re.escape(name.encode()) + rb'["\']?\s*=')
    table = None
    for number, line in enumerate(lines, 1):
        opened = _TABLE.match(line)
        if opened:
            table = opened.group(1)
        elif table == b"env" and key.match(line):
            return number
    return None


def folder_sources(ctx: Context, names: tuple[str, ...]) -> list[Source]:
    """What this folder's direnv and mise files set (settings are read with the rest)."""
    return [*from_envrc(ctx, names), *from_mise(ctx, names)]


# --- the environment of a shell in this folder ---------------------------------------------


@dataclass(frozen=True)
class FolderEnv:
    """What direnv and mise lay over a shell's environment in this folder."""

    sources: tuple[Source, ...]  # the lines in effect, the winner of each variable
    unread: tuple[Source, ...]  # lines that compute their value: not run, so not judged

    def over(self, env: Mapping[str, str]) -> dict[str, str]:
        laid = dict(env)
        for source in self.sources:
            if source.value is None:
                laid.pop(source.var, None)
            else:
                laid[source.var] = source.value
        return laid

    def named(self, home: Path) -> str:
        """The files, as a person reads them: `~/work/proj/.envrc`."""
        paths = dict.fromkeys(display_path(s, home) for s in (*self.sources, *self.unread))
        return ", ".join(paths)


def display_path(source: Source, home: Path) -> str:
    return path_shown(source.path or "", home)


def folder_env(ctx: Context, names: tuple[str, ...]) -> FolderEnv | None:
    """The lines of this folder's .envrc and mise files in effect (direnv's allowance
    counts), the last of each variable winning, .envrc over mise (direnv's hook runs after
    mise's in the usual set-up); None when they set none of `names`."""
    found = [s for s in folder_sources(ctx, names) if s.applies]
    if not found:
        return None
    winners: dict[str, Source] = {}
    unread: list[Source] = []
    for source in sorted(found, key=lambda s: (s.kind == "envrc", s.order, s.line or 0)):
        if source.dynamic:
            unread.append(source)
            winners.pop(source.var, None)
            continue
        winners[source.var] = source
    return FolderEnv(tuple(winners.values()), tuple(unread))


# --- what apply did not fix here -------------------------------------------------------------


def set_here(source: Source, home: Path) -> str:
    """`~/work/proj/.envrc:3 sets CLAUDE_CODE_USE_BEDROCK=1`, secrets masked."""
    place = display_path(source, home)
    if source.line is not None:
        place = f"{place}:{source.line}"
    name = source.key or source.var
    if source.value is None:
        return f"{place} unsets {name}"
    return f"{place} sets {name}={printable(shown(source.var, source.value) or '')}"


def contrary_here(
    ctx: Context, unset: Iterable[str], set_: Iterable[tuple[str, str]] = ()
) -> list[Source]:
    """This folder's direnv and mise lines, not remedy's, that give a variable the remedy
    unsets, or another value than the one it sets."""
    wanted = dict(set_)
    gone = set(unset)
    names = tuple(dict.fromkeys([*gone, *wanted]))
    found = []
    for source in folder_sources(ctx, names):
        if not source.applies or source.ours:
            continue
        if (source.var in gone and source.value is not None) or (
            source.var in wanted and source.var not in gone and source.value != wanted[source.var]
        ):
            found.append(source)
    return found


def not_fixed_note(ctx: Context, remedy: str, sources: Sequence[Source], why: str) -> str:
    """The note apply leaves when it did not change this folder's files."""
    said = "; ".join(set_here(s, ctx.home) for s in sources)
    return (
        f"{said} ({why}): apply did not fix this folder, where `claude` still gets it; run "
        f"`remedy apply {remedy} --project` here to change it too"
    )


MISE_NOT_EDITED = (
    "remedy does not edit mise files: change that line yourself ({fix}); apply did not fix "
    "this folder"
)


def mise_fix(source: Source, unset: Iterable[str], set_: Iterable[tuple[str, str]]) -> str:
    """What to write in a mise file's [env] instead of this line."""
    if source.var in set(unset):
        more = [f'{n} = "{v}"' for n, v in set_ if n.startswith("CLAUDE_CODE_USE_")]
        return " and ".join([f"{source.var} = false", *more])
    value = dict(set_).get(source.var, "")
    return f'{source.var} = "{value}"'


# --- doctor ------------------------------------------------------------------------------------


def folder_problems(winner: Source | None, home: Path) -> list[str]:
    """When this folder's direnv or mise file is what turns Bedrock on here."""
    if winner is None or winner.kind not in LOADED_HERE or not is_on(winner.value):
        return []
    tool = "direnv" if winner.kind == "envrc" else "mise"
    return [
        f"{set_here(winner, home)}: {tool} loads it in this folder over every shell start-up "
        "file, so `claude` started here uses bedrock-runtime; `remedy apply mantle --project` "
        "in this folder changes it"
    ]


def needs_project(sources: Iterable[Source]) -> bool:
    """A variable is set by this folder's files: --project is what changes them."""
    return any(s.kind in (*LOADED_HERE, *PROJECT_SETTINGS) and s.applies for s in sources)
