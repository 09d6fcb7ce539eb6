"""shells.sourcing against real shells.

Dotfile set-ups as they are published (Fedora's ~/.bashrc, mathiasbynens, oh-my-zsh,
thoughtbot, holman) are planted in a temporary HOME, and what we find by reading is checked
against what the real shell sources, as its xtrace (or, for fish and tcsh, a line each
sourced file writes) shows; and assignments() against where bash, zsh and ksh really assign.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from shells.base import Shell, Where
from shells.sourcing import (
    assignments,
    expand,
    parse_trace,
    sourced_files,
    static_sources,
    static_variables,
    trace_ps4,
)
from tests.conftest import require_program
from tests.support.homes import FEDORA_BASHRC
from tests.support.sourcing import MATHIAS_BASH_PROFILE, known_shell

# --- real shells: what they source is what we find -----------------------------------------------

BASE_PATH = "/usr/bin:/bin"


def plant(home: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(argv: list[str], home: Path, extra: dict[str, str] | None = None) -> bytes:
    """The shell's stderr, run in a bare environment from HOME."""
    env = {"HOME": str(home), "PATH": BASE_PATH, "LANG": "C.UTF-8", "TERM": "dumb"}
    ps4 = trace_ps4(argv[0])
    if ps4 is not None:
        env["PS4"] = ps4
    env.update(extra or {})
    program = require_program(argv[0])
    done = subprocess.run(
        [program, *argv[1:]],
        env=env,
        cwd=home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    return done.stderr


def follow(shell: Shell, where: Where, start: list[Path]) -> list[Path]:
    """What a caller does: follow static refs from the start-up files, depth first."""
    out: list[Path] = []

    def visit(path: Path, defined: dict[str, str], depth: int) -> None:
        data = path.read_bytes()
        for ref in static_sources(shell, data, where, defined):
            inherited = static_variables(shell, data, where, defined, until_line=ref.line)
            for found in expand(ref.pattern):
                if found not in out:
                    out.append(found)
                if depth < 8:
                    visit(found, inherited, depth + 1)

    for path in start:
        if path.is_file():
            visit(path, {}, 0)
    return out


def traced_under(home: Path, stderr: bytes) -> list[Path]:
    return [p for p in sourced_files(parse_trace(stderr)) if home in p.parents]


@pytest.mark.real_shell
def test_fedora_bashrc_real_bash(tmp_path: Path) -> None:
    home = tmp_path
    plant(
        home,
        {
            ".bashrc": FEDORA_BASHRC,
            ".bashrc.d/10-path.sh": "export FROM_D=1\n",
            ".bashrc.d/it's a file.sh": ". ~/.nested\n",
            ".bashrc.d/.hidden": "export HIDDEN=1\n",
            ".bashrc.d/subdir/x.sh": "export NO=1\n",
            ".nested": "export NESTED=1\n",
        },
    )
    traced = traced_under(home, run(["bash", "-x", "-i", "-c", "true"], home))
    d = home / ".bashrc.d"
    assert traced == [d / "10-path.sh", d / "it's a file.sh", home / ".nested"]
    bash = known_shell("bash")
    assert follow(bash, Where(home, {}), [home / ".bashrc"]) == traced


@pytest.mark.real_shell
def test_mathiasbynens_bash_profile_real_bash(tmp_path: Path) -> None:
    home = tmp_path
    plant(
        home,
        {
            ".bash_profile": MATHIAS_BASH_PROFILE,
            ".path": "PATH=$HOME/x:$PATH\n",
            ".aliases": "alias l='ls -l'\n",
            ".extra": "export SECRET=1\n",
            ".exports/keep": "a directory: [ -f ] is false\n",
        },
    )
    traced = traced_under(home, run(["bash", "-x", "-l", "-c", "true"], home))
    assert traced == [home / ".path", home / ".aliases", home / ".extra"]
    bash = known_shell("bash")
    assert follow(bash, Where(home, {}), [home / ".bash_profile"]) == traced


OH_MY_ZSH_ZSHRC = """\
# Path to your oh-my-zsh installation.
export ZSH="$HOME/.oh-my-zsh"

ZSH_THEME="robbyrussell"

plugins=(git)

source $ZSH/oh-my-zsh.sh
"""

# oh-my-zsh.sh, the parts that source files (text as in ohmyzsh/ohmyzsh).
OH_MY_ZSH_SH = """\
# If ZSH is not defined, use the current script's directory.
[[ -z "$ZSH" ]] && export ZSH="${${(%):-%x}:a:h}"

# Set ZSH_CUSTOM to the path where your custom config files
# and plugins exists, or else we will use the default custom/
if [[ -z "$ZSH_CUSTOM" ]]; then
    ZSH_CUSTOM="$ZSH/custom"
fi

# Load all of the config files in ~/oh-my-zsh that end in .zsh
# TIP: Add files you don't want in git to .gitignore
for config_file ("$ZSH"/lib/*.zsh); do
  custom_config_file="$ZSH_CUSTOM/lib/${config_file:t}"
  [[ -f "$custom_config_file" ]] && config_file="$custom_config_file"
  source "$config_file"
done
unset custom_config_file

# Load all of the plugins that were defined in ~/.zshrc
for plugin ($plugins); do
  if [[ -f "$ZSH_CUSTOM/plugins/$plugin/$plugin.plugin.zsh" ]]; then
    source "$ZSH_CUSTOM/plugins/$plugin/$plugin.plugin.zsh"
  elif [[ -f "$ZSH/plugins/$plugin/$plugin.plugin.zsh" ]]; then
    source "$ZSH/plugins/$plugin/$plugin.plugin.zsh"
  fi
done
unset plugin

# Load all of your custom configurations from custom/
for config_file ("$ZSH_CUSTOM"/*.zsh(N)); do
  source "$config_file"
done
unset config_file

# Load the theme
if [[ -n "$ZSH_THEME" ]]; then
  if [[ -f "$ZSH_CUSTOM/$ZSH_THEME.zsh-theme" ]]; then
    source "$ZSH_CUSTOM/$ZSH_THEME.zsh-theme"
  elif [[ -f "$ZSH_CUSTOM/themes/$ZSH_THEME.zsh-theme" ]]; then
    source "$ZSH_CUSTOM/themes/$ZSH_THEME.zsh-theme"
  else
    source "$ZSH/themes/$ZSH_THEME.zsh-theme"
  fi
fi
"""


@pytest.mark.real_shell
def test_oh_my_zsh_real_zsh(tmp_path: Path) -> None:
    home = tmp_path
    omz = home / ".oh-my-zsh"
    plant(
        home,
        {
            ".zshrc": OH_MY_ZSH_ZSHRC,
            ".oh-my-zsh/oh-my-zsh.sh": OH_MY_ZSH_SH,
            ".oh-my-zsh/lib/git.zsh": "true\n",
            ".oh-my-zsh/lib/history.zsh": "true\n",
            ".oh-my-zsh/plugins/git/git.plugin.zsh": "true\n",
            ".oh-my-zsh/custom/aws.zsh": "export AWS_PROFILE=work\n",
            ".oh-my-zsh/custom/example.zsh": "true\n",
            ".oh-my-zsh/custom/not-zsh.sh": "true\n",
            ".oh-my-zsh/themes/robbyrussell.zsh-theme": "true\n",
        },
    )
    traced = traced_under(home, run(["zsh", "-x", "-i", "-c", "true"], home))
    lib = [omz / "lib/git.zsh", omz / "lib/history.zsh"]
    plugin = [omz / "plugins/git/git.plugin.zsh"]
    custom = [omz / "custom/aws.zsh", omz / "custom/example.zsh"]
    theme = [omz / "themes/robbyrussell.zsh-theme"]
    assert traced == [omz / "oh-my-zsh.sh", *lib, *plugin, *custom, *theme]
    found = follow(known_shell("zsh"), Where(home, {}), [home / ".zshrc"])
    # Known misses: the lib loop reassigns its variable from `${config_file:t}`, and the plugin
    # loop runs over an array. Everything else is found, in order.
    assert found == [omz / "oh-my-zsh.sh", *custom, *theme]


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
      for config in "$_dir"/pre/**/*(N-.); do
        . $config
      done
    fi
  fi
}
_load_settings "$HOME/.zsh/configs"

