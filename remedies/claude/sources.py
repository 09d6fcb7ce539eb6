"""Where each variable Claude Code's provider choice reads comes from, and which place wins.

Places, highest precedence first (settings `env` overrides the process; managed settings
override the user's; a wrapper's .env is loaded into the process it starts:
docs/claude-code.md, "Settings precedence"):

    managed settings > project-local settings > project settings > user settings
      > --env-file > the user's shell start-up files > ~/.config/environment.d
      > /etc/environment > this process's environment > ~/.aws/config (region only)

Among the shell's start-up files the last assignment in reading order wins. Everything here
reads; nothing runs a shell or writes.
"""

from __future__ import annotations

import configparser
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from remedies.claude.loaded_from import loaded_from
from remedies.claude.managed_paths import is_ours
from remedies.claude.settings_files import load, settings_files
from remedies.context import Context
from remedies.engine.blocks import content, find_blocks, mentioning, split_lines
from remedies.engine.direnv_files import ENVRC_SHELL, is_allowed, nearest_envrc
from remedies.engine.fileio import read_bytes
from remedies.engine.new_shell import ShellEnv
from remedies.engine.startup_bounds import check_size
from remedies.engine.startup_walk import StartupFile, walk
from remedies.errors import RemedyError
from remedies.output import display, path_shown
from remedies.redact import shown
from shells.base import Shell, Where
from shells.words import plain_assignment

PROVIDER_FLAGS = (
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_FOUNDRY",
    "CLAUDE_CODE_USE_ANTHROPIC_AWS",
    "CLAUDE_CODE_USE_MANTLE",
    "CLAUDE_CODE_USE_VERTEX",
)
MODEL_VARIABLES = (
    "ANTHROPIC_MODEL",
    "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "ANTHROPIC_SMALL_FAST_MODEL",
)
WATCHED = (
    *PROVIDER_FLAGS,
    "CLAUDE_CODE_EXTRA_BODY",
    "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS",
    *MODEL_VARIABLES,
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
    "ANTHROPIC_BASE_URL",
    "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
    "CLAUDE_CODE_SKIP_MANTLE_AUTH",
    # Credentials: only ever shown as "set (redacted)".
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
)
# Settings' top-level "model" is a source for the model, under this name.
SETTINGS_MODEL = "model"

RANK = {
    "managed-settings": 90,
    "local-settings": 80,
    "project-settings": 70,
    "user-settings": 60,
    "env-file": 50,
    # direnv loads a project's .envrc after the shell started, over what its files set.
    "envrc": 47,
    # mise's [env], loaded by its hook the same way (claude.project_env).
    "mise": 46,
    # What the real shell ended with where its files alone do not say (a branch, a loop, a
    # framework): it outranks the lines read from the same files.
    "new-shell": 45,
    "shell": 40,
    "environment.d": 30,
    "system-environment": 20,
    "environment": 10,
    "aws-config": 0,
}


def is_on(value: str | None) -> bool:
    """Claude Code's truthiness for flags: 1, true, yes, on (trimmed, any case)."""
    return value is not None and value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Source:
    var: str
    value: str | None  # None: this place unsets the variable
    kind: str
    path: str | None = None
    line: int | None = None
    key: str | None = None
    shell: str | None = None
    dynamic: bool = False  # the text expands something; the value shown is the text
    order: int = 0  # reading order within the same kind: later wins
    effective: bool = False
    via: str | None = None  # the line that sources this file: "~/.zshrc:12"
    # The start-up file line whose loader read the value from this data file (path, line):
    # `export $(grep -v '^#' ~/.config/claude.env | xargs)` at "~/.bashrc:3".
    loaded_by: str | None = None
    ours: bool = False  # a line of remedy's own block
    # A line under a condition remedy does not evaluate (it never runs a project's .envrc),
    # whose assignment is a plain value: counted as run, as direnv would run it.
    assumed: bool = False
    # False for a start-up file's line that the real shell shows has no effect (a branch
    # not taken); listed, never the winner.
    applies: bool = True

    @property
    def rank(self) -> tuple[int, int]:
        return RANK[self.kind], self.order

    def where(self, home: Path) -> str:
        """Where it is set, for a person: `~/.bashrc:3`, a settings key, or a kind."""
        if self.kind == "new-shell":
            asked = f"a new {self.shell} (asked of the shell)"
            if self.path is None:
                return asked
            loaded = f" (loaded by {self.loaded_by})" if self.loaded_by else ""
            return f"{path_shown(self.path, home)}:{self.line}{loaded}, {asked}"
        if self.path is None:
            return self.kind
        place = path_shown(self.path, home)
        if self.line is not None:
            place = f"{place}:{self.line}"
        elif self.key:
            place = f"{place} {self.key}"
        if self.ours:
            place += " (remedy's drop-in, for every user)" if self.key else " (remedy's block)"
        if self.assumed:
            place += " (under a condition, counted as run)"
        return f"{place} (sourced at {self.via})" if self.via else place

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "var": self.var,
            "value": shown(self.var, self.value),
            "path": self.path,
            "kind": self.kind,
            "effective": self.effective,
        }
        if self.line is not None:
            doc["line"] = self.line
        if self.key is not None:
            doc["key"] = self.key
        if self.shell is not None:
            doc["shell"] = self.shell
        if self.dynamic:
            doc["dynamic"] = True
        if self.via is not None:
            doc["via"] = self.via
        if self.loaded_by is not None:
            doc["loaded_by"] = self.loaded_by
        if not self.applies:
            doc["applies"] = False
        if self.ours:
            doc["ours"] = True
        if self.assumed:
            doc["assumed"] = True
        return doc


