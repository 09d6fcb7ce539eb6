"""Where remedy files come from, in order: the catalogue shipped in the package, then the
user's `$XDG_CONFIG_HOME/remedy/remedies/*.toml`, then `/etc/remedy/remedies/*.toml` (for
fleets), then a path given on the command line (`remedy apply ./fix.toml`).

A name may be defined once: a file whose name shadows a built-in or an earlier file is an
error naming both, never a silent override. With --machine (root, for every user) a user's
own folder is not read: what a user can write is never root's instructions.

Trusted like /etc/sudoers.d (issue 22): a file of `/etc/remedy/remedies` is read only when
it is a regular file, not a symlink, and it and every folder above it belong to root (or to
whoever runs remedy) and no one else can write them; root reads its own `~/.config` folder
by the same rule, so root never reads a folder a user owns (`sudo HOME=/home/u remedy list`).
A user reading their own folder reads it as before: their files, their choice. Anything
else is skipped with a warning naming it and why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from remedies.catalog.data_format import RemedySpec, parse_spec
from remedies.context import Context
from remedies.errors import BadInput

_LIMIT = 256 * 1024  # a remedy file is a few lines; anything bigger is not one
BUILT_IN = "built-in "  # how a packaged file's origin begins ("built-in disable-betas.toml")


def _read_packaged() -> tuple[tuple[str, bytes], ...]:
    """The catalogue shipped in the package, read when this module is first imported: root
    working in a user's home loads every module before it becomes the user, who may not read
    the zipapp (remedies/privilege.py). From the folder beside this file when there is one;
    through importlib.resources from a zipapp (it costs `remedy list` its tempfile import)."""
    here = Path(__file__).resolve().parent / "data"
    if here.is_dir():
        found = [(f.name, f.read_bytes()) for f in here.iterdir() if f.name.endswith(".toml")]
        return tuple(sorted(found))
    from importlib.resources import files

    folder = files("remedies.catalog").joinpath("data")
    found = [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".toml")]
    return tuple(sorted(found))


PACKAGED_FILES = _read_packaged()


@dataclass(frozen=True)
class Catalogue:
    specs: tuple[RemedySpec, ...]

    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    def get(self, name: str) -> RemedySpec | None:
        return next((s for s in self.specs if s.name == name), None)


@dataclass(frozen=True)
class Folder:
    path: Path
    system: bool  # /etc/remedy/remedies: trusted like /etc/sudoers.d


def folders(ctx: Context | None) -> list[Folder]:
    """The folders after the packaged catalogue, in order."""
    found: list[Folder] = []
    if ctx is None:
        return found
    if not ctx.machine:
        config = ctx.env.get("XDG_CONFIG_HOME", "")
        base = Path(config) if config.startswith("/") else ctx.home / ".config"
        found.append(Folder(base / "remedy" / "remedies", system=False))
    found.append(Folder(ctx.system_path("/etc/remedy/remedies"), system=True))
    return found


def why_untrusted(path: Path, folder: Folder) -> str | None:
    """Why a remedy file in `folder` is not read, or None when it may be (module docstring)."""
    me = os.geteuid()
    if not folder.system and me != 0:
        return None  # a user's own folder, read by that user
    if folder.system and path.is_symlink():
        return "it is a symlink"
    from remedies.root_programs import why_not_owned_alone

    problem = why_not_owned_alone(path, frozenset({0, me}))
    if problem is None and not path.is_file():
        problem = "it is not a regular file"
    return problem


def read_spec(path: Path, shown: str | None = None) -> RemedySpec:
    """One remedy file, checked (BadInput naming it when it is not one)."""
    origin = shown or str(path)
    if not path.is_file():
        raise BadInput(f"{origin}: no such remedy file")
    if path.stat().st_size > _LIMIT:
        raise BadInput(f"{origin}: {path.stat().st_size} bytes is too big for a remedy file")
    from remedies.engine.fileio import read_bytes  # a file of the user's: the list needs none

    data = read_bytes(path)
    if data is None:
        raise BadInput(f"{origin}: no such remedy file")
    return parse_spec(data, origin)


def catalogue(ctx: Context | None, taken: tuple[str, ...]) -> Catalogue:
    """Every remedy file in the folders, in order; `taken` are the names of code remedies."""
    specs: list[RemedySpec] = []
    for name, data in PACKAGED_FILES:
        spec = parse_spec(data, f"{BUILT_IN}{name}")
        _refuse_shadow(spec, specs, taken)
        specs.append(spec)
    for folder in folders(ctx):
        if not folder.path.is_dir():
            continue
        for path in sorted(folder.path.glob("*.toml")):
            problem = why_untrusted(path, folder)
            if problem is not None:
                assert ctx is not None  # folders() gives none without one
                ctx.warn(f"skipped the remedy file {_shown(ctx, path)}: {problem}")
                continue
            spec = read_spec(path, _shown(ctx, path))
            _refuse_shadow(spec, specs, taken)
            specs.append(spec)
    return Catalogue(tuple(sorted(specs, key=lambda s: s.rank)))


def _shown(ctx: Context | None, path: Path) -> str:
    from remedies.output import path_shown

    return path_shown(path, ctx.home) if ctx else str(path)


def _refuse_shadow(spec: RemedySpec, earlier: list[RemedySpec], taken: tuple[str, ...]) -> None:
    if spec.name in taken:
        raise BadInput(f"{spec.origin}: name {spec.name!r} is a built-in remedy's; choose another")
    other = next((s for s in earlier if s.name == spec.name), None)
    if other is not None:
        raise BadInput(f"{spec.origin}: name {spec.name!r} is already defined in {other.origin}")


def is_path(name: str) -> bool:
    """`remedy apply ./fix.toml`: a path, not a name."""
    return name.endswith(".toml") or "/" in name
