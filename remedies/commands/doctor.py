"""`remedy doctor`: what is wrong here, and where each setting comes from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.data_remedy import evaluate, variables, with_catalogue
from remedies.claude.collect import draw, read_files
from remedies.claude.diagnosis import Diagnosis, diagnose
from remedies.claude.installs import ClaudeOnPath, find_claude
from remedies.claude.known_issues import DEFAULT_FIXED_VERSION
from remedies.claude.sources import PROVIDER_FLAGS, WATCHED, Picture, Source, ask_shells
from remedies.claude.this_terminal import StaleTerminal, compare
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv
from remedies.engine.shell_choice import choose_shells
from remedies.options import fixed_version_option, json_option
from remedies.output import Output, wants_colour
from remedies.redact import printable, shown
from shells import SHELLS
from shells.base import Shell


@dataclass(frozen=True)
class DoctorRequest:
    """What `remedy doctor` was asked (how to show the answer is the callback's business)."""

    shell_names: tuple[str, ...] = ()  # the shell the user runs first (default: detected)
    all_shells: bool = False
    env_files: tuple[Path, ...] = ()
    fixed_version: str = DEFAULT_FIXED_VERSION


@click.pass_obj
def _doctor(ctx: Context, /, *, json_mode: bool, **given: Any) -> None:
    result = core(ctx, DoctorRequest(**given))
    Output(json_mode, wants_colour(ctx.env)).show(result)


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
            ["--shell", "shell_names"],
            multiple=True,
            metavar="NAME",
            help="The shell you run, whose files decide the winner (default: detected). Every "
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
    shells = choose_shells(ctx, request.shell_names, request.all_shells)
    # Every supported shell's files are listed (a forgotten config.fish line is what people
    # miss); the shell the user runs, first here, decides which value wins.
    everyone = [*shells, *(s for s in SHELLS if s.name not in {c.name for c in shells})]
    # The remedy files' [when] look at more variables than the built-in diagnosis does.
    specs = registry.data(ctx).specs
    names = tuple(dict.fromkeys([*WATCHED, *(n for spec in specs for n in variables(spec))]))
    # Every file is read (and a hostile one refused) before any shell is started.
    read = read_files(ctx, everyone, tuple(map(ctx.given_path, request.env_files)), names)
    # The truth is what the real shell ends with, asked the way a terminal, a login and an
    # IDE start it; doctor run from cron or Ansible sees what the user's terminal would.
    # A start-up file that hangs or fails is an error: what the files alone say could be
    # wrong, and doctor never guesses.
    # `claude --version` (a Node.js start, most of doctor's time) runs while the shells do:
    # the claude that runs is found on this PATH, whatever the shells answer.
    found: list[ClaudeOnPath] = []
    truth = ask_shells(ctx, shells[:1], names, meanwhile=lambda: found.append(find_claude(ctx)))
    picture = draw(ctx, read, truth)
    claude = found[0]
    if claude.install_method == "missing" and truth:
        claude = _from_a_new_shell(ctx, truth) or claude
    diagnosis = with_catalogue(
        diagnose(picture, claude, request.fixed_version, ctx.home),
        [m for spec in specs if (m := evaluate(spec, picture, claude, ctx.home)) is not None],
        specs,
    )
    here = _this_terminal(ctx, truth, shells[0])
    return DoctorResult(claude, tuple(s.name for s in shells), picture, diagnosis, ctx.home, here)


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

    def to_json(self) -> dict[str, Any]:
        picture = self.picture
        return {
            "claude": self.claude.to_json(),
            "provider": picture.provider,
            "shells": list(self.shells),
            **self.diagnosis.to_json(),
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
        _print_sources(out, self.picture, self.home, self.shells[0] if self.shells else None)
        _print_new_shells(out, self.picture, self.terminal)
        stale = self.terminal.stale if self.terminal else None
        _print_diagnosis(out, self.diagnosis, stale.line() if stale else None)


def _from_a_new_shell(ctx: Context, truth: list[ShellEnv]) -> ClaudeOnPath | None:
    """Not on this process's PATH: start-up files may add it (an npm prefix, ~/.local/bin),
    so look on the PATH a new shell of the user's gets before calling it missing."""
    found = find_claude(replace(ctx, env=truth[0].env))
    if found.install_method == "missing":
        return None
    return replace(found, found_on=f"the PATH a new {truth[0].shell} gets")


def _print_claude(out: Output, claude: ClaudeOnPath) -> None:
    out.say("Claude Code", bold=True)
    if claude.path is None:
        out.say("  claude     not found on PATH")
        return
    target = f" -> {claude.real_path}" if claude.real_path != claude.path else ""
    out.say(f"  claude     {claude.path}{target}")
    if claude.found_on != "PATH":
        out.say(f"             (on {claude.found_on})")
    out.say(f"  version    {claude.version or 'unknown'} ({claude.install_method})")
    for other in claude.others:
        out.say(f"  also       {other} (not used: the first on PATH wins)")


def _value_text(source: Source) -> str:
    value = shown(source.var, source.value)
    if value is None:
        return "unset"
    # A line doctor cannot evaluate is shown whole: it may set a secret too (`export
    # AWS_REGION=… GITHUB_TOKEN=…`) or hold a terminal's escape sequences.
    value = printable(value)
    return f"{value}  (not evaluated)" if source.dynamic else value


def _print_sources(out: Output, picture: Picture, home: Path, judged: str | None) -> None:
    out.say()
    # Which shell's files decided: the one the user runs (--shell to ask about another).
    whose = f"  (judged for a new {judged}; --shell chooses another)" if judged else ""
    out.say(f"Provider     {picture.provider}{whose}", bold=True)
    out.say()
    out.say("Settings (* = the one Claude Code uses)", bold=True)
    names = sorted({s.var for s in picture.sources}, key=lambda n: [*WATCHED, n].index(n))
    if not names:
        out.say("  none of the variables Claude Code's provider choice reads is set")
    for name in names:
        out.say(f"  {name}")
        for source in picture.of(name):
            mark = out.paint("*", fg="green", bold=True) if source.effective else " "
            idle = "" if source.applies else "  (no effect: a new shell does not get it)"
            out.say(f"    {mark} {_value_text(source):<34} {source.where(home)}{idle}")


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
        out.say(f"  {label:<{width}} {', '.join(values) or 'none of them set'}")


def _print_diagnosis(out: Output, diagnosis: Diagnosis, stale: str | None) -> None:
    out.say()
    out.say("Problems", bold=True)
    colours = {"problem": "red", "warning": "yellow", "info": "cyan"}
    if stale:
        out.say(f"  {out.paint('warning'.ljust(7), fg=colours['warning'])} {stale}")
    elif not diagnosis.findings:
        out.say("  none found")
    for finding in diagnosis.findings:
        label = out.paint(finding.severity.ljust(7), fg=colours[finding.severity])
        out.say(f"  {label} {printable(finding.message)}")
        if finding.reference:
            out.say(f"          {finding.reference}")
    if diagnosis.recommendations:
        out.say()
        out.say("Remedies, best first", bold=True)
        for number, item in enumerate(diagnosis.recommendations, 1):
            out.say(f"  {number}. {item.command}")
            out.say(f"     {item.why}" + (f"; {item.caveat}" if item.caveat else ""))
