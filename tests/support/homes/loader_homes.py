"""Homes whose start-up file takes its variables from a data file through a loader line, the
ways READMEs and answers on the web write them (issue 24, item 6):

    export $(grep -v '^#' ~/.config/claude.env | xargs)    the .env idiom for a shell
    source <(cat ~/.secrets)                               process substitution
    eval "$(cat ~/.config/aws-defaults.sh)"
    set -a; . ~/.env.sh; set +a                            allexport
    export $(< ~/.config/flags.env)

The real shell's trace names the loader line (or, for `source <(...)`, a pipe: /dev/fd/63
in bash, /proc/self/fd/12 in zsh); the value is written in the data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.homes.layout import BEDROCK, INTERACTIVE, LOGIN, Layout, _write, line_of

CLAUDE_ENV = "# Claude Code on Bedrock\nCLAUDE_CODE_USE_BEDROCK=1\nAWS_REGION=eu-west-1\n"


def env_file_loader(home: Path) -> Layout:
    """zsh: the .env idiom in ~/.zshrc, Bedrock and the region in ~/.config/claude.env."""
    zshrc = (
        "# ~/.zshrc\n"
        "setopt autocd\n"
        "export $(grep -v '^#' ~/.config/claude.env | xargs)\n"
        "alias ll='ls -l'\n"
    )
    _write(home, ".zshrc", zshrc)
    _write(home, ".config/claude.env", CLAUDE_ENV)
    return Layout(
        "env-file-loader",
        "zsh",
        (".config/claude.env", line_of(CLAUDE_ENV, BEDROCK)),
        "eu-west-1",
        "`export $(grep -v '^#' ~/.config/claude.env | xargs)` in ~/.zshrc",
        modes=(INTERACTIVE, LOGIN),
    )


@dataclass(frozen=True)
class Expected:
    """Where doctor must name a variable: the data file and line, and the loader line."""

    var: str
    path: str  # relative to HOME
    line: int
    loaded_by: str | None  # "~/.zshrc:3"; None: a file the start-up file sources
    via: str | None = None  # "~/.zshrc:8": the line that sources it


SECRETS = "# never committed\nX_UNWATCHED=1\nexport CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1\n"
# Comments first: a shell traces eval'd commands at lines counted on from the eval's.
AWS_DEFAULTS = (
    "# AWS defaults\n# for every tool\nUNWATCHED=1\nexport AWS_DEFAULT_REGION=eu-west-1\n"
)
ENV_SH = "# allexport\nAWS_PROFILE=dev\n"
FLAGS = "OTHER_FLAG=0\nCLAUDE_CODE_SKIP_BEDROCK_AUTH=1\n"


def every_loader(home: Path, shell: str) -> list[Expected]:
    """Every loader form in one start-up file of `shell` (bash or zsh), one variable each."""
    rc = f".{shell}rc"
    text = (
        f"# ~/{rc}\n"
        "alias ll='ls -l'\n"
        "export $(grep -v '^#' ~/.config/claude.env | xargs)\n"
        "\n"
        "source <(cat ~/.secrets)\n"
        "\n"
        'eval "$(cat ~/.config/aws-defaults.sh)"\n'
        "set -a; . ~/.env.sh; set +a\n"
        "export $(< ~/.config/flags.env)\n"
        "# the end\n"
        "\n"
        "\n"
    )
    _write(home, rc, text)
    _write(home, ".config/claude.env", CLAUDE_ENV)
    _write(home, ".secrets", SECRETS)
    _write(home, ".config/aws-defaults.sh", AWS_DEFAULTS)
    _write(home, ".env.sh", ENV_SH)
    _write(home, ".config/flags.env", FLAGS)

    def at(needle: str) -> str:
        return f"~/{rc}:{line_of(text, needle)}"

    return [
        Expected(BEDROCK, ".config/claude.env", 2, at("claude.env")),
        Expected("AWS_REGION", ".config/claude.env", 3, at("claude.env")),
        Expected("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS", ".secrets", 3, at(".secrets")),
        Expected("AWS_DEFAULT_REGION", ".config/aws-defaults.sh", 4, at("aws-defaults")),
        Expected("AWS_PROFILE", ".env.sh", 2, None, via=at(".env.sh")),
        Expected("CLAUDE_CODE_SKIP_BEDROCK_AUTH", ".config/flags.env", 2, at("flags.env")),
    ]
