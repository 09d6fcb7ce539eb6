"""Root working in another user's home (a fleet run as root with remedy_home, `sudo HOME=...`)
runs as that user: nothing the user can craft there (start-up files, symlinks, remedy's own
journal) makes root write, delete, chmod, read or run anything. Each attack of the security
issue is replayed here as root against a throwaway user's home. Needs root (to add a user).

remedy runs here from the zipapp with the system Python, as on a fleet host: the test's own
Python lives under /root, which the user cannot read (remedy then refuses; tested too).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tests.conftest import Sandbox, base_env, require_program
from tests.support import figures, fleet
from tests.support.accounts import (
    APPLY,
    PLANTED,
    SYSTEM_PYTHON,
    TXID,
    User,
    journal,
    refused,
    sha,
    untouched,
)
from tests.support.system import a_machine, give

pytestmark = [pytest.mark.root]


def test_a_crafted_journal_cannot_make_root_write_a_system_file(user: User, victim: Path) -> None:
    user.state(f"backups/{TXID}/0", b"root::0:0::/root:/bin/bash\n")
    record = {
        "path": str(victim),
        "target": str(victim),
        "existed": True,
        "old_sha256": sha(b"root::0:0::/root:/bin/bash\n"),
        "new_sha256": sha(victim.read_bytes()),
        "backup": f"backups/{TXID}/0",
        "undo": {},
    }
    user.state(
        "journal.json", journal({"txid": TXID, "remedy": "mantle", "at": "x", "files": [record]})
    )
    refused(user.remedy("revert", "--yes"), "journal.json", "not a file remedy edits")
    untouched(victim)


def test_a_crafted_pending_record_cannot_make_root_delete_a_file(user: User, victim: Path) -> None:
    user.write(".bashrc", PLANTED)
    pending = {
        "txid": TXID,
        "files": [
            {
                "path": str(victim),
                "target": str(victim),
                "existed": False,
                "old_sha256": None,
                "new_sha256": sha(victim.read_bytes()),
                "backup": None,
                "temp": str(victim),
            }
        ],
    }
    user.state("pending.json", json.dumps(pending).encode())
    refused(user.remedy(*APPLY), "pending.json")
    untouched(victim)


def test_a_temp_name_in_pending_is_never_obeyed(user: User, victim: Path) -> None:
    """A record that is fine but for its temp file's name: the name is derived again."""
    bashrc = user.write(".bashrc", PLANTED)
    pending = {
        "txid": TXID,
        "files": [
            {
                "path": str(bashrc),
                "target": str(bashrc),
                "existed": True,
                "old_sha256": sha(PLANTED),
                "new_sha256": sha(b"other"),
                "backup": None,
                "temp": str(victim),
            }
        ],
    }
    user.state("pending.json", json.dumps(pending).encode())
    result = user.remedy(*APPLY)
    assert result.code == 0, result.stderr
    untouched(victim)
    figures.add("privilege attacks refused")


@pytest.mark.parametrize("how", ["dotdot-txid", "symlinked-backups"])
def test_a_crafted_txid_cannot_empty_a_folder(user: User, victim: Path, how: str) -> None:
    bashrc = user.write(".bashrc", PLANTED)
    txid = TXID
    if how == "dotdot-txid":
        txid = "../../../../../../../../" + str(victim.parent).lstrip("/")
    else:
        user.state("backups/.keep", b"")
        os.symlink(victim.parent, user.home / f".local/state/remedy/backups/{TXID}")
    record = {
        "path": str(bashrc),
        "target": str(bashrc),
        "existed": True,
        "old_sha256": sha(b"x"),
        "new_sha256": sha(b"y"),
        "backup": f"backups/{txid}/0",
        "undo": {},
    }
    user.state(
        "journal.json", journal({"txid": txid, "remedy": "mantle", "at": "x", "files": [record]})
    )
    result = user.remedy("revert", "--yes")
    if how == "dotdot-txid":
        refused(result, "journal.json", "transaction")
    else:
        assert "Traceback" not in result.stderr
        figures.add("privilege attacks refused")
    untouched(victim)


def test_a_crafted_upgrade_entry_runs_no_program(user: User, tmp_path: Path) -> None:
    marker = Path(tempfile.mkdtemp(prefix="remedy-marker-")) / "ran"
    marker.parent.chmod(0o777)
    program = user.write("bin/claude", f"#!/bin/sh\nid -u > {marker}\n".encode(), 0o755)
    entry = {
        "txid": TXID,
        "remedy": "upgrade",
        "at": "x",
        "files": [],
        "details": {"kind": "upgrade", "method": "native", "path": str(program), "from": "2.1.111"},
    }
    user.state("journal.json", journal(entry))
    try:
        refused(user.remedy("revert", "upgrade", "--yes"), "not a claude on PATH")
        assert not marker.exists()
    finally:
        shutil.rmtree(marker.parent)


