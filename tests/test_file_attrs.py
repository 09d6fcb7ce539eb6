"""Extended attributes and ACLs survive apply and come back with revert (issue 22, item 10).

Real files with real attributes: `user.*` notes, a POSIX ACL naming a throwaway user (set
with setfacl, as a person would), an SELinux label and, as root, `trusted.*`. Real
`remedy apply` and `remedy revert`; then the bytes, mode, owner, every attribute and the ACL
are compared with the original's. An attribute the run cannot keep is refused with one line
and nothing changed: an ordinary user cannot set a Smack label (`security.SMACK64`: Smack
wants CAP_MAC_ADMIN, and with no security module owning the name the kernel wants
CAP_SYS_ADMIN), so root working in that user's home, which makes remedy that user, meets
one for real.

Needs root (a throwaway user, `security.*` and `trusted.*`) and a filesystem with user
extended attributes and ACLs under the test folder: CI runs as root on one, so there a
missing piece fails; elsewhere it skips.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remedies.engine import fileio
from remedies.errors import Conflict, FileProblem
from tests.conftest import REPO, Result, Sandbox, require_program
from tests.support import figures
from tests.support.accounts import User, throwaway_user
from tests.support.system import add_user, new_user_name, remove_user, require_root
from tests.support.terminal import Terminal

APPLY = ("apply", "mantle", "--shell", "bash", "--region", "us-east-1", "--yes")
BEDROCK = b"export CLAUDE_CODE_USE_BEDROCK=1\n"
ACCESS_ACL = "system.posix_acl_access"
DEFAULT_ACL = "system.posix_acl_default"
LABEL = b"unconfined_u:object_r:user_home_t:s0\x00"


def skip_or_fail(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why}, and CI must have it (see .ci/run)")
    pytest.skip(why)


def keeps_attributes(folder: Path) -> bool:
    probe = folder / ".probe"
    probe.write_bytes(b"")
    try:
        os.setxattr(probe, "user.probe", b"1")
        os.setxattr(probe, ACCESS_ACL, posix_acl(6, 4, 0, users={65534: 4}, mask=4))
        return True
    except OSError:
        return False
    finally:
        probe.unlink()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a filesystem that keeps user attributes and ACLs: the test's own, else
    one under the repository (tmpfs before Linux 6.6 has no user.* attributes)."""
    require_root("the extended attribute tests (security.*, trusted.*, a second user)")
    if not hasattr(os, "listxattr"):
        skip_or_fail("extended attributes need Linux")
    if keeps_attributes(tmp_path):
        yield tmp_path
        return
    (REPO / ".cache").mkdir(exist_ok=True)
    other = Path(tempfile.mkdtemp(prefix="xattr-tests-", dir=REPO / ".cache"))
    try:
        if not keeps_attributes(other):
            skip_or_fail(f"neither {tmp_path} nor {other} keeps user attributes and ACLs")
        yield other
    finally:
        shutil.rmtree(other, ignore_errors=True)


@pytest.fixture
def stranger() -> Iterator[str]:
    """A throwaway user for the ACL entries to name."""
    require_root("a throwaway user")
    name = new_user_name()
    add_user(name)
    try:
        yield name
    finally:
        remove_user(name)


# --- what a file carries ---------------------------------------------------------------------

USER_OBJ, NAMED_USER, GROUP_OBJ, NAMED_GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
UNDEFINED_ID = 0xFFFFFFFF


def posix_acl(
    owner: int,
    group: int,
    other: int,
    *,
    users: dict[int, int] | None = None,
    groups: dict[int, int] | None = None,
    mask: int | None = None,
) -> bytes:
    """The value of system.posix_acl_access as the kernel keeps it (include/uapi/linux/
    posix_acl_xattr.h): version 2, then (tag, permissions, id) entries in tag, id order."""
    entries = [(USER_OBJ, owner, UNDEFINED_ID), (GROUP_OBJ, group, UNDEFINED_ID)]
    entries += [(NAMED_USER, perm, uid) for uid, perm in (users or {}).items()]
    entries += [(NAMED_GROUP, perm, gid) for gid, perm in (groups or {}).items()]
    if mask is not None:
        entries.append((MASK, mask, UNDEFINED_ID))
    entries.append((OTHER, other, UNDEFINED_ID))
    entries.sort(key=lambda e: (e[0], e[2]))
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)


