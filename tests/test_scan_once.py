"""Each start-up file is scanned once per run, however many parts of the run read it (the
sources picture, the edit plan, the check after the change): counted in a real `remedy apply`
on a 20,000-line ~/.bashrc by wrapping the scanner in the process itself."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO, Sandbox

PROBE = """
import collections, json, sys
import shells.lexing as lexing
seen = collections.Counter()
full = lexing.scan_lines
def counted(lines, syntax, fast=True):
    seen[hash(tuple(lines))] += 1
    return full(lines, syntax, fast=fast)
lexing.scan_lines = counted
from remedies.cli import main
sys.argv = ["remedy", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as e:
    code = e.code
with open(OUT, "w") as out:
    json.dump({"code": code, "scans": sorted(seen.values())}, out)
"""


def test_a_big_file_is_scanned_once_per_run(sandbox: Sandbox) -> None:
    lines = ["export CLAUDE_CODE_USE_BEDROCK=1\n", "export AWS_REGION=us-east-1\n"]
    lines += [f"alias g{n}='git log -n {n}'  # {n}\n" for n in range(20000)]
    sandbox.write(".bashrc", "".join(lines))
    sandbox.write(".profile", ". ~/.bashrc\n")
    out = sandbox.home.parent / "scans.json"
    script = f"OUT = {str(out)!r}\n" + PROBE
    done = subprocess.run(
        [sys.executable, "-c", script, "apply", "mantle", "--shell", "bash", "--yes"],
        env=sandbox.env,
        cwd=REPO,
        capture_output=True,
        timeout=300,
        check=False,
    )
    found = json.loads(out.read_text())
    assert found["code"] in (0, None), done.stderr
    assert found["scans"] and max(found["scans"]) == 1, found
    assert b"# >>> remedy mantle >>>" in sandbox.read(".bashrc")
