"""A line that sets what remedy takes over but cannot be disabled on its own is left as it is,
named, and overridden by remedy's block after it (issue 24, items 5 and 8); the real shell
says whether the block wins. Before, such a line made every apply exit 1."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox

pytestmark = [pytest.mark.real_shell]

ZSHRC = {
    # oh-my-zsh users write it as AWS's own examples do: one export, two variables.
    "one export, two variables": (
        b"plugins=(git)\nexport CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n",
        2,
    ),
    # False on this host, and 0 at that: a real shell never runs it here.
    "a dead condition": (
        b"export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n"
        b"if [[ $HOST == ci-* ]]; then export CLAUDE_CODE_USE_BEDROCK=0; fi\n",
        2,
    ),
}


@pytest.mark.parametrize("case", sorted(ZSHRC))
def test_the_line_stays_is_named_and_the_block_wins(sandbox: Sandbox, case: str) -> None:
    text, line = ZSHRC[case]
    sandbox.write(".zshrc", text)
    before = sandbox.snapshot()
    applied = sandbox.remedy("apply", "mantle", "--yes", "--shell", "zsh")
    assert applied.code == 0, applied.stderr
    assert f"~/.zshrc:{line} sets CLAUDE_CODE_USE_BEDROCK and more" in applied.stdout, (
        applied.stdout
    )
    assert text.splitlines()[line - 1] in sandbox.read(".zshrc").splitlines(), "left as it is"
    new_zsh = sandbox.shell_env("zsh")
    assert new_zsh.get("CLAUDE_CODE_USE_MANTLE") == "1", new_zsh
    assert "CLAUDE_CODE_USE_BEDROCK" not in new_zsh, new_zsh
    assert new_zsh.get("AWS_REGION") == "us-east-1"  # the line's other variable is kept
    after = sandbox.snapshot()
    again = sandbox.remedy("apply", "mantle", "--yes", "--shell", "zsh")
    assert again.code == 0, again.stderr
    assert sandbox.snapshot() == after, "a second apply changes nothing"
    assert sandbox.remedy("revert", "--yes").code == 0
    assert sandbox.snapshot() == before


def test_where_the_block_cannot_win_the_real_shell_says_so_and_nothing_changes(
    sandbox: Sandbox,
) -> None:
    """~/.zlogin runs after ~/.zshrc in a login zsh: a line there that cannot be disabled
    beats remedy's block. Apply asks the real shells after writing, takes everything back
    and names the line (the refusal is now the real shell's, not a guess about the line)."""
    sandbox.write(".zshrc", b"export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-east-1\n")
    sandbox.write(".zlogin", b"export CLAUDE_CODE_USE_BEDROCK=1 EDITOR=vim\n")
    before = sandbox.snapshot()
    applied = sandbox.remedy("apply", "mantle", "--yes", "--shell", "zsh")
    line = applied.refused("CLAUDE_CODE_USE_BEDROCK", "nothing was changed")
    assert "~/.zlogin:1" in line, line
    assert sandbox.snapshot() == before
