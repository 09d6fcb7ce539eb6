"""Homes that test one twist each (one line setting two variables, a symbolic-linked dotfiles
repository, a sourced file that is missing, a region in ~/.aws/config), direnv and fish.

- direnv's own `direnv hook bash` and `direnv allow`;
- fish's own default `config.fish`, with `conf.d/*.fish` and universal variables.

The direnv and fish builders run the real program to make the state files it writes itself.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.homes.bash_homes import DEBIAN_PROFILE
from tests.support.homes.layout import (
    BEDROCK,
    INTERACTIVE,
    LOGIN,
    SCRIPT,
    Layout,
    _link,
    _run,
    _write,
    line_of,
)


def one_line_multi_assign(home: Path) -> Layout:
    _write(home, ".profile", DEBIAN_PROFILE)
    bashrc = (
        "# ~/.bashrc\n"
        "alias ll='ls -l'\n"
        "export CLAUDE_CODE_USE_BEDROCK=1 AWS_REGION=us-east-1\n"
        'export EDITOR="vim"\n'
    )
    _write(home, ".bashrc", bashrc)
    return Layout(
        "one-line-multi-assign",
        "bash",
        (".bashrc", line_of(bashrc, BEDROCK)),
        "us-east-1",
        "Bedrock and the region on one `export` line, as AWS's own examples write them",
        kept_at=f"~/.bashrc:{line_of(bashrc, BEDROCK)}",
    )


def symlinked_dotfiles_repo(home: Path) -> Layout:
    bashrc = (
        "# ~/dotfiles/bashrc, linked to ~/.bashrc\n"
        'DOTFILES="$HOME/dotfiles"\n'
        "alias ll='ls -l'\n"
        '[ -f "$DOTFILES/aws.sh" ] && . "$DOTFILES/aws.sh"\n'
    )
    profile = "# ~/dotfiles/bash_profile\n[ -f ~/.bashrc ] && . ~/.bashrc\n"
    aws = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=sa-east-1\n"
    _write(home, "dotfiles/bashrc", bashrc)
    _write(home, "dotfiles/bash_profile", profile)
    _write(home, "dotfiles/aws.sh", aws)
    # GNU stow and rcm make relative links like these.
    _link(home, ".bashrc", "dotfiles/bashrc")
    _link(home, ".bash_profile", "dotfiles/bash_profile")
    return Layout(
        "symlinked-dotfiles",
        "bash",
        ("dotfiles/aws.sh", line_of(aws, BEDROCK)),
        "sa-east-1",
        "~/.bashrc and ~/.bash_profile are links into ~/dotfiles (stow, rcm); the Bedrock "
        "switch is in ~/dotfiles/aws.sh, which the linked bashrc sources",
    )


def missing_sourced_file(home: Path) -> Layout:
    _write(home, ".profile", DEBIAN_PROFILE)
    bashrc = (
        "# ~/.bashrc\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "# machine-specific settings, when this machine has any\n"
        "[ -f ~/.missing ] && . ~/.missing\n"
    )
    _write(home, ".bashrc", bashrc)
    return Layout(
        "missing-sourced-file",
        "bash",
        (".bashrc", line_of(bashrc, BEDROCK)),
        None,
        "~/.bashrc sources a file that does not exist, on its last line, so it ends with "
        "status 1: nothing is wrong with it",
    )


AWS_CONFIG = """\
[default]
region = eu-north-1
output = json

[profile ci]
region = us-west-2
"""


def region_in_aws_config(home: Path) -> Layout:
    _write(home, ".profile", DEBIAN_PROFILE)
    bashrc = "# ~/.bashrc\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
    _write(home, ".bashrc", bashrc)
    _write(home, ".aws/config", AWS_CONFIG)
    return Layout(
        "region-in-aws-config",
        "bash",
        (".bashrc", line_of(bashrc, BEDROCK)),
        None,
        "no start-up file sets a region; ~/.aws/config's default profile has eu-north-1",
        configured_region="eu-north-1",
    )


def direnv_project(home: Path) -> Layout:
    _write(home, ".profile", DEBIAN_PROFILE)
    # direnv's documented set-up for bash: the hook at the end of ~/.bashrc.
    _write(home, ".bashrc", "# ~/.bashrc\nalias ll='ls -l'\neval \"$(direnv hook bash)\"\n")
    envrc = (
        "# the project's AWS account\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "export AWS_REGION=us-west-2\n"
        "export PROJECT_ENV=dev\n"
    )
    project = "work/proj"
    _write(home, f"{project}/.envrc", envrc)
    _run(home, ["direnv", "allow", str(home / project)])
    return Layout(
        "direnv",
        "bash",
        (f"{project}/.envrc", line_of(envrc, BEDROCK)),
        "us-west-2",
        "direnv loads ~/work/proj/.envrc (allowed) when a shell's prompt comes up there",
        project=project,
    )


# --- fish ---------------------------------------------------------------------------------

# fish's own default config.fish.
FISH_CONFIG = (
    "if status is-interactive\n    # Commands to run in interactive sessions can go here\nend\n"
)


def fish_conf_d(home: Path) -> Layout:
    _write(home, ".config/fish/config.fish", FISH_CONFIG)
    aws = "set -gx CLAUDE_CODE_USE_BEDROCK 1\nset -gx AWS_REGION eu-west-3\n"
    _write(home, ".config/fish/conf.d/aws.fish", aws)
    return Layout(
        "fish-conf.d",
        "fish",
        (".config/fish/conf.d/aws.fish", line_of(aws, BEDROCK)),
        "eu-west-3",
        "fish reads every conf.d/*.fish, in every kind of shell, before config.fish",
        modes=(INTERACTIVE, LOGIN, SCRIPT),
    )


def fish_universal(home: Path) -> Layout:
    _write(home, ".config/fish/config.fish", FISH_CONFIG)
    _run(home, ["fish", "-c", "set -Ux CLAUDE_CODE_USE_BEDROCK 1; set -Ux AWS_REGION eu-central-1"])
    store = ".config/fish/fish_variables"
    text = (home / store).read_text(encoding="utf-8")
    return Layout(
        "fish-universal",
        "fish",
        (store, line_of(text, f"SETUVAR --export {BEDROCK}:")),
        "eu-central-1",
        "`set -Ux` stored them in fish_variables, which every fish loads",
        modes=(INTERACTIVE, LOGIN, SCRIPT),
    )
