"""Each start-up file is scanned once per run, however many parts of the run read it (the
sources picture, the edit plan, the check after the change): counted in a real `remedy apply`
on a 20,000-line ~/.bashrc by wrapping the scanner in the process itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_start_up_files_are_read_ahead_while_shells_run_and_hostile_ones_are_left(
    tmp_path: Path,
) -> None:
    """read_ahead (ask_shells' work beside the shells) scans what the picture will read, so
    the picture finds the scan kept. A sourced named pipe is not opened and a huge sourced
    file not read: nothing is raised (the picture drawn later refuses it by name)."""
    import os
    import threading

    from remedies.claude.asking import read_ahead
    from remedies.context import Context
    from shells import shell_named
    from shells.lexing import _scan_once

    bash = shell_named("bash")
    assert bash is not None
    extra = b"export FROM_EXTRA=1\n" * 3
    for case in ("clean", "hostile"):
        home = tmp_path / case
        home.mkdir()
        (home / ".extra").write_bytes(extra)
        rc = b". ~/.extra\n"
        if case == "hostile":
            os.mkfifo(home / ".pipe")  # opening it would block for ever
            with open(home / ".huge", "wb") as huge:
                huge.truncate(1 << 30)  # sparse: no disk used
            rc += b". ~/.pipe\n. ~/.huge\n"
        (home / ".bashrc").write_bytes(rc)
        ctx = Context(home=home, env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, cwd=home)
        _scan_once.cache_clear()
        failed: list[BaseException] = []

        def ahead(ctx: Context = ctx, failed: list[BaseException] = failed) -> None:
            try:
                read_ahead(ctx, [bash])
            except BaseException as e:  # the test's own report of it
                failed.append(e)

        reader = threading.Thread(target=ahead, daemon=True)
        reader.start()
        reader.join(timeout=30)
        assert not reader.is_alive(), "read_ahead opened the named pipe"
        assert failed == [], failed
        if case == "clean":
            before = _scan_once.cache_info()
            bash.scan(extra.splitlines(keepends=True))
            assert _scan_once.cache_info().hits == before.hits + 1, "~/.extra not read ahead"
