"""`remedy apply auto`: doctor, then the remedies best first, each proven or taken back.

For each candidate: apply it, run the offline verify, keep it if Claude Code would succeed,
revert it otherwise (only what this run applied), and stop at the first that verifies. The
order is the doctor's recommendation, with --prefer names moved to the front.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.apply_result import ApplyResult
from remedies.catalog.env_apply import ApplyRequest, Scopes, apply_env
from remedies.catalog.interface import EnvRemedy
from remedies.catalog.judge import judge_here
from remedies.catalog.proofs_here import applied_proofs
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.commands.apply_env import scope_params, shell_params
from remedies.context import Context
from remedies.engine.change_report import (
    Asker,
    AtTerminal,
    FileChanges,
    common_params,
    consent_possible,
)
from remedies.engine.journal import applied_remedies, locked
from remedies.engine.new_shell import envs_of_each
from remedies.engine.revert_plan import take_back
from remedies.engine.shell_choice import shells_in_use
from remedies.errors import EXIT_FAILURE, Declined, Interrupted, RemedyError
from remedies.options import fixed_version_option
from remedies.output import Output, wants_colour
from remedies.verify.here import in_this_folder
from remedies.verify.offline import verify_offline

NOT_OFFLINE = (
    "no offline check can verify it (the fix was on the service side); run this, then "
    "that: `remedy apply upgrade` `remedy verify --live`"
)


@dataclass(frozen=True)
class AutoRequest:
    """What `remedy apply auto` was asked."""

    prefer: tuple[str, ...] = ()  # tried first, in this order
    shell_names: tuple[str, ...] = ()
    all_shells: bool = False
    scopes: Scopes = field(default_factory=Scopes)
    fixed_version: str = DEFAULT_FIXED_VERSION
    given: Mapping[str, Any] = field(default_factory=dict)  # for the remedies (--region)
    dry_run: bool = False
    yes: bool = False  # consent given: no question


def command() -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, **kw: Any) -> None:
        json_mode: bool = kw.pop("json_mode")
        dry_run, yes = kw.pop("dry_run"), kw.pop("yes")
        request = AutoRequest(
            prefer=tuple(p for item in kw.pop("prefer") for p in item.split(",") if p),
            shell_names=kw.pop("shell_names"),
            all_shells=kw.pop("all_shells"),
            scopes=Scopes(project=kw.pop("project"), system=kw.pop("system")),
            fixed_version=kw.pop("fixed_version"),
            given={k: v for k, v in kw.items() if v is not None},
            dry_run=dry_run,
            yes=yes,
        )
        out = Output(json_mode, wants_colour(ctx.env))
        result = core(ctx, request, AtTerminal(out))
        out.show(result)
        if not result.succeeded:
            raise click.exceptions.Exit(EXIT_FAILURE)

    own: list[click.Parameter] = [
        click.Option(
            ["--prefer"],
            multiple=True,
            metavar="NAME[,NAME]",
            help="Try these remedies first, in this order.",
        ),
        fixed_version_option(DEFAULT_FIXED_VERSION),
        *shell_params(),
        *scope_params(),
        *common_params(),
    ]
    return click.Command(
        "auto",
        callback=callback,
        short_help="Try the remedies best first; keep the first that verifies.",
        help=(
            "Run the doctor, then try the remedies it recommends, best first: apply one, "
            "verify it offline with your real claude, keep it if Claude Code would succeed, "
            "revert it if not, and stop at the first that verifies. --dry-run shows the plan."
        ),
        params=[*own, *_remedy_params(own)],
    )


def _remedy_params(own: list[click.Parameter]) -> list[click.Parameter]:
    """The options of the remedies auto may try (--region, --model, --value), the remedies'
    own: checked by their callbacks while the command line is read, so a bad value is
    refused before anything is written, as `apply mantle` refuses it."""
    taken = {param.name for param in own}
    found: list[click.Parameter] = []
    for name in registry.names():  # the packaged catalogue's options (none take any yet)
        remedy = registry.load(name)
        if isinstance(remedy, EnvRemedy):
            for param in remedy.options():
                if param.name not in taken:
                    taken.add(param.name)
                    found.append(param)
    return found


def _plan(recommended: list[str], prefer: tuple[str, ...]) -> list[str]:
    ordered = [*prefer, *(r for r in recommended if r not in prefer)]
    return list(dict.fromkeys(ordered))


def _with_origin(name: str, origins: Mapping[str, str]) -> str:
    """A remedy of the plan, with the file it comes from when it is not packaged."""
    origin = origins.get(name, "packaged")
    return name if origin == "packaged" else f"{name} (from {origin})"


@dataclass(frozen=True)
class Attempt:
    """One remedy of the plan: tried (applied, verified, kept or reverted), or, in a dry
    run, what would happen."""

    remedy: str
    applied: ApplyResult | None = None
    error: str | None = None
    would: str | None = None
    verdict: str | None = None
    message: str | None = None
    verified: bool = False

    @property
    def kept(self) -> bool:
        return self.verified and self.applied is not None and self.applied.changed

    @property
    def reverted(self) -> bool:
        return not self.verified and self.applied is not None and self.applied.changed

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"remedy": self.remedy}
        files = [f.to_json() for f in self.applied.changes.files] if self.applied else []
        if self.would is not None:
            return {**doc, "would": self.would, **({"files": files} if files else {})}
        if self.applied is None:
            return {**doc, "applied": False, "error": self.error}
        doc.update(
            applied=True,
            changed=self.applied.changed,
            verified=self.verified,
            verdict=self.verdict,
            message=self.message,
            files=files,
        )
        doc["kept" if self.verified else "reverted"] = self.applied.changed
        return doc

    def for_person(self, out: Output, number: int, notes_shown: tuple[str, ...] = ()) -> None:
        if self.would is not None:
            files = ", ".join(f.shown for f in self.applied.changes.files) if self.applied else ""
            would = f"{self.remedy}: {self.would}" + (f" ({files})" if files else "")
            out.say(would, label=f"  {number}.")
        elif self.applied is None:
            out.say(f"{self.remedy}: not applied: {self.error}", label=" ")
        else:
            state = "kept" if self.verified else ("reverted" if self.reverted else "left")
            out.say(f"{self.remedy}: {self.verdict} ({state}): {self.message}", label=" ")
            if self.kept:  # what is in place now, as `apply` lists it
                self.applied.changes.show_files(out)
                for note in self.applied.changes.notes:
                    if note not in notes_shown:  # shown before the question: not twice
                        out.note(note)


@dataclass(frozen=True)
class AutoResult:
    affected: bool
    plan: tuple[str, ...]
    dry_run: bool
    tried: tuple[Attempt, ...] = ()
    notes_shown: tuple[str, ...] = ()  # shown with the diff before the question
    # (remedy, where it comes from: "packaged" or its file), for each of the plan.
    origins: tuple[tuple[str, str], ...] = ()

    @property
    def verified(self) -> str | None:
        return next((a.remedy for a in self.tried if a.verified), None)

    @property
    def succeeded(self) -> bool:
        """Exit 0: a remedy verified, or there was nothing to try, or only a plan was asked."""
        return self.verified is not None or self.dry_run or not self.plan

    @property
    def message(self) -> str | None:
        if self.plan:
            return None
        return "nothing to fix here: the doctor found no problem a remedy fixes"

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "remedy": "auto",
            "affected": self.affected,
            "plan": list(self.plan),
            "origins": dict(self.origins),
            "tried": [a.to_json() for a in self.tried],
            "verified": self.verified,
            "changed": any(a.kept for a in self.tried),
            "dry_run": self.dry_run,
        }
        if self.message:
            doc["message"] = self.message
        return doc

    def for_person(self, out: Output) -> None:
        if self.message:
            out.say(self.message)
            return
        if self.dry_run:
            out.say("Plan (dry run; nothing was written):", bold=True)
            for name, origin in self.origins:
                if origin != "packaged":
                    out.say(f"  {name} comes from {origin}")
        for number, attempt in enumerate(self.tried, 1):
            attempt.for_person(out, number, self.notes_shown)
        if self.dry_run:
            return
        if self.verified:
            out.say(f"{self.verified} verified: Claude Code would succeed.", bold=True)
        else:
            out.say("No remedy verified; everything this run applied was reverted.", bold=True)


def _apply(
    ctx: Context, remedy: EnvRemedy, request: AutoRequest, asker: Asker, *, dry_run: bool
) -> ApplyResult:
    """Apply (or preview) one remedy as this run was asked to, with consent given; its
    warnings go where the run's do."""
    step = ApplyRequest(
        remedy,
        request.shell_names,
        request.all_shells,
        request.scopes,
        _remedy_options(remedy, request.given),
        dry_run=dry_run,
        yes=True,
    )
    return apply_env(ctx, step, asker)


