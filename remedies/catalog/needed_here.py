"""Whether what a remedy fixes is here, judged as doctor judges it: what Claude Code started
from each kind of new shell this user may start gets (Claude Code's settings included),
with the claude that runs. `remedy apply FILE` changes nothing where a remedy file's
`[when]` holds in none of them (issue 25: a Vertex fix rolled out to a Bedrock host changed
it), and says which condition failed; `--force` applies it anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from remedies.catalog.interface import EnvRemedy
from remedies.catalog.judge import judge_here
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.context import Context
from remedies.engine.shell_choice import shells_in_use
from remedies.errors import BadInput
from shells.base import Shell


def why_not_needed(ctx: Context, remedy: EnvRemedy, chosen: Sequence[Shell]) -> str | None:
    """The condition that fails, when the remedy says it is not needed in any kind of new
    shell judged; None when it is needed, has no such test, or a shell could not be asked
    (remedy does not guess: apply goes on as asked). Judged in every shell the user may
    start, or, where remedy cannot tell which they run (Ansible, a cron job with no SHELL),
    in those `chosen` (--shell)."""
    if remedy.not_needed is None:
        return None
    try:
        shells = shells_in_use(ctx, (), False)
    except BadInput:
        shells = list(chosen)
    here = judge_here(ctx, shells, DEFAULT_FIXED_VERSION)
    if here.verdict.unasked:
        return None
    pictures = [judged.picture for judged in here.verdict.judged]
    reason = remedy.not_needed(pictures, here.claude, ctx.home)
    if reason is None or len(pictures) < 2:
        return reason
    labels = ", ".join(judged.label for judged in here.verdict.judged)
    return f"{reason} (in every new shell judged: {labels})"
