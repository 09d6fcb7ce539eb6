"""`remedy doctor`: what is wrong here, and where each setting comes from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.judge import judge_here
from remedies.claude.diagnosis import Diagnosis, Finding
from remedies.claude.installs import ClaudeOnPath
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.claude.sources import PROVIDER_FLAGS, WATCHED, Picture, Source
from remedies.claude.this_terminal import StaleTerminal, compare
from remedies.claude.verdict import Verdict
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv
from remedies.engine.shell_choice import shells_in_use
from remedies.errors import BadInput
from remedies.layout import Command
from remedies.options import fixed_version_option, json_option
from remedies.output import Output, wants_colour
from remedies.redact import printable, shown
from remedies.typos import unknown
from shells.base import Shell


@dataclass(frozen=True)
class DoctorRequest:
    """What `remedy doctor` was asked (how to show the answer is the callback's business)."""

    shell_names: tuple[str, ...] = ()  # the shell the user runs first (default: detected)
    all_shells: bool = False
    env_files: tuple[Path, ...] = ()
    fixed_version: str = DEFAULT_FIXED_VERSION


@click.pass_obj
def _doctor(
    ctx: Context, /, *, json_mode: bool, check: bool, remedy: str | None, **given: Any
) -> None:
    out = Output(json_mode, wants_colour(ctx.env))
    if remedy is not None and not check:
        raise BadInput("--remedy goes with --check (the check for one remedy)")
    if remedy is not None and not registry.known(remedy, ctx):
        # A typo would otherwise pass every host as compliant.
        raise BadInput(unknown("remedy", remedy, registry.names(ctx), "`remedy list` shows them"))
    if check:  # the compliance contract: its exit code is the answer (doctor_check)
        from remedies.commands.doctor_check import answer
        from remedies.engine.journal import applied_remedies

        def judged() -> DoctorResult:
            # remedy's own state read first: a damaged one is "cannot tell" (the remediation
            # would stop at it), not a pass.
            applied_remedies(ctx)
            return core(ctx, DoctorRequest(**given))

        checked = answer(judged, remedy)
        checked.show(out, json_mode)
        if checked.state.exit_code:
            raise click.exceptions.Exit(checked.state.exit_code)
        return
    out.show(core(ctx, DoctorRequest(**given)))


command = click.Command(
    "doctor",
    callback=_doctor,
    short_help=short_help("doctor"),
    help=(
        "Find the claude on PATH, its version and install method, the provider it will use, "
        "every place that sets the variables it reads (shell start-up files, Claude Code's "
        "settings files, /etc/environment, environment.d, .env files, ~/.aws/config), which "
        "one wins, the known problems that apply, and the remedies that fix them, best "
        "first. Secret values are never shown."
    ),
    params=[
        json_option(),
        click.Option(
            ["--check"],
            is_flag=True,
            help="Change nothing and answer with the exit code: 0 nothing to fix, 1 a remedy "
            "applies, 2 bad usage, 3 cannot tell (no claude, a start-up file that waits, a "
            "file remedy cannot read); with --json, one line of JSON. For MDM detection "
            "scripts and CI.",
        ),
        click.Option(
            ["--remedy"],
            metavar="NAME",
            help="With --check: exit 1 only when this remedy applies (another's problem is "
            "not its script's to fix).",
        ),
        click.Option(
            ["--shell", "shell_names"],
            multiple=True,
            metavar="NAME",
            help="Judge only this shell (repeatable; default: the one you run, your login "
            "shell and every installed shell whose own start-up files are here). Every "
            "supported shell's start-up files are listed either way.",
        ),
        click.Option(["--all-shells"], is_flag=True, help="Every supported shell installed here."),
        click.Option(
            ["--env-file", "env_files"],
            multiple=True,
            metavar="PATH",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A .env file a wrapper loads before starting claude (repeatable).",
        ),
        fixed_version_option(DEFAULT_FIXED_VERSION),
    ],
)


def core(ctx: Context, request: DoctorRequest) -> DoctorResult:
    """What is wrong here, and where each setting comes from: looked at, never printed."""
    # Every shell the user may start (the one they run first), unless --shell narrows it.
    shells = shells_in_use(ctx, request.shell_names, request.all_shells)
    env_files = tuple(map(ctx.given_path, request.env_files))
    for given, path in zip(request.env_files, env_files):
        if not path.exists() and not path.is_symlink():
            # Given by name, so it is meant to be read: a typo must not pass as "compliant"
            # (found by review of doctor --check).
            raise BadInput(f"--env-file {given}: no such file")
    found = judge_here(ctx, shells, request.fixed_version, env_files)
    verdict = found.verdict
    here = _this_terminal(ctx, list(found.truth), shells[0])
    return DoctorResult(
        found.claude,
        tuple(s.name for s in shells),
        verdict.shown.picture,
        _with(verdict.diagnosis(), found.blocked),
        ctx.home,
        here,
        verdict,
    )


def _with(diagnosis: Diagnosis, more: tuple[Finding, ...]) -> Diagnosis:
    return replace(diagnosis, findings=[*diagnosis.findings, *more]) if more else diagnosis


@dataclass(frozen=True)
class ThisTerminal:
    """The environment doctor runs in, at a terminal: the column beside the new shells."""

    values: dict[str, str]
    stale: StaleTerminal | None

    def to_json(self) -> dict[str, Any]:
        values = {n: shown(n, v) for n, v in self.values.items()}
        return {"values": values, **(self.stale.to_json() if self.stale else {"differs": []})}


def _this_terminal(ctx: Context, truth: list[ShellEnv], shell: Shell) -> ThisTerminal | None:
    """A terminal keeps what it started with; after a fix, `claude` typed here may still
    fail while new shells are right. Only a person at a terminal has one to compare."""
    if not ctx.interactive or not truth:
        return None
    values = {n: ctx.env[n] for n in WATCHED if n in ctx.env}
    return ThisTerminal(values, compare(ctx.env, truth[0].env, WATCHED, shell))


@dataclass(frozen=True)
class DoctorResult:
    claude: ClaudeOnPath
    shells: tuple[str, ...]
    picture: Picture
    diagnosis: Diagnosis
    home: Path  # paths are shown relative to it
    terminal: ThisTerminal | None = None  # None: not run at a terminal
    verdict: Verdict | None = None  # every kind of new shell judged (picture: the shown one)

    def to_json(self) -> dict[str, Any]:
        picture = self.picture
        return {
            "claude": self.claude.to_json(),
            "provider": picture.provider,
            "shells": list(self.shells),
            **self.diagnosis.to_json(),
            "judged": [j.to_json() for j in self.verdict.judged] if self.verdict else [],
            "not_judged": [{"shell": name, "why": why} for name, why in self.verdict.unasked]
            if self.verdict
            else [],
            "effective": {
                name: shown(name, picture.value(name))
                for name in WATCHED
                if picture.effective(name) is not None
            },
            "sources": [s.to_json() for s in picture.sources],
            "new_shells": [
                {
                    "shell": env.label,
                    "values": {n: shown(n, env.env[n]) for n in WATCHED if n in env.env},
                }
                for env in picture.new_shells
            ],
            "this_terminal": self.terminal.to_json() if self.terminal else None,
        }

    def for_person(self, out: Output) -> None:
        _print_claude(out, self.claude)
        _print_sources(out, self.picture, self.home, self.verdict)
        _print_new_shells(out, self.picture, self.terminal)
        stale = self.terminal.stale if self.terminal else None
        _print_diagnosis(out, self.diagnosis, stale.line() if stale else None)


def _print_claude(out: Output, claude: ClaudeOnPath) -> None:
    out.say("Claude Code", bold=True)
    if claude.path is None:
        out.say("not found on PATH", label="  claude    ")
        return
    target = f" -> {claude.real_path}" if claude.real_path != claude.path else ""
    out.say(f"{claude.path}{target}", label="  claude    ")
    if claude.found_on != "PATH":
        out.say(f"(on {claude.found_on})", label=" " * 12)
    out.say(f"{claude.version or 'unknown'} ({claude.install_method})", label="  version   ")
    for other in claude.others:
        out.say(f"{other} (not used: the first on PATH wins)", label="  also      ")


def _value_text(source: Source) -> str:
    value = shown(source.var, source.value)
    if value is None:
        return "unset"
    # A line doctor cannot evaluate is shown whole: it may set a secret too (`export
    # AWS_REGION=… GITHUB_TOKEN=…`) or hold a terminal's escape sequences.
    value = printable(value)
    return f"{value}  (not evaluated)" if source.dynamic else value


def _print_sources(out: Output, picture: Picture, home: Path, verdict: Verdict | None) -> None:
    out.say()
    # Which kinds of new shell were judged, and what each would use where they differ.
    provider = verdict.provider_line() if verdict else picture.provider
    out.say(provider, label=out.paint("Provider    ", bold=True), bold=True)
    for name, why in verdict.unasked if verdict else ():
        out.say(f"not judged: {name}: {printable(why)}", label=" " * 12)
    out.say()
    out.say("Settings (* = the one Claude Code uses)", bold=True)
    names = sorted({s.var for s in picture.sources}, key=lambda n: [*WATCHED, n].index(n))
    if not names:
        out.say("  none of the variables Claude Code's provider choice reads is set")
    for name in names:
        out.say(f"  {name}")
        for source in picture.of(name):
            mark = out.paint("*", fg="green", bold=True) if source.effective else " "
            idle = "" if source.effective else _idle(source, verdict)
            out.say(f"{source.where(home)}{idle}", label=f"    {mark} {_value_text(source):<34}")


def _idle(source: Source, verdict: Verdict | None) -> str:
    """Why a line that is not the winner here is listed: it wins in other kinds of new
    shell (a login file, another shell's), or no new shell gets it at all."""
    elsewhere = verdict.winner_in(source) if verdict else ()
    if elsewhere:
        return f"  (used in {', '.join(elsewhere)})"
    return "" if source.applies else "  (no effect: a new shell does not get it)"


def _print_new_shells(out: Output, picture: Picture, terminal: ThisTerminal | None) -> None:
    """What each kind of new shell really ended with, for the variables that pick the
    provider and the region: the truth the sources above are checked against."""
    if not picture.new_shells:
        return
    out.say()
    out.say("New shells (asked of the real shell), and this terminal", bold=True)
    shown_names = (*PROVIDER_FLAGS, "AWS_REGION", "AWS_DEFAULT_REGION", "CLAUDE_CODE_EXTRA_BODY")
    rows = [(env.label, env.env) for env in picture.new_shells]
    if terminal is not None:
        rows.append(("this terminal", terminal.values))
    width = max(12, *(len(label) for label, _ in rows))
    for label, env in rows:
        values = [f"{n}={printable(shown(n, env[n]) or '')}" for n in shown_names if n in env]
        out.say(", ".join(values) or "none of them set", label=f"  {label:<{width}}")


def _origin(origin: str) -> str:
    return "packaged" if origin == "packaged" else f"from {origin}"


def _print_diagnosis(out: Output, diagnosis: Diagnosis, stale: str | None) -> None:
    out.say()
    out.say("Problems", bold=True)
    colours = {"problem": "red", "warning": "yellow", "info": "cyan"}
    if stale:
        out.say(stale, label=f"  {out.paint('warning'.ljust(7), fg=colours['warning'])}")
    elif not diagnosis.findings:
        out.say("  none found")
    for finding in diagnosis.findings:
        label = out.paint(finding.severity.ljust(7), fg=colours[finding.severity])
        where = f" (in {', '.join(finding.shells)})" if finding.shells else ""
        # remedy's own words (its values came through shown()): its commands stay commands.
        out.say(f"{printable(finding.message, ours=True)}{where}", label=f"  {label}")
        if finding.reference:
            out.say(finding.reference, label=" " * 9)
    if diagnosis.recommendations:
        out.say()
        out.say("Remedies, best first", bold=True)
        for number, item in enumerate(diagnosis.recommendations, 1):
            why = item.why + (f"; {item.caveat}" if item.caveat else "")
            out.say(f"{why}; {_origin(item.origin)}", label=f"  {number}.")
            out.command(Command(item.command), under=5)
