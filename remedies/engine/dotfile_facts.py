"""The facts engine.managed_dotfiles judges, gathered from the filesystem: the only I/O of
that judgement. Every look here is read-only and forgiving (what cannot be read is a fact not
known, never an error): the worst it can do is miss a note, and a write that then fails still
fails with its own line, as before.

`review` is the entry point: apply calls it with the changes it planned, before asking for
consent; a file remedy must not write stops the run with one line (FileProblem), and a file a
tool manages gets a note.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
import struct
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from remedies.engine.envedit import EnvEdit
from remedies.engine.fileio import FileState, read_small, read_state
from remedies.engine.managed_dotfiles import (
    Blocked,
    Facts,
    Managed,
    Owner,
    Place,
    Tools,
    guidance,
    nix_store_entry,
    render_blocked,
    render_managed,
    why_blocked,
)
from remedies.engine.transaction import Change
from remedies.errors import FileProblem, RemedyError

# linux/fs.h: FS_IOC_GETFLAGS is _IOR('f', 1, long) (the kernel reads an int through it),
# FS_IMMUTABLE_FL and FS_APPEND_FL: either makes rename(2) onto the file, or into the
# folder, fail with EPERM, root included (chattr(1)).
_IOC_GETFLAGS = (2 << 30) | (struct.calcsize("l") << 16) | (ord("f") << 8) | 1
_IMMUTABLE, _APPEND = 0x10, 0x20
# BSD and macOS (chflags uchg, schg, uappnd, sappnd) keep them in st_flags.
_BSD_IMMUTABLE = getattr(stat, "UF_IMMUTABLE", 0) | getattr(stat, "SF_IMMUTABLE", 0)
_BSD_APPEND = getattr(stat, "UF_APPEND", 0) | getattr(stat, "SF_APPEND", 0)
_NIX_FILES_AT_MOST = 200
_NIX_FILE_BYTES_AT_MOST = 1 << 20
_TOOL_FILE_BYTES_AT_MOST = 1 << 20  # chezmoi.toml, .chezmoiroot
_INDEX_BYTES_AT_MOST = 64 << 20  # a yadm repository's git index


def review(
    changes: Sequence[Change], edit: EnvEdit, home: Path, env: Mapping[str, str]
) -> tuple[str, ...]:
    """Stop (FileProblem, one line) when a file of `changes` must not be written; else the
    notes for the files a tool manages."""
    blocked: list[Blocked] = []
    managed: list[Managed] = []
    for change in changes:
        found = guidance(observe(change.state, home, env, edit.unset))
        if isinstance(found, Blocked):
            blocked.append(found)
        elif isinstance(found, Managed):
            managed.append(found)
    if blocked:
        also = tuple(b.facts.path for b in blocked[1:])
        raise FileProblem(render_blocked(blocked[0], edit, home, also))
    return tuple(render_managed(m, home) for m in managed)


def blocked_reason(path: Path, home: Path, env: Mapping[str, str]) -> str | None:
    """Why remedy could not change this start-up file, when it could not (doctor says so
    before apply is tried): None when it could."""
    try:
        # Every link on the way followed (~/.nix-profile leads into the store), not only
        # the last: where the line really is decides whether it can be changed.
        state = read_state(Path(os.path.realpath(path)))
    except (OSError, RemedyError):
        return None  # what apply meets there is apply's to say
    found = guidance(observe(state, home, env, ()))
    return why_blocked(found, home) if isinstance(found, Blocked) else None


def observe(state: FileState, home: Path, env: Mapping[str, str], unset: tuple[str, ...]) -> Facts:
    """What is true of the file `state` names, for managed_dotfiles.guidance."""
    target = state.target
    folder = _nearest_folder(target.parent)
    me = os.geteuid()
    file_st = _stat(target) if state.data is not None else None
    folder_st = _stat(folder)
    flagged = next(((p, f) for p in (target, folder) if (f := _lock_flags(p))), None)
    return Facts(
        path=state.path,
        target=target,
        exists=state.data is not None,
        folder=folder,
        me=_owner(me),
        file_owner=_owner(file_st.st_uid) if file_st else None,
        folder_owner=_owner(folder_st.st_uid if folder_st else me),
        folder_mode=stat.S_IMODE(folder_st.st_mode) if folder_st else 0,
        folder_writable=_writable(folder),
        immutable=flagged[0] if flagged else None,
        append_only=bool(flagged and not flagged[1] & _IMMUTABLE),
        read_only_mount=_read_only_mount(folder),
        tools=_tools(state.path, target, home, env, unset),
    )


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _nearest_folder(folder: Path) -> Path:
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _owner(uid: int) -> Owner:
    import pwd

    try:
        return Owner(uid, pwd.getpwuid(uid).pw_name)
    except KeyError:
        return Owner(uid, f"uid {uid}")


def _writable(folder: Path) -> bool:
    # remedy may run as root for a user's home and become that user: the effective ids count.
    if os.access in os.supports_effective_ids:
        return os.access(folder, os.W_OK, effective_ids=True)
    return os.access(folder, os.W_OK)


def _lock_flags(path: Path) -> int:
    """`path`'s immutable and append-only flags, as _IMMUTABLE | _APPEND; 0: neither."""
    try:
        st = os.stat(path)
    except OSError:
        return 0
    bsd = getattr(st, "st_flags", 0)
    if bsd & (_BSD_IMMUTABLE | _BSD_APPEND):
        return (_IMMUTABLE if bsd & _BSD_IMMUTABLE else 0) | (_APPEND if bsd & _BSD_APPEND else 0)
    if not sys.platform.startswith("linux"):
        return 0
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return 0
    try:
        flags: int = struct.unpack_from("i", fcntl.ioctl(fd, _IOC_GETFLAGS, bytes(8)))[0]
    except OSError:  # ENOTTY, EINVAL: a filesystem without these flags has none set
        return 0
    finally:
        os.close(fd)
    return flags & (_IMMUTABLE | _APPEND)


