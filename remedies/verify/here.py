"""verify judges where it is typed: the folder it runs in and the terminal it runs from.

New shells are not the whole answer. In a project, direnv and mise lay the folder's `.envrc`
and `[env]` over what the shell started with, and Claude Code reads the folder's settings
files (claude.project_env); the terminal a person types `remedy verify` into keeps what it
started with, or what direnv loaded there. So, besides each new shell:

- each new shell with this folder's `.envrc` and mise `[env]` laid over it, read as data
  (never by running direnv or the file), is judged too: a folder that still sends Claude
  Code to bedrock-runtime fails verify, and the message names the file and line;
- at a terminal, or in a shell direnv loaded (DIRENV_FILE), that turns Bedrock on while a
  new shell in this folder does not get the same provider flags, the client is also run with
  this process's own environment: no "ok" while `claude` typed here would get the 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from remedies.claude.installs import all_on_path
from remedies.claude.project_env import (
    PROJECT_SETTINGS,
    FolderEnv,
    display_path,
    folder_env,
    set_here,
)
from remedies.claude.request_proof import NamedProof
from remedies.claude.sources import PROVIDER_FLAGS, WATCHED, Source, from_settings, is_on
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv

if TYPE_CHECKING:
    from remedies.verify.offline import OfflineResult

TERMINAL = "this terminal"
BEDROCK = "CLAUDE_CODE_USE_BEDROCK"


@dataclass(frozen=True)
class Folder:
    """The environments verify judges in this folder, and what a new shell here gets."""

    envs: list[ShellEnv]
    here: ShellEnv  # a new shell of the user's, in this folder: what a terminal compares to
    folder: FolderEnv | None = None
    labels: tuple[str, ...] = ()  # the runs that carry the folder's files
    # (label, label of the new shell it is laid over), for each of those runs.
    over: tuple[tuple[str, str], ...] = ()


def in_this_folder(ctx: Context, envs: list[ShellEnv]) -> Folder:
    """The new shells' environments, then each with this folder's .envrc and mise laid over
    it (when they set what Claude Code reads)."""
    folder = folder_env(ctx, WATCHED)
    if folder is None or not folder.sources:
        return Folder(list(envs), envs[0], folder)
    named = folder.named(ctx.home)
    laid = [
        ShellEnv(f"{env.label} + {named}", login=False, env=folder.over(env.env), interactive=True)
        for env in envs
    ]
    over = tuple((env.label, base.label) for env, base in zip(laid, envs))
    return Folder([*envs, *laid], laid[0], folder, tuple(env.label for env in laid), over)


def judged_here(
    ctx: Context,
    result: OfflineResult,
    folder: Folder,
    *,
    model: str | None,
    timeout: float,
    proofs: Sequence[NamedProof] = (),
) -> OfflineResult:
    """The offline result, with the folder's files named where they made it fail, and this
    terminal judged when it differs from a new shell here."""
    from remedies.verify.offline import (  # loaded while shells ran
        DEFAULT_MODEL,
        PROMPT,
        models_to_ask,
        probe_once,
    )

    result = _named(ctx, result, folder)
    if result.verdict != "ok" or not _judge_terminal(ctx, folder.here):
        return result
    found = all_on_path(replace(ctx, env=folder.here.env), "claude")
    if not found:
        return result
    mine = ShellEnv(TERMINAL, login=False, env=dict(ctx.env), interactive=True)
    # The models a new shell is judged with (Opus 4.7 among them, with Bedrock on); the
    # first that fails is the one said.
    ran = []
    # Opus 4.7 first where it is asked: its request is the one refused, and the first that
    # fails ends the asking.
    models = sorted(models_to_ask(ctx, mine, model), key=lambda m: m != DEFAULT_MODEL)
    for asked in models:
        held = [p for p in proofs if p.asks(asked, PROMPT)]
        ran.append(probe_once(ctx, found[0], mine, asked, timeout, proofs=held))
        if not ran[-1].ok or ran[-1].proof_failures:
            break
    run = ran[-1]
    if run.ok and not run.proof_failures:
        return replace(result, runs=[*result.runs, *ran])
    if run.proof_failures:  # answered, but the request breaks a remedy's proof
        return replace(
            result,
            runs=[*result.runs, run],
            verdict="failed",
            message="new shells would succeed, but the request Claude Code typed in this "
            f"terminal sends breaks a remedy's proof: {run.proof_failures[0]}",
            next_here="open a new terminal (new shells are fixed)",
        )
    if run.endpoint != "bedrock":
        # Not the 400 (a terminal with no provider set reaches for the user's own login,
        # which no stand-in can judge): the `but` line says how it differs.
        return result
    why = (
        "the request went to bedrock-runtime with anthropic_beta in its body"
        if run.verdict == "invalid-beta-flag"
        else "the client did not succeed on bedrock-runtime"
    )
    loaded = ctx.env.get("DIRENV_FILE")
    fix = (
        f"direnv loaded {loaded} into it before it was fixed: a new prompt there, or this, "
        "loads it again: `direnv reload`"
        if loaded
        else "open a new terminal (new shells are fixed)"
    )
    return replace(
        result,
        runs=[*result.runs, run],
        verdict="failed",
        message=f"new shells would succeed, but Claude Code typed in this terminal would fail: "
        f"{why}",
        next_here=fix,
    )


def _judge_terminal(ctx: Context, here: ShellEnv) -> bool:
    """A person's terminal, or a shell direnv loaded, whose provider flags are not what a new
    shell in this folder gets (the comparison doctor and apply make: claude.this_terminal)."""
    if not (ctx.interactive or ctx.env.get("DIRENV_FILE")) or not is_on(ctx.env.get(BEDROCK)):
        return False  # only Bedrock leads to the 400 this verify judges
    return any(ctx.env.get(flag) != here.env.get(flag) for flag in PROVIDER_FLAGS)


def _named(ctx: Context, result: OfflineResult, folder: Folder) -> OfflineResult:
    """A failure that is this folder's: its message names the file and line, and the next
    step is the one that changes them."""
    failed = next((r for r in result.runs if not r.ok), None)
    if result.verdict != "failed" or failed is None or failed.endpoint != "bedrock":
        return result
    settings = _project_settings_bedrock(ctx)
    lines: list[Source] = []
    if failed.shell in folder.labels and folder.folder is not None:
        lines = [s for s in folder.folder.sources if s.var == BEDROCK and is_on(s.value)]
    lines += settings
    if not lines:
        return result
    said = "; ".join(set_here(s, ctx.home) for s in lines)
    message = result.message.replace(
        "Claude Code would fail:", f"Claude Code would fail in this folder ({said}):", 1
    )
    mise = [display_path(s, ctx.home) for s in lines if s.kind == "mise"]
    fix = "`remedy apply mantle --project` in this folder changes " + ", ".join(
        dict.fromkeys(display_path(s, ctx.home) for s in lines if s.kind != "mise")
    )
    if mise:
        by_hand = f"in {', '.join(mise)}, set {BEDROCK} = false (remedy does not edit mise files)"
        fix = by_hand + (f"; {fix}" if len(mise) < len(lines) else "")
    return replace(result, message=message, next_here=fix)


def _project_settings_bedrock(ctx: Context) -> list[Source]:
    """The folder's settings files that turn Bedrock on (over every shell)."""
    return [
        s
        for s in from_settings(ctx)
        if s.kind in PROJECT_SETTINGS and s.var == BEDROCK and is_on(s.value)
    ]
