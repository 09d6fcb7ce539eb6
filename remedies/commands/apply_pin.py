"""`remedy apply pin --to VERSION`: the installer run of `upgrade` and the environment edit
of any EnvRemedy, composed, so that a failure in the second puts the first back.

Order: the edit is previewed first (a start-up file that cannot be edited stops the run before
the installer does anything); then the version is installed (journal first, as `upgrade`
does); then DISABLE_AUTOUPDATER is written, and checked with the real shells. If that fails or
is interrupted, `revert pin` runs at once: the version before is installed again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import click

from remedies.catalog.apply_result import ApplyResult
from remedies.catalog.env_apply import ApplyRequest, apply_env
from remedies.catalog.interface import VersionPin
from remedies.catalog.upgrade import (
    forget_install,
    install_json,
    remember_install,
    settle_install,
    version_now,
)
from remedies.claude.asking import with_new_shell_path
from remedies.claude.installers import explain_failure, reinstall_plan
from remedies.claude.installs import find_installs
from remedies.commands.apply_env import shell_params
from remedies.commands.revert import RevertRequest
from remedies.commands.revert import core as revert
from remedies.context import Context
from remedies.engine.change_report import (
    Asker,
    AtTerminal,
    FileChanges,
    common_params,
    consent_possible,
)
from remedies.engine.journal import locked
from remedies.engine.transaction import recover
from remedies.errors import Declined, Interrupted, RemedyError
from remedies.options import target_version_option, timeout_option
from remedies.output import Output, wants_colour


@dataclass(frozen=True)
class PinResult:
    method: str
    path: str
    before: str | None
    to: str
    env: ApplyResult
    dry_run: bool
    installed: bool = False
    argv: tuple[str, ...] = ()
    exit_code: int | None = None

    @property
    def changed(self) -> bool:
        return self.installed or self.env.changed

    def to_json(self) -> dict[str, Any]:
        return {
            "remedy": "pin",
            "changed": self.changed,
            "dry_run": self.dry_run,
            **install_json(self),
            "env": self.env.to_json(),
        }

    def for_person(self, out: Output) -> None:
        if self.dry_run:
            if self.argv:
                out.say(f"Would install Claude Code {self.to} ({self.method}):")
                out.say(f"  $ {' '.join(self.argv)}")
            else:
                out.say(f"Claude Code is {self.to} already; nothing to install.")
            self.env.for_person(out)
            return
        if not self.changed:
            out.say(f"Claude Code is pinned at {self.to} already; nothing to do.")
            return
        if self.installed:
            out.say(f"Claude Code {self.before} -> {self.to} ({self.method}).", bold=True)
        self.env.for_person(out)


@dataclass(frozen=True)
class PinRequest:
    """What `remedy apply pin --to VERSION` was asked."""

    remedy: VersionPin
    target: str
    timeout: float = 600  # for the installer
    shell_names: tuple[str, ...] = ()
    all_shells: bool = False
    dry_run: bool = False
    yes: bool = False  # consent given: no question
    # --json: the output is a document for a program; the installer's lines are not shown.
    for_a_program: bool = False


def command(remedy: VersionPin) -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, **kw: Any) -> None:
        request = PinRequest(
            remedy,
            kw["target"],
            kw["timeout"],
            kw["shell_names"],
            kw["all_shells"],
            dry_run=kw["dry_run"],
            yes=kw["yes"],
            for_a_program=kw["json_mode"],
        )
        out = Output(kw["json_mode"], wants_colour(ctx.env))
        out.show(core(ctx, request, AtTerminal(out)))

    to = target_version_option()
    to.required = True
    to.help = "The version to install and keep, e.g. 2.1.110."
    return click.Command(
        remedy.name,
        callback=callback,
        short_help=remedy.summary,
        help=remedy.help,
        params=[to, timeout_option(600, "the installer"), *shell_params(), *common_params()],
    )


def core(ctx: Context, request: PinRequest, asker: Asker) -> PinResult:
    """Install the version asked for and keep it there, or put everything back."""
    consent_possible(ctx, yes=request.yes, dry_run=request.dry_run)
    remedy, target, timeout = request.remedy, request.target, request.timeout
    # The claude (and its installer) a new terminal of the user runs, as upgrade finds it.
    where = with_new_shell_path(ctx)
    installs = find_installs(where)
    if not installs:
        raise RemedyError("no `claude` on PATH; install Claude Code first")
    running = installs[0]

    def edit(dry_run: bool) -> ApplyResult:
        # A dry run neither warns nor asks: the asker hears only the real edit's warnings.
        shells = request.shell_names, request.all_shells
        step = ApplyRequest(remedy.env, *shells, dry_run=dry_run, yes=True)
        return apply_env(ctx, step, asker)

    preview = edit(True)
    plan = reinstall_plan(where, running, target) if running.version != target else None
    result = PinResult(
        running.method,
        running.path,
        running.version,
        target,
        preview,
        dry_run=request.dry_run,
        argv=tuple(plan.argv) if plan else (),
    )
    if request.dry_run or (plan is None and not preview.changes.files):
        return result
    if ctx.interactive and not request.yes:
        about: list[str | FileChanges] = []
        if plan:
            about += [
                f"Install Claude Code {target} ({running.method}):\n",
                f"  $ {' '.join(plan.argv)}\n",
            ]
        if not asker.ask(f"Pin Claude Code at {target}?", [*about, preview.changes]):
            raise Declined()
    if plan is not None:
        with locked(ctx) as state:
            for line in recover(ctx, state):
                asker.warn(line)
            txid = remember_install(ctx, state, running, target, remedy=remedy.name)
            code, output = ctx.runner.run_long(
                plan.argv,
                env=where.env,
                timeout=timeout,
                show=ctx.interactive and not request.for_a_program,
            )
            after = version_now(ctx, running)
            if after == running.version:
                forget_install(ctx, state, txid)
            else:
                settle_install(ctx, state, txid, after)
        if after != target:
            why = (
                f"the installer ran out of time ({timeout:g} s)"
                if code is None
                else explain_failure(plan, code, output)
                if code
                else f"{running.path} is {after} after the installer"
            )
            if after != running.version:
                _put_back(ctx, asker)
            raise RemedyError(f"could not install Claude Code {target}: {why}")
        result = replace(result, installed=True, exit_code=code)
    try:
        done = edit(False)
    except (RemedyError, KeyboardInterrupt) as e:
        if plan is not None:
            _put_back(ctx, asker)
        if isinstance(e, KeyboardInterrupt):
            raise Interrupted(f"interrupted; Claude Code {running.version} is back") from None
        raise RemedyError(f"{e}; Claude Code {running.version} is back") from None
    return replace(result, env=done)


def _put_back(ctx: Context, asker: Asker) -> None:
    """Everything pin did, taken back (`remedy revert pin --yes`)."""
    revert(ctx, RevertRequest(("pin",), yes=True), asker)