# Local config
[[ -f ~/.zshrc.local ]] && source ~/.zshrc.local

# aliases
[[ -f ~/.aliases ]] && source ~/.aliases
"""

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
"""


@pytest.mark.real_shell
def test_thoughtbot_and_holman_real_zsh(tmp_path: Path) -> None:
    thoughtbot = tmp_path / "thoughtbot"
    plant(
        thoughtbot,
        {
            ".zshrc": THOUGHTBOT_ZSHRC,
            ".zsh/functions/envup": "true\n",
            ".zsh/functions/g": "true\n",
            ".zshrc.local": "export CLAUDE_CODE_USE_BEDROCK=1\n",
        },
    )
    traced = traced_under(thoughtbot, run(["zsh", "-x", "-i", "-c", "true"], thoughtbot))
    functions = thoughtbot / ".zsh/functions"
    assert traced == [functions / "envup", functions / "g", thoughtbot / ".zshrc.local"]
    zsh = known_shell("zsh")
    assert follow(zsh, Where(thoughtbot, {}), [thoughtbot / ".zshrc"]) == traced

    holman = tmp_path / "holman"
    plant(
        holman,
        {
            ".zshrc": HOLMAN_ZSHRC,
            ".localrc": "export SECRET=1\n",
            ".dotfiles/system/path.zsh": "true\n",
        },
    )
    traced = traced_under(holman, run(["zsh", "-x", "-i", "-c", "true"], holman))
    assert traced == [holman / ".localrc", holman / ".dotfiles/system/path.zsh"]
    # Known miss: the loop runs over a filtered array, `${(M)config_files:#*/path.zsh}`.
    assert follow(zsh, Where(holman, {}), [holman / ".zshrc"]) == [holman / ".localrc"]


