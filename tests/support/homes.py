# ruff: noqa: E501 -- the start-up files below are copies of real ones, long lines and all.
"""Sandbox homes laid out the way popular public set-ups lay out their start-up files.

Each builder writes a home under `home` and says where Bedrock is switched on (the file and
line a careful user would be pointed to) and what a new shell there ends up with. The loading
code (the loops that source the custom files) is copied from the projects themselves,
trimmed to what decides which files run:

- Fedora's /etc/skel/.bashrc and .bash_profile (the `~/.bashrc.d/*` loop);
- Debian 12's /etc/skel/.bashrc and .profile;
- mathiasbynens/dotfiles `.bash_profile` and `.bashrc`;
- Bash-it/bash-it `template/bashrc.template.bash` and `bash_it.sh`;
- holman/dotfiles `zsh/zshrc.symlink`, linked to `~/.zshrc` as its bootstrap does;
- thoughtbot/dotfiles `zshrc`, `zsh/functions/g`, `zsh/configs/editor.zsh`;
- ohmyzsh/ohmyzsh `templates/zshrc.zsh-template`, `oh-my-zsh.sh`, robbyrussell theme;
- sorin-ionescu/prezto `init.zsh` and `runcoms/*`, linked to `~/.z*` as its README says;
- direnv's own `direnv hook bash` and `direnv allow`.

Nothing here starts remedy; a few builders run a real program (fish, direnv) to make the
state files those programs write themselves.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import base_env

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"

# Kinds of new shell: an interactive one (a terminal), a login one (ssh, macOS Terminal),
# and a script one (`zsh -c`, `fish -c`: what IDEs, scripts, cron and Ansible start).
INTERACTIVE = "interactive"
LOGIN = "login"
SCRIPT = "script"


@dataclass(frozen=True)
class Layout:
    name: str
    shell: str
    # Where a careful user would be told Bedrock is switched on: relative to HOME, 1-based.
    sets_bedrock_at: tuple[str, int]
    # The AWS_REGION a new shell gets here (None: none of them sets one).
    region: str | None
    notes: str
    # Kinds of new shell that really get CLAUDE_CODE_USE_BEDROCK=1 here, before remedy.
    modes: tuple[str, ...] = (INTERACTIVE, LOGIN)
    # The folder (relative to HOME) the user works in, when it matters (direnv).
    project: str | None = None
    # A region configured outside the start-up files (~/.aws/config), which remedy should
    # find by itself: no --region is needed.
    configured_region: str | None = None
    # Where apply must refuse, naming this file:line, and change nothing: a line it cannot
    # disable on its own (it sets other variables too).
    refused_at: str | None = None


# --- helpers ------------------------------------------------------------------------------


def _write(home: Path, relative: str, text: str) -> Path:
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _link(home: Path, relative: str, target: str) -> None:
    """A symbolic link at HOME/relative pointing at `target` (relative, as stow and rcm
    make them, or absolute)."""
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the one line of `text` that holds `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def _env(home: Path) -> dict[str, str]:
    """What the tests give every child, for programs run here (fish, direnv)."""
    return base_env(home)


def _run(home: Path, argv: list[str], cwd: Path | None = None) -> None:
    subprocess.run(
        argv,
        env=_env(home),
        cwd=cwd or home,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


# --- the distributions' own files ------------------------------------------------------------

# Fedora /etc/skel/.bashrc (bash package, dot-bashrc).
FEDORA_BASHRC = """\
# .bashrc

# Source global definitions
if [ -f /etc/bashrc ]; then
    . /etc/bashrc
fi

# User specific environment
if ! [[ "$PATH" =~ "$HOME/.local/bin:$HOME/bin:" ]]; then
    PATH="$HOME/.local/bin:$HOME/bin:$PATH"
fi
export PATH

# Uncomment the following line if you don't like systemctl's auto-paging feature:
# export SYSTEMD_PAGER=

