"""What a user or a remedy file's author writes never runs as root (issue 22, items 1-3),
replayed as root with the real client 2.1.111 and, where a home matters, a throwaway user:

- a remedy file that sets PATH, LD_PRELOAD or NODE_OPTIONS is refused in one line before
  anything runs, in `check`, `doctor`, `export` and `apply --machine`;
- `--machine` given as an option's VALUE (`--model --machine`) is not --machine: root works
  in the user's home only as the user;
- root never runs a program a user can write: not a `claude` in their folder, not the `node`
  that claude's `#!/usr/bin/env node` finds first on root's PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Result, Sandbox
from tests.support import claude_client, figures, fleet
from tests.support.accounts import PLANTED, User
from tests.support.system import a_machine, require_root

pytestmark = [pytest.mark.root]

SOMEONE = 4242  # a uid with no rights of root's: the folders below are theirs


def one_line(result: Result, code: int, *words: str) -> str:
    assert result.code == code, (result.code, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def users_folder() -> Iterator[Path]:
    """A folder a user other than root owns (and so can fill with programs), readable by all,
    and a marker file path that anything run from it writes to."""
    require_root("programs a user can write, run by root")
    folder = Path(tempfile.mkdtemp(prefix="remedy-users-bin-"))
    (folder / "bin").mkdir()
    folder.chmod(0o755)
    os.chown(folder / "bin", SOMEONE, SOMEONE)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def shim(folder: Path, name: str) -> Path:
    """`name` in the user's folder: it records who ran it, then does what the real one does."""
    marker = folder / "ran-as"
    script = folder / "bin" / name
    script.write_text(f'#!/bin/sh\nid -u >> {marker}\nexec /usr/bin/{name} "$@"\n')
    script.chmod(0o755)
    os.chown(script, SOMEONE, SOMEONE)
    return marker


# --- item 1: remedy files ----------------------------------------------------------------

EVIL = """\
name = "evil"
summary = "Looks like a fix"

[when]
provider = ["bedrock"]

[what]
set = {{ CLAUDE_CODE_USE_MANTLE = "1", {name} = "{value}" }}
"""


@pytest.mark.real_client
@pytest.mark.every_client_run_real
@pytest.mark.parametrize("name", ["PATH", "LD_PRELOAD", "NODE_OPTIONS"])
def test_a_remedy_file_that_loads_code_is_refused_before_anything_runs(
    sandbox: Sandbox, users_folder: Path, name: str
) -> None:
    claude = claude_client.install()
    marker = shim(users_folder, "node")
    values = {
        "PATH": f"{users_folder / 'bin'}:{claude.parent}:/usr/bin:/bin",
        "LD_PRELOAD": str(users_folder / "evil.so"),
        "NODE_OPTIONS": f"--require {users_folder / 'evil.js'}",
    }
    (users_folder / "evil.js").write_text(f"require('fs').appendFileSync('{marker}', 'js\\n')\n")
    text = EVIL.format(name=name, value=values[name])
    path = sandbox.write("evil.toml", text)
    sandbox.write(".config/remedy/remedies/evil.toml", text)
    env = {"PATH": f"{claude.parent}:/usr/bin:/bin"}
    expected = f"evil.toml:8: what.set: {name} makes programs load or run code"
    one_line(sandbox.remedy("check", str(path), env=env), 2, expected)
    one_line(sandbox.remedy("doctor", env=env), 2, expected)
    one_line(sandbox.remedy("export", "evil", "--format", "json", env=env), 2, expected)
    system = sandbox.home.parent / "system"
    machine = sandbox.remedy("apply", str(path), "--machine", "--yes", env=env)
    one_line(machine, 2, expected)
    assert not (system / "etc/claude-code").exists(), "nothing written for every user"
    assert not marker.exists(), marker.read_text()
    figures.add("code-injection attempts refused")


