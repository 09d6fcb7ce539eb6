"""What root may run and read: only what no other user can change.

remedies/privilege.py makes root become a home's owner before it touches that home. What is
left for root to do as root (`--machine`, `doctor` in root's own home, `list`) still runs
programs and reads remedy files, and each of them is found through paths: PATH, a `#!` line,
`#!/usr/bin/env node`, symlinks. Issue 22: a `node` shim in a user-writable folder ahead on
root's PATH ran as uid 0 through claude's `#!/usr/bin/env node`. An adversarial review of
the first fix then showed three more ways in, each closed here:
- a symlink on the way that lives in a folder a user can write can be swapped between the
  check and the exec (two runs in 30 ran the user's program): every step of the path is
  walked, link by link, and each must be root's alone, so nothing on the way can change;
- a root-only PATH folder holding a program a user owns (a `ps` or `git` root never
  chose) let claude start it by name: such a folder is dropped from the child's PATH;
- `#!/usr/bin/env -S ${NODE}`, `--split-string=`, `-P` and `NAME=value` made the program
  env runs differ from the one checked: only `env PROGRAM` and `env -S PROGRAM`, with a
  plain program name found on root's folders, are run.
"""

from __future__ import annotations

import functools
import os
import pwd
import stat
import threading
from collections.abc import Mapping
from pathlib import Path

from remedies.errors import RemedyError

_MAX_LINKS = 40  # as the kernel's own limit on symlinks in one path (ELOOP)
_INTERPRETER_DEPTH = 4  # a script's interpreter may itself be a script
_NOWHERE = "/nonexistent/remedy-found-no-folder-root-may-search"


def root_may_run(program: Path) -> bool:
    """Whether root may run `program` without running a user's code."""
    return why_not_owned_alone(program, frozenset({0})) is None


def why_not_owned_alone(path: Path, owners: frozenset[int]) -> str | None:
    """None when every step of resolving `path` belongs to one of `owners` and no one else
    can write it: each folder on the way, each symlink and the folder it sits in, each
    folder its target goes through, and the file at the end. A world-writable folder with
    the sticky bit (/tmp) may be crossed: no one but its owner can rename or delete the
    entry below it, which must be `owners`' too. Else one phrase saying which step and why.
    Root's rule is owners {0}; a user reading a remedy file trusts root and themselves."""
    steps, missing = _steps(str(path))
    if missing is not None:
        return f"{path} cannot be followed to a file ({missing})"
    last = len(steps) - 1
    for index, step in enumerate(steps):
        problem = _not_owned_alone(step, owners, index < last)
        if problem:
            return problem
    return None


def _steps(path: str) -> tuple[list[str], str | None]:
    """Every path the kernel goes through to resolve `path`, in order, symlinks and the
    folders their targets lead to included; with why it stopped when it could not."""
    start = path if path.startswith("/") else os.path.join(os.getcwd(), path)
    pending = [p for p in start.split("/") if p]
    current = "/"
    steps = [current]
    links = 0
    while pending:
        part = pending.pop(0)
        if part == ".":
            continue
        if part == "..":
            current = os.path.dirname(current)  # from where a link led, as the kernel does
            continue
        candidate = current.rstrip("/") + "/" + part
        try:
            mode = os.lstat(candidate).st_mode
        except OSError as e:
            return steps, f"{candidate}: {e.strerror}"
        steps.append(candidate)
        if not stat.S_ISLNK(mode):
            current = candidate
            continue
        links += 1
        if links > _MAX_LINKS:
            return steps, "too many symlinks"
        target = os.readlink(candidate)
        if target.startswith("/"):
            current = "/"
        pending[:0] = [p for p in target.split("/") if p]
    return steps, None


@functools.lru_cache(maxsize=4096)
def _not_owned_alone(path: str, owners: frozenset[int], crossed: bool) -> str | None:
    """Why `path` is not its owners' alone; `crossed`: a folder on the way, not the end.
    Kept for the run: the programs of a PATH folder go through the same few folders."""
    try:
        info = os.lstat(path)
    except OSError as e:
        return f"{path} cannot be looked at ({e.strerror})"
    if info.st_uid not in owners:
        return f"{path} belongs to {_account_name(info.st_uid)}"
    if stat.S_ISLNK(info.st_mode):
        return None  # a link cannot be changed, only replaced: its folder is a step too
    sticky = crossed and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
    if info.st_mode & 0o022 and not sticky:
        return f"{path} can be written by others than its owner"
    return None


