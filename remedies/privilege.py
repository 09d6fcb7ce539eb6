"""Root never acts on a user's files as root.

When root runs remedy for a home that belongs to someone else (a fleet run as root with
`remedy_home`, an administrator's `sudo HOME=/home/dev remedy ...`), everything in that home
is the user's to write: their start-up files and symlinks, and remedy's own journal there.
Root obeying any of it lets the user act as root: a crafted journal entry made root write or
delete any file, a crafted upgrade entry made root run any program, and the probe shell ran
their ~/.bashrc as root. So before a command reads anything there, this process becomes that
user for good: supplementary groups, then group, then user, each real, effective and saved,
so nothing can switch back. Whatever the user crafted then buys them nothing they did not
already have, and every check below this one becomes defence in depth.

Why in this process rather than fork-and-wait: nothing is left for root to do afterwards
(managed settings are changed from an administrator's own home), output and exit codes stay
exactly as they are, and there is no second process to keep in step. Why not simply refuse:
a fleet run as root for a named home is a documented way to run remedy.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pwd
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from remedies.errors import RemedyError

# Our code and its dependencies, loaded in full before the switch: commands import lazily,
# and the copy being run may sit where the user cannot read it (a fleet host's root-only
# Ansible temp folder, root's pipx). The standard library is still read afterwards.
_OURS = ("remedies", "shells")
_PACKAGES = ("remedies", "shells", "click", "dotenv", "shellingham", "packaging")


@dataclass(frozen=True)
class Account:
    uid: int
    gid: int
    name: str | None  # None when the uid has no passwd entry

    @property
    def label(self) -> str:
        return self.name or f"uid {self.uid}"


def owner_of_home(home: Path) -> Account | None:
    """The account root must become to work in `home`, or None when root may stay root.

    A home that does not exist yet is judged by its nearest existing parent: whoever owns that
    can create the home, and every file in it, before we do.
    """
    if os.geteuid() != 0:
        return None
    probe = home
    while True:
        try:
            st = os.stat(probe)
            break
        except FileNotFoundError:
            if probe == probe.parent:
                return None
            probe = probe.parent
        except OSError as e:
            raise RemedyError(f"cannot look at the home {home}: {e.strerror}") from e
    if st.st_uid == 0:
        return None
    try:
        entry = pwd.getpwuid(st.st_uid)
    except KeyError:
        return Account(st.st_uid, st.st_gid, None)
    return Account(entry.pw_uid, entry.pw_gid, entry.pw_name)


def become(account: Account, home: Path) -> None:
    """Switch this process to `account` for good; refuse when remedy could not go on as it."""
    _load_everything()
    code = _code_paths()
    if account.name is not None:
        os.initgroups(account.name, account.gid)
    else:
        os.setgroups([])
    os.setresgid(account.gid, account.gid, account.gid)
    os.setresuid(account.uid, account.uid, account.uid)
    if os.getresuid() != (account.uid,) * 3 or _can_become_root_again():
        # Never carry on as root after saying we would not.
        os._exit(1)
    unreadable = [path for path, mode in code if not os.access(path, mode)]
    if unreadable:
        raise RemedyError(
            f"root works in {account.label}'s home {home} only as {account.label}, who cannot "
            f"read {unreadable[0]}; install remedy where every user can read it, or run it as "
            f"the user (`sudo -u {account.label} remedy ...`; Ansible: remedy_become_user)"
        )
    if not os.access(".", os.X_OK):
        os.chdir(home)  # root's working folder (say /root) is closed to the user


def _can_become_root_again() -> bool:
    try:
        os.setuid(0)
    except PermissionError:
        return False
    return True


def _load_everything() -> None:
    import pkgutil

    for package in _PACKAGES:
        module = importlib.import_module(package)
        for found in pkgutil.walk_packages(module.__path__, f"{package}."):
            if found.name.endswith(".__main__"):
                continue  # that one runs the command line
            if package in _OURS:
                importlib.import_module(found.name)  # they only define things
                continue
            # A dependency's modules for other platforms refuse to load here (click's
            # _winconsole asserts win32); they are never needed here either.
            with contextlib.suppress(Exception):
                importlib.import_module(found.name)


def _code_paths() -> list[tuple[str, int]]:
    """What the interpreter still reads after the switch: itself and the standard library."""
    stdlib = os.path.dirname(os.__file__)
    found = [(os.path.realpath(sys.executable), os.X_OK), (stdlib, os.R_OK | os.X_OK)]
    dynload = os.path.join(stdlib, "lib-dynload")
    if os.path.isdir(dynload):
        found.append((dynload, os.R_OK | os.X_OK))
    return found


def root_may_run(program: Path) -> bool:
    """Whether root may run `program` without running a user's code (see why_root_may_not_run)."""
    return why_root_may_not_run(program) is None