@pytest.mark.parametrize("command", [("doctor", "--shell", "bash"), ("verify", "--shell", "bash")])
def test_the_users_start_up_files_never_run_as_root(user: User, command: tuple[str, ...]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="remedy-marker-"))
    folder.chmod(0o777)
    marker = folder / "uid"
    user.write(".bashrc", f"id -u >> {marker}\n".encode() + PLANTED)
    user.write(".profile", f"id -u >> {marker}\n".encode() + PLANTED)
    try:
        result = user.remedy(*command)
        assert "Traceback" not in result.stderr
        assert marker.exists(), result.stdout[-2000:] + result.stderr[-2000:]
        ran_as = set(marker.read_text().split())
        assert ran_as == {str(user.uid)}, ran_as  # the shell ran, and only as the user
        figures.add("privilege attacks refused")
    finally:
        shutil.rmtree(folder)


def test_a_symlinked_state_folder_is_not_chmodded_or_written(user: User, victim: Path) -> None:
    user.write(".bashrc", PLANTED)
    user.write(".local/state/.keep", b"")
    os.symlink(victim.parent, user.home / ".local/state/remedy")
    refused(user.remedy(*APPLY), "state folder")
    untouched(victim)
    assert sorted(p.name for p in victim.parent.iterdir()) == ["other", "passwd"]


