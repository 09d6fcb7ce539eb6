# ruff: noqa: E501 -- the start-up files below are copies of real ones, long lines and all.
"""Zsh homes set up by a framework: oh-my-zsh and prezto.

The loading code is copied from the projects themselves, trimmed to what decides which files
run:

- ohmyzsh/ohmyzsh `templates/zshrc.zsh-template`, `oh-my-zsh.sh`, robbyrussell theme;
- sorin-ionescu/prezto `init.zsh` and `runcoms/*`, linked to `~/.z*` as its README says.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.homes.layout import (
    BEDROCK,
    INTERACTIVE,
    LOGIN,
    SCRIPT,
    Layout,
    _link,
    _write,
    line_of,
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