def _read_only_mount(folder: Path) -> Path | None:
    """The mount point of `folder`'s filesystem when it is mounted read-only."""
    try:
        if not os.statvfs(folder).f_flag & os.ST_RDONLY:
            return None
        device = os.stat(folder).st_dev
    except OSError:
        return None
    mount = folder
    while mount != mount.parent:
        try:
            if os.stat(mount.parent).st_dev != device:
                break
        except OSError:
            break
        mount = mount.parent
    return mount


def _tools(
    path: Path, target: Path, home: Path, env: Mapping[str, str], unset: tuple[str, ...]
) -> Tools:
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    data = Path(env.get("XDG_DATA_HOME") or home / ".local/share")
    inside = _relative(path, home)
    hm = None
    places: tuple[Place, ...] = ()
    if nix_store_entry(target) is not None:
        hm = home_manager_config(config, home)
        places = tuple(nix_places(hm.parent, unset)) if hm else ()
    return Tools(
        home_manager=hm,
        set_in_nix=places,
        chezmoi_source=chezmoi_source(config, data, inside) if inside else None,
        yadm_repo=yadm_repo(config, data, inside) if inside else None,
        repo=git_work_tree(target) if target != path else None,
    )


def _relative(path: Path, home: Path) -> str | None:
    try:
        return path.relative_to(home).as_posix()
    except ValueError:
        return None


# home-manager


def home_manager_config(config: Path, home: Path) -> Path | None:
    """home-manager's configuration file: home.nix (standalone) or flake.nix, in its folder
    of today (~/.config/home-manager) or of before 23.05 (~/.config/nixpkgs)."""
    for folder in (config / "home-manager", home / ".config/home-manager", config / "nixpkgs"):
        for name in ("home.nix", "flake.nix"):
            if (folder / name).is_file():
                return folder / name
    return None


def nix_places(folder: Path, names: Iterable[str]) -> Iterator[Place]:
    """Where the .nix files of `folder` (and below) name each of `names`, line by line."""
    patterns = [(n, re.compile(rf"(?<![\w'-]){re.escape(n)}(?![\w'-])")) for n in names]
    if not patterns:
        return
    # A configuration is a few files; a folder that holds more is not walked to its end.
    files = sorted(itertools.islice(folder.rglob("*.nix"), _NIX_FILES_AT_MOST))
    for file in files:
        data = read_small(file, _NIX_FILE_BYTES_AT_MOST)  # never a pipe, nothing unbounded
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for name, pattern in patterns:
                if pattern.search(line):
                    yield Place(name, file, number)


# chezmoi