def _remedy_options(remedy: EnvRemedy, given: Mapping[str, Any]) -> dict[str, Any]:
    """The options the user gave that this remedy takes; it supplies its own defaults."""
    names = {param.name for param in remedy.options()}
    return {name: value for name, value in given.items() if name in names}


def core(ctx: Context, request: AutoRequest, asker: Asker) -> AutoResult:
    """The doctor's remedies, best first, each applied, verified offline, and kept or taken
    back; the first that verifies ends the run. `asker` hears the question."""
    shells = shells_in_use(ctx, request.shell_names, request.all_shells)
    consent_possible(ctx, yes=request.yes, dry_run=request.dry_run)
    try:
        # doctor's verdict, on every kind of new shell of every shell the user may start.
        diagnosis = judge_here(ctx, shells, request.fixed_version).verdict.diagnosis()
    except KeyboardInterrupt:
        raise Interrupted("interrupted; nothing was changed") from None
    plan = tuple(_plan([r.remedy for r in diagnosis.recommendations], request.prefer))
    origins = {r.remedy: r.origin for r in diagnosis.recommendations}
    known = tuple((name, origins.get(name, "packaged")) for name in plan)
    result = AutoResult(diagnosis.affected, plan, request.dry_run, origins=known)
    if plan and request.dry_run:
        result = replace(result, tried=tuple(_preview(ctx, name, request, asker) for name in plan))
    elif plan:
        if ctx.interactive and not request.yes:
            # What the first remedy changes, before the question, as `apply` shows it.
            try:
                first = _preview(ctx, plan[0], request, asker)
            except KeyboardInterrupt:
                raise Interrupted("interrupted; nothing was changed") from None
            about: list[str | FileChanges] = []
            if first.applied is not None and first.applied.changes.files:
                about += [f"{plan[0]}, tried first, would change:\n", first.applied.changes]
                result = replace(result, notes_shown=first.applied.changes.notes)
            tried_in_turn = ", then ".join(_with_origin(name, origins) for name in plan)
            about.append(
                f"Plan: try {tried_in_turn}; keep the first that verifies, revert the rest.\n"
            )
            if not asker.ask("Go ahead?", about):
                raise Declined()
        tried: list[Attempt] = []
        try:
            for name in plan:
                tried.append(_try(ctx, name, request, asker))
                if tried[-1].verified:
                    break
        except (KeyboardInterrupt, Interrupted):
            raise _interrupted(ctx) from None
        result = replace(result, tried=tuple(tried))
    return result