def test_root_will_not_follow_a_users_symlink_to_a_root_file(user: User, tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_bytes(b"root:$6$SALT$HASH-that-must-stay-secret:19000:0:99999:7:::\n")
    secret.chmod(0o600)
    before = secret.read_bytes()
    os.symlink(secret, user.home / ".bashrc")
    os.chown(user.home / ".bashrc", user.uid, user.gid, follow_symlinks=False)
    for args in (APPLY, (*APPLY[:-1], "--dry-run"), (*APPLY[:-1], "--dry-run", "--json")):
        result = user.remedy(*args)
        refused(result, ".bashrc")
        assert "HASH-that-must-stay-secret" not in result.stdout + result.stderr
    assert secret.read_bytes() == before
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and secret.stat().st_uid == 0


def test_a_symlinked_folder_does_not_lead_root_anywhere(user: User, tmp_path: Path) -> None:
    """~/.config/fish -> a root-only folder: neither read, nor shown, nor written."""
    require_program("fish")
    private = Path(tempfile.mkdtemp(prefix="remedy-root-fish-"))
    config = private / "config.fish"
    config.write_bytes(b"set -gx CLAUDE_CODE_USE_BEDROCK 1\nset -gx ROOT_ONLY_SECRET hush\n")
    config.chmod(0o600)
    before = config.read_bytes()
    user.write(".config/.keep", b"")
    os.symlink(private, user.home / ".config/fish")
    try:
        for extra in (("--dry-run",), ("--yes",)):
            args = ("apply", "mantle", "--shell", "fish", "--region", "us-east-1", *extra)
            result = user.remedy(*args)
            assert result.code == 1, result.stdout + result.stderr
            assert "hush" not in result.stdout + result.stderr
            assert "Traceback" not in result.stderr
            figures.add("privilege attacks refused")
        assert config.read_bytes() == before
        assert sorted(p.name for p in private.iterdir()) == ["config.fish"]
    finally:
        shutil.rmtree(private)


def test_root_leaves_the_users_files_and_state_the_users(user: User) -> None:
    user.write(".bashrc", PLANTED, 0o640)
    assert user.remedy(*APPLY).code == 0
    home = user.home
    mine = [
        home / ".bashrc",
        home / ".profile",
        home / ".local",
        home / ".local/state",
        *(home / ".local/state/remedy").rglob("*"),
        home / ".local/state/remedy",
    ]
    for path in mine:
        st = path.lstat()
        assert (st.st_uid, st.st_gid) == (user.uid, user.gid), path
    assert stat.S_IMODE((home / ".bashrc").stat().st_mode) == 0o640, "mode kept"
    assert stat.S_IMODE((home / ".local/state/remedy").stat().st_mode) == 0o700

    # The user carries on as themselves with the state root left behind.
    pyz = home / "remedy.pyz"
    shutil.copy(user.pyz, pyz)
    give(pyz, user.name)

    def as_user(*args: str) -> subprocess.CompletedProcess[str]:
        argv = ["runuser", "-u", user.name, "--", SYSTEM_PYTHON, str(pyz), *args]
        return subprocess.run(
            argv, env=base_env(home), cwd=home, capture_output=True, text=True, check=False
        )

    status = as_user("status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"remedy": "mantle"' in status.stdout
    revert = as_user("revert", "--yes")
    assert revert.returncode == 0, revert.stderr
    assert (home / ".bashrc").read_bytes() == PLANTED
    figures.add("privilege checks passed")


def test_root_refuses_when_the_user_cannot_read_remedy(user: User) -> None:
    """The test's own Python is under /root: as the user, remedy could not go on."""
    user.write(".bashrc", PLANTED)
    python = os.path.realpath(sys.executable)
    can = subprocess.run(["runuser", "-u", user.name, "--", "test", "-x", python], check=False)
    if can.returncode == 0:
        pytest.skip(f"every user can run {python} here")
    # From root's own folder: `python -m` puts the working folder first on sys.path.
    refused(Sandbox(user.home).remedy("status", cwd=Path("/")), f"only as {user.name}", "sudo -u")
    assert not (user.home / ".local").exists()


@pytest.mark.fleet
def test_a_fleet_run_as_root_for_a_users_home_works_as_that_user(
    user: User, tmp_path: Path
) -> None:
    """The playbook connected as root with remedy_home and no remedy_become_user: Ansible
    runs the zipapp from root's own temp folder, remedy becomes the user, and the rollout,
    its verification (the user's shell, run as the user) and its revert all work."""
    fleet.ansible_ready()
    folder = Path(tempfile.mkdtemp(prefix="remedy-marker-"))
    folder.chmod(0o777)
    marker = folder / "uid"
    user.write(".bashrc", f"id -u >> {marker}\n".encode() + PLANTED)
    # Python runs a .pth file of the user's site folder at start-up: root must not (the
    # playbook sets PYTHONNOUSERSITE).
    user.write(f"{user_site()}/zz-test.pth", pth_recording(marker))
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "[fleet]\n"
        f"laptop ansible_connection=local remedy_home={user.home} "
        f"remedy_python={SYSTEM_PYTHON}\n"
    )
    reports = tmp_path / "reports"
    args = {"remedy": "mantle", "args": "--shell bash --region us-east-1"}
    try:
        done = fleet.make("rollout", inventory, reports, **args)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
        assert fleet.reports(reports)["laptop"]["changed"] is True
        for path in (user.home / ".bashrc", *(user.home / ".local/state").rglob("*")):
            assert path.lstat().st_uid == user.uid, path
        fleet.make("rollout-verify", inventory, reports, args="--shell bash")
        assert set(marker.read_text().split()) == {str(user.uid)}, "the shell ran as the user"
        done = fleet.make("rollout-revert", inventory, reports, remedy="mantle", args="")
        assert done.returncode == 0, done.stdout[-3000:]
        assert (user.home / ".bashrc").read_bytes() == f"id -u >> {marker}\n".encode() + PLANTED
        figures.add("privilege checks passed")
    finally:
        shutil.rmtree(folder)


def test_flipping_a_dotfile_to_a_root_only_file_never_shows_it(user: User, tmp_path: Path) -> None:
    """The user flips ~/.bashrc between a file and a symlink to a root-only file while root
    runs remedy for their home: whatever instant the flip lands on, the secret never shows
    (remedy reads as the user, and judges what it opened, not what it checked)."""
    secret = tmp_path / "root-only"
    secret.write_bytes(b"export CLAUDE_CODE_USE_BEDROCK=1 # ROOT-ONLY-SECRET\n")
    secret.chmod(0o600)
    bashrc = user.write(".bashrc", PLANTED)
    upcoming = bashrc.with_suffix(".next")
    flips = 0
    stop = threading.Event()

    def flip() -> None:
        nonlocal flips
        while not stop.is_set() and flips < 200_000:
            if flips % 2:
                upcoming.write_bytes(PLANTED)
            else:
                os.symlink(secret, upcoming)
            os.lchown(upcoming, user.uid, user.gid)
            os.replace(upcoming, bashrc)
            flips += 1

    flipper = threading.Thread(target=flip)
    flipper.start()
    try:
        for _ in range(20):
            result = user.remedy(*APPLY[:-1], "--dry-run")
            assert "ROOT-ONLY-SECRET" not in result.stdout + result.stderr
            assert "Traceback" not in result.stderr
    finally:
        stop.set()
        flipper.join()
    assert flips > 20, "the flips ran while remedy did"
    assert secret.read_bytes().endswith(b"ROOT-ONLY-SECRET\n")
    figures.add("privilege attacks refused")


def _home_bytes(home: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for path in sorted(home.rglob("*")):
        name = str(path.relative_to(home))
        found[name] = (
            os.readlink(path)
            if path.is_symlink()
            else (path.read_bytes() if path.is_file() else "folder")
        )
    return found


def test_machine_scope_as_root_reads_no_home(user: User, victim: Path, tmp_path: Path) -> None:
    """`sudo remedy apply mantle --machine` with HOME left at a user's home: root stays root
    for /etc and never looks in the home, whatever the user planted there."""
    user.write(".bashrc", b"export AWS_REGION=us-west-2\nexport CLAUDE_CODE_USE_BEDROCK=1\n")
    os.makedirs(user.home / ".local/state", exist_ok=True)
    os.symlink(victim.parent, user.home / ".local/state/remedy")
    user.write(".claude/settings.json", b'{"env": {"AWS_REGION": "us-west-2"}}')
    before = _home_bytes(user.home)
    system = tmp_path / "system"
    a_machine(system)
    args = ("apply", "mantle", "--machine", "--region", "eu-west-3", "--yes")
    result = user.remedy(*args, env={"REMEDY_SYSTEM_ROOT": str(system)})
    assert result.code == 0, result.stderr
    dropin = system / "etc/claude-code/managed-settings.d/zz-remedy-mantle.json"
    assert json.loads(dropin.read_bytes())["env"]["AWS_REGION"] == "eu-west-3"
    assert dropin.stat().st_uid == 0
    assert _home_bytes(user.home) == before
    untouched(victim)
    figures.add("privilege attacks refused")


def test_machine_scope_needs_an_administrator(user: User) -> None:
    # Where the user can read the zipapp (pytest's own temp folder is root's alone).
    folder = Path(tempfile.mkdtemp(prefix="remedy-machine-"))
    try:
        _as_user_on_machine(user, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_user_on_machine(user: User, folder: Path) -> None:
    folder.chmod(0o755)
    readable = folder / "remedy.pyz"
    shutil.copy(user.pyz, readable)
    readable.chmod(0o644)
    system = folder / "system"
    (system / "etc").mkdir(parents=True)
    done = subprocess.run(
        [
            require_program("setpriv"),
            f"--reuid={user.uid}",
            f"--regid={user.gid}",
            "--clear-groups",
            SYSTEM_PYTHON,
            str(readable),
            *("apply", "mantle", "--machine", "--region", "eu-west-3", "--yes"),
        ],
        env={**base_env(user.home), "REMEDY_SYSTEM_ROOT": str(system)},
        cwd="/",
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "needs an administrator" in stderr and len(stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in system.rglob("*")) == ["etc"], "nothing written"
    figures.add("privilege attacks refused")


def user_site() -> str:
    """The user site folder of the system Python, relative to a home."""
    version = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f".local/lib/python{version}/site-packages"


def pth_recording(marker: Path) -> bytes:
    return f"import os; open({str(marker)!r}, 'a').write('%d\\n' % os.getuid())\n".encode()


def test_python_run_as_root_for_a_users_home_refuses_when_it_loaded_their_code(
    user: User, tmp_path: Path
) -> None:
    """`sudo HOME=/home/u remedy ...`: Python loads the user's site folder as root before
    remedy starts. Nothing can undo that; remedy says so and stops, even when the folder is
    gone by then (a .pth may remove its own folder), and with PYTHONNOUSERSITE=1 (or -I)
    nothing of theirs runs as root. `python -m remedies` from a user's folder likewise."""
    folder = Path(tempfile.mkdtemp(prefix="remedy-marker-"))
    folder.chmod(0o777)
    marker = folder / "uid"
    user.write(".bashrc", PLANTED)
    plain = {"PYTHONNOUSERSITE": None}
    try:
        refused(user.remedy("doctor", "--shell", "bash", env=plain), "PYTHONNOUSERSITE")
        user.write(f"{user_site()}/zz-test.pth", pth_recording(marker))
        refused(user.remedy("doctor", "--shell", "bash", env=plain), user_site())
        quiet = user.remedy("doctor", "--shell", "bash")
        assert quiet.code == 0, quiet.stderr
        ran_as = marker.read_text().split()
        assert ran_as.count("0") == 1, "only the refused run loaded it as root"
        # The working folder first on sys.path: a user's module there.
        theirs = user.home / "work"
        user.write("work/keep", b"")
        (theirs / "dotenv.py").write_text(f"open({str(marker)!r}, 'a').write('m\\n')\n")
        os.chown(theirs / "dotenv.py", user.uid, user.gid)
        module = subprocess.run(
            [sys.executable, "-m", "remedies", "list"],
            env={**base_env(tmp_path), "PYTHONNOUSERSITE": "1"},
            cwd=theirs,
            capture_output=True,
            text=True,
            check=False,
        )
        assert module.returncode == 1 and str(theirs) in module.stderr, module.stderr
    finally:
        shutil.rmtree(folder)
