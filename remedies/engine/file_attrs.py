"""A file's extended attributes, ACL included, carried onto the file that replaces it.

A staged write puts a new inode in place of the old one (fileio.stage, fileio.install), so
whatever the old inode held beside its bytes, mode and owner is lost unless it is copied:
`user.*` notes, the POSIX ACL (`system.posix_acl_access`: who else may read the file),
security labels (`security.selinux`, `security.SMACK64`), and, for root, `trusted.*`
(issue 22, item 10: apply dropped them, and revert could not bring them back). `give` makes
a staged file's attributes and mode equal to the original's, checks that they came out
equal, and refuses (one line naming the file and the attribute) when one cannot be kept:
an attribute is never dropped in silence.

What a process cannot see it cannot keep: `trusted.*` is listed only to a process with
CAP_SYS_ADMIN (xattr(7)), so a run as an ordinary user, like every editor that saves by
rename, cannot know about it. Root working in a user's home becomes that user
(remedies.privilege), and so has the same limit there.

Attributes that vouch for the bytes rather than describe the file are not copied like the
rest (see `_vouches_for_bytes`).

Linux only: Python offers os.listxattr and its kin there alone. On macOS (its extended
attributes and ACLs have another API) `read` answers None and `give` sets the mode only,
which is what remedy kept there before and what a save by rename keeps.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping

from remedies.errors import FileProblem

Attrs = Mapping[str, bytes]

ACCESS_ACL = "system.posix_acl_access"
# Only folders have a default ACL; kept like any other attribute should a file show one.
ACLS = (ACCESS_ACL, "system.posix_acl_default")
# ACLs that are a permission model of their own, the mode derived from them (an NFSv4 home,
# RFC 7530 6.4.1): a chmod rewrites their entries for owner, group and everyone, so they
# go on after the mode, as coreutils' `cp -p` sets them (gnulib qcopy-acl). Not tried
# here: no NFSv4 server on the test machine.
WHOLE_ACLS = ("system.nfs4_acl", "system.nfs4acl", "system.richacl")

# Hashes the kernel computes and keeps itself when IMA appraisal or EVM is on
# (Documentation/security/IMA-templates, integrity/integrity.h): IMA_XATTR_DIGEST,
# IMA_XATTR_DIGEST_NG, EVM_XATTR_HMAC. New bytes get new ones from the kernel; a copy of the
# old would make the file fail appraisal, so these are neither copied nor compared. Revert
# gives back the old bytes, whose hash the kernel computes again.
_KERNELS_OWN: dict[str, tuple[int, ...]] = {"security.ima": (0x01, 0x04), "security.evm": (0x02,)}


def supported() -> bool:
    return hasattr(os, "listxattr")


def read(fd: int) -> dict[str, bytes] | None:
    """Every extended attribute of the open file this process can see, by name; None on a
    platform without the calls. A filesystem without extended attributes has none."""
    if not supported():
        return None
    try:
        names = os.listxattr(fd)
    except OSError as e:
        if e.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return {}
        raise
    found = {}
    for name in names:
        try:
            found[name] = os.getxattr(fd, name)
        except OSError as e:
            if e.errno != errno.ENODATA:  # removed between the two calls: not there now
                raise
    return found


def _vouches_for_bytes(name: str, value: bytes) -> str | None:
    """Why an attribute that vouches for the file's present bytes cannot go onto new ones
    (None: it can). The kernel itself removes `security.capability` when a file is written
    or given away (file_remove_privs, cap_inode_killpriv): copying it would grant the old
    bytes' privileges to bytes nobody granted them to; dropping it would be silent. An
    IMA or EVM signature was made by whoever holds a key, over the old bytes: remedy can
    neither carry it over nor make a new one."""
    if name == "security.capability":
        return "file capabilities granted to its present bytes (setcap)"
    if name in _KERNELS_OWN and value[:1] and value[0] not in _KERNELS_OWN[name]:
        return "a signature of its present bytes"
    return None


def _ours_to_copy(attrs: Attrs) -> dict[str, bytes]:
    return {
        name: value
        for name, value in attrs.items()
        if not (name in _KERNELS_OWN and value[:1] and value[0] in _KERNELS_OWN[name])
    }


def give(fd: int, where: str, mode: int, wanted: Attrs | None, *, public: bool = False) -> None:
    """Give the open staged file `fd` the permission bits `mode` and exactly the attributes
    `wanted` (the original's, as `read` found them; None: not known, as for a file remedy
    creates, which keeps what the kernel gives any new file in its folder: a default ACL,
    a label). Raises FileProblem naming `where` and the attribute when one cannot be kept.

    The order is the point:
    1. Attributes other than ACLs first, while the staged file is still 0600 and its
       owner's: an ordinary user needs write permission to set `user.*`, which a read-only
       original's mode (0444) would take away.
    2. The ACL next: setting it also sets the mode's owner, group (the ACL's mask) and
       other bits from it, so the file is never more open than the original at any
       instant. Setting the mode first and the ACL after would, for a moment, give the
       owning group what the mask allows though the ACL denies it (`group::---`,
       `mask::r--`, a named user's `r--`).
    3. The mode last. The original's mode and ACL agree (the kernel keeps its group bits
       equal to the mask), so this chmod rewrites the mask to the value it already has.
       For a `public` file the mode is 0644 whatever the original's: this chmod then does
       to the ACL's mask what `chmod 644` does. (An NFSv4 ACL comes after it: WHOLE_ACLS.)
    4. Everything read back and compared with what was wanted: a value the kernel or the
       filesystem did not keep is a refusal, not a surprise later.
    An attribute the new file already holds with the same value is not set again.
    """
    have = read(fd)
    if wanted is None or have is None:
        os.fchmod(fd, mode)
        return
    for name, value in wanted.items():
        reason = _vouches_for_bytes(name, value)
        if reason:
            raise FileProblem(
                f"{where} carries {name}, {reason}; remedy will not give it to new bytes nor "
                "drop it. Nothing was changed"
            )
    copy = _ours_to_copy(wanted)
    for name, value in copy.items():
        if name not in ACLS and name not in WHOLE_ACLS and have.get(name) != value:
            _set(fd, where, name, value)
    for name in ACLS:
        if name in copy and have.get(name) != copy[name]:
            _set(fd, where, name, copy[name])
        elif name not in copy and name in have:
            # Inherited from the folder's default ACL when the staged file was created; the
            # original had none, so the file would be more (or less) open than it was.
            _remove(fd, where, name)
    os.fchmod(fd, mode)
    if any(name in copy for name in WHOLE_ACLS):
        now = read(fd) or {}
        for name in WHOLE_ACLS:
            if name in copy and now.get(name) != copy[name]:
                _set(fd, where, name, copy[name])
    _check(fd, where, mode, copy, public=public)


def _check(fd: int, where: str, mode: int, copy: dict[str, bytes], *, public: bool) -> None:
    got = read(fd) or {}
    for name, value in copy.items():
        if public and name == ACCESS_ACL:
            continue  # rewritten by the chmod to 0644, as documented above
        if got.get(name) != value:
            raise FileProblem(
                f"{where}: its extended attribute {name} did not come out as it was on the "
                "new file; nothing was changed"
            )
    for name in ACLS:
        if name in got and name not in copy:
            raise _lost(where, name, "the new file got an ACL the original did not have")
    now = os.fstat(fd).st_mode & 0o7777
    if now != mode:
        raise FileProblem(
            f"{where}: the new file's mode came out {now:04o}, not {mode:04o}; nothing was changed"
        )


def _set(fd: int, where: str, name: str, value: bytes) -> None:
    try:
        os.setxattr(fd, name, value)
    except OSError as e:
        raise _lost(where, name, e.strerror or str(e)) from e


def _remove(fd: int, where: str, name: str) -> None:
    try:
        os.removexattr(fd, name)
    except OSError as e:
        raise _lost(where, name, e.strerror or str(e)) from e


def _lost(where: str, name: str, why: str) -> FileProblem:
    return FileProblem(
        f"{where}: remedy cannot keep its extended attribute {name} on the new file ({why}) "
        "and will not drop it; nothing was changed"
    )