# User specific aliases and functions
if [ -d ~/.bashrc.d ]; then
    for rc in ~/.bashrc.d/*; do
        if [ -f "$rc" ]; then
            . "$rc"
        fi
    done
fi
unset rc
"""

# Fedora /etc/skel/.bash_profile (bash package, dot-bash_profile).
FEDORA_BASH_PROFILE = """\
# .bash_profile

# Get the aliases and functions
if [ -f ~/.bashrc ]; then
\t. ~/.bashrc
fi

# User specific environment and startup programs
"""

# Debian 12 /etc/skel/.bashrc, the colour-prompt comments trimmed.
DEBIAN_BASHRC = """\
# ~/.bashrc: executed by bash(1) for non-login shells.
# see /usr/share/doc/bash/examples/startup-files (in the package bash-doc)
# for examples

# If not running interactively, don't do anything
case $- in
    *i*) ;;
      *) return;;
esac

# don't put duplicate lines or lines starting with space in the history.
# See bash(1) for more options
HISTCONTROL=ignoreboth

# append to the history file, don't overwrite it
shopt -s histappend

# for setting history length see HISTSIZE and HISTFILESIZE in bash(1)
HISTSIZE=1000
HISTFILESIZE=2000

# check the window size after each command and, if necessary,
# update the values of LINES and COLUMNS.
shopt -s checkwinsize

# make less more friendly for non-text input files, see lesspipe(1)
#[ -x /usr/bin/lesspipe ] && eval "$(SHELL=/bin/sh lesspipe)"

# set variable identifying the chroot you work in (used in the prompt below)
if [ -z "${debian_chroot:-}" ] && [ -r /etc/debian_chroot ]; then
    debian_chroot=$(cat /etc/debian_chroot)
fi

# set a fancy prompt (non-color, unless we know we "want" color)
case "$TERM" in
    xterm-color|*-256color) color_prompt=yes;;
esac

if [ "$color_prompt" = yes ]; then
    PS1='${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ '
else
    PS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '
fi
unset color_prompt force_color_prompt

# enable color support of ls and also add handy aliases
if [ -x /usr/bin/dircolors ]; then
    test -r ~/.dircolors && eval "$(dircolors -b ~/.dircolors)" || eval "$(dircolors -b)"
    alias ls='ls --color=auto'
fi

# Alias definitions.
# You may want to put all your additions into a separate file like
# ~/.bash_aliases, instead of adding them here directly.
# See /usr/share/doc/bash-doc/examples in the bash-doc package.

if [ -f ~/.bash_aliases ]; then
    . ~/.bash_aliases
fi

# enable programmable completion features (you don't need to enable
# this, if it's already enabled in /etc/bash.bashrc and /etc/profile
# sources /etc/bash.bashrc).
if ! shopt -oq posix; then
  if [ -f /usr/share/bash-completion/bash_completion ]; then
    . /usr/share/bash-completion/bash_completion
  elif [ -f /etc/bash_completion ]; then
    . /etc/bash_completion
  fi
fi
"""

# Debian 12 /etc/skel/.profile, verbatim.
DEBIAN_PROFILE = """\
# ~/.profile: executed by the command interpreter for login shells.
# This file is not read by bash(1), if ~/.bash_profile or ~/.bash_login
# exists.
# see /usr/share/doc/bash/examples/startup-files for examples.
# the files are located in the bash-doc package.

# the default umask is set in /etc/profile; for setting the umask
# for ssh logins, install and configure the libpam-umask package.
#umask 022

# if running bash
if [ -n "$BASH_VERSION" ]; then
    # include .bashrc if it exists
    if [ -f "$HOME/.bashrc" ]; then
\t. "$HOME/.bashrc"
    fi
fi

# set PATH so it includes user's private bin if it exists
if [ -d "$HOME/bin" ] ; then
    PATH="$HOME/bin:$PATH"
fi

# set PATH so it includes user's private bin if it exists
if [ -d "$HOME/.local/bin" ] ; then
    PATH="$HOME/.local/bin:$PATH"
fi
"""


# --- bash ---------------------------------------------------------------------------------


def fedora_bashrc_d(home: Path) -> Layout:
    _write(home, ".bashrc", FEDORA_BASHRC)
    _write(home, ".bash_profile", FEDORA_BASH_PROFILE)
    aws = "# AWS for Claude Code\nexport CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=eu-west-1\n"
    _write(home, ".bashrc.d/aws.sh", aws)
    _write(home, ".bashrc.d/aliases.sh", "alias ll='ls -l'\n")
    return Layout(
        "fedora-bashrc.d",
        "bash",
        (".bashrc.d/aws.sh", line_of(aws, BEDROCK)),
        "eu-west-1",
        "Fedora's skeleton: ~/.bash_profile sources ~/.bashrc, which loops over ~/.bashrc.d/*",
    )


def debian_bash_aliases(home: Path) -> Layout:
    _write(home, ".bashrc", DEBIAN_BASHRC)
    _write(home, ".profile", DEBIAN_PROFILE)
    aliases = (
        "alias ll='ls -alF'\n"
        "alias la='ls -A'\n"
        "# work: Claude Code on Bedrock\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    _write(home, ".bash_aliases", aliases)
    return Layout(
        "debian-bash-aliases",
        "bash",
        (".bash_aliases", line_of(aliases, BEDROCK)),
        None,
        "Debian's skeleton (interactive-only guard, ~/.profile sources ~/.bashrc); the user "
        "keeps exports in ~/.bash_aliases because ~/.bashrc says additions go there",
    )


# mathiasbynens/dotfiles .bash_profile, the brew completion block trimmed.
MATHIAS_BASH_PROFILE = """\
# Add `~/bin` to the `$PATH`
export PATH="$HOME/bin:$PATH";

# Load the shell dotfiles, and then some:
# * ~/.path can be used to extend `$PATH`.
# * ~/.extra can be used for other settings you don\u2019t want to commit.
for file in ~/.{path,bash_prompt,exports,aliases,functions,extra}; do
\t[ -r "$file" ] && [ -f "$file" ] && source "$file";
done;
unset file;

# Case-insensitive globbing (used in pathname expansion)
shopt -s nocaseglob;

# Append to the Bash history file, rather than overwriting it
shopt -s histappend;

# Autocorrect typos in path names when using `cd`
shopt -s cdspell;

# Enable some Bash 4 features when possible:
# * `autocd`, e.g. `**/qux` will enter `./foo/bar/baz/qux`
# * Recursive globbing, e.g. `echo **/*.txt`
for option in autocd globstar; do
\tshopt -s "$option" 2> /dev/null;
done;
"""

# mathiasbynens/dotfiles .bashrc, verbatim.
MATHIAS_BASHRC = '[ -n "$PS1" ] && source ~/.bash_profile;\n'

# mathiasbynens/dotfiles .exports (the start of it), plus the user's region in its style.
MATHIAS_EXPORTS = """\
#!/usr/bin/env bash

# Make vim the default editor.
export EDITOR='vim';

# Enable persistent REPL history for `node`.
export NODE_REPL_HISTORY=~/.node_history;
# Allow 32\u00b3 entries; the default is 1000.
export NODE_REPL_HISTORY_SIZE='32768';

# Increase Bash history size. Allow 32\u00b3 entries; the default is 500.
export HISTSIZE='32768';
export HISTFILESIZE="${HISTSIZE}";
# Omit duplicates and commands that begin with a space from history.
export HISTCONTROL='ignoreboth';

# Don\u2019t clear the screen after quitting a manual page.
export MANPAGER='less -X';

# AWS
export AWS_REGION='eu-west-2';
"""

# The ~/.extra of mathiasbynens' README (the git config calls left out: they write
# ~/.gitconfig every time a shell starts), with the user's Bedrock switch.
MATHIAS_EXTRA = """\
# Git credentials
# Not in the repository, to prevent people from accidentally committing under my name
GIT_AUTHOR_NAME="Mathias Bynens"
GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
GIT_AUTHOR_EMAIL="mathias@mailinator.com"
GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

# Claude Code through our AWS account
export CLAUDE_CODE_USE_BEDROCK=1
"""


def mathiasbynens(home: Path) -> Layout:
    _write(home, ".bash_profile", MATHIAS_BASH_PROFILE)
    _write(home, ".bashrc", MATHIAS_BASHRC)
    _write(home, ".exports", MATHIAS_EXPORTS)
    _write(
        home, ".aliases", "# Easier navigation: .., ..., ...., ....., ~ and -\nalias ..='cd ..'\n"
    )
    _write(home, ".extra", MATHIAS_EXTRA)
    return Layout(
        "mathiasbynens",
        "bash",
        (".extra", line_of(MATHIAS_EXTRA, BEDROCK)),
        "eu-west-2",
        "~/.bashrc sources ~/.bash_profile, which sources ~/.{path,bash_prompt,exports,"
        "aliases,functions,extra}; Bedrock in ~/.extra, the region in ~/.exports",
    )


# Bash-it/bash-it template/bashrc.template.bash, its comments trimmed, installed for $HOME.
BASH_IT_BASHRC = """\
# shellcheck shell=bash
# shellcheck disable=SC2034

# If not running interactively, don't do anything
case $- in
\t*i*) ;;
\t*) return ;;
esac

# Path to the bash it configuration
BASH_IT="$HOME/.bash_it"

# Lock and Load a custom theme file.
# Leave empty to disable theming.
# location "$BASH_IT"/themes/
export BASH_IT_THEME=''

# Don't check mail when opening terminal.
unset MAILCHECK

# Change this to your console based IRC client of choice.
export IRC_CLIENT='irssi'

# Set this to the command you use for todo.txt-cli
TODO="t"

# Load Bash It
source "${BASH_IT?}/bash_it.sh"
"""

# Bash-it/bash-it bash_it.sh: the version check, the defaults and the custom-file loop
# (its logging helpers left out).
BASH_IT_SH = """\
#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/lib source-path=SCRIPTDIR/scripts
# shellcheck disable=SC2034

# Requires bash 3.2+ to install and run
# Skip loading if bash version is too old
if [[ "${BASH_VERSINFO[0]-}" -lt 3 ]] || [[ "${BASH_VERSINFO[0]-}" -eq 3 && "${BASH_VERSINFO[1]}" -lt 2 ]]; then
\techo "sorry, but the minimum version of BASH supported by bash_it is 3.2, consider upgrading?" >&2
\treturn 1
fi

# Initialize Bash It
BASH_IT_LOG_PREFIX="core: main: "
: "${BASH_IT:=${BASH_SOURCE%/*}}"
: "${BASH_IT_CUSTOM:=${BASH_IT}/custom}"
: "${CUSTOM_THEME_DIR:="${BASH_IT_CUSTOM}/themes"}"
: "${BASH_IT_BASHRC:=${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]}}"

# Load custom aliases, completion, plugins
for _bash_it_main_file_type in "aliases" "completion" "plugins"; do
\t_bash_it_main_file_custom="${BASH_IT}/${_bash_it_main_file_type}/custom.${_bash_it_main_file_type}.bash"
\tif [[ -s "${_bash_it_main_file_custom}" ]]; then
\t\t# shellcheck disable=SC1090
\t\tsource "${_bash_it_main_file_custom}"
\tfi
\tBASH_IT_LOG_PREFIX="core: main: "
done

# Custom
for _bash_it_main_file_custom in "${BASH_IT_CUSTOM}"/*.bash "${BASH_IT_CUSTOM}"/*/*.bash; do
\tif [[ -s "${_bash_it_main_file_custom}" ]]; then
\t\t# shellcheck disable=SC1090
\t\tsource "$_bash_it_main_file_custom"
\tfi
\tBASH_IT_LOG_PREFIX="core: main: "
done

