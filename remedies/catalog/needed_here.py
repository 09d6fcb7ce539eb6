"""Whether what a remedy fixes is here, judged as doctor judges it: what Claude Code started
from each kind of new shell this user may start gets (Claude Code's settings included),
with the claude that runs. `remedy apply FILE` changes nothing where a remedy file's
`[when]` holds in none of them (issue 25: a Vertex fix rolled out to a Bedrock host changed
it), and says which condition failed; `--force` applies it anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from remedies.catalog.interface import EnvRemedy
from remedies.catalog.judge import judge_here
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.context import Context
from remedies.engine.shell_choice import shells_in_use
from remedies.errors import BadInput
from shells.base import Shell


def why_not_needed(
    ctx: Context,
    remedy: EnvRemedy,
    chosen: Sequence[Shell],
    *,
    shell_names: tuple[str, ...] = (),
    all_shells: bool = False,
    project: bool = False,
) -> str | None:
    """The condition that fails, when the remedy says it is not needed in any kind of new
    shell judged; None when it is needed, has no such test, or a shell could not be asked
    (remedy does not guess: apply goes on as asked). Judged in the shells apply was asked
    for, as doctor judges them with the same --shell (every shell the user may start by
    default), or, where remedy cannot tell which they run (Ansible, a cron job with no
    SHELL), in those `chosen`. This folder's .envrc and project settings count only with
    --project: apply fixes the home, which serves every folder."""
    if remedy.not_needed is None:
        return None
    try:
        shells = shells_in_use(ctx, shell_names, all_shells)
    except BadInput:
        shells = list(chosen)
    where = ctx if project else replace(ctx, cwd=ctx.home)
    here = judge_here(where, shells, DEFAULT_FIXED_VERSION)
    if here.verdict.unasked:
        return None
    pictures = [judged.picture for judged in here.verdict.judged]
    reason = remedy.not_needed(pictures, here.claude, ctx.home)
    if reason is None or len(pictures) < 2:
        return reason
    labels = ", ".join(judged.label for judged in here.verdict.judged)
    return f"{reason} (in every new shell judged: {labels})"