# --- one reader per kind of place ------------------------------------------------------


def from_environment(ctx: Context, names: tuple[str, ...]) -> list[Source]:
    return [Source(n, ctx.env[n], "environment") for n in names if n in ctx.env]


def from_shell_files(
    ctx: Context,
    shells: list[Shell],
    names: tuple[str, ...],
    where: Where | None = None,
    sourced: dict[str, tuple[str, ...]] | None = None,
) -> list[Source]:
    """Assignments and unsets in every start-up file of these shells and in the files they
    source, in the order the shell reads them (a sourced file's lines at the line that
    sources it). `sourced`: per shell, files its real run sourced that no line names."""
    where = where or Where(ctx.home, ctx.env)
    found: list[Source] = []
    order = 0
    encoded = [(name, name.encode()) for name in names]

    def scan(item: StartupFile) -> None:
        nonlocal order
        lines = item.lines
        ours = _our_lines(lines, str(item.path))
        infos = item.shell.scan(lines)
        named = mentioning(lines, names)
        last = -1
        # Only the lines that name a variable, and those that source a file, are visited;
        # `order` counts every line as if each were, so sources keep their reading order.
        for index in sorted({*named, *item.children}):
            order += (index - last) * len(names)
            last = index
            info = infos[index]
            for number, (name, raw) in enumerate(encoded):
                # Most lines name none of the variables: skip them without any regex.
                if raw not in lines[index]:
                    continue
                source = _shell_source(
                    item.shell, info, lines[index], name, path=str(item.path), index=index
                )
                if source is not None:
                    found.append(
                        replace(source, order=order + number, via=item.via, ours=index in ours)
                    )
            for child in item.children.get(index, []):
                scan(child)
        order += (len(lines) - 1 - last) * len(names)

    for root in walk(ctx, shells, where, sourced):
        scan(root)
    return found


def _our_lines(lines: list[bytes], where: str) -> set[int]:
    """Lines of remedy's own blocks: shown, but never taken for the user's setting."""
    try:
        blocks = find_blocks(lines, where)
    except RemedyError:
        return set()  # a damaged block: apply names it; doctor reads every line
    return {i for b in blocks for i in range(b.begin, b.end + 1)}


def from_envrc(ctx: Context, names: tuple[str, ...]) -> list[Source]:
    """The .envrc direnv loads in this folder (bash syntax); in effect once allowed."""
    from shells import shell_named

    envrc = nearest_envrc(ctx.cwd)
    bash = shell_named(ENVRC_SHELL)
    if envrc is None or bash is None:
        return []
    check_size(envrc, display(ctx, envrc))
    try:
        data = read_bytes(envrc)
    except RemedyError:
        return []
    if not data:
        return []
    allowed = is_allowed(ctx.env, ctx.home, envrc, data)
    lines = split_lines(data)
    ours = _our_lines(lines, str(envrc))
    found = []
    for index, info in enumerate(bash.scan(lines)):
        for name in names:
            if name.encode() not in lines[index]:
                continue
            source = _shell_source(bash, info, lines[index], name, path=str(envrc), index=index)
            literal = plain_assignment(lines[index], name) if source and source.dynamic else None
            if source is not None and literal is not None:
                # `[ -n "$X" ] && export NAME=1`: direnv runs it; remedy, which runs no
                # .envrc, counts it as run rather than as nothing ("ok" while it is on).
                source = replace(source, value=literal, dynamic=False, assumed=True)
            if source is not None:
                found.append(
                    replace(
                        source,
                        kind="envrc",
                        shell=None,
                        order=index,
                        applies=allowed,
                        ours=index in ours,
                    )
                )
    return found


