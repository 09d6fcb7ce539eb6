"""What to tell a person whose start-up file remedy cannot change, or should not change alone.

A start-up file may be made by a tool and be read-only to remedy (Nix home-manager links
~/.zshrc into the Nix store), belong to someone else, carry the immutable flag, or sit on a
read-only filesystem. remedy then writes nothing; the useful answer is which file, why, and
the exact next step (issue 24, item 7). A file remedy can change may still be a copy of a
source kept elsewhere (chezmoi) or a file of a repository (stow, rcm, yadm): the change is
made, and a note says where it must be carried so that the tool does not undo it.

This module is pure: `guidance` takes the facts observed about one file (engine.dotfile_facts
gathers them, the only I/O) and the edit remedy wants, and answers a typed Guidance, which
`render` turns into the line a person reads.

Why remedy does not put its block in another file when one is read-only: the block must win
for every kind of new shell, and for the files tools and administrators lock (~/.zshrc,
~/.bashrc, ~/.zshenv, ~/.bash_profile) some kind of shell reads nothing of the user's after
them (an interactive zsh or bash that is not a login shell ends with its rc file; `zsh -c`
from an IDE reads ~/.zshenv alone). A block elsewhere would lose there, and the tool that owns
the file would still turn the setting on; the fix belongs where the file is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Union

from remedies.engine.envedit import EnvEdit
from remedies.layout import home_word, shell_word
from remedies.output import path_shown
from remedies.redact import holds_secret


@dataclass(frozen=True)
class Owner:
    uid: int
    name: str


@dataclass(frozen=True)
class Place:
    """Where a configuration file names a variable: `path`:`line`."""

    name: str
    path: Path
    line: int


@dataclass(frozen=True)
class Tools:
    """What the tools that manage dotfiles left around this file."""

    # home-manager's configuration (home.nix, or the flake.nix beside it), when one is found.
    home_manager: Path | None = None
    # Where that configuration names the variables remedy must remove.
    set_in_nix: tuple[Place, ...] = ()
    chezmoi_source: Path | None = None  # the source-state file chezmoi makes this file from
    yadm_repo: Path | None = None  # a yadm repository whose index tracks this file
    repo: Path | None = None  # the git work tree the file's symlink leads into


@dataclass(frozen=True)
class Facts:
    """One start-up file remedy means to change, as observed."""

    path: Path  # as the user knows it (~/.zshrc), maybe a symlink
    target: Path  # the file that would be written, symlinks followed
    exists: bool
    folder: Path  # the nearest existing folder the new file would be renamed into
    me: Owner  # who remedy runs as (effective)
    file_owner: Owner | None  # None: the file does not exist yet
    folder_owner: Owner
    folder_mode: int
    folder_writable: bool  # access(2) with the effective ids
    immutable: Path | None = None  # the file or folder with the immutable or append-only flag
    append_only: bool = False  # that flag is append-only (chattr +a), not immutable (+i)
    read_only_mount: Path | None = None  # the mount point, when the folder is mounted read-only
    tools: Tools = Tools()

    @property
    def linked(self) -> bool:
        return self.target != self.path


class Why(Enum):
    """Why a file cannot be changed, in the order they are judged."""

    NIX_STORE = "nix store"
    IMMUTABLE = "immutable"
    READ_ONLY_FS = "read-only filesystem"
    OTHER_OWNER = "another owner"
    NO_PERMISSION = "no write permission"


@dataclass(frozen=True)
class Blocked:
    """remedy must not write this file; `render` says why and what to do instead."""

    facts: Facts
    why: Why
    home_manager: bool = False  # a Nix store file that home-manager made


class Kind(Enum):
    CHEZMOI = "chezmoi"
    REPO = "repository"  # stow, rcm, or any symlink into a git work tree
    YADM = "yadm"


@dataclass(frozen=True)
class Managed:
    """remedy may change this file, and the tool that manages it must be told."""

    facts: Facts
    kind: Kind


Guidance = Union[Blocked, Managed]

# A Nix store entry: /nix/store/<32 characters of Nix's base32>-<name> (Nix's own alphabet
# leaves out e, o, u and t). Matched anywhere in the path, so that a store kept elsewhere
# (a chroot store, a test's) is known too.
_STORE_ENTRY = re.compile(r"(?:^|/)nix/store/[0-9a-df-np-sv-z]{32}-[^/]+")


def nix_store_entry(path: Path) -> str | None:
    """The store entry `path` lies in (…/nix/store/<hash>-<name>), or None."""
    text = path.as_posix()
    found = _STORE_ENTRY.search(text)
    return text[: found.end()] if found else None


def _made_by_home_manager(facts: Facts) -> bool:
    entry = nix_store_entry(facts.target) or ""
    return "home-manager" in entry.rsplit("/", 1)[-1] or facts.tools.home_manager is not None


def guidance(facts: Facts) -> Guidance | None:
    """What a person must know about changing this file; None: nothing."""
    if nix_store_entry(facts.target) is not None:
        # Even when remedy could write there (root, a store not mounted read-only), the
        # store's files are checked by their hash and replaced by the next switch.
        return Blocked(facts, Why.NIX_STORE, home_manager=_made_by_home_manager(facts))
    if facts.immutable is not None:
        return Blocked(facts, Why.IMMUTABLE)
    if facts.read_only_mount is not None:
        return Blocked(facts, Why.READ_ONLY_FS)
    others = facts.me.uid != 0
    if others and facts.file_owner is not None and facts.file_owner.uid != facts.me.uid:
        # The folder may let us rename a new file over it, but that file would be ours:
        # only root can keep a file's owner, and remedy keeps owners or writes nothing.
        return Blocked(facts, Why.OTHER_OWNER)
    if not facts.folder_writable:
        mine = facts.folder_owner.uid == facts.me.uid
        return Blocked(facts, Why.NO_PERMISSION if mine else Why.OTHER_OWNER)
    if facts.tools.chezmoi_source is not None and not facts.linked:
        return Managed(facts, Kind.CHEZMOI)
    if facts.tools.repo is not None and facts.linked:
        return Managed(facts, Kind.REPO)
    if facts.tools.yadm_repo is not None and not facts.linked:
        return Managed(facts, Kind.YADM)
    return None


# Rendering: the one place the words are.


def nix_string(value: str) -> str:
    """`value` as a Nix string literal: backslash, quote and `${` escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'


