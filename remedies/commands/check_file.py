"""`remedy check FILE`: validate a remedy file and run its proof offline.

The file is read as `remedy apply` would read it (one line naming file, key and line when
it is wrong). Then the real client runs against the loopback stand-in twice, in the
environment a new shell of yours gets (or, where that does not meet the file's `[when]`, the
configuration `[when]` names: catalog.when_built): as it is, and with the remedy's variables applied
(nothing is written anywhere); the request it sends the second time must show what the
file's `[proof]` says. Exit 0 when it does, 1 when not, and 1 too when the proof holds
without the remedy already (it proves nothing: it would pass on a broken home as well),
unless the client that ran is outside the file's `[when]` versions: then this client does
not have the problem, and check says so with exit 4 (EXIT_NOT_HERE). Options are given as
`--option NAME=VALUE`; one not given takes its default, else its example.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

import click

from remedies.catalog.data_format import RemedySpec
from remedies.catalog.data_options import check_value
from remedies.catalog.data_remedy import (
    filled,
    has_conditions,
    proof_runs,
    redirections,
    rewritten,
    settings_after,
    within_versions,
)
from remedies.catalog.data_sources import read_spec
from remedies.catalog.rename import kept_in, renamed
from remedies.catalog.when_built import Built, build
from remedies.claude.installs import ClaudeOnPath, find_claude
from remedies.claude.known_issues import parse_version
from remedies.claude.region import REGION_VARIABLES
from remedies.claude.request_proof import NamedProof, with_values
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv, new_shell_envs
from remedies.engine.shell_choice import choose_shells
from remedies.errors import EXIT_FAILURE, EXIT_NOT_HERE, EXIT_OK, BadInput, RemedyError
from remedies.options import json_option
from remedies.output import Output, wants_colour
from remedies.verify.containment import merged_user_settings
from remedies.verify.offline import PROMPT, ProbeRun, probe_once
from shells.base import Shell


class CheckVerdict(Enum):
    PROVEN = "proven"
    BROKEN = "proof broken"  # with the remedy, the request still breaks the proof
    PROVES_NOTHING = "proves nothing"  # the proof holds without the remedy too
    NOT_THIS_CLIENT = "not this client"  # it holds without: the client is outside [when]
    NO_PROOF = "no proof"


@dataclass(frozen=True)
class CheckResult:
    spec: RemedySpec
    before: ProbeRun | None
    after: ProbeRun | None
    # Where it would send Claude Code, or whose account (data_remedy.redirections): check is
    # what a person runs to vet a colleague's file, so it says so too.
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> CheckVerdict:
        if self.after is None:
            return CheckVerdict.NO_PROOF
        if self.after.proof_failures:
            return CheckVerdict.BROKEN
        if self.before is not None and not self.before.proof_failures:
            # The proof holds without the remedy: nothing tells a fixed home from a broken one.
            if self._outside_versions() is not None:
                return CheckVerdict.NOT_THIS_CLIENT
            return CheckVerdict.PROVES_NOTHING
        return CheckVerdict.PROVEN

    @property
    def ok(self) -> bool:
        return self.verdict is CheckVerdict.PROVEN

    def _outside_versions(self) -> str | None:
        """The client that ran, when the file's [when] versions leave it out."""
        version = self.before.client_version if self.before else None
        wanted = self.spec.when.versions
        if not version or not wanted or parse_version(version) is None:
            return None
        return None if within_versions(version, wanted) else version

    @property
    def exit_code(self) -> int:
        return {
            CheckVerdict.PROVEN: EXIT_OK,
            CheckVerdict.NO_PROOF: EXIT_OK,
            CheckVerdict.NOT_THIS_CLIENT: EXIT_NOT_HERE,
        }.get(self.verdict, EXIT_FAILURE)

    def to_json(self) -> dict[str, Any]:
        return {
            "remedy": self.spec.name,
            "file": self.spec.origin,
            "valid": True,
            "verdict": self.verdict.value,
            "proven": self.ok,
            "before": self.before.proof_failures if self.before else None,
            "after": self.after.proof_failures if self.after else None,
            # What the client said when it sent nothing (a missing region, project, login).
            "client_said": {
                "before": _said(self.before),
                "after": _said(self.after),
            },
            "notes": list(self.notes),
        }

    def for_person(self, out: Output) -> None:
        out.say(f"{self.spec.origin}: a valid remedy file ({self.spec.name})", bold=True)
        for note in self.notes:
            out.say(f"  note: {note}")
        if self.after is None:
            out.say("  no [proof]: nothing to run")
            return
        if self.before is not None:
            broken = "; ".join(self.before.proof_failures) or "nothing: the proof holds already"
            out.say(f"  without it  {broken}{_why_nothing(self.before)}")
        holds = "; ".join(self.after.proof_failures) or "the proof holds"
        out.say(f"  with it     {holds}{_why_nothing(self.after)}")
        if self.verdict is CheckVerdict.PROVES_NOTHING:
            versions = self.spec.when.versions
            unless = (
                f", or narrow its [when] versions ({versions}) if this client no longer has "
                "the problem"
                if versions
                else ""
            )
            out.say(
                "  verdict     proves nothing: the proof holds without the fix as well, so it "
                "cannot tell a fixed home from a broken one; make it name what the problem "
                f"sends (the model, the beta, the endpoint){unless}"
            )
        elif self.verdict is CheckVerdict.NOT_THIS_CLIENT:
            out.say(
                f"  verdict     this client ({self._outside_versions()}) does not have the "
                f"problem: the file's [when] is for versions {self.spec.when.versions}"
            )