def marker(path: Path, log: Path) -> str:
    return f"echo {path} >> {log}\n"


def sourced_log(log: Path) -> list[Path]:
    return [Path(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.real_shell
def test_fish_source_real_fish(tmp_path: Path) -> None:
    home = tmp_path
    log = home / "sourced.log"
    fish_dir = home / ".config/fish"
    files = {
        ".config/fish/config.fish": (
            "source ~/.config/fish/aliases.fish\n"
            "test -f ~/.config/fish/local.fish; and source ~/.config/fish/local.fish\n"
            "if test -e $__fish_config_dir/secret.fish\n"
            "    source $__fish_config_dir/secret.fish\n"
            "end\n"
            "for f in ~/.config/fish/custom/*.fish; source $f; end\n"
            "set -l extra ~/.config/fish/extra\n"
            'source "$extra/work.fish"\n'
        ),
    }
    sourced = [
        "aliases.fish",
        "secret.fish",
        "custom/a.fish",
        "custom/b.fish",
        "extra/work.fish",
    ]
    for name in sourced:
        files[f".config/fish/{name}"] = marker(fish_dir / name, log)
    plant(home, files)
    run(["fish", "-i", "-c", "true"], home, {"XDG_CONFIG_HOME": str(home / ".config")})
    real = sourced_log(log)
    assert real == [fish_dir / name for name in sourced]  # local.fish is absent: skipped
    where = Where(home, {"XDG_CONFIG_HOME": str(home / ".config")})
    assert follow(known_shell("fish"), where, [fish_dir / "config.fish"]) == real


@pytest.mark.real_shell
def test_tcsh_source_real_tcsh(tmp_path: Path) -> None:
    home = tmp_path
    log = home / "sourced.log"
    files = {
        ".tcshrc": (
            "source ~/.aliases\n"
            "if ( -f ~/.tcshrc.local ) source ~/.tcshrc.local\n"
            "if ( -f ~/.missing ) source ~/.missing\n"
            "foreach f ( ~/.tcsh.d/*.csh )\n"
            "    source $f\n"
            "end\n"
        ),
    }
    sourced = [".aliases", ".tcshrc.local", ".tcsh.d/a.csh", ".tcsh.d/b.csh"]
    for name in sourced:
        files[name] = marker(home / name, log)
    plant(home, files)
    run(["tcsh", "-c", "true"], home)
    real = sourced_log(log)
    assert real == [home / name for name in sourced]
    assert follow(known_shell("tcsh"), Where(home, {}), [home / ".tcshrc"]) == real


# --- real shells: assignments() names the file and line ------------------------------------------

NAMES = ["REMEDY_A", "REMEDY_B", "REMEDY_T", "REMEDY_NL", "REMEDY_C", "REMEDY_D"]


@pytest.fixture
def shared_home() -> Iterator[Path]:
    """A HOME another user can read: bash takes our PS4 only when it does not run as root."""
    path = Path(tempfile.mkdtemp(prefix="remedy-sourcing-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


BASHRC = """\
export REMEDY_A=1 REMEDY_B='two words'
REMEDY_T=1 true
export REMEDY_NL='a
b'
. ~/.bashrc.d/inc.sh
declare -x REMEDY_C=3
export REMEDY_A
"""
INC = "# comment\nREMEDY_D=$'x\\ty'\nexport REMEDY_D\n"


@pytest.mark.root
def test_bash_assignments_with_our_ps4(shared_home: Path) -> None:
    home = shared_home
    plant(home, {".bashrc": BASHRC, ".bashrc.d/inc.sh": INC})
    for path in [home / ".bashrc", home / ".bashrc.d", home / ".bashrc.d/inc.sh"]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    argv = ["bash", "-x", "-i", "-c", "true"]
    if os.geteuid() == 0:
        require_program("setpriv")
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        env = {"PS4": trace_ps4("bash") or ""}
    else:
        env = {}
    lines = parse_trace(run(argv, home, env))
    rc, inc = str(home / ".bashrc"), str(home / ".bashrc.d/inc.sh")
    assert assignments(lines, NAMES) == [
        (rc, 1, "REMEDY_A"),
        (rc, 1, "REMEDY_B"),
        (rc, 2, "REMEDY_T"),  # bash traces `X=1 cmd` as `X=1` and `cmd`: listed
        (rc, 4, "REMEDY_NL"),  # bash gives a multi-line command the line where it ends
        (inc, 2, "REMEDY_D"),
        (rc, 6, "REMEDY_C"),
    ]
    assert sourced_files(lines) == [Path(inc)]


@pytest.mark.real_shell
@pytest.mark.skipif(os.geteuid() != 0, reason="measures bash's behaviour as root")
def test_bash_as_root_ignores_our_ps4(tmp_path: Path) -> None:
    plant(tmp_path, {".bashrc": BASHRC, ".bashrc.d/inc.sh": INC})
    lines = parse_trace(run(["bash", "-x", "-i", "-c", "true"], tmp_path))
    assert lines, "bash wrote no trace"
    assert all(t.file is None and t.line is None for t in lines)
    assert "export REMEDY_A=1 'REMEDY_B=two words'" in [t.command for t in lines]
    assert "export 'REMEDY_NL=a\nb'" in [t.command for t in lines]
    assert assignments(lines, NAMES) == []  # the fallback: names without a place
    assert sourced_files(lines) == [tmp_path / ".bashrc.d/inc.sh"]


@pytest.mark.real_shell
def test_zsh_assignments(tmp_path: Path) -> None:
    zshrc = BASHRC.replace(".bashrc.d/inc.sh", ".zsh.d/inc.zsh").replace("declare", "typeset -g")
    plant(tmp_path, {".zshrc": zshrc, ".zsh.d/inc.zsh": INC})
    lines = parse_trace(run(["zsh", "-x", "-i", "-c", "true"], tmp_path))
    rc, inc = str(tmp_path / ".zshrc"), str(tmp_path / ".zsh.d/inc.zsh")
    assert assignments(lines, NAMES) == [
        (rc, 1, "REMEDY_A"),
        (rc, 1, "REMEDY_B"),
        (rc, 3, "REMEDY_NL"),  # zsh: the line where the command starts
        (inc, 2, "REMEDY_D"),
        (rc, 6, "REMEDY_C"),
    ]  # no REMEDY_T: zsh shows `X=1 cmd` on one line, X set for cmd only
    assert sourced_files(lines) == [Path(inc)]


KSHRC = """\
export REMEDY_A=1 REMEDY_B='two words'
. ~/.ksh.d/inc.sh
typeset -x REMEDY_C=3
"""


@pytest.mark.real_shell
def test_ksh_assignments(tmp_path: Path) -> None:
    plant(tmp_path, {".kshrc": KSHRC, ".ksh.d/inc.sh": INC})
    rc, inc = str(tmp_path / ".kshrc"), str(tmp_path / ".ksh.d/inc.sh")
    # Dotted from -c, as a caller should run it: every line number is right.
    stderr = run(["ksh", "-x", "-i", "-c", ". ~/.kshrc"], tmp_path, {"ENV": "/dev/null"})
    lines = parse_trace(stderr)
    expected = [(rc, 1, "REMEDY_A"), (rc, 1, "REMEDY_B"), (inc, 2, "REMEDY_D"), (rc, 3, "REMEDY_C")]
    assert assignments(lines, NAMES) == expected
    assert sourced_files(lines) == [Path(rc), Path(inc)]
    # Read at start-up, ksh93u+m 1.0.4 counts lines across files (measured, see the module
    # docstring): inc.sh's line 2 is reported as 2 + 2 (the `.` line), and .kshrc's line 3 as
    # 3 + 3 (inc.sh's length). Files stay right; numbers after the first `.` do not.
    lines = parse_trace(run(["ksh", "-x", "-i", "-c", "true"], tmp_path))
    assert assignments(lines, NAMES) == [
        (rc, 1, "REMEDY_A"),
        (rc, 1, "REMEDY_B"),
        (inc, 4, "REMEDY_D"),
        (rc, 6, "REMEDY_C"),
    ]
