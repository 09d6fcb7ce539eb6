"""`make rollout` over real SSH: an OpenSSH server started by the test on a loopback port,
with keys it generates, and two throwaway users as the hosts. Needs root (to start sshd and
create users): it fails in CI, where .ci/run runs as root, and skips elsewhere."""

from __future__ import annotations

import json
import pwd
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_program
from tests.support import fleet
from tests.support.system import a_machine, add_user, give, remove_user, require_root

pytestmark = [pytest.mark.root, pytest.mark.fleet]

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
        f"Subsystem sftp internal-sftp\nAllowUsers root {' '.join(names)}\nLogLevel ERROR\n"
        # root logs in with the test's key from a file of the test's, so root's own
        # ~/.ssh is never touched (SCOPE=machine connects as root).
        f"PermitRootLogin prohibit-password\n"
        f"AuthorizedKeysFile .ssh/authorized_keys {tmp_path / 'keys'}/%u\n"
    )
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "root").write_text(public)
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


@pytest.mark.real_shell
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


def machine_host(inventory: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The first host of the SSH fleet connected as root (su as become), with its own /etc."""
    first = inventory.read_text().splitlines()[1]
    system = tmp_path / "machine"
    a_machine(system)
    host = re.sub(r"ansible_user=\S+", "ansible_user=root", first.split(" ", 1)[1])
    machine = tmp_path / "machine.ini"
    machine.write_text(
        f"[fleet]\nmachine1 {host} ansible_become_method=su remedy_system_root={system}\n"
    )
    return machine, system


def test_machine_scope_over_ssh(ssh_fleet: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    """SCOPE=machine over real SSH, connected as root: one drop-in per host, no home read."""
    fleet.ansible_ready()
    inventory, homes = ssh_fleet
    machine, system = machine_host(inventory, tmp_path)
    out = tmp_path / "reports"
    scope = {"remedy": "mantle", "args": "--region eu-west-3", "scope": "machine"}
    done = fleet.make("rollout", machine, out, **scope)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    report = fleet.reports(out)["machine1"]
    assert report["changed"] is True and report["scope"] == "machine", report
    dropin = system / "etc/claude-code/managed-settings.d/zz-remedy-mantle.json"
    assert json.loads(dropin.read_bytes())["env"]["AWS_REGION"] == "eu-west-3"
    for home in homes.values():
        assert (home / ".bashrc").read_bytes() == fleet.PLANTED, "no home is touched"
    back = fleet.make("rollout-revert", machine, out, remedy="mantle", scope="machine")
    assert back.returncode == 0, back.stdout[-4000:]
    assert not (system / "etc/claude-code").exists()


def test_args_over_ssh_as_root_are_words(
    ssh_fleet: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    """Through ssh, root's login shell, su and /bin/sh, as root with SCOPE=machine: shell
    syntax in ARGS runs nothing (it ran `id` as root on every host, issue 22), and a JSON
    value with quotes of both kinds lands in the drop-in exactly as typed."""
    fleet.ansible_ready()
    inventory, _homes = ssh_fleet
    machine, system = machine_host(inventory, tmp_path)
    out = tmp_path / "reports"
    pwned = tmp_path / "pwned-as-root"
    hostile = f"--region eu-west-3 ; touch {pwned} #"
    refused = fleet.make("rollout", machine, out, remedy="mantle", args=hostile, scope="machine")
    assert refused.returncode != 0
    assert not pwned.exists(), "ARGS ran as root on the host"
    report = fleet.reports(out)["machine1"]
    assert report["rc"] == 2 and report["error"].startswith(
        "remedy: error: Got unexpected extra arguments (; touch"
    ), report
    assert not (system / "etc/claude-code").exists()

    value = '{"thinking":{"type":"adaptive"},"note":"it\'s $HOME `id` \\"q\\""}'
    args = f"--value {shlex.quote(value)}"
    done = fleet.make("rollout", machine, out, remedy="extra-body", args=args, scope="machine")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    dropin = system / "etc/claude-code/managed-settings.d/zz-remedy-extra-body.json"
    assert json.loads(dropin.read_bytes())["env"]["CLAUDE_CODE_EXTRA_BODY"] == value
    back = fleet.make("rollout-revert", machine, out, remedy="extra-body", scope="machine")
    assert back.returncode == 0, back.stdout[-4000:]
    assert not (system / "etc/claude-code").exists()
