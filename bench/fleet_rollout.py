"""`make bench` (fleet part): rollout time per host against a plain blockinfile playbook.

N local hosts (ansible_connection=local, each its own HOME planted as an affected user's).
Each round resets the homes, then times `fleet/rollout.yml` (remedy apply mantle) and a
playbook doing only what a hand-written fix would: one blockinfile task. Rounds alternate so
machine noise hits both alike; we print the median per-host times and their ratio.
Goal (issue 6): ratio <= 1.5.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOSTS = 8
ROUNDS = 5
GOAL = 1.5
PLANTED = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n"
BLOCKINFILE = """- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.blockinfile:
        path: "{{ remedy_home }}/.bashrc"
        marker: "# {mark} hand-written fix"
        block: |
          unset CLAUDE_CODE_USE_BEDROCK
          export CLAUDE_CODE_USE_MANTLE=1
"""


def reset(folder: Path) -> None:
    for i in range(HOSTS):
        home = folder / f"h{i}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        (home / ".bashrc").write_text(PLANTED)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - start


def main() -> int:
    playbook = str(Path(sys.executable).parent / "ansible-playbook")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        inventory = folder / "hosts.ini"
        inventory.write_text(
            "[fleet]\n"
            + "".join(
                f"h{i} ansible_connection=local remedy_home={folder / f'h{i}'} "
                f"remedy_python={sys.executable} ansible_python_interpreter={sys.executable}\n"
                for i in range(HOSTS)
            )
        )
        (folder / "block.yml").write_text(BLOCKINFILE)
        env = {
            **os.environ,
            "REMEDY_ARGS": "--shell bash",
            "ANSIBLE_NOCOLOR": "1",
            "REMEDY_REPORTS": str(folder / "reports"),
        }
        common = ["-i", str(inventory)]
        rollout = [
            playbook,
            *common,
            "fleet/rollout.yml",
            "-e",
            "remedy_action=apply",
            "-e",
            "remedy_name=mantle",
            "-e",
            f"remedy_batch={HOSTS}",
        ]
        plain = [playbook, *common, str(folder / "block.yml")]
        (folder / "reports").mkdir()
        ours, theirs = [], []
        for _ in range(ROUNDS):
            reset(folder)
            theirs.append(timed(plain, env) / HOSTS)
            reset(folder)
            ours.append(timed(rollout, env) / HOSTS)
    base, mine = statistics.median(theirs), statistics.median(ours)
    print(f"fleet, {HOSTS} local hosts, median of {ROUNDS} rounds:")
    print(f"  plain blockinfile playbook: {base * 1000:6.0f} ms per host")
    print(f"  make rollout (remedy):      {mine * 1000:6.0f} ms per host")
    print(f"  ratio {mine / base:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