def _account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


# --- PATH ----------------------------------------------------------------------------------


def root_safe_path(value: str) -> str:
    """A PATH with only the folders root may search: absolute, root's alone and not writable
    by anyone else (not even sticky: anyone may add a program to /tmp), and holding no
    program someone else can change. A program found through the rest would be whatever a
    user put there. Worked out once per run: the threads that start new shells side by side
    would otherwise each scan /usr/bin at once, holding one another up."""
    with _SCAN_LOCK:
        found = _SAFE_PATHS.get(value)
        if found is None:
            kept = [folder for folder in value.split(os.pathsep) if _searchable_by_root(folder)]
            found = _SAFE_PATHS[value] = os.pathsep.join(dict.fromkeys(kept))
    return found


_SCAN_LOCK = threading.Lock()
_SAFE_PATHS: dict[str, str] = {}


def forget() -> None:
    """Start a new run: what was judged is kept for one run only (a folder's owner or mode
    may change between two runs in one process, as between tests run in the test process)."""
    with _SCAN_LOCK:
        _SAFE_PATHS.clear()
    _not_owned_alone.cache_clear()
    _holds_only_roots_programs.cache_clear()


def _searchable_by_root(folder: str) -> bool:
    if not folder.startswith("/") or why_not_owned_alone(Path(folder), frozenset({0})):
        return False
    return _holds_only_roots_programs(os.path.realpath(folder))


@functools.lru_cache(maxsize=64)
def _holds_only_roots_programs(folder: str) -> bool:
    """Asked once per real folder per run (/bin and /usr/bin are one on most systems now):
    /usr/bin's thousand programs take a few milliseconds."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone since: nothing to run
        if stat.S_ISDIR(info.st_mode):
            continue
        if stat.S_ISLNK(info.st_mode):
            # A link to a name in this same folder (python3 -> python3.11) leads to an
            # entry judged in this loop itself, in a folder judged already.
            if "/" in os.readlink(entry.path) and _link_not_roots(entry.path):
                return False
        elif info.st_uid != 0 or info.st_mode & 0o022:
            return False  # a user's file here can be made a program, and found by name
    return True


def _link_not_roots(link: str) -> bool:
    """A program name that is a link: every step to what it leads to must be root's alone;
    a link that leads nowhere must lead where only root can create the file."""
    root = frozenset({0})
    steps, missing = _steps(link)
    if missing is None:
        last = len(steps) - 1
        return any(_not_owned_alone(s, root, i < last) for i, s in enumerate(steps))
    # Every step that exists, crossed, and the folder the missing name would be made in, as
    # an end: no one else may write it.
    where = next((s for s in reversed(steps) if os.path.isdir(s) and not os.path.islink(s)), "/")
    return any(_not_owned_alone(s, root, s != where) for s in steps) or bool(
        _not_owned_alone(where, root, False)
    )


# --- running a program as root -------------------------------------------------------------


def env_for_root_run(argv0: str, env: Mapping[str, str]) -> dict[str, str]:
    """The environment root may run `argv0` with, or RemedyError saying why root does not.

    Root runs only what root alone can change: the program (found on the PATH it runs
    with), the interpreter its `#!` line names and, for `#!/usr/bin/env node`, the program
    env finds; and it runs it with a PATH of root's folders only, so nothing the program
    starts by name later can be a user's either."""
    safe = dict(env)
    # With no folder left, a program looks in the working folder (an empty PATH is "." to
    # sh and env, as a missing one is Python's default): a path only root could create.
    safe["PATH"] = root_safe_path(safe.get("PATH", os.defpath)) or _NOWHERE
    program = _found(argv0, safe.get("PATH", ""))
    if program is None:
        return safe  # nothing to run: the run fails as "not found"
    problem = _why_not_run(program, safe.get("PATH", ""), _INTERPRETER_DEPTH)
    if problem:
        raise RemedyError(
            f"root does not run {argv0}: {problem}; root runs only programs no other user can "
            "change (run remedy as that user instead)"
        )
    return safe


