"""How an EnvRemedy is applied for this user: the flow every remedy that sets and unsets
environment variables shares. `remedy apply NAME` runs it (commands.apply_env); `apply auto`
and `apply pin` run it as a step of their own.

Under the lock: finish or undo a run that was interrupted, ask the remedy what it wants
here, find where the real shells set each variable (asked of them), plan every file's change
(start-up files, with --project (or a yes at the terminal) the project's .envrc and settings
files, Claude Code's settings; catalog.folder_apply names what stays unfixed here), ask for
consent, commit the whole as one transaction, then ask the real shells again: "done" only
when every kind of new shell agrees; otherwise everything this run wrote goes back at once.
Nothing here prints: warnings and the question go to the Asker, the rest is the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from remedies.catalog.apply_result import ApplyResult, LeftAlone, WhyLeft
from remedies.catalog.folder_apply import ask_about_folder, folder_notes
from remedies.catalog.interface import EnvRemedy
from remedies.catalog.needed_here import why_not_needed
from remedies.claude.asking import ask_each, ask_shells
from remedies.claude.settings_plan import plan_settings_changes
from remedies.claude.this_terminal import after_edit, compare
from remedies.context import Context
from remedies.engine.change_report import Asker, consent, consent_possible, file_changes
from remedies.engine.dotfile_facts import review
from remedies.engine.envedit import EnvEdit
from remedies.engine.journal import StateFolder, check_folder, configured_shells, locked
from remedies.engine.new_shell import startup_where
from remedies.engine.new_shell_check import check_new_shells
from remedies.engine.revert_plan import take_back
from remedies.engine.shell_choice import choose_shells, shells_in_use
from remedies.engine.startup_plan import plan_env_changes, plan_envrc
from remedies.engine.startup_walk import sourced_files, walk
from remedies.engine.transaction import Change, commit_apply, recover
from remedies.errors import BadInput, Interrupted, RemedyError
from shells.base import Shell


@dataclass(frozen=True)
class Scopes:
    """Which of Claude Code's settings files besides the user's we may change."""

    project: bool = False
    system: bool = False


@dataclass(frozen=True)
class ApplyRequest:
    """`remedy apply NAME` for an EnvRemedy, as asked."""

    remedy: EnvRemedy
    shell_names: tuple[str, ...] = ()  # the shells to configure (none: the one the user runs)
    all_shells: bool = False
    scopes: Scopes = Scopes()
    # The remedy's own options (--region, --model, --value), as its params parsed them.
    remedy_options: Mapping[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    yes: bool = False  # consent given: no question
    force: bool = False  # apply where what the remedy fixes is not found (EnvRemedy.not_needed)


def apply_env(ctx: Context, request: ApplyRequest, asker: Asker) -> ApplyResult:
    """Apply (or preview) an EnvRemedy for this user's shells."""
    remedy = request.remedy
    chosen = choose_shells(ctx, request.shell_names, request.all_shells)
    # Before the lock, and before any shell is started: no one can say yes, nothing to ask.
    consent_possible(ctx, yes=request.yes, dry_run=request.dry_run)
    shells, left_alone = _shells_to_fix(ctx, request, chosen)
    names = tuple(s.name for s in shells)
    # Bad input (a region that cannot be found, a value that is not JSON) must write nothing,
    # and the lock would create the state folder: with no state folder yet there is also
    # nothing an interrupted run left to recover, so the remedy may look before the lock.
    given = request.remedy_options
    early = None if check_folder(ctx.state_dir) else remedy.propose(ctx, shells, given)
    # Judged before the lock: doctor's judgement reads remedy's own state too.
    reason = _not_needed(ctx, request, chosen)
    with locked(ctx, read_only=request.dry_run) as state:
        recovered = [] if request.dry_run else recover(ctx, state)
        for line in recovered:
            asker.warn(line)
        proposal = early or remedy.propose(ctx, shells, given)
        # Returned once the options are read (bad input is exit 2 wherever it is given),
        # before any file is planned: where what it fixes is not here, nothing is changed.
        if reason is not None:
            nothing = file_changes(ctx, [], [], dry_run=request.dry_run)
            return ApplyResult(remedy.name, names, nothing, not_needed=reason)
        # This folder's .envrc and settings win over every shell here: --project, or a yes.
        project = request.scopes.project or ask_about_folder(
            ctx, asker, proposal, yes=request.yes, dry_run=request.dry_run
        )
        # Where the shells really look (ZDOTDIR) and what their files source, as the real
        # shells show it (asked once per run; propose asked the same).
        truth = ask_shells(ctx, shells, proposal.edit.names())
        where = startup_where(ctx, truth)
        extra = {env.shell: env.sourced for env in truth}
        sourced = sourced_files(walk(ctx, shells, where, extra))
        planned = plan_env_changes(
            ctx, shells, remedy.name, proposal.edit, where=where, sourced=sourced
        )
        if project:
            planned += plan_envrc(ctx, remedy.name, proposal.edit)
        # A start-up file remedy must not write (the Nix store, another owner, immutable,
        # read-only) stops here with the next step; one a tool manages gets a note.
        managed = review(planned.changes, proposal.edit, ctx.home, ctx.env)
        changes = list(planned.changes)
        notes = [*proposal.notes, *planned.notes, *managed]
        notes += folder_notes(ctx, remedy.name, proposal, project=project)
        if proposal.settings is not None:
            more, settings_notes = plan_settings_changes(
                ctx,
                proposal.settings,
                remedy=remedy.name,
                project=project,
                system=request.scopes.system,
            )
            changes += more
            notes += settings_notes
        if not changes and not request.dry_run:
            problem = check_new_shells(ctx, shells, proposal.edit)
            if problem is not None:
                raise RemedyError(f"{remedy.name}'s lines are in place, but {problem}")
        if not changes or request.dry_run:
            return ApplyResult(
                remedy.name,
                names,
                file_changes(ctx, changes, notes, dry_run=request.dry_run),
                left_alone=left_alone,
            )
        question = f"Apply {remedy.name} to these files?"
        shown = consent(ctx, asker, changes, question, yes=request.yes, notes=notes)
        details = {**proposal.details, "shells": list(names)}
        _commit_checked(
            ctx,
            state,
            changes,
            shells,
            proposal.edit,
            remedy=remedy.name,
            details=details,
            asker=asker,
        )
    stale = stale_terminal(ctx, shells[0], proposal.edit)
    done = file_changes(ctx, changes, notes, dry_run=False)
    if shown:  # the notes came before the question; only what is new now follows
        done = replace(done, notes=tuple(stale), notes_shown=False)
    else:
        done = replace(done, notes=(*done.notes, *stale))
    return ApplyResult(remedy.name, names, done, left_alone=left_alone)


