"""Helpers for the fleet tests: hosts (local or over SSH), make targets, reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from shells import shell_named
from tests.conftest import REPO, base_env, network_settings, probe, require_program

PLANTED = b"# a developer laptop\nexport CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"


def zipapp() -> Path:
    """dist/remedy.pyz, rebuilt by make when a source changed."""
    done = run_make("dist/remedy.pyz", home=Path.home())
    assert done.returncode == 0, done.stdout + done.stderr
    return REPO / "dist" / "remedy.pyz"


def ansible_ready() -> None:
    require_program(str(Path(sys.executable).parent / "ansible-playbook"))


def run_make(target: str, *settings: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`make <target> [VAR=value...]` as a person runs it, from the repository."""
    return subprocess.run(
        ["make", "--no-print-directory", target, *settings],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**network_settings(), **controller_env(home), "ANSIBLE_HOST_KEY_CHECKING": "False"},
    )


def controller_env(home: Path) -> dict[str, str]:
    """What the controller's make or ansible-playbook runs with: this venv's Ansible first."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "ANSIBLE_NOCOLOR": "1",
    }


def make(
    target: str, inventory: Path | str, reports: Path, **variables: str
) -> subprocess.CompletedProcess[str]:
    """A fleet target with its inventory, its reports folder and Makefile variables."""
    settings = [f"{k.upper()}={v}" for k, v in variables.items()]
    return run_make(
        target, f"INVENTORY={inventory}", f"REPORTS={reports}", *settings, home=reports.parent
    )


def local_inventory(
    folder: Path, names: list[str], claude: Path | None = None
) -> tuple[Path, dict[str, Path]]:
    """One local host per name, each with its own home planted as an affected user's (with
    `claude` on the PATH their shell gives, when given)."""
    homes = {}
    lines = ["[fleet]"]
    path_line = f"export PATH={claude.parent}:$PATH\n".encode() if claude else b""
    for name in names:
        home = folder / "homes" / name
        home.mkdir(parents=True)
        (home / ".bashrc").write_bytes(path_line + PLANTED)
        homes[name] = home
        lines.append(
            f"{name} ansible_connection=local remedy_home={home} remedy_python={sys.executable}"
        )
    inventory = folder / "hosts.ini"
    inventory.write_text("\n".join(lines) + "\n")
    return inventory, homes


def named_inventory(folder: Path, names: list[str]) -> tuple[Path, dict[str, Path]]:
    """Local hosts with any names at all (a YAML inventory, written as JSON: INI cannot hold
    a space or a newline in a name); each host's home is numbered, never named after it."""
    homes = {}
    hosts = {}
    for i, name in enumerate(names):
        home = folder / "homes" / f"host{i}"
        home.mkdir(parents=True)
        (home / ".bashrc").write_bytes(PLANTED)
        homes[name] = home
        hosts[name] = {
            "ansible_connection": "local",
            "remedy_home": str(home),
            "remedy_python": sys.executable,
        }
    inventory = folder / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"hosts": hosts}}))
    return inventory, homes


def playbook(
    inventory: Path, reports: Path, action: str, env: dict[str, str], *options: str
) -> subprocess.CompletedProcess[str]:
    """fleet/rollout.yml run straight, without make: what the Makefile exports, given here."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(inventory),
            "fleet/rollout.yml",
            "-e",
            f"remedy_action={action}",
            *options,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**controller_env(reports.parent), "REMEDY_REPORTS": str(reports), **env},
    )


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def reports(folder: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def reports_by_host(folder: Path) -> dict[str, dict[str, Any]]:
    """The reports keyed by the host each names (a file's name is the host's made safe)."""
    found = {}
    for report in reports(folder).values():
        assert report["host"] not in found, f"two reports for {report['host']!r}"
        found[report["host"]] = report
    return found


def new_bash_env(home: Path) -> dict[str, str]:
    bash = shell_named("bash")
    assert bash is not None
    return probe(bash, require_program("bash"), base_env(home), login=False)


def fixed(home: Path) -> bool:
    env = new_bash_env(home)
    return "CLAUDE_CODE_USE_BEDROCK" not in env and env.get("CLAUDE_CODE_USE_MANTLE") == "1"
