"""upgrade: the seed's permanent fix, done with the installer the user already has.

The journal entry (the version before, the method, the path) is written before the installer
runs, so `remedy revert upgrade` can always put the old version back, even after a kill. A
version that did not move is a failure (the native installer once left ~/.local/bin/claude
on the old version, anthropics/claude-code#50044). Offline nothing can prove the fix (it was
on the service side); the version check is what we report, and `remedy verify --live` can
prove more.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

import click

from remedies.catalog.registry import builtin_summary
from remedies.claude.asking import with_new_shell_path
from remedies.claude.installers import Plan, explain_failure, reinstall_plan, upgrade_plan
from remedies.claude.installs import Install, all_on_path, find_installs, inspect, read_version
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION, parse_version
from remedies.context import Context
from remedies.engine.change_report import common_params, consent_possible
from remedies.engine.journal import Entry, StateFolder, locked, next_seq
from remedies.engine.revert_plan import choose, commit_revert, plan_revert
from remedies.engine.transaction import recover, rewrite_journal
from remedies.errors import Declined, RemedyError
from remedies.options import fixed_version_option, target_version_option, timeout_option
from remedies.output import Output, wants_colour

NAME = "upgrade"
WORKAROUNDS = ("mantle", "extra-body")
NATIVE_LEFT_BEHIND = (
    " (the native installer once left ~/.local/bin/claude on the old version, "
    "anthropics/claude-code#50044)"
)


@dataclass(frozen=True)
class UpgradeRemedy:
    name: str = NAME
    summary: str = builtin_summary(NAME)

    def command(self) -> click.Command:
        return click.Command(
            NAME,
            callback=click.pass_obj(lambda ctx, /, **kw: _run(ctx, kw)),
            short_help=self.summary,
            help=(
                "Upgrade the claude a new terminal of yours runs (the first on the PATH it "
                "gets, as doctor finds it, also when run from cron or an MDM) with the tool "
                "that installed it: npm, the native installer, or Homebrew; never sudo. "
                "Nothing happens when "
                "it is already at or above the fixed version (or --to). The version before "
                "is kept: `remedy revert upgrade` installs it again."
            ),
            params=[
                target_version_option(),
                fixed_version_option(DEFAULT_FIXED_VERSION),
                timeout_option(600, "the installer"),
                click.Option(
                    ["--clean-workarounds"],
                    is_flag=True,
                    help="After the upgrade, revert the mantle and extra-body workarounds.",
                ),
                *common_params(),
            ],
        )

    def undo(self, ctx: Context, entry: Entry) -> str:
        put_back = revert_upgrade(ctx, entry)
        return f"Claude Code {put_back} is back at {entry.details.get('path')}."

    def describe_undo(self, entry: Entry) -> str:
        return (
            f"install Claude Code {entry.details.get('from')} again at {entry.details.get('path')}"
        )


REMEDY = UpgradeRemedy()


def _run(ctx: Context, options: dict[str, Any]) -> None:
    consent_possible(ctx, yes=options["yes"], dry_run=options["dry_run"])
    code = upgrade(ctx, **options)
    if code:
        raise click.exceptions.Exit(code)


def upgrade(
    ctx: Context,
    *,
    target: str | None,
    fixed_version: str,
    timeout: float,
    clean_workarounds: bool,
    dry_run: bool,
    yes: bool,
    json_mode: bool,
) -> int:
    out = Output(json_mode, wants_colour(ctx.env))
    fixed = parse_version(fixed_version)  # both checked by the options' callbacks
    wanted = parse_version(target) if target else None
    # The claude (and its installer) a new terminal of the user runs, as doctor judges it.
    where = with_new_shell_path(ctx)
    installs = find_installs(where)
    if not installs:
        raise RemedyError("no `claude` on PATH; install Claude Code first")
    running, others = installs[0], installs[1:]
    before = parse_version(running.version)
    if before is None:
        raise RemedyError(f"cannot read the version of {running.path} (`claude --version` failed)")
    result = UpgradeResult(
        running.method,
        running.path,
        running.version,
        running.version,
        tuple(o.describe() for o in others),
        dry_run=dry_run,
    )
    floor = wanted or fixed
    assert floor is not None
    if before >= floor:
        message = f"Claude Code {running.version} is already at or above {floor}; nothing to do"
        out.show(replace(result, message=message))
        return 0
    plan = upgrade_plan(where, running, target or "latest")
    result = replace(result, argv=tuple(plan.argv))
    if dry_run:
        result = replace(result, to=target or "latest")  # what it would become
    if not json_mode:
        out.say(f"{'Would upgrade' if dry_run else 'Upgrading'} {running.describe()}")
        for other in others:
            out.say(f"  also on PATH, not upgraded: {other.describe()}")
        out.say(f"  $ {' '.join(plan.argv)}")
    if dry_run:
        out.show(result)
        return 0
    if ctx.interactive and not yes and not out.ask("Run it?"):
        raise Declined()
    with locked(ctx) as state:
        for line in recover(ctx, state):
            out.warn(line)
        txid = remember_install(ctx, state, running, target or "latest")
        code, output = ctx.runner.run_long(
            plan.argv, env=where.env, timeout=timeout, show=ctx.interactive and not json_mode
        )
        after = version_now(ctx, running)
        moved = after is not None and after != running.version
        if not moved:
            forget_install(ctx, state, txid)
        else:
            settle_install(ctx, state, txid, after)
    if code is None:
        raise RemedyError(
            f"the installer did not finish within {timeout:g} s (raise --timeout); "
            f"Claude Code is {after or 'in an unknown state'}"
        )
    if code != 0 and not moved:
        raise RemedyError(explain_failure(plan, code, output))
    if not moved:
        hint = NATIVE_LEFT_BEHIND if running.method == "native" else ""
        raise RemedyError(
            f"the installer said it succeeded, but {running.path} is still {after}{hint}"
        )
    result = replace(result, to=after, exit_code=code, changed=True)
    out.show(_workarounds(ctx, out, result, fixed=fixed, clean=clean_workarounds))
    return 0


@dataclass(frozen=True)
class UpgradeResult:
    method: str
    path: str
    before: str | None
    to: str | None
    others: tuple[str, ...]
    dry_run: bool
    changed: bool = False
    argv: tuple[str, ...] = ()
    exit_code: int | None = None
    message: str | None = None  # nothing to do, and why
    workarounds_reverted: tuple[str, ...] = ()
    workarounds_left: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "remedy": NAME,
            "changed": self.changed,
            "dry_run": self.dry_run,
            **install_json(self),
            "others": list(self.others),
            "workarounds_reverted": list(self.workarounds_reverted),
        }
        if self.message:
            doc["message"] = self.message
        return doc

    def for_person(self, out: Output) -> None:
        if self.message:
            out.say(self.message + ".")
        elif self.dry_run:
            out.say("Dry run: nothing was run.")
        else:
            out.say(f"Claude Code {self.before} -> {self.to} ({self.method}).", bold=True)
            out.say("The fix was on the service side: `remedy verify --live` proves it for real.")
        if self.workarounds_reverted:
            out.say(f"Reverted {', '.join(self.workarounds_reverted)}.")
        if self.workarounds_left:
            left = self.workarounds_left
            out.note(
                f"workarounds still applied: {', '.join(left)}; "
                f"`remedy revert {' '.join(left)}` takes them out"
            )


class InstallerRun(Protocol):
    """What upgrade's and pin's results hold of an installer run (read-only)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def before(self) -> str | None: ...
    @property
    def to(self) -> str | None: ...
    @property
    def argv(self) -> tuple[str, ...]: ...
    @property
    def exit_code(self) -> int | None: ...