def _found(name: str, path_value: str) -> Path | None:
    if "/" in name:
        return Path(name)
    for folder in path_value.split(os.pathsep):
        candidate = os.path.join(folder, name)
        if folder and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def _why_not_run(program: Path, path_value: str, depth: int) -> str | None:
    problem = why_not_owned_alone(program, frozenset({0}))
    if problem or depth == 0:
        return problem or f"{program} starts a chain of interpreters too long to follow"
    line = _shebang(program)
    if line is None:
        return None
    interpreter, _, argument = line.partition(" ")
    if not interpreter.startswith("/"):
        return f"{program}'s first line names an interpreter by a relative path"
    problem = _why_not_run(Path(interpreter), path_value, depth - 1)
    if problem or os.path.basename(interpreter) != "env":
        return problem and f"{problem} (the interpreter of {program})"
    name = _env_program(argument)
    if name is None:
        return f"{program}'s first line (#!{line}) runs env in a way remedy cannot check"
    found = _found(name, path_value)
    if found is None:
        return f"{program}'s first line (#!{line}) finds no {name} in root's own folders"
    problem = _why_not_run(found, path_value, depth - 1)
    return problem and f"{problem} (what {program}'s `#!{line}` runs)"


def _shebang(program: Path) -> str | None:
    """The `#!` line of a script, without `#!` and trimmed, or None for a binary."""
    try:
        with open(program, "rb") as file:
            head = file.read(512)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    return " ".join(line.split())


def _env_program(argument: str) -> str | None:
    """The program `#!/usr/bin/env ARGUMENT` runs, when remedy can be sure which: `env NAME`
    or `env -S NAME ...` with a plain NAME. Anything else (other options, NAME=value
    settings, `$` expansions that -S performs, escapes) is None: not run."""
    words = argument.split()
    if words[:1] == ["-S"]:
        words = words[1:]
    if not words:
        return None
    name = words[0]
    plain = not name.startswith("-") and not any(c in name for c in "=$\\'\"`")
    return name if plain else None


def code_root_did_not_choose() -> str | None:
    """What Python, run as root, loads (or may have loaded) from a place another user can
    change, in a phrase; None when nothing.

    Python adds `$HOME/.local/lib/pythonX.Y/site-packages` to sys.path and runs the `.pth`
    files there before any program starts, for root too when HOME is a user's (a fleet run
    as root with `remedy_home`, `sudo HOME=/home/dev remedy`); `python -m remedies` puts the
    working folder first on sys.path; PYTHONPATH adds anything. Adversarial reviews ran a
    user's `.pth` and a user's `dotenv.py` as uid 0 that way. That happens before remedy's
    first line, and a `.pth` may even remove its own folder, so remedy judges where Python
    looks, not what it found: every sys.path entry, and the user site folder unless it is
    switched off (`python3 -I`, `-s`, PYTHONNOUSERSITE=1, which the fleet playbook sets),
    must be root's alone, or its nearest existing folder must be."""
    if os.geteuid() != 0:
        return None
    import site
    import sys

    places = [_place_of(entry) for entry in sys.path]
    user_site = getattr(site, "USER_SITE", None)
    if site.ENABLE_USER_SITE and user_site and not sys.flags.no_user_site:
        places.append(user_site)
    for place in dict.fromkeys(places):
        problem = why_not_owned_alone(_nearest_existing(Path(place)), frozenset({0}))
        if problem is not None:
            return f"{place} ({problem})"
    return None


def _place_of(entry: str) -> str:
    """Where on disk Python looks for a sys.path entry: relative ones (`""` for `python -m`)
    in the working folder; a name a path hook claims (an editable install's finder) is not a
    place, and its hook's own folders are on sys.path too."""
    import sys
    from importlib.machinery import FileFinder

    if os.path.isabs(entry):
        return entry
    finder = sys.path_importer_cache.get(entry)
    if entry and finder is not None and not isinstance(finder, FileFinder):
        return "/"
    return os.path.join(os.getcwd(), entry)


def _nearest_existing(path: Path) -> Path:
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path
