"""Every usage error and bad input (exit 2) is refused before anything is created: the whole
home, remedy's state folder included, is the same file for file and byte for byte after it,
and the error is one line without a traceback. Tried on a first run (no state folder yet) and
after an apply (a journal, a lock and backups already there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

BAD_FILE = 'name = "bad-one"\nsummary = "s"\n[what]\nset = { A = 1 }\n'
EVIL_FILE = 'name = "evil"\nsummary = "s"\n[what]\nset = { LD_PRELOAD = "/tmp/x.so" }\n'

# (what a person typed, the words the one line must hold)
CASES = [
    (("apply", "mantle", "--region", "nowhere-1", "--yes"), "nowhere-1"),
    (("apply", "mantle", "--yes"), "needs an AWS region"),
    (("apply", "mantle", "--shell", "cmd.exe", "--yes"), "cmd.exe"),
    (("apply", "mantle", "--machine", "--shell", "bash", "--yes"), "--machine"),
    (("apply", "mantle"), "--yes"),  # no terminal, no consent
    (("apply", "extra-body", "--value", "[1,2]", "--yes"), "JSON object"),
    (("apply", "extra-body", "--value", "{nope", "--yes"), "not valid JSON"),
    (("apply", "aws-region-missing", "--yes"), "needs --region"),
    (("apply", "aws-region-missing", "--region", "Europe", "--yes"), "Europe"),
    (("apply", "vertex-region-missing", "--yes"), "needs --vertex-region"),
    (("apply", "pin", "--yes"), "--to"),
    (("apply", "pin", "--to", "soon", "--yes"), "soon"),
    (("apply", "upgrade", "--to", "soon", "--yes"), "soon"),
    (("apply", "no-such-remedy", "--yes"), "no-such-remedy"),
    (("apply", "./missing.toml", "--yes"), "missing.toml"),
    (("apply", "./bad.toml", "--yes"), "bad.toml:4"),
    (("apply", "auto"), "--yes"),
    (("revert", "no-such-remedy", "--yes"), "no-such-remedy"),
    (("doctor", "--shell", "cmd.exe"), "cmd.exe"),
    (("export", "mantle", "--format", "nope"), "nope"),
    (("check", "./bad.toml"), "bad.toml:4"),
    (("new", "Bad Name"), "Bad Name"),
    (("status", "--bogus"), "--bogus"),
    (("--debug", "apply", "extra-body", "--value", "[]", "--yes"), "JSON object"),
    (("apply", "./evil.toml", "--yes"), "evil.toml:4: what.set: LD_PRELOAD"),
    (("check", "./evil.toml"), "evil.toml:4: what.set: LD_PRELOAD"),
    # A byte that is not UTF-8 (Python's surrogate escape), as a shell passes $'\xff'.
    (("apply", "extra-body", "--value", '{"a":"\udcff"}', "--yes"), "is not UTF-8"),
    (("export", "extra-body", "--format", "ps1", "--value", "\udcff"), "is not UTF-8"),
]


def listing(home: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under HOME, folders too, with its mode and its bytes."""
    found: dict[str, tuple[int, bytes | None]] = {}
    for folder, folders, files in os.walk(home):
        for name in [*folders, *files]:
            path = Path(folder) / name
            st = path.lstat()
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            if path.name == "lock" and path.parent.name == "remedy":
                data = None  # it names its last holder's pid: taking it is not writing state
            found[str(path.relative_to(home))] = (st.st_mode, data)
    return found


def a_real_home(sandbox: Sandbox) -> None:
    """Bedrock in a file ~/.bashrc sources, no region anywhere; a settings file."""
    sandbox.write(".bashrc", "# ~/.bashrc\n. ~/.config/shell/claude.sh\nalias ll='ls -l'\n")
    sandbox.write(".config/shell/claude.sh", "export CLAUDE_CODE_USE_BEDROCK=1\n")
    sandbox.write(".profile", ". ~/.bashrc\n")
    sandbox.write(".claude/settings.json", '{\n  "env": {"X": "1"}\n}\n')
    sandbox.write("bad.toml", BAD_FILE)
    sandbox.write("evil.toml", EVIL_FILE)


@pytest.mark.parametrize("first_run", [True, False], ids=["first run", "after an apply"])
@pytest.mark.parametrize(("args", "words"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_writes_nothing(
    sandbox: Sandbox, args: tuple[str, ...], words: str, first_run: bool
) -> None:
    a_real_home(sandbox)
    if not first_run:
        done = sandbox.remedy("apply", "extra-body", "--shell", "bash", "--yes")
        assert done.code == 0, done.stderr
    before = listing(sandbox.home)
    result = sandbox.remedy(*args, env={"AWS_REGION": None, "AWS_DEFAULT_REGION": None})
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr or "--debug" in args  # --debug asks for one
    assert listing(sandbox.home) == before, "an exit-2 run changed the home"
    assert first_run or (sandbox.home / ".local" / "state" / "remedy").is_dir()