def why_root_may_not_run(program: Path) -> str | None:
    """None when `program`, as named and as it finally resolves, is root's alone: every
    path step (the link as named, its folders, the file it resolves to and its folders)
    belongs to root, and no one else can write it. An npm prefix in a home, a ~/.local/bin,
    a group-writable /opt folder all fail. A world-writable folder with the sticky bit
    (/tmp) is a step root may go through: there no one but root can rename or delete the
    root-owned entry below it. Else one phrase saying which step and why."""
    return why_not_owned_alone(program, frozenset({0}))


def why_not_owned_alone(path: Path, owners: frozenset[int]) -> str | None:
    """why_root_may_not_run for any set of trusted owners (root and the running user, for a
    file the running user reads): None when every step of `path`, as named and resolved,
    belongs to one of `owners` and no one else can write it."""
    named = Path(os.path.abspath(path))
    try:
        real = named.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"{path} cannot be followed to a file"
    for step in dict.fromkeys((named, *named.parents, real, *real.parents)):
        problem = _not_owned_alone(step, owners, crossed=step not in (named, real))
        if problem:
            return problem
    return None


def _not_owned_alone(path: Path, owners: frozenset[int], *, crossed: bool) -> str | None:
    """Why `path` is not its owners' alone; `crossed`: a folder on the way, not the end."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError as e:
        return f"{path} cannot be looked at ({e.strerror})"
    if info.st_uid not in owners:
        return f"{path} belongs to {_account_name(info.st_uid)}"
    if stat.S_ISLNK(info.st_mode):
        return None  # a link cannot be changed, only replaced: its folder is checked too
    sticky = crossed and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
    if info.st_mode & 0o022 and not sticky:
        return f"{path} can be written by others than its owner"
    return None


def _account_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def root_safe_path(value: str) -> str:
    """A PATH with only the folders root may search: absolute, root's alone and not writable
    by anyone else (not even sticky: anyone may add a program to /tmp). A program found
    through the rest would be whatever a user put there."""
    kept = [
        folder
        for folder in value.split(os.pathsep)
        if folder.startswith("/") and why_root_may_not_run(Path(folder)) is None
    ]
    return os.pathsep.join(dict.fromkeys(kept))


# A script's interpreter may itself be a script (Linux follows a few levels).
_INTERPRETER_DEPTH = 4


def env_for_root_run(argv0: str, env: Mapping[str, str]) -> dict[str, str]:
    """The environment root may run `argv0` with, or RemedyError saying why root does not.

    Root runs only what root alone can write: the program (resolved on the PATH it runs
    with), the interpreter its `#!` line names and, for `#!/usr/bin/env node`, the program
    env finds; and it runs it with a PATH of root's folders only, so nothing the program
    starts by name later can be a user's either (issue 22: a `node` shim in a user-writable
    folder ahead on root's PATH ran as uid 0 through claude's `#!/usr/bin/env node`)."""
    safe = dict(env)
    if "PATH" in safe:
        safe["PATH"] = root_safe_path(safe["PATH"])
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
    problem = why_root_may_not_run(program)
    if problem or depth == 0:
        return problem or f"{program} starts a chain of interpreters too long to follow"
    line = _shebang(program)
    if line is None:
        return None
    interpreter, _, argument = line.partition(" ")
    problem = _why_not_run(Path(interpreter), path_value, depth - 1)
    if problem or os.path.basename(interpreter) != "env":
        return problem and f"{problem} (the interpreter of {program})"
    name = _env_program(argument)
    if name is None:
        return f"{program}'s first line runs env without a program root can check"
    found = _found(name, path_value)
    if found is None:
        return None  # env finds nothing on the safe PATH: the run fails, running nothing
    problem = _why_not_run(found, path_value, depth - 1)
    return problem and f"{problem} (what {program}'s `#!{line}` runs)"


def _shebang(program: Path) -> str | None:
    """The `#!` line of a script, without `#!` and trimmed, or None for a binary."""
    try:
        with open(program, "rb") as file:
            head = file.read(256)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    return " ".join(line.split())


def _env_program(argument: str) -> str | None:
    """The program `#!/usr/bin/env ARGUMENT` runs: env's options (-S splits the rest into
    words, -i, -u NAME) and NAME=VALUE settings come first (env(1))."""
    words = argument.split()
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-u", "--unset", "-C", "--chdir"):
            index += 2
        elif word.startswith("-") or "=" in word:
            index += 1
        else:
            return word
    return None