# --- item 2: --machine as an option's value ------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        (
            "apply",
            "mantle",
            "--model",
            "--machine",
            "--shell",
            "bash",
            "--region",
            "us-east-1",
            "--yes",
        ),
        ("verify", "--model", "--machine", "--shell", "bash"),
    ],
)
def test_machine_as_a_value_keeps_root_out_of_the_users_home(
    user: User, command: tuple[str, ...]
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="remedy-marker-"))
    folder.chmod(0o777)
    marker = folder / "uid"
    user.write(".bashrc", f"id -u >> {marker}\n".encode() + PLANTED)
    system = folder / "system"  # where the user, too, may read managed settings
    a_machine(system)
    try:
        result = user.remedy(*command, env={"REMEDY_SYSTEM_ROOT": str(system)})
        assert "Traceback" not in result.stderr, result.stderr
        assert set(marker.read_text().split()) == {str(user.uid)}, "the user's files, as them"
        assert not (system / "var/lib/remedy").exists(), "no home files in the machine's journal"
        assert not (system / "etc/claude-code").exists()
    finally:
        shutil.rmtree(folder)
    if command[0] == "apply":
        assert result.code == 0, result.stderr
        block = (user.home / ".bashrc").read_text()
        assert "ANTHROPIC_MODEL=--machine" in block, "what was typed, in the user's own file"
        assert (user.home / ".bashrc").stat().st_uid == user.uid
    figures.add("privilege attacks refused")


# --- item 3: programs a user can write ------------------------------------------------------


def machine_env(sandbox: Sandbox, path: str) -> dict[str, str | None]:
    system = sandbox.home.parent / "system"
    a_machine(system)
    return {"PATH": path, "REMEDY_SYSTEM_ROOT": str(system)}


def silent_layout(claude: Path, users_folder: Path) -> Path:
    """The real client's cli.js (root's, hard-linked) in a root folder with no package.json
    beside it: its layout names no version, so every command here starts it (doctor,
    upgrade and pin read an npm package's version from its package.json instead)."""
    folder = users_folder / "root-claude"
    folder.mkdir()
    cli = Path(os.path.realpath(claude))
    try:
        os.link(cli, folder / "claude")
    except OSError:
        shutil.copy2(cli, folder / "claude")
    return folder / "claude"


@pytest.mark.real_shell
@pytest.mark.real_client
@pytest.mark.every_client_run_real
@pytest.mark.parametrize(
    "command",
    [
        ("doctor", "--shell", "bash"),
        ("apply", "upgrade", "--dry-run"),
        ("apply", "pin", "--to", "2.1.110", "--dry-run"),
        ("apply", "disable-betas", "--machine", "--dry-run"),
        ("verify", "--machine"),
    ],
)
def test_root_never_runs_the_node_a_users_folder_puts_first(
    sandbox: Sandbox, users_folder: Path, command: tuple[str, ...]
) -> None:
    """root's claude is root's own, but `#!/usr/bin/env node` would find the user's node
    first on root's PATH: root runs it with root's folders only."""
    claude = silent_layout(claude_client.install(), users_folder)
    marker = shim(users_folder, "node")
    path = f"{users_folder / 'bin'}:{claude.parent}:/usr/bin:/bin"
    result = sandbox.remedy(*command, env=machine_env(sandbox, path))
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert not marker.exists(), f"ran as {marker.read_text()!r}: {result.stderr[-2000:]}"
    if command[0] == "doctor":
        assert result.code == 0, result.stderr
        assert "2.1.111" in result.stdout, "the real node, found on root's own folders"
    figures.add("privilege attacks refused")


@pytest.mark.real_shell
def test_root_does_not_run_a_claude_a_user_can_write(sandbox: Sandbox, users_folder: Path) -> None:
    marker = shim(users_folder, "claude")
    path = f"{users_folder / 'bin'}:/usr/bin:/bin"
    doctor = sandbox.remedy("doctor", "--json", "--shell", "bash", env=machine_env(sandbox, path))
    assert doctor.code == 0, doctor.stderr
    found = json.loads(doctor.stdout)["claude"]
    assert found["path"] == str(users_folder / "bin" / "claude") and found["version"] is None
    assert "root does not run" in found["problem"] and f"uid {SOMEONE}" in found["problem"]
    upgrade = sandbox.remedy("apply", "upgrade", "--dry-run", env=machine_env(sandbox, path))
    assert "Traceback" not in upgrade.stderr, upgrade.stderr
    assert not marker.exists(), marker.read_text()
    figures.add("privilege attacks refused")