def attributes(path: Path) -> dict[str, bytes]:
    return {name: os.getxattr(path, name) for name in os.listxattr(path)}


def acl_text(path: Path) -> str:
    return subprocess.run(
        ["getfacl", "--absolute-names", "--omit-header", "--numeric", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def everything(path: Path) -> tuple[bytes, int, int, int, dict[str, bytes], str]:
    """Bytes, mode, owner, group, every attribute (the ACL's bytes among them), and the ACL
    as getfacl shows it (the same thing, readable when an assertion fails)."""
    st_ = path.stat()
    return (
        path.read_bytes(),
        stat.S_IMODE(st_.st_mode),
        st_.st_uid,
        st_.st_gid,
        attributes(path),
        acl_text(path),
    )


def no_temps(home: Path) -> None:
    assert [p for p in home.rglob("*") if ".remedy-" in p.name] == []


# --- real apply and revert ---------------------------------------------------------------------


@pytest.mark.real_shell
@pytest.mark.root
def test_apply_keeps_and_revert_gives_back_attributes_and_acls(folder: Path, stranger: str) -> None:
    require_program("setfacl")
    home = folder / "home"
    home.mkdir()
    sandbox = Sandbox(home)
    planted = {
        ".bashrc": (0o640, f"u:{stranger}:r,g:{stranger}:r", {"user.note": b"my laptop's"}),
        ".bash_profile": (0o444, f"u:{stranger}:r", {"user.origin": b"dotfiles\x00\xff"}),
        ".claude/settings.json": (0o600, f"u:{stranger}:rw", {}),
    }
    data = {
        ".bashrc": b"# laptop\n" + BEDROCK,
        ".bash_profile": b". ~/.bashrc\n" + BEDROCK,
        ".claude/settings.json": b'{\n  "env": {\n    "CLAUDE_CODE_USE_BEDROCK": "1"\n  }\n}\n',
    }
    for name, (mode, acl, extra) in planted.items():
        path = sandbox.write(name, data[name])
        path.chmod(mode)
        subprocess.run(["setfacl", "-m", acl, str(path)], check=True)
        for key, value in {**extra, "security.selinux": LABEL, "trusted.remedy": b"t"}.items():
            os.setxattr(path, key, value)
    # Mode first: setting a mode rewrites the ACL's mask, so the ACL came last; as a person
    # would see it, the mask then follows the group bits.
    before = {name: everything(home / name) for name in planted}
    assert all(ACCESS_ACL in b[4] for b in before.values())

    applied = sandbox.remedy(*APPLY)
    assert applied.code == 0, applied.stderr
    assert applied.stdout.count("modified") == 3, applied.stdout
    for name in planted:
        now = everything(home / name)
        assert now[0] != before[name][0], f"{name} was edited"
        assert now[1:] == before[name][1:], f"{name}: mode, owner, attributes and ACL kept"

    reverted = sandbox.remedy("revert", "--yes")
    assert reverted.code == 0, reverted.stderr
    for name in planted:
        assert everything(home / name) == before[name], f"{name} exactly as it was"
    assert not (home / ".profile").exists(), "the file apply created went again"
    no_temps(home)
    figures.add("extended attributes and ACLs kept through apply and revert", len(planted))


@pytest.mark.root
def test_an_acl_narrowed_while_remedy_waits_is_not_widened_again(
    folder: Path, stranger: str
) -> None:
    """The user takes a colleague's read access away while remedy waits at its question: the
    staged file carries the ACL as remedy read it, so putting it in place would give the
    access back. What comes out of the exchange is compared, ACL included: refused, and the
    user's ACL and bytes stay."""
    require_program("setfacl")
    home = folder / "home"
    home.mkdir()
    sandbox = Sandbox(home)
    path = sandbox.write(".bashrc", b"# laptop\n" + BEDROCK)
    subprocess.run(["setfacl", "-m", f"u:{stranger}:r", str(path)], check=True)
    waiting = Terminal(list(APPLY[:-1]), sandbox.env)
    assert waiting.wait_for(b"[y/N]")
    subprocess.run(["setfacl", "-x", f"u:{stranger}", str(path)], check=True)
    narrowed = everything(path)
    waiting.type(b"y\n")
    code, screen = waiting.finish()
    assert code == 1, screen
    assert "changed while remedy was working" in screen
    assert everything(path) == narrowed
    assert f"user:{stranger}" not in acl_text(path)
    no_temps(home)
    figures.add("attributes that cannot be kept, refused")


@pytest.fixture
def user(folder: Path) -> Iterator[User]:
    """A throwaway user whose home root works in; remedy runs from a root-only folder with
    the system Python, as on a fleet host (tests/support/accounts.py)."""
    with throwaway_user() as made:
        if not keeps_attributes(made.home):
            skip_or_fail(f"{made.home} keeps no user attributes and ACLs")
        yield made


@pytest.mark.root
def test_a_read_only_file_keeps_its_attributes_when_its_owner_edits_it(user: User) -> None:
    """Run as the user (root working in their home becomes them): an ordinary user may set
    `user.*` only on a file they may write, so the attributes go on before the 0444 mode."""
    require_program("setfacl")
    path = user.write(".bashrc", b"# mine\n" + BEDROCK, 0o444)
    subprocess.run(["setfacl", "-m", "u:65534:r,g:65534:r", str(path)], check=True)
    os.setxattr(path, "user.note", b"read-only on purpose")
    before = everything(path)

    applied = user.remedy(*APPLY)
    assert applied.code == 0, applied.stderr
    assert everything(path)[1:] == before[1:]
    reverted = user.remedy("revert", "--yes")
    assert reverted.code == 0, reverted.stderr
    assert everything(path) == before
    figures.add("extended attributes and ACLs kept through apply and revert")


@pytest.mark.root
def test_an_attribute_the_user_cannot_set_is_refused_and_nothing_changes(user: User) -> None:
    """A Smack label root gave the user's file: the user can read it but not set it on a
    new file (Smack wants CAP_MAC_ADMIN; with no security module owning the name, the kernel
    wants CAP_SYS_ADMIN), so the edit would drop it. Refused with one line naming file and
    attribute."""
    path = user.write(".bashrc", b"# mine\n" + BEDROCK, 0o640)
    os.setxattr(path, "user.note", b"kept")
    os.setxattr(path, "security.SMACK64", b"Admin")
    before = everything(path)

    refused: Result = user.remedy(*APPLY)
    refused.refused(str(path), "security.SMACK64", "nothing was changed")
    assert everything(path) == before
    assert not (user.home / ".profile").exists(), "all or nothing: the new file is not made"
    no_temps(user.home)
    figures.add("attributes that cannot be kept, refused")


# --- the copy itself, on many attribute sets -------------------------------------------------

PERM = st.integers(0, 7)
IDS = st.integers(1000, 1010)
NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=24)


@st.composite
def acls(draw: st.DrawFn) -> bytes | None:
    if draw(st.booleans()):
        return None
    users = draw(st.dictionaries(IDS, PERM, max_size=3))
    groups = draw(st.dictionaries(IDS, PERM, max_size=3))
    named = bool(users or groups)
    mask = draw(PERM) if named else None
    return posix_acl(draw(PERM), draw(PERM), draw(PERM), users=users, groups=groups, mask=mask)


@dataclass(frozen=True)
class Original:
    """What a file carries, and what its folder gives new files."""

    mode: int
    plain: dict[str, bytes]
    trusted: dict[str, bytes]
    label: bytes | None
    acl: bytes | None
    inherited: bytes | None  # the folder's default ACL
    public: bool  # staged as a file every user reads (0644)


ORIGINALS = st.builds(
    Original,
    mode=st.integers(0, 0o7777),
    plain=st.dictionaries(NAMES, st.binary(max_size=300), max_size=5),
    trusted=st.dictionaries(NAMES, st.binary(max_size=40), max_size=2),
    label=st.none() | st.binary(min_size=1, max_size=60),
    acl=acls(),
    inherited=acls(),
    public=st.booleans(),
)


@pytest.mark.root
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=ORIGINALS)
def test_a_staged_file_carries_every_attribute(folder: Path, case: Original) -> None:
    """Whatever the original carries, the staged file carries the same, byte for byte, with
    the same mode; also when the folder's default ACL gives the new file one of its own."""
    place = Path(tempfile.mkdtemp(dir=folder))
    original = place / "rc"
    original.write_bytes(BEDROCK)
    os.chmod(original, case.mode)
    for name, value in case.plain.items():
        os.setxattr(original, f"user.{name}", value)
    for name, value in case.trusted.items():
        os.setxattr(original, f"trusted.{name}", value)
    if case.label is not None:
        os.setxattr(original, "security.selinux", case.label)
    if case.acl is not None:
        os.setxattr(original, ACCESS_ACL, case.acl)  # last: it sets the mode's bits too
    if case.inherited is not None:
        os.setxattr(place, DEFAULT_ACL, case.inherited)
    want = attributes(original)
    want_mode = stat.S_IMODE(original.stat().st_mode)

    temp = place / ".rc.remedy-test.tmp"
    fileio.stage(fileio.read_state(original), b"new bytes\n", temp, public=case.public)
    got = attributes(temp)
    if case.public:
        assert stat.S_IMODE(temp.stat().st_mode) == 0o644
        assert {k: v for k, v in got.items() if k != ACCESS_ACL} == {
            k: v for k, v in want.items() if k != ACCESS_ACL
        }
        assert (ACCESS_ACL in got) == (ACCESS_ACL in want)
    else:
        assert got == want
        assert stat.S_IMODE(temp.stat().st_mode) == want_mode
    shutil.rmtree(place)
    figures.add("attribute sets carried onto a staged file")


