"""`make rollout` over real SSH: an OpenSSH server started by the test on a loopback port,
with keys it generates, and two throwaway users as the hosts. Needs root (to start sshd and
create users): it fails in CI, where .ci/run runs as root, and skips elsewhere."""

from __future__ import annotations

import pwd
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_program
from tests.support import fleet
from tests.support.system import add_user, give, remove_user, require_root

USERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


def add_ssh_user(name: str, client_public_key: str) -> Path:
    home = add_user(name)
    ssh = home / ".ssh"
    ssh.mkdir(mode=0o700)
    (ssh / "authorized_keys").write_text(client_public_key)
    (home / ".bashrc").write_bytes(fleet.PLANTED)
    for path in (ssh, ssh / "authorized_keys", home / ".bashrc"):
        give(path, name)
    return home


@pytest.fixture
def ssh_fleet(tmp_path: Path) -> Iterator[tuple[Path, dict[str, Path]]]:
    require_root("the SSH rollout test (sshd, users)")
    sshd = require_program("sshd")
    require_program("ssh")
    keygen(tmp_path / "host_key")
    keygen(tmp_path / "client_key")
    public = (tmp_path / "client_key.pub").read_text()
    tag = secrets.token_hex(3)
    names = [f"rmdy{tag}{i}" for i in range(1, USERS + 1)]
    homes: dict[str, Path] = {}
    port = free_port()
    config = tmp_path / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp_path / 'host_key'}\n"
        f"PidFile {tmp_path / 'sshd.pid'}\nUsePAM no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nStrictModes no\n"
        f"Subsystem sftp internal-sftp\nAllowUsers {' '.join(names)}\nLogLevel ERROR\n"
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    server = None
    try:
        for name in names:
            homes[name] = add_ssh_user(name, public)
        server = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # No connection sharing: a persistent master would keep the users logged in.
        options = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ControlMaster=no"
        lines = ["[fleet]"] + [
            f"{name} ansible_host=127.0.0.1 ansible_port={port} ansible_user={name} "
            f"ansible_ssh_private_key_file={tmp_path / 'client_key'} "
            f"ansible_ssh_args='{options}' remedy_python=/usr/bin/python3"
            for name in names
        ]
        inventory = tmp_path / "hosts.ini"
        inventory.write_text("\n".join(lines) + "\n")
        yield inventory, homes
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        for name in names:
            remove_user(name)


def test_rollout_over_ssh(ssh_fleet: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    fleet.ansible_ready()
    if not shutil.which("python3", path="/usr/bin"):
        pytest.fail("the hosts need /usr/bin/python3")
    inventory, homes = ssh_fleet
    out = tmp_path / "reports"
    first = fleet.make("rollout", inventory, out, remedy="mantle", args="--shell bash")
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    found = fleet.reports(out)
    assert sorted(found) == sorted(homes)
    for name, home in homes.items():
        assert found[name]["changed"] is True
        assert fleet.fixed(home), name
        owner = pwd.getpwnam(name).pw_uid
        assert (home / ".bashrc").stat().st_uid == owner, "the user's files stay the user's"
        assert (home / ".local/state/remedy/journal.json").stat().st_uid == owner

    second = fleet.make("rollout", inventory, out, remedy="mantle", args="--shell bash")
    assert second.returncode == 0, second.stdout[-4000:]
    assert all(r["changed"] is False for r in fleet.reports(out).values())

    back = fleet.make("rollout-revert", inventory, out, remedy="mantle")
    assert back.returncode == 0, back.stdout[-4000:]
    for home in homes.values():
        assert (home / ".bashrc").read_bytes() == fleet.PLANTED