def from_variable_stores(ctx: Context, shells: list[Shell], names: tuple[str, ...]) -> list[Source]:
    """fish's exported universal variables (`set -Ux`), which every new fish gets before
    config.fish runs, named as the file that holds them."""
    where = Where(ctx.home, ctx.env)
    found = []
    for shell in shells:
        store = shell.variable_store(where)
        if store is None:
            continue
        check_size(store, display(ctx, store))
        try:
            data = read_bytes(store)
        except RemedyError:
            continue
        for line, name, value in shell.store_exports(data or b""):
            if name in names:
                found.append(
                    Source(
                        name,
                        value,
                        "shell",
                        str(store),
                        line=line,
                        shell=shell.name,
                        order=-1,  # before config.fish, whose `set -gx` shadows them
                    )
                )
    return found


def _shell_source(
    shell: Shell, info: Any, line: bytes, name: str, *, path: str, index: int
) -> Source | None:
    base = Source(name, None, "shell", path=path, line=index + 1, shell=shell.name)
    verdict = shell.classify(info, name)
    if verdict == "simple":
        word = shell.assigned_value(content(line), name)
        if word is not None:
            return replace(base, value=word.value, dynamic=word.dynamic)
    if verdict == "unsafe":
        return replace(base, value=content(line).decode("utf-8", "replace").strip(), dynamic=True)
    if not info.is_text and shell.unsets(info.code, name):
        return base
    return None


def from_settings(ctx: Context) -> list[Source]:
    """Every `env` entry (and the top-level "model") of every settings file that exists."""
    found: list[Source] = []
    for order, file in enumerate(settings_files(ctx)):
        loaded = load(file, display(ctx, file.path))
        if loaded is None:
            continue
        kind = f"{file.scope}-settings"
        ours = file.scope == "managed" and is_ours(file.path)  # apply --machine's drop-in
        for name, value in loaded.env.items():
            found.append(
                Source(name, value, kind, str(file.path), key=f"env.{name}", order=order, ours=ours)
            )
        model = loaded.document.get("model")
        if isinstance(model, str):
            found.append(
                Source(SETTINGS_MODEL, model, kind, str(file.path), key="model", order=order)
            )
    return found


def from_key_value_file(ctx: Context, path: Path, kind: str, order: int = 0) -> list[Source]:
    """/etc/environment, environment.d/*.conf and .env files, parsed with python-dotenv."""
    from dotenv.parser import parse_stream

    check_size(path, display(ctx, path))
    try:
        data = read_bytes(path)
    except RemedyError:
        return []
    if data is None:
        return []
    found = []
    text = data.decode("utf-8", "replace")
    for binding in parse_stream(io.StringIO(text)):
        if binding.key is None or binding.error:
            continue
        dynamic = binding.value is not None and "$" in binding.original.string
        found.append(
            Source(
                binding.key,
                binding.value or "",
                kind,
                str(path),
                line=binding.original.line,
                dynamic=dynamic,
                order=order,
            )
        )
    return found


def from_system_files(ctx: Context, env_files: tuple[Path, ...]) -> list[Source]:
    found = from_key_value_file(ctx, ctx.system_path("/etc/environment"), "system-environment")
    conf_dir = Where(ctx.home, ctx.env).config_home() / "environment.d"
    if conf_dir.is_dir():
        for order, path in enumerate(sorted(conf_dir.glob("*.conf"))):
            found += from_key_value_file(ctx, path, "environment.d", order)
    for order, path in enumerate(env_files):
        found += from_key_value_file(ctx, path, "env-file", order)
    return found


def from_aws_config(ctx: Context, profile: str) -> list[Source]:
    """The region of the active profile in ~/.aws/config (AWS_CONFIG_FILE moves it)."""
    path = Path(ctx.env.get("AWS_CONFIG_FILE") or ctx.home / ".aws" / "config")
    check_size(path, display(ctx, path))
    try:
        data = read_bytes(path)
    except RemedyError:
        return []
    if not data:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(data.decode("utf-8", "replace"))
    except configparser.Error:
        return []
    section = "default" if profile == "default" else f"profile {profile}"
    region = parser.get(section, "region", fallback=None)
    if not region:
        return []
    return [
        Source("AWS_REGION", region.strip(), "aws-config", str(path), key=f"[{section}] region")
    ]


