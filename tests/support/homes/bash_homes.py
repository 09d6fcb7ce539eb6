# ruff: noqa: E501 -- the start-up files below are copies of real ones, long lines and all.
"""Bash homes laid out as the distributions and popular public bash set-ups lay them out.

The loading code is copied from the projects themselves, trimmed to what decides which files
run:

- Fedora's /etc/skel/.bashrc and .bash_profile (the `~/.bashrc.d/*` loop);
- Debian 12's /etc/skel/.bashrc and .profile;
- mathiasbynens/dotfiles `.bash_profile` and `.bashrc`;
- Bash-it/bash-it `template/bashrc.template.bash` and `bash_it.sh`.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.homes.layout import BEDROCK, Layout, _write, line_of

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