@pytest.mark.root
def test_a_file_remedy_creates_gets_what_any_new_file_there_gets(folder: Path) -> None:
    """No original, nothing to copy: the folder's default ACL stands, its mask the mode's."""
    os.setxattr(folder, DEFAULT_ACL, posix_acl(6, 4, 0, users={1000: 6}, mask=6))
    state = fileio.read_state(folder / "new")
    assert state.data is None
    temp = folder / ".new.tmp"
    fileio.stage(state, b"x\n", temp, public=True)
    assert stat.S_IMODE(temp.stat().st_mode) == 0o644
    assert ACCESS_ACL in attributes(temp)


def capability(number: int) -> bytes:
    """security.capability, VFS_CAP_REVISION_2 with the effective flag: one capability."""
    return struct.pack("<IIIII", 0x02000001, 1 << number, 0, 0, 0)


@pytest.mark.root
@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("security.capability", capability(13), "capabilities"),  # CAP_NET_RAW
        ("security.ima", b"\x03\x02" + b"\x00" * 40, "signature"),  # EVM_IMA_XATTR_DIGSIG
        ("security.evm", b"\x05\x02" + b"\x00" * 40, "signature"),  # portable signature
    ],
)
def test_what_vouches_for_the_old_bytes_is_refused(
    folder: Path, name: str, value: bytes, says: str
) -> None:
    """The kernel clears file capabilities on every write; a signature was made over the old
    bytes. Carrying either onto new bytes would vouch for what nobody vouched for, and
    dropping either would be silent: refused, naming it."""
    original = folder / "rc"
    original.write_bytes(BEDROCK)
    os.setxattr(original, name, value)
    temp = folder / ".rc.tmp"
    with pytest.raises(FileProblem) as refused:
        fileio.stage(fileio.read_state(original), b"new\n", temp)
    assert name in str(refused.value) and says in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not temp.exists()
    assert attributes(original)[name] == value
    figures.add("attributes that cannot be kept, refused")


