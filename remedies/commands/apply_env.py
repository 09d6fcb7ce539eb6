"""`remedy apply NAME` for remedies that set and unset environment variables."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import click

from remedies.catalog.interface import EnvRemedy
from remedies.claude.settings_plan import plan_settings_changes
from remedies.context import Context
from remedies.engine.change_report import (
    RunOptions,
    common_params,
    confirm,
    describe,
    finish_without_changes,
    present_dry_run,
    report_files,
)
from remedies.engine.journal import Entry, FileRecord, Journal, locked, next_seq
from remedies.engine.shell_choice import choose_shells
from remedies.engine.startup_plan import plan_env_changes
from remedies.engine.transaction import commit, recover
from remedies.output import Output, wants_colour


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
        apply_env_remedy(
            ctx,
            remedy,
            options,
            shell_names=names,
            all_shells=all_shells,
            scopes=scopes,
            remedy_options=kwargs,
        )

    return click.Command(
        remedy.name,
        callback=callback,
        help=remedy.help,
        short_help=remedy.summary,
        params=[*remedy.options(), *shell_params(), *scope_params(), *common_params()],
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
    out: Output | None = None,
) -> dict[str, Any]:
    """Apply an EnvRemedy; the result is returned as the --json document and, unless `out`
    is silent, printed."""
    out = out or Output(options.json_mode, wants_colour(ctx.env))
    shells = choose_shells(ctx, shell_names, all_shells)
    with locked(ctx, read_only=options.dry_run) as state:
        recovered = [] if options.dry_run else recover(ctx, state)
        for line in recovered:
            out.warn(line)
        proposal = remedy.propose(ctx, shells, remedy_options)
        changes = plan_env_changes(ctx, shells, remedy.name, proposal.edit)
        notes = list(proposal.notes)
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
        doc: dict[str, Any] = {
            "remedy": remedy.name,
            "changed": False,
            "dry_run": options.dry_run,
            "shells": [s.name for s in shells],
            "files": describe(ctx, changes, with_diff=options.dry_run),
            "notes": notes,
        }
        if not changes:
            message = f"{remedy.name} is already in place for {_names(shells)}; nothing to do."
            finish_without_changes(out, doc, message)
            return doc
        if options.dry_run:
            present_dry_run(ctx, out, doc, changes)
            return doc
        confirm(ctx, out, options, changes, f"Apply {remedy.name} to these files?")
        journal = state.load()

        def next_journal(txid: str, records: list[FileRecord], created: list[str]) -> Journal:
            entry = Entry(
                txid=txid,
                remedy=remedy.name,
                at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ctx.clock())),
                files=tuple(records),
                details={**proposal.details, "shells": [s.name for s in shells]},
                created_folders=tuple(created),
                seq=next_seq(journal.entries),
            )
            return Journal(committed=txid, entries=(*journal.entries, entry))

        committed = commit(ctx, state, changes, make_journal=next_journal)
        for warning in committed.warnings:
            out.warn(warning)
    doc["changed"] = True
    if options.json_mode:
        out.document(doc)
        return doc
    out.say(f"Applied {remedy.name} for {_names(shells)}:", bold=True)
    report_files(ctx, out, changes)
    for note in notes:
        out.note(note)
    out.say(f"New shells get the change; `remedy revert {remedy.name}` takes it back.")
    return doc


def _names(shells: list[Any]) -> str:
    return ", ".join(s.name for s in shells)