if [[ -n "${PROMPT:-}" ]]; then
\tPS1="${PROMPT}"
fi

unset _bash_it_main_file_type _bash_it_main_file_custom
"""


def bash_it(home: Path) -> Layout:
    _write(home, ".bashrc", BASH_IT_BASHRC)
    _write(home, ".profile", DEBIAN_PROFILE)
    _write(home, ".bash_it/bash_it.sh", BASH_IT_SH)
    _write(home, ".bash_it/aliases/custom.aliases.bash", "alias k='kubectl'\n")
    aws = (
        "# shellcheck shell=bash\n"
        "export AWS_REGION=ap-southeast-2\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
    )
    _write(home, ".bash_it/custom/aws.bash", aws)
    return Layout(
        "bash-it",
        "bash",
        (".bash_it/custom/aws.bash", line_of(aws, BEDROCK)),
        "ap-southeast-2",
        "~/.bashrc from Bash-it's template sources ~/.bash_it/bash_it.sh, which loads "
        "custom/*.bash; Debian's ~/.profile sources ~/.bashrc",
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
        refused_at=f"~/.bashrc:{line_of(bashrc, BEDROCK)}",
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


# --- zsh ----------------------------------------------------------------------------------

# holman/dotfiles zsh/zshrc.symlink, verbatim.
HOLMAN_ZSHRC = """\
# shortcut to this dotfiles path is $ZSH
export ZSH=$HOME/.dotfiles

