"""Machine scope with the real Claude Code 2.1.111: the client reads managed settings from the
real /etc/claude-code only, so this test changes /etc/claude-code and /var/lib/remedy at
their real paths, as root. It does so in a mount namespace of its own, over /etc and
/var/lib as they are (an overlay whose writes go to a tmpfs): the rest of the suite, run
beside it by other workers, and the machine itself never see the drop-in. It refuses to run
where /etc/claude-code or /var/lib/remedy already exist.

Done when: Bedrock on in the shell and in user settings; `apply --machine` -> Hello! via
Mantle for that user and for an empty environment; `revert --machine` -> the 400 again and
/etc byte-identical.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from remedies.root_programs import root_may_run
from tests.conftest import Sandbox
from tests.support import claude_client
from tests.support.private_machine import in_private_machine
from tests.support.system import require_root

pytestmark = [pytest.mark.real_shell, pytest.mark.real_client, pytest.mark.root]

MANAGED = Path("/etc/claude-code")
STATE = Path("/var/lib/remedy")


@pytest.fixture
def real_machine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[bool]:
    """True inside the test's own namespace (tests.support.private_machine), where the body
    runs; False outside it, where the body is run there (and the test is over)."""
    if not in_private_machine(request, tmp_path):
        yield False
        return
    require_root("changing the machine's own managed settings")
    for path in (MANAGED, STATE):
        if path.exists():
            pytest.fail(f"{path} exists on this machine; this test would change it")
    try:
        yield True
    finally:
        shutil.rmtree(MANAGED, ignore_errors=True)
        shutil.rmtree(STATE, ignore_errors=True)


def test_one_drop_in_fixes_every_user_and_revert_brings_the_400_back(
    sandbox: Sandbox, real_machine: bool
) -> None:
    if not real_machine:
        return  # it ran in its own namespace (the fixture), and passed
    claude = claude_client.install()
    sandbox.write(
        ".bashrc",
        f"export PATH={claude.parent}:$PATH\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n",
    )
    sandbox.write(".claude/settings.json", '{"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}}')
    # The real /etc, for remedy as for the client (an empty value means "/").
    on_path = {"REMEDY_SYSTEM_ROOT": "", "PATH": f"{claude.parent}:{sandbox.env['PATH']}"}

    def verify(*args: str) -> dict[str, object]:
        done = sandbox.remedy("verify", "--json", *args, env=on_path)
        doc: dict[str, object] = json.loads(done.stdout)
        return doc

    def endpoints(doc: dict[str, object]) -> set[tuple[str, str]]:
        runs = doc["runs"]
        assert isinstance(runs, list)
        return {(r["endpoint"], r["verdict"]) for r in runs}

    # Every request goes to bedrock-runtime; Opus 4.7's is refused (the others' are answered,
    # as the service answered them).
    broken = {("bedrock", "invalid-beta-flag"), ("bedrock", "ok")}
    before = verify("--shell", "bash")
    assert before["verdict"] == "failed"
    assert endpoints(before) == broken
    home = sandbox.snapshot()

    applied = sandbox.remedy(
        "apply", "mantle", "--machine", "--region", "us-east-1", "--yes", env=on_path
    )
    assert applied.code == 0, applied.stderr
    assert sandbox.snapshot() == home, "the user's files are not touched"
    # The user keeps Bedrock in the shell and in settings; managed settings win. As root,
    # `verify --machine` runs only a claude root owns in root-only folders (a checkout
    # under /tmp is not): then it must say so in one line instead.
    docs = [verify("--shell", "bash")]
    if root_may_run(claude):
        docs.append(verify("--machine"))
    else:
        refused = sandbox.remedy("verify", "--machine", env=on_path)
        assert refused.code == 1 and "is not root's own" in refused.stderr, refused.stderr
    for doc in docs:
        assert doc["verdict"] == "ok", json.dumps(doc["runs"])[:3000]
        assert endpoints(doc) == {("mantle", "ok")}
        runs = doc["runs"]
        assert isinstance(runs, list) and all(r["output"] == "Hello!" for r in runs)

    back = sandbox.remedy("revert", "--machine", "--yes", env=on_path)
    assert back.code == 0, back.stderr
    assert not MANAGED.exists(), "the folder remedy made is gone: /etc as before"
    after = verify("--shell", "bash")
    assert after["verdict"] == "failed" and endpoints(after) == broken
