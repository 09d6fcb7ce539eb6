"""`remedy export NAME --format FORMAT`: a remedy's machine-wide settings as an artefact an
administrator deploys through MDM or configuration management (claude.managed_formats), or
the scripts an MDM runs to apply it for the user at the console (claude.mdm_posix).

Nothing on this machine is read or changed: the settings come from the options alone, and
the artefact goes to stdout or to a new file. Every remedy doctor can find exports as the
scripts (they run `remedy apply NAME` on the laptop, as its user); only a remedy with a
machine-wide form has settings to export (json, mobileconfig, reg, ps1 and the Windows
pair). `pin` is not exported: doctor never finds it needed, so its scripts would never act.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.data_sources import BUILT_IN
from remedies.catalog.interface import ActionRemedy, EnvRemedy, Remedy
from remedies.claude.intune_rules import RULES_FORMAT, rules_bytes
from remedies.claude.known_issues import known_issues
from remedies.claude.managed_formats import FORMATS, render, settings_for
from remedies.claude.mdm_posix import (
    APPLYING_FORMATS,
    DEFAULT_PYZ,
    SCRIPT_FORMATS,
    ScriptSpec,
    option_words,
    script_bytes,
)
from remedies.claude.mdm_windows import WINDOWS_FORMATS, windows_bytes
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.fileio import write_new
from remedies.errors import BadInput
from remedies.typos import NamedChoice

# The settings as artefacts (claude.managed_formats), then the scripts an MDM runs.
ALL_FORMATS = FORMATS + SCRIPT_FORMATS + (RULES_FORMAT,) + WINDOWS_FORMATS


# The options of an action remedy's `apply` that are the run's, not the remedy's.
_RUN_OPTIONS = ("dry_run", "yes", "json_mode")
# The remedy's options doctor --check takes too: the scripts' check must judge as the apply
# does (an upgrade to a later --fixed-version would otherwise never be found needed).
_CHECK_OPTIONS = ("--fixed-version",)


class ExportGroup(click.Group):
    """`remedy export NAME`: one subcommand per remedy that can be exported."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        here = _context(ctx)
        return [n for n in registry.names(here) if _exportable(n, here) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        here = _context(ctx)
        known = registry.known(cmd_name, here)
        remedy = _exportable(cmd_name, here) if known else None
        if remedy is None:
            from remedies.typos import UnknownName, unknown

            names = self.list_commands(ctx)
            listed = f"these can be exported: {', '.join(names)}"
            if known:
                raise UnknownName(
                    f"{cmd_name} is not exported: doctor never finds it needed, so its "
                    f"scripts would never act ({listed})",
                    ctx,
                )
            raise UnknownName(unknown("remedy", cmd_name, names, listed), ctx)
        return _command(remedy)


def _context(click_ctx: click.Context) -> Context | None:
    found = click_ctx.find_object(Context)
    return found if isinstance(found, Context) else None


def _exportable(name: str, ctx: Context | None) -> EnvRemedy | ActionRemedy | None:
    """An environment remedy, or an action remedy doctor recommends for a known issue
    (upgrade); None for the others (pin: never found needed)."""
    remedy: Remedy = registry.load(name, ctx)
    if isinstance(remedy, EnvRemedy):
        return remedy
    recommended = {r for issue in known_issues() for r in issue.remedies}
    if name in recommended and hasattr(remedy, "command"):
        return remedy
    return None


def _has_machine_form(remedy: EnvRemedy | ActionRemedy) -> bool:
    return isinstance(remedy, EnvRemedy) and remedy.machine is not None


def _settings_help(remedy: EnvRemedy | ActionRemedy) -> str:
    """The help's start, up to "scripts an MDM runs...": what else the remedy exports as."""
    if not _has_machine_form(remedy):
        return (
            f"{remedy.name} has no machine-wide settings (it changes each user's own files "
            "or installs), so it exports only as "
        )
    return (
        f"Write {remedy.name}'s machine-wide Claude Code settings as an artefact to deploy: "
        "json (a managed-settings drop-in), mobileconfig (a macOS configuration profile "
        "for com.anthropic.claudecode), reg (a Windows policy for "
        "HKLM\\SOFTWARE\\Policies\\ClaudeCode), ps1 (the same policy as PowerShell, for "
        "Intune); or "
    )


def _formats(remedy: EnvRemedy | ActionRemedy) -> tuple[str, ...]:
    if _has_machine_form(remedy):
        return ALL_FORMATS
    return (*SCRIPT_FORMATS, RULES_FORMAT)


def _no_settings(remedy: str, fmt: str) -> str:
    scripts = ", ".join((*SCRIPT_FORMATS, RULES_FORMAT))
    return (
        f"{remedy} has no machine-wide settings to write as {fmt}: it changes each user's "
        f"own files or installs; it exports as {scripts}"
    )


class _FormatChoice(NamedChoice):
    """The formats this remedy exports as; another remedy's format is said with why."""

    def __init__(self, remedy: EnvRemedy | ActionRemedy) -> None:
        super().__init__("format", _formats(remedy))
        self.remedy = remedy.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in ALL_FORMATS and value not in self.choices:
            from remedies.typos import UnknownName

            raise UnknownName(_no_settings(self.remedy, value), ctx)
        return super().convert(value, param, ctx)


def _params(remedy: EnvRemedy | ActionRemedy) -> list[click.Parameter]:
    """The remedy's own options, as `remedy apply NAME` takes them."""
    if isinstance(remedy, EnvRemedy):
        return remedy.options()
    return [p for p in remedy.command().params if p.name not in _RUN_OPTIONS]


@dataclass(frozen=True)
class ExportRequest:
    """What `remedy export NAME --format FORMAT` was asked."""

    remedy: EnvRemedy | ActionRemedy
    fmt: str  # one of ALL_FORMATS
    output: Path | None = None  # a new file to write; None: the caller writes it to stdout
    remedy_options: Mapping[str, Any] = field(default_factory=dict)  # --region, --model
    pyz: str = DEFAULT_PYZ  # where the Linux and macOS scripts find remedy's zipapp


@dataclass(frozen=True)
class Exported:
    """The artefact, and where it went (None: nowhere yet, for stdout)."""

    data: bytes
    fmt: str
    output: Path | None
    notes: tuple[str, ...] = ()


def _command(remedy: EnvRemedy | ActionRemedy) -> click.Command:
    own = _params(remedy)

    @click.pass_obj
    def callback(ctx: Context, /, fmt: str, output: Path | None, pyz: str, **options: Any) -> None:
        # Only what the administrator gave (a default is the laptop's to work out, as
        # `remedy apply` there would).
        click_ctx = click.get_current_context()
        given = {
            name: value
            for name, value in options.items()
            if click_ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        }
        done = core(ctx, ExportRequest(remedy, fmt, output, given, pyz))
        # On stderr either way: `export ... > file` must not lose them (found by review).
        for note in done.notes:
            click.echo(f"note: {note}", err=True)
        if done.output is None:
            # The artefact is the output, byte for byte: no Output, no newline added.
            sys.stdout.buffer.write(done.data)
            sys.stdout.buffer.flush()
            return
        click.echo(f"wrote {done.output} ({done.fmt})", err=True)

    return click.Command(
        remedy.name,
        callback=callback,
        short_help=f"Export {remedy.name} for MDM or configuration management.",
        help=(
            _settings_help(remedy) + "scripts an MDM runs as root for the user at the "
            "console, which run remedy's zipapp as that user (Linux and macOS): intune-detect "
            "and "
            "intune-remediate (an Intune Remediations pair), jamf-ea (a Jamf extension "
            "attribute), jamf-policy (a Jamf policy or Kandji script), intune-compliance "
            "(the discovery script of an Intune custom compliance policy) with "
            "intune-compliance-rules (its rules file, JSON)"
            + (
                "; and for Windows intune-detect-ps1 and intune-remediate-ps1, which check "
                "and set the policy. "
                if _has_machine_form(remedy)
                else ". "
            )
            + "Nothing here is read or changed; the same options give the same bytes. "
            "A value the format cannot carry exactly (NUL, text that is not UTF-8; in a "
            "profile also what XML 1.0 cannot hold, and CR) is refused (exit 2)."
        ),
        params=[
            click.Option(
                ["--format", "fmt"],
                type=_FormatChoice(remedy),
                required=True,
                help="The artefact to write.",
            ),
            click.Option(
                ["--output", "-o"],
                type=click.Path(dir_okay=False, path_type=Path),
                help="A new file to write (default: stdout). An existing file is not replaced.",
            ),
            click.Option(
                ["--pyz"],
                metavar="PATH",
                default=DEFAULT_PYZ,
                show_default=True,
                callback=_absolute,
                help="Where the Linux and macOS scripts find remedy's zipapp, which make pyz "
                "builds; an absolute path.",
            ),
            *own,
        ],
    )


def core(ctx: Context, request: ExportRequest) -> Exported:
    """The artefact, from the options alone (nothing on this machine is read); written to
    `request.output` when given, a new file (an existing one is not replaced)."""
    remedy = request.remedy
    given = {k: v for k, v in request.remedy_options.items() if v is not None}
    notes: tuple[str, ...] = ()
    if request.fmt in SCRIPT_FORMATS:
        # remedy runs on the laptop, as its user: the options go on its command line, and
        # what they leave out (a region) is found there, as `remedy apply` finds it.
        if request.fmt in APPLYING_FORMATS:  # the reading ones never pass the options on
            _needs_nothing_more(ctx, remedy.name, given)
        pairs = _option_pairs(remedy, given)
        checked = [pair for pair in pairs if pair[0] in _CHECK_OPTIONS]
        spec = ScriptSpec(
            remedy.name, option_words(pairs), request.pyz, check_args=option_words(checked)
        )
        data, notes = script_bytes(request.fmt, spec), _carried_note(ctx, remedy.name)
    elif request.fmt == RULES_FORMAT:
        data = rules_bytes(remedy.name)
    elif not isinstance(remedy, EnvRemedy) or remedy.machine is None:
        # Said by --format's own check already; here for callers of core (mypy needs the
        # isinstance that _has_machine_form hides).
        raise BadInput(_no_settings(remedy.name, request.fmt))
    else:
        proposal = remedy.machine(None, given)
        # A value the format cannot carry exactly is refused here, in one line naming the
        # variable (BadInput, exit 2), before anything is written (check_carried).
        settings = settings_for(dict(proposal.env))
        if request.fmt in WINDOWS_FORMATS:
            data = windows_bytes(request.fmt, settings, remedy.name)
        else:
            data = render(request.fmt, settings, remedy.name)
        notes = tuple(proposal.notes)
    if request.output is None:
        return Exported(data, request.fmt, None, notes)
    write_new(ctx.given_path(request.output), data)
    return Exported(data, request.fmt, request.output, notes)


def _needs_nothing_more(ctx: Context, name: str, given: Mapping[str, Any]) -> None:
    """A remedy file's option that nothing on a laptop gives (no default, nothing to look up)
    must be given here: the scripts' apply would fail on every laptop (found by review; the
    settings formats already refuse it)."""
    spec = registry.data(ctx).get(name)
    for option in spec.options if spec is not None else ():
        if option.required and given.get(option.name) in (None, ""):
            example = f" (e.g. {option.flag} {option.example})" if option.example else ""
            raise BadInput(
                f"{name} needs {option.flag}{example}: nothing on a laptop gives it, so its "
                "scripts would fail there"
            )


def _carried_note(ctx: Context, name: str) -> tuple[str, ...]:
    """A remedy file of this machine's folders is not in the zipapp the laptops run."""
    spec = registry.data(ctx).get(name)
    if spec is None or spec.origin.startswith(BUILT_IN):
        return ()
    return (
        f"{name} comes from {spec.origin}: the laptops' remedy knows it only where that file "
        "is in their /etc/remedy/remedies too",
    )


def _option_pairs(
    remedy: EnvRemedy | ActionRemedy, given: Mapping[str, Any]
) -> list[tuple[str, str | bool]]:
    """The options given, as `remedy apply NAME` takes them: each by its first long flag."""
    pairs: list[tuple[str, str | bool]] = []
    for param in _params(remedy):
        if isinstance(param, click.Option) and param.name in given:
            value = given[param.name]
            pairs.append((param.opts[0], value if isinstance(value, bool) else str(value)))
    return pairs


command = ExportGroup(
    "export",
    short_help=short_help("export"),
    help=(
        "Write a remedy's machine-wide settings as an artefact an administrator deploys: the "
        "managed-settings drop-in that `apply --machine` writes, a macOS configuration "
        "profile, a Windows policy (.reg) or PowerShell for Intune; or the scripts an MDM "
        "runs to apply any remedy doctor can find for the user at the console: Intune "
        "detection and remediation, an Intune compliance discovery script and its rules, a "
        "Jamf extension attribute, a Jamf or Kandji policy."
    ),
)


def _absolute(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The zipapp's path as the scripts use it: absolute, else the user's home (where remedy
    runs) would choose which zipapp runs (found by review)."""
    if not value.startswith("/"):
        raise click.BadParameter(f"{value!r} is not an absolute path")
    return value