def session_variables(edit: EnvEdit) -> str:
    """The home-manager lines that set what `edit` sets (a secret value left for the user)."""
    hidden = '"<your value>"'
    pairs = " ".join(
        f"{name} = {hidden if holds_secret(name, value) else nix_string(value)};"
        for name, value in edit.set
    )
    return f"home.sessionVariables = {{ {pairs} }};"


def _where_set(blocked: Blocked, name: str, home: Path) -> str:
    places = [p for p in blocked.facts.tools.set_in_nix if p.name == name]
    if not places:
        return "from where your configuration sets it"
    return "from " + ", ".join(f"{path_shown(p.path, home)}:{p.line}" for p in places)


def _home_manager_step(blocked: Blocked, edit: EnvEdit, home: Path) -> str:
    config = blocked.facts.tools.home_manager
    where = f"in {path_shown(config, home)}" if config else "in your home-manager configuration"
    steps = [f"{where} put `{session_variables(edit)}`"] if edit.set else []
    steps += [f"remove {name} {_where_set(blocked, name, home)}" for name in edit.unset]
    return "; ".join(steps) + ", then run `home-manager switch`"


def why_blocked(blocked: Blocked, home: Path) -> str:
    """Why remedy must not write the file, for a person: `it links to …, a file in the
    read-only Nix store (home-manager made it)`."""
    return _why(blocked, home)


def _why(blocked: Blocked, home: Path) -> str:
    facts = blocked.facts
    shown = path_shown(facts.target, home)
    link = f"it links to {shown}, " if facts.linked else ""
    if blocked.why is Why.NIX_STORE:
        made = "home-manager made it" if blocked.home_manager else "Nix built it"
        return f"{link}a file in the read-only Nix store ({made})"
    if blocked.why is Why.IMMUTABLE:
        flagged = path_shown(facts.immutable or facts.target, home)
        flag = "append-only flag (chattr +a)" if facts.append_only else "immutable flag (chattr +i)"
        return f"{link}{flagged} has the {flag}"
    if blocked.why is Why.READ_ONLY_FS:
        mount = path_shown(facts.read_only_mount or facts.folder, home)
        return f"{link}{shown} is on a read-only filesystem (mounted read-only at {mount})"
    if blocked.why is Why.OTHER_OWNER:
        if facts.file_owner is not None and facts.file_owner.uid != facts.me.uid:
            return f"{link}{shown} belongs to {facts.file_owner.name}, not to {facts.me.name}"
        folder, owner = path_shown(facts.folder, home), facts.folder_owner.name
        return f"{link}its folder {folder} belongs to {owner}, not to {facts.me.name}"
    folder = path_shown(facts.folder, home)
    return f"{link}{facts.me.name} may not write in {folder} (mode {facts.folder_mode:04o})"


