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
import sys
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
        return _owner_inside(probe, st.st_mode)
    return _account(st.st_uid, st.st_gid)


def _account(uid: int, gid: int) -> Account:
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return Account(uid, gid, None)
    return Account(entry.pw_uid, entry.pw_gid, entry.pw_name)


def _owner_inside(home: Path, mode: int) -> Account | None:
    """A home root owns may still be someone else's to fill: an SFTP chroot keeps the home
    root's and the files in it the user's; HOME=/tmp holds everyone's. Root running their
    ~/.bashrc there ran it as uid 0 (second adversarial review of issue 22). So: a home
    others can write is refused; one whose dotfiles (what shells and remedy read) belong to
    one other user is that user's, and root becomes them; several others, refused."""
    if mode & 0o022:
        raise RemedyError(
            f"{home} can be written by others than root, and root works only in a home no one "
            "else can change: run remedy as the user whose files are there"
        )
    others: dict[int, int] = {}
    try:
        entries = [e for e in os.scandir(home) if e.name.startswith(".")]
    except OSError as e:
        raise RemedyError(f"cannot look at the home {home}: {e.strerror}") from e
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid != 0:
            others.setdefault(info.st_uid, info.st_gid)
    if not others:
        return None
    if len(others) > 1:
        names = ", ".join(sorted(_account(u, g).label for u, g in others.items()))
        raise RemedyError(
            f"the files in {home} belong to several users ({names}); root works in a home as "
            "its one owner: run remedy as the user whose files you mean"
        )
    ((uid, gid),) = others.items()
    return _account(uid, gid)


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
