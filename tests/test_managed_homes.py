"""Read-only and managed dotfiles get the exact next step (issue 24, item 7), on homes laid
out as Nix home-manager, chezmoi, stow and yadm lay them out (their files only: the tools
are not installed), with real shells.

A start-up file remedy must not write (a link into the Nix store, a file of another owner,
the immutable flag, a read-only filesystem) stops apply before anything is written: exit 1,
one line naming the file, why, and what to do instead. A file remedy may write but a tool
manages (chezmoi's copies, a stow link into a repository, a file yadm tracks) is changed, and
a note says where the change must be carried. The pure judgement is tested in
tests/test_managed_dotfiles.py.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Result, Sandbox, base_env, require_program
from tests.support.accounts import SYSTEM_PYTHON, User
from tests.support.system import why_killed

pytestmark = [pytest.mark.real_shell, pytest.mark.root]

BEDROCK = b'export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION="us-east-1"\n'
APPLY_ZSH = ("apply", "mantle", "--shell", "zsh", "--yes")
APPLY_BASH = ("apply", "mantle", "--shell", "bash", "--yes")
# The region is in home.nix already (hm-session-vars.sh): mantle sets no other.
SESSION_VARIABLES = '`home.sessionVariables = { CLAUDE_CODE_USE_MANTLE = "1"; };`'
HASH = "0123456789abcdfghijklmnpqrsvwxyz"  # 32 characters of Nix's base32


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: a root-owned store, another owner, chattr, mount")


def tree(*roots: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under `roots` but remedy's state: bytes or link target, mode and owner."""
    found: dict[str, tuple[object, ...]] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            inside = path.relative_to(root).as_posix()
            if inside == ".local" or inside.startswith(".local/state"):
                continue  # remedy's state folder, and the folder it makes for it
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                what: object = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                what = path.read_bytes()
            else:
                what = "folder"
            found[str(path)] = (what, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
    return found


def one_line(result: Result, *words: str) -> str:
    line = result.refused(*words)
    assert line.startswith("remedy: error: "), line
    return line


# Nix home-manager: every file it manages is a link into /nix/store, root's and read-only.


def home_manager_home(home: Path, store_root: Path) -> Path:
    """A home as home-manager leaves it: ~/.zshenv and ~/.zshrc link into the generation's
    home-manager-files, whose entries link to store files of their own; ~/.zshenv sources
    hm-session-vars.sh, where home.sessionVariables (Bedrock and the region here) end up.
    The store is root's and read-only, outside HOME. Returns the store."""
    store = store_root / "nix/store"
    files = store / f"{HASH}-home-manager-files"
    path = store / f"{HASH[::-1]}-home-manager-path"
    vars_sh = path / "etc/profile.d/hm-session-vars.sh"
    vars_sh.parent.mkdir(parents=True)
    vars_sh.write_bytes(
        b'if [ -n "$__HM_SESS_VARS_SOURCED" ]; then return; fi\n'
        b"export __HM_SESS_VARS_SOURCED=1\n"
        b'export AWS_REGION="us-east-1"\n'
        b'export CLAUDE_CODE_USE_BEDROCK="1"\n'
    )
    files.mkdir(parents=True)
    made = {
        ".zshenv": b'. "$HOME/.nix-profile/etc/profile.d/hm-session-vars.sh"\n',
        ".zshrc": b"typeset -U path cdpath fpath manpath\nHISTSIZE=10000\nalias ll='ls -l'\n",
    }
    for index, (name, data) in enumerate(made.items()):
        own = store / f"{HASH[index:]}{HASH[:index]}-hm_{name.lstrip('.')}"
        own.write_bytes(data)
        (files / name).symlink_to(own)
        (home / name).symlink_to(files / name)
    (home / ".nix-profile").symlink_to(path)
    config = home / ".config/home-manager"
    config.mkdir(parents=True)
    (config / "home.nix").write_text(
        "{ config, pkgs, ... }:\n"
        "{\n"
        '  home.username = "ann";\n'
        "  programs.zsh.enable = true;\n"
        "  home.sessionVariables = {\n"
        '    AWS_REGION = "us-east-1";\n'
        '    CLAUDE_CODE_USE_BEDROCK = "1";\n'
        "  };\n"
        "}\n"
    )
    for entry in [store, *store.rglob("*")]:
        os.chown(entry, 0, 0, follow_symlinks=False)
        if not entry.is_symlink():
            entry.chmod(0o555 if entry.is_dir() else 0o444)
    return store


def expect_home_manager(line: str) -> None:
    assert "~/.zshenv cannot be changed: it links to " in line, line
    assert "-hm_zshenv, a file in the read-only Nix store (home-manager made it)" in line
    assert "(so is ~/.zshrc); nothing was changed." in line
    assert f"Next: in ~/.config/home-manager/home.nix put {SESSION_VARIABLES}" in line
    assert "remove CLAUDE_CODE_USE_BEDROCK from ~/.config/home-manager/home.nix:7" in line
    assert line.endswith("then run `home-manager switch`"), line


def test_home_manager_gets_session_variables_and_nothing_is_written(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """As root, who could write the store: refused all the same, with the Nix lines."""
    require_root()
    require_program("zsh")
    store = home_manager_home(sandbox.home, tmp_path / "store-root")
    shell = sandbox.shell_env("zsh")
    assert shell["CLAUDE_CODE_USE_BEDROCK"] == "1", "the home really turns Bedrock on"
    before = tree(sandbox.home, store)
    for args in (APPLY_ZSH, ("apply", "mantle", "--shell", "zsh", "--dry-run")):
        expect_home_manager(one_line(sandbox.remedy(*args)))
        assert tree(sandbox.home, store) == before, args
    # doctor says so before apply is tried, beside the problem.
    doc = sandbox.remedy("doctor", "--json", "--shell", "zsh").json()
    warning = next(p for p in doc["problems"] if p["id"] == "startup-file-read-only")
    assert "read-only Nix store (home-manager made it)" in warning["message"], warning
    assert "remedy cannot change it" in warning["message"], warning


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder outside every home that any user may read (tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="remedy-managed-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def as_user(user: User, shared: Path, *args: str) -> Result:
    """remedy run by the user themselves (no root anywhere), from the zipapp."""
    pyz = shared / "remedy.pyz"
    if not pyz.exists():
        shutil.copy(user.pyz, pyz)
        pyz.chmod(0o644)
    env = {**base_env(user.home), "SHELL": "/usr/bin/zsh"}
    done = subprocess.run(
        ["runuser", "-u", user.name, "--", SYSTEM_PYTHON, str(pyz), *args],
        env=env,
        cwd=user.home,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr + why_killed(done.returncode))


def give_home(user: User) -> None:
    for path in [user.home, *user.home.rglob("*")]:
        os.chown(path, user.uid, user.gid, follow_symlinks=False)


def test_home_manager_as_the_user_whose_store_is_read_only(user: User, shared: Path) -> None:
    """The report: as the user, the store's folder is not writable ("Permission denied")."""
    require_program("zsh")
    store = home_manager_home(user.home, shared / "store-root")
    give_home(user)
    before = tree(user.home, store)
    result = as_user(user, shared, *APPLY_ZSH)
    expect_home_manager(one_line(result))
    assert tree(user.home, store) == before


# Another owner, the immutable flag, a read-only filesystem.


def test_a_bashrc_of_another_owner(user: User, shared: Path) -> None:
    """root's ~/.bashrc in the user's own (writable) home: a rename would make it the
    user's, so remedy stops, naming the owner and the chown that fixes it."""
    bashrc = user.write(".bashrc", BEDROCK)
    os.chown(bashrc, 0, 0)
    before = tree(user.home)
    result = as_user(user, shared, *APPLY_BASH)
    line = one_line(result, "~/.bashrc cannot be changed: ~/.bashrc belongs to root, not to")
    assert line.endswith(
        f"Next: run `sudo chown {user.name} ~/.bashrc` (or ask root to), then run remedy again"
    ), line
    assert tree(user.home) == before
    assert bashrc.stat().st_uid == 0


@pytest.mark.parametrize(("flag", "name"), [("i", "immutable"), ("a", "append-only")])
def test_an_immutable_bashrc(sandbox: Sandbox, flag: str, name: str) -> None:
    """chattr +i (or +a): rename(2) onto the file fails for root too."""
    require_root()
    chattr = require_program("chattr")
    bashrc = sandbox.write(".bashrc", BEDROCK)
    locked = subprocess.run([chattr, f"+{flag}", str(bashrc)], capture_output=True, check=False)
    if locked.returncode:
        pytest.skip(f"this filesystem has no {name} flag")
    try:
        before = tree(sandbox.home)
        result = sandbox.remedy(*APPLY_BASH)
        assert tree(sandbox.home) == before
    finally:
        subprocess.run([chattr, f"-{flag}", str(bashrc)], check=True)
    one_line(
        result,
        f"~/.bashrc cannot be changed: ~/.bashrc has the {name} flag (chattr +{flag}); "
        f"nothing was changed. Next: an administrator must run `sudo chattr -{flag} ~/.bashrc`, "
        "then run remedy again",
    )


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    require_root()
    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_bashrc_on_a_read_only_filesystem(sandbox: Sandbox, read_only_mount: Path) -> None:
    """~/.bashrc links to a file on a filesystem mounted read-only (a shared image)."""
    (read_only_mount / "bashrc").write_bytes(BEDROCK)
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)], check=True)
    sandbox.path(".bashrc").symlink_to(read_only_mount / "bashrc")
    before = tree(sandbox.home, read_only_mount)
    result = sandbox.remedy(*APPLY_BASH)
    shared_file = read_only_mount / "bashrc"
    one_line(
        result,
        f"~/.bashrc cannot be changed: it links to {shared_file}, {shared_file} is on a "
        f"read-only filesystem (mounted read-only at {read_only_mount}); nothing was changed.",
        f"Next: an administrator must remount {read_only_mount} read-write",
        f"`cp --remove-destination {shared_file} ~/.bashrc`",
    )
    assert tree(sandbox.home, read_only_mount) == before