def _said(run: ProbeRun | None) -> str | None:
    """The client's last line, when it sent no request: why it sent nothing (secrets masked
    already, in ProbeRun.output)."""
    if run is None or run.endpoint != "none" or not run.output.strip():
        return None
    return run.output.strip().splitlines()[-1][:300]


def _why_nothing(run: ProbeRun | None) -> str:
    said = _said(run)
    return f" (the client said: {said})" if said else ""


def _values(spec: RemedySpec, given: tuple[str, ...]) -> dict[str, str]:
    """`--option NAME=VALUE`s, checked, then each option's default or example."""
    by_name = {o.name: o for o in spec.options}
    values: dict[str, str] = {}
    for pair in given:
        name, equals, value = pair.partition("=")
        name = name.strip().lstrip("-").replace("-", "_")
        if not equals or name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise BadInput(f"--option {pair!r}: give NAME=VALUE, NAME one of: {known}")
        values[name] = check_value(by_name[name], value)
    for option in spec.options:
        fallback = option.default or option.example
        if option.name not in values and fallback is not None:
            values[option.name] = fallback
    missing = [o.flag for o in spec.options if o.name not in values]
    if missing:
        raise BadInput(f"give --option {missing[0][2:]}=VALUE: it has no default or example")
    return values


@dataclass(frozen=True)
class CheckRequest:
    """What `remedy check FILE` was asked."""

    path: Path
    options: tuple[str, ...] = ()  # --option NAME=VALUE, as given


