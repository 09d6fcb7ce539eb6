"""Sandbox homes laid out the way popular public set-ups lay out their start-up files.

Each builder writes a home under `home` and says where Bedrock is switched on (the file and
line a careful user would be pointed to) and what a new shell there ends up with. The loading
code (the loops that source the custom files) is copied from the projects themselves,
trimmed to what decides which files run; each module lists the projects it copies:

- bash_homes: Fedora's and Debian's skeletons, mathiasbynens/dotfiles, Bash-it;
- zsh_homes: holman/dotfiles, thoughtbot/dotfiles, ZDOTDIR under ~/.config;
- zsh_frameworks: oh-my-zsh, prezto;
- loader_homes: variables a loader line takes from a data file (`export $(... | xargs)`,
  `source <(cat FILE)`, `eval "$(cat FILE)"`), as the .env idiom and its kin write them;
- other_homes: one twist each (two variables on one line, a linked dotfiles repository, a
  missing sourced file, a region in ~/.aws/config), direnv, fish;
- layout: the Layout every builder returns and the helpers that write the files.

Nothing here starts remedy; a few builders run a real program (fish, direnv) to make the
state files those programs write themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support.homes.bash_homes import (
    DEBIAN_PROFILE,
    FEDORA_BASHRC,
    bash_it,
    debian_bash_aliases,
    fedora_bashrc_d,
    mathiasbynens,
)
from tests.support.homes.layout import INTERACTIVE, LOGIN, SCRIPT, Layout
from tests.support.homes.loader_homes import env_file_loader
from tests.support.homes.other_homes import (
    direnv_project,
    fish_conf_d,
    fish_universal,
    missing_sourced_file,
    one_line_multi_assign,
    region_in_aws_config,
    symlinked_dotfiles_repo,
)
from tests.support.homes.zsh_frameworks import oh_my_zsh, prezto, zshenv_and_oh_my_zsh
from tests.support.homes.zsh_homes import holman, thoughtbot, zdotdir

# What other modules import from tests.support.homes.
__all__ = ["ALL", "DEBIAN_PROFILE", "FEDORA_BASHRC", "INTERACTIVE", "LOGIN", "SCRIPT", "Layout"]

ALL: dict[str, Callable[[Path], Layout]] = {
    "fedora-bashrc.d": fedora_bashrc_d,
    "debian-bash-aliases": debian_bash_aliases,
    "mathiasbynens": mathiasbynens,
    "bash-it": bash_it,
    "holman": holman,
    "thoughtbot": thoughtbot,
    "oh-my-zsh": oh_my_zsh,
    "prezto": prezto,
    "zdotdir": zdotdir,
    "zshenv-and-oh-my-zsh": zshenv_and_oh_my_zsh,
    "one-line-multi-assign": one_line_multi_assign,
    "fish-conf.d": fish_conf_d,
    "fish-universal": fish_universal,
    "symlinked-dotfiles": symlinked_dotfiles_repo,
    "missing-sourced-file": missing_sourced_file,
    "region-in-aws-config": region_in_aws_config,
    "direnv": direnv_project,
    "env-file-loader": env_file_loader,
}
