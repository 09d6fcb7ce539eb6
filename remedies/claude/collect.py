"""Every place that sets the variables Claude Code reads, put together into one Picture, in
two steps a caller may take apart: read the files (read_files), then lay over them what new
shells really got (draw); collect() takes both at once.

doctor takes them apart. Everything is read before any shell is started, so that a file that
cannot be read safely (a device, a named pipe, 64 MiB or more, settings that are not JSON)
stops the run before a shell runs at all (tests/test_bounds.py). What the shells answer
cannot change most of what was read (this environment, fish's universal variables, the
project's .envrc, Claude Code's settings, /etc/environment, environment.d, .env files): that
part is read once. The start-up files are read again only when the shells' answers change
where they look (ZDOTDIR, ENV) or name files they sourced that no line names, and
~/.aws/config only when they change the profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from remedies.claude.project_env import folder_sources
from remedies.claude.sources import (
    SETTINGS_MODEL,
    WATCHED,
    Picture,
    Source,
    from_aws_config,
    from_environment,
    from_settings,
    from_shell_files,
    from_system_files,
    from_variable_stores,
    mark_winners,
    overlay_truth,
)
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv, startup_where
from shells.base import Shell


@dataclass(frozen=True)
class FilesRead:
    """What the files say about `names`, for these shells (the first is the one whose files
    compete), as read with `truth` (what new shells got; empty: the files alone)."""

    shells: tuple[Shell, ...]
    names: tuple[str, ...]
    truth: tuple[ShellEnv, ...]
    environment: tuple[Source, ...]  # this process's
    stores: tuple[Source, ...]  # fish's universal variables
    startup: tuple[Source, ...]  # the start-up files and what they source, read with `truth`
    outside: tuple[Source, ...]  # .envrc, settings files, /etc/environment, .env files
    # ~/.aws/config's region for `profile` (None: not read, AWS_REGION is not asked for).
    profile: str | None = None
    aws: tuple[Source, ...] = ()


def read_files(
    ctx: Context,
    shells: Sequence[Shell],
    env_files: tuple[Path, ...] = (),
    names: tuple[str, ...] = WATCHED,
    truth: Sequence[ShellEnv] = (),
) -> FilesRead:
    """Every file a picture of `names` is drawn from, read (each checked before it is)."""
    asked = tuple(truth)
    read = FilesRead(
        tuple(shells),
        names,
        asked,
        environment=tuple(from_environment(ctx, names)),
        stores=tuple(from_variable_stores(ctx, list(shells), names)),
        startup=_startup(ctx, shells, names, asked),
        outside=(
            *folder_sources(ctx, names),  # the project's .envrc and mise files
            *(s for s in from_settings(ctx) if s.var in names or s.var == SETTINGS_MODEL),
            *(s for s in from_system_files(ctx, env_files) if s.var in names),
        ),
    )
    if "AWS_REGION" not in names:
        return read
    primary = read.shells[0].name if read.shells else None
    judged = next((t for t in asked if t.shell == primary), None)
    profile = _profile(ctx, _picture(_sources(ctx, read, read.startup, judged), primary, asked))
    return replace(read, profile=profile, aws=tuple(from_aws_config(ctx, profile)))


def draw(
    ctx: Context, read: FilesRead, truth: Sequence[ShellEnv] = (), start: ShellEnv | None = None
) -> Picture:
    """The picture: every source of every variable, the winner of each marked. `truth`: what
    new shells of these shells really got (engine.new_shell); `start`: the kind of new shell
    judged, whose answer decides where it disagrees with the lines read from its files
    (default: the first of the primary shell's)."""
    asked = tuple(truth)
    startup = read.startup if asked == read.truth else _startup(ctx, read.shells, read.names, asked)
    return _drawn(ctx, read, startup, asked, start, aws_read={})


def draw_each(ctx: Context, read: FilesRead, truth: Sequence[ShellEnv]) -> list[Picture]:
    """One picture per kind of new shell in `truth` (a terminal, a login, an IDE's `-c`, of
    every shell asked), in its order: each is what Claude Code started from that shell
    gets. The files are read once for all of them."""
    asked = tuple(truth)
    startup = read.startup if asked == read.truth else _startup(ctx, read.shells, read.names, asked)
    aws: dict[str, tuple[Source, ...]] = {}
    return [_drawn(ctx, read, startup, asked, start, aws_read=aws) for start in asked]


def _drawn(
    ctx: Context,
    read: FilesRead,
    startup: tuple[Source, ...],
    asked: tuple[ShellEnv, ...],
    start: ShellEnv | None,
    *,
    aws_read: dict[str, tuple[Source, ...]],
) -> Picture:
    primary = start.shell if start else (read.shells[0].name if read.shells else None)
    judged = start or next((t for t in asked if t.shell == primary), None)
    sources = _sources(ctx, read, startup, judged)
    picture = _picture(sources, primary, asked, judged)
    if read.profile is None:
        return picture
    profile = _profile(ctx, picture)
    if profile == read.profile:
        aws = read.aws
    else:
        if profile not in aws_read:
            aws_read[profile] = tuple(from_aws_config(ctx, profile))
        aws = aws_read[profile]
    return _picture([*sources, *aws], primary, asked, judged)


def collect(
    ctx: Context,
    shells: list[Shell],
    env_files: tuple[Path, ...] = (),
    names: tuple[str, ...] = WATCHED,
    truth: list[ShellEnv] | None = None,
) -> Picture:
    """Every place that sets `names`, each file read once: read_files, then draw."""
    asked = truth or []
    return draw(ctx, read_files(ctx, shells, env_files, names, asked), asked)


def _startup(
    ctx: Context, shells: Sequence[Shell], names: tuple[str, ...], truth: tuple[ShellEnv, ...]
) -> tuple[Source, ...]:
    where = startup_where(ctx, list(truth))
    sourced: dict[str, tuple[str, ...]] = {}
    for env in truth:
        sourced[env.shell] = (*sourced.get(env.shell, ()), *env.sourced)
    return tuple(from_shell_files(ctx, list(shells), names, where, sourced))


def _sources(
    ctx: Context, read: FilesRead, startup: tuple[Source, ...], judged: ShellEnv | None
) -> list[Source]:
    in_shells = [*read.stores, *startup]
    if judged is not None:
        in_shells = overlay_truth(in_shells, judged, read.names, ctx)
    return [*read.environment, *in_shells, *read.outside]


def _picture(
    sources: list[Source],
    primary: str | None,
    truth: tuple[ShellEnv, ...],
    judged: ShellEnv | None = None,
) -> Picture:
    return Picture(mark_winners(sources, primary), truth, judged)


def _profile(ctx: Context, picture: Picture) -> str:
    """The AWS profile in effect, whose section of ~/.aws/config holds the region."""
    return picture.value("AWS_PROFILE") or ctx.env.get("AWS_DEFAULT_PROFILE") or "default"