@pytest.mark.root
def test_a_hash_the_kernel_keeps_itself_is_left_to_it(folder: Path) -> None:
    """An IMA hash (IMA_XATTR_DIGEST_NG) is the kernel's record of the old bytes: with
    appraisal on, the kernel writes the new one; a copy of the old would fail appraisal.
    The rest of the file's attributes still travel."""
    original = folder / "rc"
    original.write_bytes(BEDROCK)
    os.setxattr(original, "security.ima", b"\x04\x04" + b"\xab" * 32)
    os.setxattr(original, "user.note", b"kept")
    temp = folder / ".rc.tmp"
    fileio.stage(fileio.read_state(original), b"new\n", temp)
    assert attributes(temp) == {"user.note": b"kept"}


@pytest.mark.root
def test_an_attribute_already_equal_is_not_set_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label the kernel gave the new file itself (SELinux's type transition) is not set
    again: a policy may well refuse a relabel that changes nothing."""
    from remedies.engine import file_attrs

    staged = folder / "staged"
    staged.write_bytes(b"")
    os.setxattr(staged, "security.selinux", LABEL)

    def refuse(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "setxattr", refuse)
    fd = os.open(staged, os.O_RDWR)
    try:
        file_attrs.give(fd, "rc", 0o600, {"security.selinux": LABEL})
    finally:
        os.close(fd)


def test_without_extended_attributes_the_mode_still_travels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS has no os.listxattr in Python (mocked here): nothing is copied, nothing fails,
    and the mode and bytes are what they always were."""
    monkeypatch.delattr(os, "listxattr")
    original = tmp_path / "rc"
    original.write_bytes(BEDROCK)
    original.chmod(0o640)
    state = fileio.read_state(original)
    assert state.xattrs is None
    temp = tmp_path / ".rc.tmp"
    fileio.stage(state, b"new\n", temp)
    assert stat.S_IMODE(temp.stat().st_mode) == 0o640
    assert temp.read_bytes() == b"new\n"


@pytest.mark.root
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "check-then-rename"])
@pytest.mark.parametrize("change", ["chmod", "setfacl", "user.note", "save"])
def test_install_refuses_a_file_changed_in_any_way_since_it_was_read(
    folder: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool, change: str
) -> None:
    """Both ways of putting the staged file in place (the exchange; check-then-rename where
    renameat2 is missing) compare all that was read, not the bytes alone."""
    if not exchange:
        monkeypatch.setattr(fileio._rename, "_looked", True)
        monkeypatch.setattr(fileio._rename, "_call", None)
    target = folder / "rc"
    target.write_bytes(BEDROCK)
    target.chmod(0o640)
    os.setxattr(target, ACCESS_ACL, posix_acl(6, 4, 0, users={1000: 4}, mask=4))
    read = fileio.read_state(target)
    temp = folder / ".rc.tmp"
    fileio.stage(read, b"ours\n", temp)
    if change == "chmod":
        target.chmod(0o600)
    elif change == "setfacl":
        os.setxattr(target, ACCESS_ACL, posix_acl(6, 4, 0, users={1001: 4}, mask=4))
    elif change == "user.note":
        os.setxattr(target, "user.note", b"added meanwhile")
    else:
        target.write_bytes(b"saved meanwhile\n")
    now = everything(target)
    with pytest.raises(Conflict):
        fileio.install(temp, target, read.data, read)
    assert everything(target) == now