# --- putting them together ---------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """Every source of every watched variable, with the winner of each marked."""

    sources: tuple[Source, ...]
    new_shells: tuple[ShellEnv, ...] = ()  # what each kind of new shell really got
    # The kind of new shell this picture is for (its answer overrode the files' lines;
    # None: the files alone).
    judged: ShellEnv | None = None

    def effective(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.var == name and s.effective), None)

    def value(self, name: str) -> str | None:
        winner = self.effective(name)
        return None if winner is None else winner.value

    def of(self, name: str) -> list[Source]:
        """The sources of one variable, winner first, then by precedence."""
        return sorted(
            (s for s in self.sources if s.var == name), key=lambda s: s.rank, reverse=True
        )

    @property
    def provider(self) -> str:
        names = {
            "CLAUDE_CODE_USE_BEDROCK": "bedrock",
            "CLAUDE_CODE_USE_FOUNDRY": "foundry",
            "CLAUDE_CODE_USE_ANTHROPIC_AWS": "anthropic-aws",
            "CLAUDE_CODE_USE_MANTLE": "mantle",
            "CLAUDE_CODE_USE_VERTEX": "vertex",
        }
        for flag, provider in names.items():
            if is_on(self.value(flag)):
                return provider
        return "anthropic"

    def region(self) -> str | None:
        return self.value("AWS_REGION") or self.value("AWS_DEFAULT_REGION")

    def model(self) -> str | None:
        return self.value("ANTHROPIC_MODEL") or self.value(SETTINGS_MODEL)


def mark_winners(sources: list[Source], primary_shell: str | None) -> tuple[Source, ...]:
    """Mark, per variable, the source Claude Code would use. Only the primary shell's files
    compete: the others are listed for information (the user does not run them now)."""
    marked = list(sources)
    for name in {s.var for s in sources}:
        contenders = [
            (i, s)
            for i, s in enumerate(marked)
            if s.var == name
            and s.applies
            and (s.kind not in SHELL_KINDS or s.shell == primary_shell)
        ]
        if contenders:
            index, winner = max(contenders, key=lambda pair: pair[1].rank)
            marked[index] = replace(winner, effective=True)
    return tuple(marked)


SHELL_KINDS = ("shell", "new-shell")
# Every place a new shell gets a value from (not Claude Code's settings, not ~/.aws/config).
NEW_SHELL_PLACES = (
    "shell",
    "new-shell",
    "environment",
    "env-file",
    "environment.d",
    "system-environment",
)


def users_shell_line(picture: Picture, name: str) -> Source | None:
    """The user's own place (never remedy's block) that gives new shells `name`: the one in
    effect, else the first of them; None when it is unknown or computed (`$(...)`)."""
    candidates = [s for s in picture.of(name) if s.kind in NEW_SHELL_PLACES and not s.ours]
    winner = next((s for s in candidates if s.effective), candidates[0] if candidates else None)
    if winner is None or winner.value is None or winner.dynamic:
        return None
    return winner


def overlay_truth(
    sources: list[Source], truth: ShellEnv, names: tuple[str, ...], ctx: Context | None = None
) -> list[Source]:
    """Where what the real shell ended with disagrees with the lines read from its files,
    the real shell wins: those lines are listed as not in effect, and the value it ended
    with becomes a source of its own, at the file:line its trace names; with `ctx`, when
    that line loads a data file that gives the value (`export $(... FILE | xargs)`,
    `source <(cat FILE)`, `eval "$(cat FILE)"`), at that file's line (claude.loaded_from)."""
    out = list(sources)
    for name in names:
        real = truth.env.get(name)
        mine = [
            i
            for i, s in enumerate(out)
            if s.var == name and s.kind == "shell" and s.shell == truth.shell
        ]
        last = max((out[i] for i in mine), key=lambda s: s.rank, default=None)
        if last is not None and not last.dynamic and last.value == real:
            continue  # the files say what the shell does
        if real is None and last is None:
            continue
        for i in mine:
            out[i] = replace(out[i], applies=False)
        if real is None:
            continue  # a branch not taken: whatever the session gives stays
        at = truth.where_set(name)
        loaded = loaded_from(ctx, truth.shell, at, name, real) if ctx and at else None
        if loaded is not None:
            out.append(
                Source(
                    name,
                    real,
                    "new-shell",
                    str(loaded.path),
                    loaded.line,
                    shell=truth.shell,
                    loaded_by=loaded.loader,
                )
            )
            continue
        path, line = at if at else ((last.path, last.line) if last else (None, None))
        out.append(Source(name, real, "new-shell", path=path, line=line, shell=truth.shell))
    return out