def install_json(run: InstallerRun) -> dict[str, Any]:
    """What upgrade and pin say of an installer run, in their JSON."""
    return {
        "method": run.method,
        "path": run.path,
        "from": run.before,
        "to": run.to,
        "commands": [{"argv": list(run.argv), "exit_code": run.exit_code}] if run.argv else [],
    }


def version_now(ctx: Context, install: Install) -> str | None:
    """Ask this claude again; the others on PATH are not our business now."""
    if not os.path.exists(install.path):
        return None
    return read_version(ctx, install.path)[0]


def remember_install(
    ctx: Context, state: StateFolder, install: Install, target: str, remedy: str = NAME
) -> str:
    """Journal first: the version before, and how to install it again."""
    details = {
        "kind": remedy,
        "method": install.method,
        "path": install.path,
        "npm_prefix": install.npm_prefix,
        "npm_global": install.npm_global,
        "from": install.version,
        "to": None,
        "target": target,
    }

    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ctx.clock()))
    return rewrite_journal(
        ctx,
        state,
        lambda txid, entries: (
            *entries,
            Entry(txid, remedy, stamp, (), details, seq=next_seq(entries)),
        ),
    )


def settle_install(ctx: Context, state: StateFolder, txid: str, after: str | None) -> None:
    def update(_txid: str, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(
            replace(e, details={**e.details, "to": after}) if e.txid == txid else e for e in entries
        )

    rewrite_journal(ctx, state, update)


def forget_install(ctx: Context, state: StateFolder, txid: str) -> None:
    rewrite_journal(ctx, state, lambda _, entries: tuple(e for e in entries if e.txid != txid))


def _workarounds(
    ctx: Context, out: Output, result: UpgradeResult, *, fixed: Any, clean: bool
) -> UpgradeResult:
    """Once fixed, the workarounds are no longer needed: take them back when asked to."""
    now = parse_version(result.to)
    if now is None or now < fixed:
        return result
    with locked(ctx, read_only=True) as state:
        workarounds = sorted({e.remedy for e in state.load().entries if e.remedy in WORKAROUNDS})
    if not workarounds:
        return result
    may_ask = ctx.interactive and not out.json_mode and not clean
    if clean or (
        may_ask
        and out.ask(
            f"Claude Code is now {result.to}. Revert the workarounds no longer needed "
            f"({', '.join(workarounds)})?",
            interrupted=f"interrupted; Claude Code is now {result.to}, and "
            f"{', '.join(workarounds)} is still applied; to take it back: "
            f"`remedy revert {' '.join(workarounds)}`",
        )
    ):
        for line in _take_back(ctx, tuple(workarounds)):
            out.warn(line)
        return replace(result, workarounds_reverted=tuple(workarounds))
    return replace(result, workarounds_left=tuple(workarounds))


def _take_back(ctx: Context, names: tuple[str, ...]) -> list[str]:
    """Revert these remedies with the engine's revert core (as `remedy revert NAME --yes`
    would, without its questions); returns what recovering an interrupted run said."""
    with locked(ctx) as state:
        said = recover(ctx, state)
        chosen, kept = choose(state.load(), names)
        changes, _notes = plan_revert(ctx, state, chosen, kept)
        commit_revert(ctx, state, changes, gone=chosen, kept=kept)
    return said


def revert_upgrade(ctx: Context, entry: Entry, timeout: float = 600) -> str:
    """Install the version this upgrade replaced, with the same installer; return it.

    The journal only says which claude to put back; the program run is the one found on
    PATH again the way doctor finds claude, never a path read from the journal (the journal
    sits in a folder the user can write)."""
    details = entry.details
    old = str(details.get("from"))
    if parse_version(old) is None:
        raise RemedyError(f"the journal names {old!r} as the version to put back; not a version")
    recorded = str(details.get("path"))
    ctx = with_new_shell_path(ctx)  # found as upgrade found it
    found = [path for path in all_on_path(ctx, "claude") if path == recorded]
    if not found:
        raise RemedyError(
            f"{recorded} is not a claude on PATH now; cannot put Claude Code {old} back there"
        )
    current = inspect(ctx, found[0])
    if current.version == old:
        return old
    plan: Plan = reinstall_plan(ctx, current, old)
    code, output = ctx.runner.run_long(plan.argv, env=ctx.env, timeout=timeout, show=False)
    now = version_now(ctx, current)
    if now != old:
        why = "it ran out of time" if code is None else explain_failure(plan, code or 0, output)
        raise RemedyError(f"could not put Claude Code {old} back: {why}")
    return old
