"""`remedy apply NAME` for remedies that set and unset environment variables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import click

from remedies.catalog.interface import EnvRemedy
from remedies.claude.settings_plan import plan_settings_changes
from remedies.claude.sources import ask_shells, from_envrc
from remedies.claude.this_terminal import after_edit, compare
from remedies.commands.apply_result import ApplyResult
from remedies.context import Context
from remedies.engine.change_report import (
    RunOptions,
    common_params,
    confirm,
    consent_possible,
    file_changes,
)
from remedies.engine.envedit import EnvEdit
from remedies.engine.journal import StateFolder, check_folder, locked
from remedies.engine.new_shell import startup_where
from remedies.engine.revert_plan import commit_revert, plan_revert
from remedies.engine.shell_choice import choose_shells
from remedies.engine.startup_plan import plan_env_changes, plan_envrc
from remedies.engine.startup_walk import sourced_files, walk
from remedies.engine.transaction import commit_apply, recover
from remedies.errors import BadInput, Interrupted, RemedyError
from remedies.options import machine_option
from remedies.output import Output, wants_colour
from remedies.verify.new_shells import check_new_shells
from shells import supported_names
from shells.base import Shell


@dataclass(frozen=True)
class Scopes:
    """Which of Claude Code's settings files besides the user's we may change."""

    project: bool = False
    system: bool = False


def shell_params() -> list[click.Parameter]:
    return [
        click.Option(
            ["--shell", "shell_names"],
            multiple=True,
            metavar="NAME",
            shell_complete=lambda _c, _p, partial: [
                n for n in supported_names() if n.startswith(partial)
            ],
            help="A shell to configure (repeatable); default: the one you run.",
        ),
        click.Option(["--all-shells"], is_flag=True, help="Every supported shell installed here."),
    ]


def scope_params() -> list[click.Parameter]:
    return [
        click.Option(
            ["--project"],
            is_flag=True,
            help="Also change this folder's .claude/settings.json and settings.local.json.",
        ),
        click.Option(
            ["--system"],
            is_flag=True,
            help="Also change managed settings (/etc/claude-code); needs an administrator.",
        ),
    ]


def env_apply_command(remedy: EnvRemedy) -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, **kwargs: Any) -> None:
        options = RunOptions(kwargs.pop("dry_run"), kwargs.pop("yes"), kwargs.pop("json_mode"))
        names: tuple[str, ...] = kwargs.pop("shell_names")
        all_shells: bool = kwargs.pop("all_shells")
        scopes = Scopes(project=kwargs.pop("project"), system=kwargs.pop("system"))
        machine: bool = kwargs.pop("machine", False)
        out = Output(options.json_mode, wants_colour(ctx.env))
        if machine:
            from remedies.commands.apply_machine import apply_machine

            if names or all_shells or scopes.project:
                raise BadInput(
                    "--machine changes no shell or project: drop --shell, "
                    "--all-shells and --project"
                )
            out.show(
                apply_machine(
                    ctx, remedy, options, system=scopes.system, remedy_options=kwargs, out=out
                )
            )
            return
        result = apply_env_remedy(
            ctx,
            remedy,
            options,
            shell_names=names,
            all_shells=all_shells,
            scopes=scopes,
            remedy_options=kwargs,
            out=out,
        )
        out.show(result)

    return click.Command(
        remedy.name,
        callback=callback,
        help=remedy.help,
        short_help=remedy.summary,
        params=[
            *remedy.options(),
            *shell_params(),
            *scope_params(),
            *(
                [
                    machine_option(
                        "Fix every user of this machine with one managed-settings drop-in "
                        "(/etc/claude-code/managed-settings.d); needs an administrator."
                    )
                ]
                if remedy.machine
                else []
            ),
            *common_params(),
        ],
    )


def apply_env_remedy(
    ctx: Context,
    remedy: EnvRemedy,
    options: RunOptions,
    *,
    shell_names: tuple[str, ...],
    all_shells: bool,
    scopes: Scopes,
    remedy_options: dict[str, Any],
    out: Output,
) -> ApplyResult:
    """Apply (or preview) an EnvRemedy. `out` only asks and warns; the caller shows the
    result."""
    shells = choose_shells(ctx, shell_names, all_shells)
    names = tuple(s.name for s in shells)
    consent_possible(ctx, yes=options.yes, dry_run=options.dry_run)  # before the lock
    # Bad input (a region that cannot be found, a value that is not JSON) must write nothing,
    # and the lock would create the state folder: with no state folder yet there is also
    # nothing an interrupted run left to recover, so the remedy may look before the lock.
    early = None if check_folder(ctx.state_dir) else remedy.propose(ctx, shells, remedy_options)
    with locked(ctx, read_only=options.dry_run) as state:
        recovered = [] if options.dry_run else recover(ctx, state)
        for line in recovered:
            out.warn(line)
        proposal = early or remedy.propose(ctx, shells, remedy_options)
        # Where the shells really look (ZDOTDIR) and what their files source, as the real
        # shells show it (asked once per run; propose asked the same).
        truth = ask_shells(ctx, shells, proposal.edit.names())
        where = startup_where(ctx, truth)
        extra = {env.shell: env.sourced for env in truth}
        sourced = sourced_files(walk(ctx, shells, where, extra))
        changes = plan_env_changes(
            ctx, shells, remedy.name, proposal.edit, where=where, sourced=sourced
        )
        notes = list(proposal.notes)
        if scopes.project:
            changes += plan_envrc(ctx, remedy.name, proposal.edit)
        else:
            notes += [
                f"{s.where(ctx.home)} sets {s.var} for this project (direnv); "
                "--project changes it too"
                for s in from_envrc(ctx, proposal.edit.names())
                if s.applies and not s.ours
            ][:1]
        if proposal.settings is not None:
            more, settings_notes = plan_settings_changes(
                ctx,
                proposal.settings,
                remedy=remedy.name,
                project=scopes.project,
                system=scopes.system,
            )
            changes += more
            notes += settings_notes
        if not changes and not options.dry_run:
            problem = check_new_shells(ctx, shells, proposal.edit)
            if problem is not None:
                raise RemedyError(f"{remedy.name}'s lines are in place, but {problem}")
        if not changes or options.dry_run:
            return ApplyResult(
                remedy.name, names, file_changes(ctx, changes, notes, dry_run=options.dry_run)
            )
        question = f"Apply {remedy.name} to these files?"
        shown = confirm(ctx, out, options, changes, question, notes=notes)
        details = {**proposal.details, "shells": list(names)}
        committed = commit_apply(ctx, state, changes, remedy=remedy.name, details=details)
        for warning in committed.warnings:
            out.warn(warning)
        # "Done" only when the real shells agree; otherwise everything goes back at once.
        try:
            problem = check_new_shells(ctx, shells, proposal.edit)
        except KeyboardInterrupt:
            _take_back(ctx, state, committed.txid)
            raise Interrupted(
                f"interrupted while checking new shells; {remedy.name} was taken back, "
                "nothing was changed"
            ) from None
        if problem is not None:
            _take_back(ctx, state, committed.txid)
            raise RemedyError(f"{problem}; nothing was changed")
    stale = stale_terminal(ctx, shells[0], proposal.edit)
    done = file_changes(ctx, changes, notes, dry_run=False)
    if shown:  # the notes came before the question; only what is new now follows
        done = replace(done, notes=tuple(stale), notes_shown=False)
    else:
        done = replace(done, notes=(*done.notes, *stale))
    return ApplyResult(remedy.name, names, done)


def stale_terminal(ctx: Context, shell: Shell, edit: EnvEdit) -> list[str]:
    """The terminal remedy runs in still has what new shells no longer get."""
    if not ctx.interactive:
        return []  # a script, cron or Ansible: no terminal to speak of
    names = [*edit.unset, *(name for name, _ in edit.set)]
    new = after_edit(ctx.env, edit.unset, edit.set)
    stale = compare(ctx.env, new, names, shell)
    return [] if stale is None else [stale.line()]


def _take_back(ctx: Context, state: StateFolder, txid: str) -> None:
    """Revert the entry this run just committed, and only it."""
    journal = state.load()
    gone = [e for e in journal.entries if e.txid == txid]
    kept = [e for e in journal.entries if e.txid != txid]
    changes, _notes = plan_revert(ctx, state, gone, kept)
    commit_revert(ctx, state, changes, gone=gone, kept=kept)