def core(ctx: Context, request: CheckRequest) -> CheckResult:
    """Read the file as apply would; run its proof with the user's claude, without and with
    its variables (nothing is written)."""
    spec = read_spec(ctx.given_path(request.path), str(request.path))
    if not has_conditions(spec):
        # Doctor would find its problem nowhere (it would hold everywhere: issue 26).
        raise BadInput(
            f"{spec.origin}: a remedy must say when it applies: its [when] names no "
            "condition (provider, versions, present, absent, matching or set_in)"
        )
    values = _values(spec, request.options)
    proof_runs(spec, values)
    notes = redirections(filled(spec, values))
    if spec.proof.empty:
        return CheckResult(spec, None, None, notes)
    shell = choose_shells(ctx, (), False)[0]
    plain = new_shell_envs(ctx, shell, traced=False)[0]  # its environment is all it needs
    given_settings, given_model = merged_user_settings(ctx)
    # The claude a new shell runs (a built configuration keeps this PATH): found once.
    claude = find_claude(replace(ctx, env=plain.env))
    if claude.path is None:
        raise RemedyError("no `claude` on the PATH a new shell gets; nothing to run")
    built, built_note = _built_here(ctx, spec, shell, plain, claude)
    if built is not None:
        # This machine does not meet [when]: the configuration it names, not the user's.
        plain = replace(plain, env=built.shell_env)
        given_settings, given_model = built.settings_env, None
    changed = dict(plain.env)
    for name in spec.unset:
        changed.pop(name, None)
    changed.update(filled(spec, values))
    # Written nowhere: the env only (the settings it runs with, the user's or built ones).
    changed.update({n: given_settings[n] for n in spec.move_to_shell if n in given_settings})
    # The region Claude Code gets: its settings' env beats the shell's (as apply reads it).
    kept = kept_in(spec, plain.env, given_settings)  # a new name set anywhere wins
    changed = renamed(spec, changed, kept)
    seen = {**changed, **given_settings}
    region = next((seen[n] for n in REGION_VARIABLES if seen.get(n)), None)
    for name, rule in spec.rewrite:
        new = rewritten(rule, changed[name], region) if name in changed else None
        if new is not None:
            changed[name] = new
    proof = with_values(spec.proof, values)
    proofs = [NamedProof(spec.name, proof)]
    # The model and prompt the proof names, else a plain `claude -p "say hello"`.
    prompt = proof.prompt or PROMPT
    before = probe_once(
        ctx, claude.path, plain, proof.model, 90, proofs=proofs, prompt=prompt,
        settings=(given_settings, given_model),
    )  # fmt: skip
    with_it = ShellEnv(plain.shell, plain.login, changed, plain.interactive)
    # Both halves of [what]: Claude Code's settings as apply would leave them (their env
    # beats every shell, so a variable left there would undo the shell half).
    settings = settings_after(spec, given_settings, given_model, values, region, kept=kept)
    after = probe_once(
        ctx, claude.path, with_it, proof.model, 90, proofs=proofs, settings=settings, prompt=prompt
    )
    return CheckResult(spec, before, after, (*notes, *([built_note] if built_note else [])))


def _built_here(
    ctx: Context, spec: RemedySpec, shell: Shell, plain: ShellEnv, claude: ClaudeOnPath
) -> tuple[Built | None, str | None]:
    """Where this machine's configuration meets the file's [when] (its versions aside: the
    client is what it is), nothing; else the configuration [when] names (catalog.when_built)
    when it can be built, and a note saying which."""
    from remedies.catalog.data_remedy import judge_when, variables
    from remedies.claude.collect import draw, read_files
    from remedies.claude.sources import WATCHED

    when = replace(spec.when, versions=None)
    # The provider flags decide `provider`: what doctor collects, and the file's own names.
    names = tuple(dict.fromkeys([*WATCHED, *variables(spec)]))
    read = read_files(ctx, [shell], (), names, [plain])
    reason = judge_when(replace(spec, when=when), draw(ctx, read, [plain]), claude, ctx.home)
    if not isinstance(reason, str):
        return None, None
    built = build(spec, plain.env)
    if isinstance(built, str):
        return None, (
            f"this machine does not meet its [when] ({reason}), and check cannot build it "
            f"({built}): it ran with this machine's configuration"
        )
    what = ", ".join(built.said) or "no Claude Code configuration"
    return built, (
        f"this machine does not meet its [when] ({reason}); check built it from [when]: {what}"
    )


@click.pass_obj
def _check(ctx: Context, path: Path, option: tuple[str, ...], json_mode: bool) -> None:
    result = core(ctx, CheckRequest(path, option))
    Output(json_mode, wants_colour(ctx.env)).show(result)
    if result.exit_code != EXIT_OK:
        raise click.exceptions.Exit(result.exit_code)


command = click.Command(
    "check",
    callback=_check,
    short_help=short_help("check"),
    help=(
        "Read a remedy file as `remedy apply` would, then run your claude against the "
        "loopback stand-in without and with the remedy's variables (nothing is written) and "
        "check the request it sends against the file's [proof]; where this machine's "
        "configuration does not meet the file's [when], with the configuration [when] names "
        "instead (said in a note). Exit 0 when the proof holds "
        "with it and not without it; 1 when it breaks with it, or holds without it too (it "
        "proves nothing); 4 when it holds without it because this client is outside the "
        "file's [when] versions."
    ),
    params=[
        click.Argument(["path"], type=click.Path(dir_okay=False, path_type=Path)),
        click.Option(
            ["--option", "option"],
            metavar="NAME=VALUE",
            multiple=True,
            help="A value for one of the file's [options] (default: its default, else its "
            "example).",
        ),
        json_option(),
    ],
)