# chezmoi's source-state attributes (reference/source-state-attributes): prefixes that do not
# change the target's name, in the order chezmoi allows them. `create_`, `modify_`, `run_`
# and `symlink_` are left out: chezmoi does not put such a file's content back on apply.
_CHEZMOI_PREFIXES = (
    "remove_",
    "external_",
    "exact_",
    "encrypted_",
    "private_",
    "readonly_",
    "empty_",
    "executable_",
)
_CHEZMOI_SUFFIXES = (".tmpl", ".age", ".asc", ".literal")


def chezmoi_target_name(source: str) -> str:
    """The name in home of a chezmoi source-state name (dot_zshrc.tmpl: .zshrc)."""
    name = source
    for suffix in _CHEZMOI_SUFFIXES:
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    if name.startswith("literal_"):
        return name[len("literal_") :]
    for prefix in _CHEZMOI_PREFIXES:
        name = name[len(prefix) :] if name.startswith(prefix) else name
    return "." + name[len("dot_") :] if name.startswith("dot_") else name


def chezmoi_source_dir(config: Path, data: Path) -> Path | None:
    """chezmoi's source state: `sourceDir` of its configuration, else its default, and the
    folder `.chezmoiroot` names inside it."""
    folder = data / "chezmoi"
    settings = read_small(config / "chezmoi/chezmoi.toml", _TOOL_FILE_BYTES_AT_MOST)
    if settings is not None:
        text = settings.decode("utf-8", "replace")
        found = re.search(r'(?m)^\s*sourceDir\s*=\s*"([^"]+)"', text)
        if found:
            folder = Path(os.path.expanduser(found.group(1)))
    if not folder.is_dir():
        return None
    named = read_small(folder / ".chezmoiroot", _TOOL_FILE_BYTES_AT_MOST)
    root = named.decode("utf-8", "replace").strip() if named is not None else ""
    return folder / root if root else folder


def chezmoi_source(config: Path, data: Path, inside: str) -> Path | None:
    """The source-state file chezmoi makes ~/`inside` from, if there is one."""
    folder = chezmoi_source_dir(config, data)
    if folder is None:
        return None
    for part in inside.split("/"):
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            return None
        match = next((e for e in entries if chezmoi_target_name(e) == part), None)
        if match is None:
            return None
        folder = folder / match
    return folder if folder.is_file() else None


# yadm


def yadm_repo(config: Path, data: Path, inside: str) -> Path | None:
    """A yadm repository (3.x in the data folder, 2.x in the configuration folder) whose
    index tracks ~/`inside`."""
    for repo in (data / "yadm/repo.git", config / "yadm/repo.git"):
        if inside in index_paths(repo / "index"):
            return repo
    return None


def index_paths(index: Path) -> frozenset[str]:
    """The paths a git index lists (versions 2 to 4: index-format.txt); none when it cannot
    be read."""
    data = read_small(index, _INDEX_BYTES_AT_MOST)
    if data is None or len(data) < 12 or data[:4] != b"DIRC":
        return frozenset()
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (2, 3, 4):
        return frozenset()
    paths: list[bytes] = []
    at, previous = 12, b""
    try:
        for _ in range(count):
            start = at
            flags = struct.unpack_from(">H", data, at + 60)[0]
            at += 62 + (2 if version >= 3 and flags & 0x4000 else 0)
            if version == 4:
                strip, at = _varint(data, at)
                end = data.index(b"\0", at)
                name = previous[: len(previous) - strip] + data[at:end]
                at = end + 1
            else:
                end = data.index(b"\0", at)
                name = data[at:end]
                at = start + ((end - start + 8) // 8) * 8  # NUL-padded to a multiple of 8
            paths.append(name)
            previous = name
    except (struct.error, ValueError, IndexError):  # cut short or made up: not known
        return frozenset()
    return frozenset(os.fsdecode(p) for p in paths)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """git's offset varint (index-format.txt, version 4)."""
    byte = data[at]
    value, at = byte & 0x7F, at + 1
    while byte & 0x80:
        byte = data[at]
        value, at = ((value + 1) << 7) | (byte & 0x7F), at + 1
    return value, at


# stow, rcm, and any symlink into a repository


def git_work_tree(target: Path) -> Path | None:
    """The git work tree holding `target` (a .git folder or file above it)."""
    for folder in target.parents:
        if (folder / ".git").exists():
            return folder
    return None
