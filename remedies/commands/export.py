"""`remedy export NAME --format FORMAT`: a remedy's machine-wide settings as an artefact an
administrator deploys through MDM or configuration management (claude.managed_formats).

Nothing on this machine is read or changed: the settings come from the options alone, and
the artefact goes to stdout or to a new file.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from remedies.catalog import registry
from remedies.catalog.interface import EnvRemedy
from remedies.claude.intune_rules import RULES_FORMAT, rules_bytes
from remedies.claude.managed_formats import FORMATS, render, settings_for
from remedies.claude.mdm_posix import (
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
from remedies.typos import NamedChoice

# The settings as artefacts (claude.managed_formats), then the scripts an MDM runs.
ALL_FORMATS = FORMATS + SCRIPT_FORMATS + (RULES_FORMAT,) + WINDOWS_FORMATS


class ExportGroup(click.Group):
    """`remedy export NAME`: one subcommand per remedy that has a machine-wide form."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        here = _context(ctx)
        return [n for n in registry.names(here) if _machine_remedy(n, here) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        here = _context(ctx)
        known = registry.known(cmd_name, here)
        remedy = _machine_remedy(cmd_name, here) if known else None
        if remedy is None:
            from remedies.typos import UnknownName, unknown

            names = self.list_commands(ctx)
            listed = f"these can be exported: {', '.join(names)}"
            raise UnknownName(unknown("remedy", cmd_name, names, listed), ctx)
        return _command(remedy)


def _context(click_ctx: click.Context) -> Context | None:
    found = click_ctx.find_object(Context)
    return found if isinstance(found, Context) else None


def _machine_remedy(name: str, ctx: Context | None) -> EnvRemedy | None:
    remedy = registry.load(name, ctx)
    return remedy if isinstance(remedy, EnvRemedy) and remedy.machine else None


@dataclass(frozen=True)
class ExportRequest:
    """What `remedy export NAME --format FORMAT` was asked."""

    remedy: EnvRemedy
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


def _command(remedy: EnvRemedy) -> click.Command:
    @click.pass_obj
    def callback(ctx: Context, /, fmt: str, output: Path | None, pyz: str, **options: Any) -> None:
        done = core(ctx, ExportRequest(remedy, fmt, output, options, pyz))
        if done.output is None:
            # The artefact is the output, byte for byte: no Output, no newline added.
            sys.stdout.buffer.write(done.data)
            sys.stdout.buffer.flush()
            return
        for note in done.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(f"wrote {done.output} ({done.fmt})", err=True)

    return click.Command(
        remedy.name,
        callback=callback,
        short_help=f"Export {remedy.name} for MDM or configuration management.",
        help=(
            f"Write {remedy.name}'s machine-wide Claude Code settings as an artefact to deploy: "
            "json (a managed-settings drop-in), mobileconfig (a macOS configuration profile "
            "for com.anthropic.claudecode), reg (a Windows policy for "
            "HKLM\\SOFTWARE\\Policies\\ClaudeCode), ps1 (the same policy as PowerShell, for "
            "Intune); or scripts an MDM runs as root for the user at the console, which run "
            "remedy's zipapp as that user (Linux and macOS): intune-detect and "
            "intune-remediate (an Intune Remediations pair), jamf-ea (a Jamf extension "
            "attribute), jamf-policy (a Jamf policy or Kandji script), intune-compliance "
            "(the discovery script of an Intune custom compliance policy) with "
            "intune-compliance-rules (its rules file, JSON); and for Windows "
            "intune-detect-ps1 and intune-remediate-ps1, which check and set the policy. "
            "Nothing here is read or changed; the same options give the same bytes. "
            "A value the format cannot carry exactly (NUL, text that is not UTF-8; in a "
            "profile also what XML 1.0 cannot hold, and CR) is refused (exit 2)."
        ),
        params=[
            click.Option(
                ["--format", "fmt"],
                type=NamedChoice("format", ALL_FORMATS),
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
                help="Where the Linux and macOS scripts find remedy's zipapp (`make pyz`); an "
                "absolute path.",
            ),
            *remedy.options(),
        ],
    )


def core(ctx: Context, request: ExportRequest) -> Exported:
    """The artefact, from the options alone (nothing on this machine is read); written to
    `request.output` when given, a new file (an existing one is not replaced)."""
    remedy = request.remedy
    given = {k: v for k, v in request.remedy_options.items() if v is not None}
    if request.fmt in SCRIPT_FORMATS:
        # remedy runs on the laptop, as its user: the options go on its command line, and
        # what they leave out (a region) is found there, as `remedy apply` finds it.
        spec = ScriptSpec(remedy.name, option_words(_option_pairs(remedy, given)), request.pyz)
        data, notes = script_bytes(request.fmt, spec), tuple[str, ...]()
    elif request.fmt == RULES_FORMAT:
        data, notes = rules_bytes(remedy.name), ()
    else:
        assert remedy.machine is not None
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
        return Exported(data, request.fmt, None)
    write_new(ctx.given_path(request.output), data)
    return Exported(data, request.fmt, request.output, notes)


def _option_pairs(remedy: EnvRemedy, given: Mapping[str, Any]) -> list[tuple[str, str | bool]]:
    """The options given, as `remedy apply NAME` takes them: each by its first long flag."""
    pairs: list[tuple[str, str | bool]] = []
    for param in remedy.options():
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
        "runs: Intune detection and remediation, a Jamf extension attribute, a Jamf or "
        "Kandji policy."
    ),
)


def _absolute(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The zipapp's path as the scripts use it: absolute, else the user's home (where remedy
    runs) would choose which zipapp runs (found by review)."""
    if not value.startswith("/"):
        raise click.BadParameter(f"{value!r} is not an absolute path")
    return value