def _env_remedy(ctx: Context, name: str) -> EnvRemedy | None:
    remedy = registry.load(name, ctx) if registry.known(name, ctx) else None
    return remedy if isinstance(remedy, EnvRemedy) else None


def _interrupted(ctx: Context) -> Interrupted:
    """Ctrl-C: take back what this run applied, then say exactly what is in place. What
    was applied is read from the journal, not counted here: a Ctrl-C between a commit and
    any count of ours would leave a remedy applied behind "nothing was changed"."""
    names = _take_back_since(ctx, 0)
    if not names:
        return Interrupted("interrupted; nothing was changed")
    return Interrupted(f"interrupted; {', '.join(names)} was taken back, nothing was changed")


def _take_back_since(ctx: Context, first: int) -> list[str]:
    """Revert the journal entries this run committed from its `first` commit on, by their
    txids: an earlier run's entry of the same remedy (mantle fixed for bash yesterday)
    stays. The names of the remedies taken back."""
    mine = set(ctx.record.committed[first:])
    if not mine:
        return []
    with locked(ctx) as state:
        return take_back(ctx, state, mine)


def _try(ctx: Context, name: str, request: AutoRequest, asker: Asker) -> Attempt:
    remedy = _env_remedy(ctx, name)
    if remedy is None:
        return Attempt(name, error=NOT_OFFLINE)
    before = len(ctx.record.committed)
    try:
        applied = _apply(ctx, remedy, request, asker, dry_run=False)
    except Interrupted:
        raise  # Ctrl-C ends the whole run, not this attempt
    except RemedyError as e:
        return Attempt(name, error=str(e))
    shells = shells_in_use(ctx, request.shell_names, request.all_shells)
    applied_here = applied_remedies(ctx)
    proof = verify_offline(
        ctx,
        # Every shell judged, as verify does; the client needs environments, not lines;
        # this folder's .envrc and mise count too.
        in_this_folder(ctx, envs_of_each(ctx, shells, traced=False)[0]).envs,
        model=request.given.get("model"),
        fixed_version=request.fixed_version,
        applied=applied_here,
        # A remedy file's own proof too: verified means the request shows its fix.
        proofs=applied_proofs(ctx, applied_here),
    )
    attempt = Attempt(
        name, applied, verdict=proof.verdict, message=proof.message, verified=proof.ok
    )
    if attempt.reverted:
        _take_back_since(ctx, before)
    return attempt


def _preview(ctx: Context, name: str, request: AutoRequest, asker: Asker) -> Attempt:
    remedy = _env_remedy(ctx, name)
    if remedy is None:
        return Attempt(name, would=f"skip: {NOT_OFFLINE}")
    try:
        would = _apply(ctx, remedy, request, asker, dry_run=True)
    except RemedyError as e:
        return Attempt(name, would=f"fail: {e}")
    return Attempt(name, would, would="apply, verify, revert if it fails")