@pytest.mark.real_shell
def test_a_users_npm_package_does_not_pass_for_a_version_as_root(
    sandbox: Sandbox, users_folder: Path
) -> None:
    """A user's npm prefix with a package.json naming a version: root reads no version from
    it (root could not run the program) and plans no npm run in it (npm would read the
    prefix's npmrc, and a package's install script runs as root)."""
    package = users_folder / "bin/lib/node_modules/@anthropic-ai/claude-code"
    package.mkdir(parents=True)
    (package / "package.json").write_text(
        json.dumps({"name": "@anthropic-ai/claude-code", "version": "2.1.99"})
    )
    marker = users_folder / "ran-as"
    (package / "cli.js").write_text(f"#!/bin/sh\nid -u >> {marker}\n")
    (package / "cli.js").chmod(0o755)
    (users_folder / "bin/bin").mkdir()
    (users_folder / "bin/bin/claude").symlink_to(package / "cli.js")
    for entry in [users_folder / "bin", *(users_folder / "bin").rglob("*")]:
        os.chown(entry, SOMEONE, SOMEONE, follow_symlinks=False)
    path = f"{users_folder / 'bin/bin'}:/usr/bin:/bin"
    doctor = sandbox.remedy("doctor", "--json", "--shell", "bash", env=machine_env(sandbox, path))
    assert doctor.code == 0, doctor.stderr
    found = json.loads(doctor.stdout)["claude"]
    assert found["version"] is None and "root does not run" in found["problem"], found
    upgrade = sandbox.remedy("apply", "upgrade", "--dry-run", env=machine_env(sandbox, path))
    assert "Traceback" not in upgrade.stderr, upgrade.stderr
    assert "npm install" not in upgrade.stdout + upgrade.stderr, upgrade.stdout
    assert not marker.exists(), marker.read_text()
    figures.add("privilege attacks refused")


@pytest.mark.real_client
@pytest.mark.every_client_run_real
@pytest.mark.parametrize("command", [("verify", "--shell", "bash"), ("verify", "--machine")])
def test_no_mcp_server_a_user_left_above_the_probe_runs(
    sandbox: Sandbox, users_folder: Path, command: tuple[str, ...]
) -> None:
    """Claude Code in -p mode starts the MCP servers of every .mcp.json in its working folder
    and the folders above it, without asking. A user's /tmp/.mcp.json (here: a sticky
    folder anyone may write, as TMPDIR and as the folder remedy is run from) must never run:
    the probe works in a folder of the running user's own, and starts no MCP server."""
    claude = claude_client.install()
    shared = users_folder / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    marker = users_folder / "ran-as"
    server = {"command": "/bin/sh", "args": ["-c", f"id -u >> {marker}"]}
    (shared / ".mcp.json").write_text(json.dumps({"mcpServers": {"theirs": server}}))
    os.chown(shared / ".mcp.json", SOMEONE, SOMEONE)
    sandbox.write(
        ".bashrc", f"export PATH={claude.parent}:$PATH\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    env = {**machine_env(sandbox, f"{claude.parent}:/usr/bin:/bin"), "TMPDIR": str(shared)}
    # The zipapp, as a fleet host runs it: `python -m` would put the folder on sys.path.
    done = subprocess.run(
        [sys.executable, str(fleet.zipapp()), *command, "--json"],
        env={k: v for k, v in {**sandbox.env, **env}.items() if v is not None},
        cwd=shared,
        capture_output=True,
        timeout=120,
        check=False,
    )
    result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "Traceback" not in result.stderr, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert runs and all(r["exit_code"] is not None for r in runs), "the client did run"
    assert not marker.exists(), f"an MCP server ran as {marker.read_text()!r}"
    figures.add("privilege attacks refused")


def test_a_home_root_owns_but_a_user_fills_is_the_users(user: User) -> None:
    """An SFTP-chroot layout: the home folder root's, the files in it the user's. Root ran
    their ~/.bashrc as uid 0; now remedy works there as the user, and a home anyone can
    write (HOME=/tmp) is refused."""
    folder = Path(tempfile.mkdtemp(prefix="remedy-chroot-"))
    folder.chmod(0o755)
    marker = folder / "uid"
    marker.touch()
    marker.chmod(0o666)
    home = folder / "home"
    home.mkdir(mode=0o755)
    for name in (".bashrc", ".profile"):
        (home / name).write_bytes(f"id -u >> {marker}\n".encode() + PLANTED)
        os.chown(home / name, user.uid, user.gid)
    shared = folder / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    try:
        doctor = user.remedy("doctor", "--shell", "bash", env={"HOME": str(home)})
        assert "Traceback" not in doctor.stderr, doctor.stderr
        assert set(marker.read_text().split()) == {str(user.uid)}, "their files, as them"
        refused = user.remedy("doctor", "--shell", "bash", env={"HOME": str(shared)})
        one_line(refused, 1, "can be written by others than root")
    finally:
        shutil.rmtree(folder)
    figures.add("privilege attacks refused", 2)