# Files remedy may change, and the tool that manages them must be told.


def test_chezmoi_gets_a_note_naming_the_source(sandbox: Sandbox) -> None:
    require_root()
    sandbox.write(".zshrc", BEDROCK)
    sandbox.write(".local/share/chezmoi/dot_zshrc", BEDROCK)
    sandbox.write(".local/share/chezmoi/dot_bashrc", b"")
    result = sandbox.remedy(*APPLY_ZSH)
    assert result.code == 0, result.stderr
    assert (
        "~/.zshrc is made by chezmoi from ~/.local/share/chezmoi/dot_zshrc, "
        "and chezmoi apply would undo the change; to keep it: chezmoi add ~/.zshrc"
    ) in " ".join(result.stdout.split()), result.stdout
    assert sandbox.read(".local/share/chezmoi/dot_zshrc") == BEDROCK, "the source is the user's"
    assert "dot_zshenv" not in result.stdout, "a file chezmoi does not manage gets no note"


def test_a_stow_link_into_a_repository(sandbox: Sandbox) -> None:
    require_root()
    repo = sandbox.home / "dotfiles"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    sandbox.write("dotfiles/zsh/.zshrc", BEDROCK)
    sandbox.path(".zshrc").symlink_to("dotfiles/zsh/.zshrc")  # as stow makes it: relative
    before = tree(sandbox.home)
    result = sandbox.remedy(*APPLY_ZSH)
    assert result.code == 0, result.stderr
    assert (
        "~/.zshrc links to ~/dotfiles/zsh/.zshrc: the change is in that file of the "
        "repository ~/dotfiles; to commit it there: git -C ~/dotfiles commit zsh/.zshrc"
    ) in " ".join(result.stdout.split()), result.stdout
    assert os.readlink(sandbox.path(".zshrc")) == "dotfiles/zsh/.zshrc"
    assert sandbox.remedy("revert", "--yes").code == 0
    assert tree(sandbox.home) == before


def test_yadm_gets_a_note_to_commit(sandbox: Sandbox) -> None:
    require_root()
    repo = sandbox.home / ".local/share/yadm/repo.git"
    git = ["git", f"--git-dir={repo}", f"--work-tree={sandbox.home}"]
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    sandbox.write(".zshrc", BEDROCK)
    subprocess.run([*git, "add", ".zshrc"], check=True)
    result = sandbox.remedy(*APPLY_ZSH)
    assert result.code == 0, result.stderr
    assert ("~/.zshrc is tracked by yadm; to commit the change: yadm commit ~/.zshrc") in " ".join(
        result.stdout.split()
    ), result.stdout
    assert "~/.zshenv is tracked" not in result.stdout, "an untracked file gets no note"