def _not_needed(ctx: Context, request: ApplyRequest, chosen: list[Shell]) -> str | None:
    """Why this remedy is not needed here, when it says so and was not forced; a remedy
    applied before goes on as usual (a re-run finds its lines in place: "nothing to do")."""
    if request.remedy.not_needed is None or request.force:
        return None  # the built-ins fix the shells they are asked to; --force asked anyway
    if configured_shells(ctx, request.remedy.name):
        return None
    return why_not_needed(
        ctx,
        request.remedy,
        chosen,
        shell_names=request.shell_names,
        all_shells=request.all_shells,
        project=request.scopes.project,
    )


def _shells_to_fix(
    ctx: Context, request: ApplyRequest, shells: list[Shell]
) -> tuple[list[Shell], tuple[LeftAlone, ...]]:
    """The shell the user runs, and every other shell they may start whose new shells have
    what the remedy fixes; with --shell, those named, and the affected ones not named are
    said to be left alone (--all-shells: every installed shell, none left). `shells`: those
    --shell, --all-shells or the process tree chose."""
    needed_in = request.remedy.needed_in
    if request.all_shells or needed_in is None:
        return shells, ()
    try:
        in_use = shells_in_use(ctx, (), False)
    except BadInput:
        return shells, ()  # with --shell, and no shell of theirs to tell
    chosen = {s.name for s in shells}
    others = [s for s in in_use if s.name not in chosen]
    if not others:
        return shells, ()
    # Asked once per run: the answers serve the plan below too. A shell this remedy fixed
    # before stays in: a re-run must find its lines in place, not call it left alone. One
    # that cannot be asked (a start-up file that waits) is left alone, and said so.
    answers = ask_each(ctx, [*shells, *others], ())
    affected = {env.shell for env in answers.envs if needed_in(env.env)}
    unasked = {name for name, _why in answers.unasked}
    if request.shell_names:
        left = [LeftAlone(s.name, WhyLeft.NOT_NAMED) for s in others if s.name in affected]
        return shells, tuple(left)
    affected |= set(configured_shells(ctx, request.remedy.name))
    fixed = [s for s in others if s.name in affected and s.name not in unasked]
    left = [
        LeftAlone(s.name, WhyLeft.NOT_ASKED if s.name in unasked else WhyLeft.NOT_NEEDED)
        for s in others
        if s not in fixed
    ]
    return [*shells, *fixed], tuple(left)


def _commit_checked(
    ctx: Context,
    state: StateFolder,
    changes: list[Change],
    shells: list[Shell],
    edit: EnvEdit,
    *,
    remedy: str,
    details: dict[str, Any],
    asker: Asker,
) -> None:
    """Commit, then ask the real shells again: "done" only when every kind of new shell
    agrees; otherwise, or on Ctrl-C, everything this step wrote goes back at once."""
    before = len(ctx.record.committed)
    try:
        committed = commit_apply(ctx, state, changes, remedy=remedy, details=details)
        for warning in committed.warnings:
            asker.warn(warning)
        problem = check_new_shells(ctx, shells, edit)
    except KeyboardInterrupt:
        # Before the commit point the transaction rolled itself back; after it, this step's
        # own commit is taken back here. Either way the files are as they were.
        take_back(ctx, state, set(ctx.record.committed[before:]))
        raise Interrupted(f"interrupted; {remedy} was not applied, nothing was changed") from None
    if problem is not None:
        take_back(ctx, state, (committed.txid,))
        raise RemedyError(f"{problem}; nothing was changed")


def stale_terminal(ctx: Context, shell: Shell, edit: EnvEdit) -> list[str]:
    """The terminal remedy runs in still has what new shells no longer get."""
    if not ctx.interactive:
        return []  # a script, cron or Ansible: no terminal to speak of
    names = [*edit.unset, *(name for name, _ in edit.set)]
    new = after_edit(ctx.env, edit.unset, edit.set)
    stale = compare(ctx.env, new, names, shell)
    return [] if stale is None else [stale.line()]