class FakeInode:
    """One open file for file_attrs.give, recording the order of what is done to it: no
    filesystem here holds an NFSv4 ACL, so the order is what can be tested of it."""

    def __init__(self, attrs: dict[str, bytes]) -> None:
        self.attrs = dict(attrs)
        self.mode = 0o600
        self.done: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(os, "listxattr", lambda _fd: list(self.attrs))
        monkeypatch.setattr(os, "getxattr", lambda _fd, name: self.attrs[name])
        monkeypatch.setattr(os, "setxattr", self.setxattr)
        monkeypatch.setattr(os, "removexattr", self.removexattr)
        monkeypatch.setattr(os, "fchmod", self.fchmod)
        monkeypatch.setattr(os, "fstat", lambda _fd: os.stat_result((self.mode,) + (0,) * 9))

    def setxattr(self, _fd: int, name: str, value: bytes) -> None:
        self.attrs[name] = value
        self.done.append(name)

    def removexattr(self, _fd: int, name: str) -> None:
        del self.attrs[name]
        self.done.append(f"-{name}")

    def fchmod(self, _fd: int, mode: int) -> None:
        self.mode = mode
        self.done.append(f"chmod {mode:o}")


def test_the_order_plain_attributes_acl_mode_then_an_nfs4_acl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """user.* while the file is still writable; the POSIX ACL before the mode (never more
    open than the original); an NFSv4 ACL, from which the server derives the mode, after it
    (a chmod rewrites it); an ACL the folder gave the new file, gone."""
    from remedies.engine import file_attrs

    inode = FakeInode({ACCESS_ACL: b"inherited", "system.nfs4_acl": b"synthesised"})
    inode.install(monkeypatch)
    wanted = {"user.note": b"n", ACCESS_ACL: b"acl", "system.nfs4_acl": b"nfs4"}
    file_attrs.give(3, "rc", 0o444, wanted)
    assert inode.done == ["user.note", ACCESS_ACL, "chmod 444", "system.nfs4_acl"]

    inode = FakeInode({ACCESS_ACL: b"inherited"})
    inode.install(monkeypatch)
    file_attrs.give(3, "rc", 0o640, {"user.note": b"n"})
    assert inode.done == ["user.note", f"-{ACCESS_ACL}", "chmod 640"]
