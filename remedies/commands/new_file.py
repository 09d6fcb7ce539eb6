"""`remedy new NAME`: a commented skeleton remedy file, to fill in and `remedy check`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from remedies.catalog.data_format import NAME
from remedies.commands import short_help
from remedies.context import Context
from remedies.engine.fileio import write_new
from remedies.errors import BadInput
from remedies.layout import shell_word
from remedies.output import Output, wants_colour

SKELETON = """\
# A remedy for Claude Code, as data. Fill it in, then:
#   remedy check {path}     checks it and runs its proof with your claude, offline
#   remedy apply {path}     applies it (idempotent; --dry-run shows the diff)
# Copy it to ~/.config/remedy/remedies/ (or /etc/remedy/remedies/ on a fleet) to make
# `remedy doctor` look for the problem and `remedy apply {name}` known by name.
name = "{name}"
summary = "What it fixes, in a few words"
worth = "community workaround"      # or "official setting", "official workaround"
rank = 50                           # lower is recommended first (mantle is first)
links = []                          # where the problem and the fix are described

[when]                              # give at least one; every key given must hold
# provider = ["bedrock"]            # anthropic, bedrock, mantle, vertex, foundry, anthropic-aws
# versions = ">=2.1.81"             # the installed Claude Code, a version range
# present = ["ANTHROPIC_BEDROCK_BASE_URL"]
# absent = ["CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"]
# matching = {{ CLAUDE_CODE_MAX_OUTPUT_TOKENS = "^4096$" }}  # a regex (docs/remedy-files.md)

[what]                              # what goes in the start-up files (and settings files
set = {{ }}                           # that set the same variables)
unset = []
# move_to_shell = ["NODE_EXTRA_CA_CERTS"]   # its settings value into the shells
# rename = {{ ANTHROPIC_SMALL_FAST_MODEL = "ANTHROPIC_DEFAULT_HAIKU_MODEL" }}  # OLD = "NEW":
#                                   # the user's value carried to the new name; needed only
#                                   # where the old one is set; the new one, if set, wins

[proof]                             # what the request the real client sends must show
# endpoint = "bedrock"              # bedrock, mantle, anthropic, vertex, foundry
# betas_lack = ["tool-search-tool-2025-10-19"]   # in neither the header nor the body
# header_lacks = {{ anthropic-beta = ["..."] }}
# header_has = {{ anthropic-beta = ["..."] }}
# path_contains = ["/invoke"]
# body_lacks = ["anthropic_beta"]

# [options.model]                   # becomes `--model MODEL`; {{model}} in set values, proofs
# help = "The model id to pin"
# pattern = '^[A-Za-z0-9.:/_-]+$'   # a value must match (else exit 2, nothing written)
# example = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
# default_from = "variable:ANTHROPIC_MODEL"  # its value for Claude Code now (settings over
#                                   # the shells); or "aws-config-region", "gcloud-project",
#                                   # or default = "..."; none of them: --model is required
"""


@dataclass(frozen=True)
class NewRequest:
    """What `remedy new NAME` was asked."""

    name: str
    output: Path | None = None  # default: NAME.toml in the working folder


@click.pass_obj
def _new(ctx: Context, name: str, output: Path | None) -> None:
    path = core(ctx, NewRequest(name, output))
    # Through Output: the command is printed whole on a line of its own, its path quoted.
    out = Output(False, wants_colour(ctx.env))
    out.say(f"wrote {path}: fill it in, then `remedy check {shell_word(str(path))}`")


def core(ctx: Context, request: NewRequest) -> Path:
    """Write the skeleton to a new file (an existing one is kept); the path, as given."""
    if not NAME.match(request.name):
        raise BadInput(f"{request.name!r}: a remedy name is lower-case letters, digits and '-'")
    path = request.output or Path(f"{request.name}.toml")
    text = SKELETON.format(name=request.name, path=path)
    write_new(ctx.given_path(path), text.encode())
    return path


command = click.Command(
    "new",
    callback=_new,
    short_help=short_help("new"),
    help="Write NAME.toml, a commented skeleton remedy file (see docs/remedy-files.md).",
    params=[
        click.Argument(["name"]),
        click.Option(
            ["--output", "-o"],
            type=click.Path(dir_okay=False, path_type=Path),
            help="Where to write it (default: NAME.toml here). An existing file is kept.",
        ),
    ],
)