def _copy_instead(facts: Facts, home: Path) -> str:
    """A link to a file the user cannot change can become a file of the user's own."""
    path = path_shown(facts.path, home)
    copy = f"cp --remove-destination {home_word(facts.target, home)} {home_word(facts.path, home)}"
    return f"make {path} a file of your own: `{copy}`"


def _next_step(blocked: Blocked, edit: EnvEdit, home: Path) -> str:
    facts = blocked.facts
    again = ", then run remedy again"
    if blocked.why is Why.NIX_STORE:
        if blocked.home_manager:
            return _home_manager_step(blocked, edit, home)
        return "change the Nix configuration that builds it and rebuild (it cannot be edited)"
    if blocked.why is Why.IMMUTABLE:
        flagged = home_word(facts.immutable or facts.target, home)
        letter = "a" if facts.append_only else "i"
        return f"an administrator must run `sudo chattr -{letter} {flagged}`{again}"
    if blocked.why is Why.READ_ONLY_FS:
        mount = path_shown(facts.read_only_mount or facts.folder, home)
        step = f"an administrator must remount {mount} read-write (or change the file where "
        step += f"the image is built){again}"
        return f"{step}; or {_copy_instead(facts, home)}{again}" if facts.linked else step
    if blocked.why is Why.OTHER_OWNER:
        me = facts.me.name
        if facts.file_owner is not None and facts.file_owner.uid != facts.me.uid:
            owner = facts.file_owner.name
            if facts.linked:
                return f"ask {owner} to change it; or {_copy_instead(facts, home)}{again}"
            shown = home_word(facts.target, home)
            return f"run `sudo chown {shell_word(me)} {shown}` (or ask {owner} to){again}"
        folder, owner = path_shown(facts.folder, home), facts.folder_owner.name
        return f"ask {owner} (or an administrator) to let {me} write in {folder}{again}"
    return f"run `chmod u+w {home_word(facts.folder, home)}`{again}"


def render_blocked(blocked: Blocked, edit: EnvEdit, home: Path, also: tuple[Path, ...] = ()) -> str:
    """The one line that stops apply: which file, why, nothing changed, the next step."""
    path = path_shown(blocked.facts.path, home)
    more = ", ".join(path_shown(p, home) for p in also)
    so = f" (so is {more})" if more else ""
    return (
        f"{path} cannot be changed: {_why(blocked, home)}{so}; nothing was changed. "
        f"Next: {_next_step(blocked, edit, home)}"
    )


def render_managed(managed: Managed, home: Path) -> str:
    """The note after a change made in a file a tool manages."""
    facts, tools = managed.facts, managed.facts.tools
    path = path_shown(facts.path, home)
    if managed.kind is Kind.CHEZMOI and tools.chezmoi_source is not None:
        source = path_shown(tools.chezmoi_source, home)
        if tools.chezmoi_source.name.endswith(".tmpl"):
            return (
                f"{path} is made by chezmoi from the template {source}: make the same change "
                "there, or chezmoi apply will undo it (chezmoi re-add skips templates)"
            )
        # One command, last, backquoted: printed whole on a line of its own (remedies.layout).
        return (
            f"{path} is made by chezmoi from {source}, and chezmoi apply would undo the "
            f"change; to keep it: `chezmoi add {home_word(facts.path, home)}`"
        )
    if managed.kind is Kind.REPO and tools.repo is not None:
        repo = path_shown(tools.repo, home)
        inside = facts.target.relative_to(tools.repo).as_posix()
        return (
            f"{path} links to {path_shown(facts.target, home)}: the change is in that file of "
            f"the repository {repo}; to commit it there: "
            f"`git -C {home_word(tools.repo, home)} commit {shell_word(inside)}`"
        )
    word = home_word(facts.path, home)
    return f"{path} is tracked by yadm; to commit the change: `yadm commit {word}`"
