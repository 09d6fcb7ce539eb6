"""Zsh homes kept in a dotfiles repository, as popular public ones are.

The loading code is copied from the projects themselves, trimmed to what decides which files
run:

- holman/dotfiles `zsh/zshrc.symlink`, linked to `~/.zshrc` as its bootstrap does;
- thoughtbot/dotfiles `zshrc`, `zsh/functions/g`, `zsh/configs/editor.zsh`;

and a home that moves ZDOTDIR to ~/.config/zsh (XDG).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.homes.layout import BEDROCK, Layout, _link, _write, line_of

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
