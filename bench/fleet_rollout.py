"""`make bench` (fleet part): rollout time per host against a plain blockinfile playbook.

N local hosts (ansible_connection=local, each its own HOME planted as an affected user's).
Each round resets the homes, then times `fleet/rollout.yml` (remedy apply mantle) and a
playbook doing only what a hand-written fix would: one blockinfile task. Rounds alternate so
machine noise hits both alike; we print the median per-host times and their ratio.
Goal (issue 6): ratio <= 1.5. At 8 hosts (8 forks, one wave) and at 64 (16 forks, the
rollout in its default waves of 25%), to show how both scale (issue 16).
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
# (hosts, forks, rollout batch, rounds)
SCALES = ((8, 8, "100%", 5), (64, 16, "25%", 2))
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


def reset(folder: Path, hosts: int) -> None:
    for i in range(hosts):
        home = folder / f"h{i}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        (home / ".bashrc").write_text(PLANTED)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - start


def measure(hosts: int, forks: int, batch: str, rounds: int) -> tuple[float, float]:
    playbook = str(Path(sys.executable).parent / "ansible-playbook")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        inventory = folder / "hosts.ini"
        inventory.write_text(
            "[fleet]\n"
            + "".join(
                f"h{i} ansible_connection=local remedy_home={folder / f'h{i}'} "
                f"remedy_python={sys.executable} ansible_python_interpreter={sys.executable}\n"
                for i in range(hosts)
            )
        )
        (folder / "block.yml").write_text(BLOCKINFILE)
        env = {
            **os.environ,
            "REMEDY_ARGS": "--shell bash",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORKS": str(forks),
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
            f"remedy_batch={batch}",
        ]
        plain = [playbook, *common, str(folder / "block.yml")]
        (folder / "reports").mkdir()
        ours, theirs = [], []
        for _ in range(rounds):
            reset(folder, hosts)
            theirs.append(timed(plain, env) / hosts)
            reset(folder, hosts)
            ours.append(timed(rollout, env) / hosts)
    return statistics.median(theirs), statistics.median(ours)


def main() -> int:
    for hosts, forks, batch, rounds in SCALES:
        base, mine = measure(hosts, forks, batch, rounds)
        print(f"fleet, {hosts} local hosts, {forks} forks, waves of {batch}, median of {rounds}:")
        print(f"  plain blockinfile playbook: {base * 1000:6.0f} ms per host")
        print(f"  make rollout (remedy):      {mine * 1000:6.0f} ms per host")
        print(f"  ratio {mine / base:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