# your project folder that we can `c [tab]` to
export PROJECTS=~/Code

# Stash your environment variables in ~/.localrc. This means they'll stay out
# of your main dotfiles repository (which may be public, like this one), but
# you'll have access to them in your scripts.
if [[ -a ~/.localrc ]]
then
  source ~/.localrc
fi

# all of our zsh files
typeset -U config_files
config_files=($ZSH/**/*.zsh)

# load the path files
for file in ${(M)config_files:#*/path.zsh}
do
  source $file
done

# load everything but the path and completion files
for file in ${${config_files:#*/path.zsh}:#*/completion.zsh}
do
  source $file
done

# initialize autocomplete here, otherwise functions won't be loaded
autoload -U compinit
compinit

# load every completion after autocomplete loads
for file in ${(M)config_files:#*/completion.zsh}
do
  source $file
done

unset config_files
"""


def holman(home: Path) -> Layout:
    _write(home, ".dotfiles/zsh/zshrc.symlink", HOLMAN_ZSHRC)
    # holman/dotfiles zsh/config.zsh and system/path.zsh (starts of them).
    _write(
        home,
        ".dotfiles/zsh/config.zsh",
        'export LSCOLORS="exfxcxdxbxegedabagacad"\nexport CLICOLOR=true\n',
    )
    _write(
        home,
        ".dotfiles/system/path.zsh",
        'export PATH="./bin:/usr/local/bin:/usr/local/sbin:$ZSH/bin:$PATH"\n',
    )
    _write(home, ".dotfiles/git/aliases.zsh", "alias gl='git pull --prune'\n")
    # script/bootstrap links every *.symlink to ~/.<name>, absolute.
    _link(home, ".zshrc", str(home / ".dotfiles/zsh/zshrc.symlink"))
    localrc = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-west-2\n"
    _write(home, ".localrc", localrc)
    return Layout(
        "holman",
        "zsh",
        (".localrc", line_of(localrc, BEDROCK)),
        "us-west-2",
        "~/.zshrc links to ~/.dotfiles/zsh/zshrc.symlink, which sources ~/.localrc and every "
        "~/.dotfiles/**/*.zsh",
    )


# thoughtbot/dotfiles zshrc, the Homebrew line trimmed (no Homebrew here).
THOUGHTBOT_ZSHRC = """\
# load custom executable functions
for function in ~/.zsh/functions/*; do
  source $function
done

# extra files in ~/.zsh/configs/pre , ~/.zsh/configs , and ~/.zsh/configs/post
# these are loaded first, second, and third, respectively.
_load_settings() {
  _dir="$1"
  if [ -d "$_dir" ]; then
    if [ -d "$_dir/pre" ]; then
      for config in "$_dir"/pre/**/*~*.zwc(N-.); do
        . $config
      done
    fi

    for config in "$_dir"/**/*(N-.); do
      case "$config" in
        "$_dir"/(pre|post)/*|*.zwc)
          :
          ;;
        *)
          . $config
          ;;
      esac
    done

    if [ -d "$_dir/post" ]; then
      for config in "$_dir"/post/**/*~*.zwc(N-.); do
        . $config
      done
    fi
  fi
}
_load_settings "$HOME/.zsh/configs"

export PATH="${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH"

# Local config
[[ -f ~/.zshrc.local ]] && source ~/.zshrc.local

# aliases
[[ -f ~/.aliases ]] && source ~/.aliases
"""

THOUGHTBOT_G = """\
# No arguments: `git status`
# With arguments: acts like `git`
g() {
  if [[ $# -gt 0 ]]; then
    git "$@"
  else
    git status
  fi
}
"""


def thoughtbot(home: Path) -> Layout:
    _write(home, ".zshrc", THOUGHTBOT_ZSHRC)
    _write(home, ".zsh/functions/g", THOUGHTBOT_G)
    _write(home, ".zsh/configs/editor.zsh", "export VISUAL=vim\nexport EDITOR=$VISUAL\n")
    local = "# ~/.zshrc.local\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
    _write(home, ".zshrc.local", local)
    return Layout(
        "thoughtbot",
        "zsh",
        (".zshrc.local", line_of(local, BEDROCK)),
        None,
        "thoughtbot's ~/.zshrc loads ~/.zsh/functions/*, ~/.zsh/configs/** and ends with "
        "~/.zshrc.local",
    )


# ohmyzsh/ohmyzsh templates/zshrc.zsh-template, its comments trimmed.
OMZ_ZSHRC = """\
# Path to your Oh My Zsh installation.
export ZSH="$HOME/.oh-my-zsh"

# See https://github.com/ohmyzsh/ohmyzsh/wiki/Themes
ZSH_THEME="robbyrussell"

# Which plugins would you like to load?
plugins=(git)

source $ZSH/oh-my-zsh.sh

# User configuration
"""

# ohmyzsh/ohmyzsh oh-my-zsh.sh: its guards and the loops that decide which files run (lib,
# plugins, custom, theme); the update check, compfix and zcompdump metadata left out.
OMZ_SH = """\
# Protect against non-zsh execution of Oh My Zsh (use POSIX syntax here)
[ -n "$ZSH_VERSION" ] || {
  printf "Error: Oh My Zsh can't be loaded from: %s. You need to run zsh instead.\\n" "$0" >&2
  return 1
}

# Check if in emulation mode, if so early return
# https://github.com/ohmyzsh/ohmyzsh/issues/11686
[[ "$(emulate)" = zsh ]] || {
  printf "Error: Oh My Zsh can't be loaded in \\`$(emulate)\\` emulation mode.\\n" >&2
  return 1
}

# If ZSH is not defined, use the current script's directory.
[[ -n "$ZSH" ]] || export ZSH="${${(%):-%x}:a:h}"

# Set ZSH_CUSTOM to the path where your custom config files
# and plugins exists, or else we will use the default custom/
[[ -n "$ZSH_CUSTOM" ]] || ZSH_CUSTOM="$ZSH/custom"

# Set ZSH_CACHE_DIR to the path where cache files should be created
# or else we will use the default cache/
[[ -n "$ZSH_CACHE_DIR" ]] || ZSH_CACHE_DIR="$ZSH/cache"

# Initializes Oh My Zsh

# add a function path
fpath=($ZSH/{functions,completions} $ZSH_CUSTOM/{functions,completions} $fpath)

# Load all stock functions (from $fpath files) called below.
autoload -U compaudit compinit zrecompile

is_plugin() {
  local base_dir=$1
  local name=$2
  builtin test -f $base_dir/plugins/$name/$name.plugin.zsh \\
    || builtin test -f $base_dir/plugins/$name/_$name
}

# Add all defined plugins to fpath. This must be done
# before running compinit.
for plugin ($plugins); do
  if is_plugin "$ZSH_CUSTOM" "$plugin"; then
    fpath=("$ZSH_CUSTOM/plugins/$plugin" $fpath)
  elif is_plugin "$ZSH" "$plugin"; then
    fpath=("$ZSH/plugins/$plugin" $fpath)
  else
    echo "[oh-my-zsh] plugin '$plugin' not found"
  fi
done

_omz_source() {
  local context filepath="$1"

  # Source file from $ZSH_CUSTOM if it exists, otherwise from $ZSH
  if [[ -f "$ZSH_CUSTOM/$filepath" ]]; then
    source "$ZSH_CUSTOM/$filepath"
  elif [[ -f "$ZSH/$filepath" ]]; then
    source "$ZSH/$filepath"
  fi
}

# Load all of the lib files in ~/.oh-my-zsh/lib that end in .zsh
# TIP: Add files you don't want in git to .gitignore
for lib_file ("$ZSH"/lib/*.zsh); do
  _omz_source "lib/${lib_file:t}"
done
unset lib_file

# Load all of the plugins that were defined in ~/.zshrc
for plugin ($plugins); do
  _omz_source "plugins/$plugin/$plugin.plugin.zsh"
done
unset plugin

# Load all of your custom configurations from custom/
for config_file ("$ZSH_CUSTOM"/*.zsh(N)); do
  source "$config_file"
done
unset config_file

# Load the theme
is_theme() {
  local base_dir=$1
  local name=$2
  builtin test -f $base_dir/$name.zsh-theme
}

if [[ -n "$ZSH_THEME" ]]; then
  if is_theme "$ZSH_CUSTOM" "$ZSH_THEME"; then
    source "$ZSH_CUSTOM/$ZSH_THEME.zsh-theme"
  elif is_theme "$ZSH_CUSTOM/themes" "$ZSH_THEME"; then
    source "$ZSH_CUSTOM/themes/$ZSH_THEME.zsh-theme"
  elif is_theme "$ZSH/themes" "$ZSH_THEME"; then
    source "$ZSH/themes/$ZSH_THEME.zsh-theme"
  else
    echo "[oh-my-zsh] theme '$ZSH_THEME' not found"
  fi
fi
"""

# ohmyzsh/ohmyzsh themes/robbyrussell.zsh-theme, verbatim.
OMZ_THEME = """\
PROMPT="%(?:%{$fg_bold[green]%}%1{\u279c%} :%{$fg_bold[red]%}%1{\u279c%} ) %{$fg[cyan]%}%c%{$reset_color%}"
PROMPT+=' $(git_prompt_info)'

ZSH_THEME_GIT_PROMPT_PREFIX="%{$fg_bold[blue]%}git:(%{$fg[red]%}"
ZSH_THEME_GIT_PROMPT_SUFFIX="%{$reset_color%} "
ZSH_THEME_GIT_PROMPT_DIRTY="%{$fg[blue]%}) %{$fg[yellow]%}%1{\u2717%}"
ZSH_THEME_GIT_PROMPT_CLEAN="%{$fg[blue]%})"
"""


def _oh_my_zsh(home: Path) -> None:
    _write(home, ".zshrc", OMZ_ZSHRC)
    _write(home, ".oh-my-zsh/oh-my-zsh.sh", OMZ_SH)
    # Starts of ohmyzsh/ohmyzsh lib/history.zsh and plugins/git/git.plugin.zsh.
    _write(
        home,
        ".oh-my-zsh/lib/history.zsh",
        "## History file configuration\n"
        '[ -z "$HISTFILE" ] && HISTFILE="$HOME/.zsh_history"\n'
        '[ "$HISTSIZE" -lt 50000 ] && HISTSIZE=50000\n',
    )
    _write(home, ".oh-my-zsh/plugins/git/git.plugin.zsh", "alias g='git'\nalias gst='git status'\n")
    _write(home, ".oh-my-zsh/themes/robbyrussell.zsh-theme", OMZ_THEME)
    _write(
        home,
        ".oh-my-zsh/custom/example.zsh",
        "# You can put files here to add functionality separated per file, which\n"
        "# will be ignored by git.\n# Files on the custom/ directory will be automatically loaded by the init\n"
        "# script, in alphabetical order.\n",
    )


def oh_my_zsh(home: Path) -> Layout:
    _oh_my_zsh(home)
    aws = (
        "# Claude Code on Bedrock\n"
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "export AWS_REGION=eu-central-1\n"
    )
    _write(home, ".oh-my-zsh/custom/aws.zsh", aws)
    return Layout(
        "oh-my-zsh",
        "zsh",
        (".oh-my-zsh/custom/aws.zsh", line_of(aws, BEDROCK)),
        "eu-central-1",
        "oh-my-zsh's ~/.zshrc sources $ZSH/oh-my-zsh.sh, which loads $ZSH_CUSTOM/*.zsh",
    )


def zshenv_and_oh_my_zsh(home: Path) -> Layout:
    _oh_my_zsh(home)
    zshenv = "export CLAUDE_CODE_USE_BEDROCK=1\nexport AWS_REGION=us-west-2\n"
    _write(home, ".zshenv", zshenv)
    aws = "# set again, in case\nexport CLAUDE_CODE_USE_BEDROCK=1\n"
    _write(home, ".oh-my-zsh/custom/aws.zsh", aws)
    return Layout(
        "zshenv-and-oh-my-zsh",
        "zsh",
        (".oh-my-zsh/custom/aws.zsh", line_of(aws, BEDROCK)),
        "us-west-2",
        "Bedrock in ~/.zshenv (every zsh, `zsh -c` included) and again in an oh-my-zsh custom "
        "file, which interactive shells run later",
        modes=(INTERACTIVE, LOGIN, SCRIPT),
    )


# sorin-ionescu/prezto init.zsh: the version check, the module loader and its set-up.
PREZTO_INIT = """\
#
# Initializes Prezto.
#
# Authors:
#   Sorin Ionescu <sorin.ionescu@gmail.com>
#

#
# Version Check
#

# Check for the minimum supported version.
min_zsh_version='4.3.17'
if ! autoload -Uz is-at-least || ! is-at-least "$min_zsh_version"; then
  printf "prezto: old shell detected, minimum required: %s\\n" "$min_zsh_version" >&2
  return 1
fi
unset min_zsh_version

#
# Module Loader
#

# Loads Prezto modules.
function pmodload {
  local -a pmodules
  local pmodule
  local pfunction_glob='^([_.]*|prompt_*_setup|README*|*~)(-.N:t)'

  # $argv is overridden in the anonymous function.
  pmodules=("$argv[@]")

  # Add functions to $fpath.
  fpath=(${pmodules:+$ZPREZTODIR/modules/${^pmodules}/functions(/FN)} $fpath)

  # Load Prezto modules.
  for pmodule in "$pmodules[@]"; do
    if zstyle -t ":prezto:module:$pmodule" loaded 'yes' 'no'; then
      continue
    elif [[ ! -d "$ZPREZTODIR/modules/$pmodule" ]]; then
      print "$0: no such module: $pmodule" >&2
      continue
    else
      if [[ -s "$ZPREZTODIR/modules/$pmodule/init.zsh" ]]; then
        source "$ZPREZTODIR/modules/$pmodule/init.zsh"
      fi

      if (( $? == 0 )); then
        zstyle ":prezto:module:$pmodule" loaded 'yes'
      else
        zstyle ":prezto:module:$pmodule" loaded 'no'
      fi
    fi
  done
}

#
# Prezto Initialization
#

ZPREZTODIR=${0:h}

# Source the Prezto configuration file.
if [[ -s "${ZDOTDIR:-$HOME}/.zpreztorc" ]]; then
  source "${ZDOTDIR:-$HOME}/.zpreztorc"
fi

# Disable color and theme in dumb terminals.
if [[ "$TERM" == 'dumb' ]]; then
  zstyle ':prezto:*:*' color 'no'
  zstyle ':prezto:module:prompt' theme 'off'
fi

# Load Zsh modules.
zstyle -a ':prezto:load' zmodule 'zmodules'
for zmodule ("$zmodules[@]") zmodload "zsh/${(z)zmodule}"
unset zmodule{s,}

# Autoload Zsh functions.
zstyle -a ':prezto:load' zfunction 'zfunctions'
for zfunction ("$zfunctions[@]") autoload -Uz "$zfunction"
unset zfunction{s,}

# Load Prezto modules.
zstyle -a ':prezto:load' pmodule 'pmodules'
pmodload "$pmodules[@]"
unset pmodules
"""

# sorin-ionescu/prezto runcoms/zshrc, verbatim.
PREZTO_ZSHRC = """\
#
# Executes commands at the start of an interactive session.
#
# Authors:
#   Sorin Ionescu <sorin.ionescu@gmail.com>
#

# Source Prezto.
if [[ -s "${ZDOTDIR:-$HOME}/.zprezto/init.zsh" ]]; then
  source "${ZDOTDIR:-$HOME}/.zprezto/init.zsh"
fi

# Customize to your needs...
"""

# sorin-ionescu/prezto runcoms/zshenv, verbatim.
PREZTO_ZSHENV = """\
#
# Defines environment variables.
#
# Authors:
#   Sorin Ionescu <sorin.ionescu@gmail.com>
#

# Ensure that a non-login, non-interactive shell has a defined environment.
if [[ ( "$SHLVL" -eq 1 && ! -o LOGIN ) && -s "${ZDOTDIR:-$HOME}/.zprofile" ]]; then
  source "${ZDOTDIR:-$HOME}/.zprofile"
fi
"""

# sorin-ionescu/prezto runcoms/zprofile, the Less section trimmed.
PREZTO_ZPROFILE = """\
#
# Executes commands at login pre-zshrc.
#
# Authors:
#   Sorin Ionescu <sorin.ionescu@gmail.com>
#

#
# Editors
#

if [[ -z "$EDITOR" ]]; then
  export EDITOR='nano'
fi
if [[ -z "$VISUAL" ]]; then
  export VISUAL='nano'
fi
if [[ -z "$PAGER" ]]; then
  export PAGER='less'
fi

#
# Language
#

if [[ -z "$LANG" ]]; then
  export LANG='en_US.UTF-8'
fi

#
# Paths
#

# Ensure path arrays do not contain duplicates.
typeset -gU cdpath fpath mailpath path

# Set the list of directories that Zsh searches for programs.
path=(
  $HOME/{,s}bin(N)
  /opt/{homebrew,local}/{,s}bin(N)
  /usr/local/{,s}bin(N)
  $path
)
"""

# sorin-ionescu/prezto runcoms/zpreztorc (its start), with the user's own lines at the end.
PREZTO_ZPREZTORC = """\
#
# Sets Prezto options.
#
# Authors:
#   Sorin Ionescu <sorin.ionescu@gmail.com>
#

#
# General
#

# Color output (auto set to 'no' on dumb terminals).
zstyle ':prezto:*:*' color 'yes'

# Set the Prezto modules to load (browse modules).
# The order matters.
zstyle ':prezto:load' pmodule \\
  'environment' \\
  'terminal'

#
# Local
#

export CLAUDE_CODE_USE_BEDROCK=1
"""


def prezto(home: Path) -> Layout:
    runcoms = ".zprezto/runcoms"
    _write(home, ".zprezto/init.zsh", PREZTO_INIT)
    # Starts of prezto's modules/environment/init.zsh and modules/terminal/init.zsh.
    _write(home, ".zprezto/modules/environment/init.zsh", "# Smart URLs\nsetopt COMBINING_CHARS\n")
    _write(
        home,
        ".zprezto/modules/terminal/init.zsh",
        "# Return if requirements are not found.\n"
        'if [[ "$TERM" == (dumb|linux|*bsd*|eterm*) ]]; then\n  return 1\nfi\n',
    )
    for name, text in (
        ("zshenv", PREZTO_ZSHENV),
        ("zprofile", PREZTO_ZPROFILE),
        ("zshrc", PREZTO_ZSHRC),
        ("zpreztorc", PREZTO_ZPREZTORC),
    ):
        _write(home, f"{runcoms}/{name}", text)
        # prezto's README: ln -s "$rcfile" "${ZDOTDIR:-$HOME}/.${rcfile:t}", absolute.
        _link(home, f".{name}", str(home / runcoms / name))
    return Layout(
        "prezto",
        "zsh",
        (".zpreztorc", line_of(PREZTO_ZPREZTORC, BEDROCK)),
        None,
        "prezto's runcoms linked to ~/.z*: ~/.zshrc sources ~/.zprezto/init.zsh, which "
        "sources ~/.zpreztorc; ~/.zshenv sources ~/.zprofile for `zsh -c`",
    )


def zdotdir(home: Path) -> Layout:
    _write(home, ".zshenv", 'export ZDOTDIR="${XDG_CONFIG_HOME:-$HOME/.config}/zsh"\n')
    zshrc = (
        "# $ZDOTDIR/.zshrc\n"
        'HISTFILE="${XDG_STATE_HOME:-$HOME/.local/state}/zsh/history"\n'
        "export CLAUDE_CODE_USE_BEDROCK=1\n"
        "export AWS_REGION=ca-central-1\n"
    )
    _write(home, ".config/zsh/.zshrc", zshrc)
    _write(home, ".config/zsh/.zprofile", "# $ZDOTDIR/.zprofile\nexport EDITOR=vim\n")
    return Layout(
        "zdotdir",
        "zsh",
        (".config/zsh/.zshrc", line_of(zshrc, BEDROCK)),
        "ca-central-1",
        "~/.zshenv moves ZDOTDIR to ~/.config/zsh (XDG); every later zsh file is read there",
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
}
