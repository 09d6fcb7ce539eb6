"""shells.sourcing: following `source` statements by reading, and reading real shells' traces.

The real-shell tests plant dotfile set-ups as they are published (Fedora's ~/.bashrc,
mathiasbynens, oh-my-zsh, thoughtbot, holman) in a temporary HOME and check that what we find
by reading is what the real shell sources, as its xtrace (or, for fish and tcsh, a line each
sourced file writes) shows.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shells import shell_named
from shells.base import Shell, Where
from shells.sourcing import (
    MARK,
    SourceRef,
    TraceLine,
    assignments,
    expand,
    parse_trace,
    sourced_files,
    static_sources,
    static_variables,
    trace_ps4,
    trace_words,
)
from tests.conftest import require_program
from tests.support.homes import FEDORA_BASHRC

HOME = Path("/home/u")
WHERE = Where(HOME, {})


def _shell(name: str) -> Shell:
    shell = shell_named(name)
    assert shell is not None
    return shell


def refs(
    shell: str, text: str, defined: dict[str, str] | None = None
) -> list[tuple[int, str, bool]]:
    found = static_sources(_shell(shell), text.encode(), WHERE, defined)
    return [(r.line, r.pattern, r.optional) for r in found]


# --- static_sources: the forms real start-up files use -----------------------------------------


# mathiasbynens/dotfiles .bash_profile (the brace loop, as published for years).
MATHIAS_BASH_PROFILE = """\
# Add `~/bin` to the `$PATH`
export PATH="$HOME/bin:$PATH";

# Load the shell dotfiles, and then some:
# * ~/.path can be used to extend `$PATH`.
# * ~/.extra can be used for other settings you don't want to commit.
for file in ~/.{path,exports,aliases,functions,extra}; do
\t[ -r "$file" ] && [ -f "$file" ] && source "$file";
done;
unset file;
"""


def test_fedora_bashrc_loop_over_several_lines() -> None:
    assert refs("bash", FEDORA_BASHRC) == [
        (5, "/etc/bashrc", True),
        (21, "/home/u/.bashrc.d/*", True),
    ]


def test_brace_list_gives_one_ref_per_file_all_guarded() -> None:
    found = refs("bash", MATHIAS_BASH_PROFILE)
    names = ["path", "exports", "aliases", "functions", "extra"]
    assert found == [(8, f"/home/u/.{n}", True) for n in names]


@pytest.mark.parametrize(
    ("shell", "text", "expected"),
    [
        ("bash", "[ -f ~/.localrc ] && . ~/.localrc", [(1, "/home/u/.localrc", True)]),
        (
            "bash",
            'test -r "$HOME/.extra" && source "$HOME/.extra"',
            [(1, "/home/u/.extra", True)],
        ),
        (
            "bash",
            "if [ -f ~/.bash_aliases ]; then . ~/.bash_aliases; fi",
            [(1, "/home/u/.bash_aliases", True)],
        ),
        # The guard covers the branch only, not what follows the if.
        (
            "bash",
            "if [ -f ~/.a ]\nthen\n  . ~/.a\nelse\n  . ~/.b\nfi\n. ~/.a",
            [(3, "/home/u/.a", True), (5, "/home/u/.b", False), (7, "/home/u/.a", False)],
        ),
        ("bash", "f=~/.x\n[[ -r $f ]] && source $f", [(2, "/home/u/.x", True)]),
        ("bash", "[ ! -f ~/.x ] || . ~/.x", [(1, "/home/u/.x", False)]),
        ("bash", "[ ! -e ~/.x ] && . ~/.x", [(1, "/home/u/.x", False)]),
        ("bash", "! [ -e ~/.x ] && . ~/.x", [(1, "/home/u/.x", False)]),
        ("bash", "source ~/.x", [(1, "/home/u/.x", False)]),
        (
            "bash",
            'for f in ~/.bashrc.d/*.sh; do . "$f"; done',
            [(1, "/home/u/.bashrc.d/*.sh", True)],
        ),
        (
            "bash",
            "for f in ~/.a ~/.b; do . $f; done",
            [(1, "/home/u/.a", False), (1, "/home/u/.b", False)],
        ),
        # Brace corner cases, as bash 5.2 expands them.
        (
            "bash",
            ". ~/{{a,b}\n. ~/x{a}y{b,c}\n. ~/{a,{b,c}}d",
            [
                (1, "/home/u/{a", False),
                (1, "/home/u/{b", False),
                (2, "/home/u/x{a}yb", False),
                (2, "/home/u/x{a}yc", False),
                (3, "/home/u/ad", False),
                (3, "/home/u/bd", False),
                (3, "/home/u/cd", False),
            ],
        ),
        # nvm's installer writes `\.`
        (
            "bash",
            'export NVM_DIR="$HOME/.nvm"\n[ -s "$NVM_DIR/nvm.sh" ] && \\. "$NVM_DIR/nvm.sh"  # nvm',
            [(2, "/home/u/.nvm/nvm.sh", True)],
        ),
        # bash-it
        (
            "bash",
            'BASH_IT="$HOME/.bash_it"\n'
            'for config_file in "${BASH_IT_CUSTOM:-${BASH_IT}/custom}"/*.bash; do\n'
            '  if [ -e "${config_file}" ]; then\n    source "$config_file"\n  fi\ndone',
            [(4, "/home/u/.bash_it/custom/*.bash", True)],
        ),
        # Relative: read from HOME.
        ("bash", ". .bash_aliases", [(1, "/home/u/.bash_aliases", False)]),
        ("bash", '. "$HOME/it\'s [x] *"', [(1, "/home/u/it's [[]x] [*]", False)]),
        (
            "bash",
            "{ . ~/.a; }\n( . ~/.b )\ncase $x in\n  y) . ~/.c;;\nesac",
            [(1, "/home/u/.a", False), (2, "/home/u/.b", False), (4, "/home/u/.c", False)],
        ),
        # A function body may never run: its sources are optional.
        (
            "bash",
            "load() {\n  . ~/.in_function\n}\n. ~/.after",
            [(2, "/home/u/.in_function", True), (4, "/home/u/.after", False)],
        ),
        # zsh: short loops, glob qualifiers, ZDOTDIR and XDG defaults.
        (
            "zsh",
            'ZSH="$HOME/.oh-my-zsh"\nZSH_CUSTOM=$ZSH/custom\n'
            'for config_file ("$ZSH_CUSTOM"/*.zsh(N)); do\n  source "$config_file"\ndone',
            [(4, "/home/u/.oh-my-zsh/custom/*.zsh", True)],
        ),
        ("zsh", "for f (~/.z/*.zsh(.N)) source $f", [(1, "/home/u/.z/*.zsh", True)]),
        (
            "zsh",
            "for f (~/.a ~/.b) { source $f }",
            [(1, "/home/u/.a", False), (1, "/home/u/.b", False)],
        ),
        (
            "zsh",
            "[[ -f ~/.zshrc.local ]] && source ~/.zshrc.local",
            [(1, "/home/u/.zshrc.local", True)],
        ),
        (
            "zsh",
            "source ${ZDOTDIR:-$HOME}/.a\nsource ${ZDOTDIR:-~}/.b\nsource $XDG_CONFIG_HOME/z/c\n"
            "source ${XDG_CONFIG_HOME:-$HOME/.config}/z/d",
            [
                (1, "/home/u/.a", False),
                (2, "/home/u/.b", False),
                (3, "/home/u/.config/z/c", False),
                (4, "/home/u/.config/z/d", False),
            ],
        ),
        ("ksh", ". ~/.{a,b}", [(1, "/home/u/.a", False), (1, "/home/u/.b", False)]),
        # dash has no brace expansion: the braces are part of the name.
        ("sh", ". ~/.{a,b}", [(1, "/home/u/.{a,b}", False)]),
        # fish
        (
            "fish",
            "source ~/.config/fish/a.fish\n. $__fish_config_dir/b.fish\n"
            "test -f ~/x.fish; and source ~/x.fish\n"
            "if test -e ~/.config/fish/local.fish; source ~/.config/fish/local.fish; end\n"
            "for f in ~/.config/fish/custom/*.fish; source $f; end\n"
            "set -gx D ~/d\nsource $D/e.fish\nsource {$D}/f.fish",
            [
                (1, "/home/u/.config/fish/a.fish", False),
                (2, "/home/u/.config/fish/b.fish", False),
                (3, "/home/u/x.fish", True),
                (4, "/home/u/.config/fish/local.fish", True),
                (5, "/home/u/.config/fish/custom/*.fish", True),
                (7, "/home/u/d/e.fish", False),
                (8, "/home/u/d/f.fish", False),
            ],
        ),
        # tcsh
        (
            "tcsh",
            "source ~/.aliases\nif ( -f ~/.tcshrc.local ) source ~/.tcshrc.local\n"
            "if ( -r ~/.y ) then\n  source ~/.y\nendif\n"
            "foreach f ( ~/.tcsh.d/*.csh )\n  source $f\nend\nset d = ~/dd\nsource $d/q\n"
            "source -h ~/.history_only",
            [
                (1, "/home/u/.aliases", False),
                (2, "/home/u/.tcshrc.local", True),
                (4, "/home/u/.y", True),
                (7, "/home/u/.tcsh.d/*.csh", True),
                (10, "/home/u/dd/q", False),
            ],
        ),
    ],
)
def test_static_forms(shell: str, text: str, expected: list[tuple[int, str, bool]]) -> None:
    assert refs(shell, text) == expected


@pytest.mark.parametrize(
    ("shell", "text"),
    [
        ("bash", "source $(brew --prefix)/etc/x.sh"),
        ("bash", "source `brew --prefix`/etc/x.sh"),
        ("bash", "source $UNKNOWN/x.sh"),
        ("bash", 'source "$1"'),
        ("bash", "source ~other/x"),
        ("bash", "for f in $(ls); do . $f; done"),
        ("bash", "for f; do . $f; done"),
        ("bash", "for f in ~/.d/*; do f=$f.bak; . $f; done"),
        ("bash", "for f in ~/.d/*; do :; done\n. $f"),
        ("bash", "X=~/.a\nunset X\n. $X"),
        # Once unknown, a default or a one-branch assignment does not make it known again.
        ("bash", 'X=$(pwd)\n[ -z "$X" ] && X=~/.b\n. $X'),
        ("bash", "X=$(pwd)\nif [ -d ~/.b ]; then X=~/.b; fi\n. $X"),
        ("bash", "X=$(pwd)\n: ${X:=~/.b}\n. $X"),
        ("bash", "X=$(pwd)\nX+=/.b\n. $X"),
        ("bash", "f=~/.a\nwhile read -r f; do . $f; done < ~/.list"),
        ("fish", "set f ~/.a\nwhile read f; source $f; end < ~/.list"),
        ("bash", "X=~/.a\nif true; then X=$(pwd); fi\n. $X"),
        ("bash", 'X=~/.a\nif [ -n "$Y" ]; then X=~/.b; fi\n. $X'),
        ("bash", "X=~/.a\n[ -d ~/.b ] && X=~/.b\n. $X"),
        ("bash", 'X="a b"\n. $X'),  # unquoted: split into two words
        ("bash", ". ~/.x{1..3}"),
        ("bash", "cat <<EOF\n. ~/.in_heredoc\nEOF"),
        ("bash", "# . ~/.comment\necho '. ~/.quoted'\nalias r='. ~/.alias'"),
        ("bash", "echo 'multi\n. ~/.still_quoted'"),
        ("zsh", "for file in ${(M)config_files:#*/path.zsh}; do source $file; done"),
        ("zsh", "source ~/.z/**/*.zsh"),
        ("fish", "source (brew --prefix)/x.fish"),
        ("fish", "source $list[1]"),
        ("tcsh", "source $x:h/y"),
        ("pwsh", ". $PROFILE.CurrentUserAllHosts"),
    ],
)
def test_never_guesses(shell: str, text: str) -> None:
    assert refs(shell, text) == []


def test_defined_variables_and_defaults() -> None:
    text = '[[ -z "$ZSH" ]] && export ZSH="${${(%):-%x}:a:h}"\n' + (
        'if [[ -z "$ZSH_CUSTOM" ]]; then\n    ZSH_CUSTOM="$ZSH/custom"\nfi\n'
        "source $ZSH_CUSTOM/a.zsh\n"
    )
    # ZSH from an earlier file survives the "default it" idiom; without it nothing is guessed.
    assert refs("zsh", text, {"ZSH": "/o"}) == [(5, "/o/custom/a.zsh", False)]
    assert refs("zsh", text) == []
    assert refs("zsh", text, {"ZSH": "/o", "ZSH_CUSTOM": "/c"}) == [(5, "/c/a.zsh", False)]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (": ${X:=~/.a}\n. $X", "/home/u/.a"),
        ('X=""\n: "${X:=$HOME/.a}"\n. $X', "/home/u/.a"),
        ("X=~/.a\n: ${X:=~/.b}\n. $X", "/home/u/.a"),
        ("X=~\nX+=/.a\n. $X", "/home/u/.a"),
        ("if [ -d ~/.d ]; then X=~/.d; fi\n. $X/rc", "/home/u/.d/rc"),
        ("X=~/.a\nif [ -d ~/.d ]; then X=~/.a; fi\n. $X", "/home/u/.a"),
    ],
)
def test_assignment_forms_that_stay_known(text: str, pattern: str) -> None:
    assert [p for _, p, _ in refs("bash", text)] == [pattern]


def test_static_variables_until_a_line() -> None:
    data = b'export ZSH="$HOME/.oh-my-zsh"\nZSH_THEME="robbyrussell"\nsource $ZSH/x\nLATE=1\n'
    zsh = _shell("zsh")
    assert static_variables(zsh, data, WHERE, until_line=3) == {
        "ZSH": "/home/u/.oh-my-zsh",
        "ZSH_THEME": "robbyrussell",
    }
    assert static_variables(zsh, data, WHERE)["LATE"] == "1"


def test_home_with_glob_characters_is_escaped() -> None:
    where = Where(Path("/h/[u]*"), {})
    found = static_sources(
        _shell("bash"), b". .rel\n. ~/.tilde\nfor f in ~/d/*; do . $f; done", where
    )
    assert [(r.pattern, r.optional) for r in found] == [
        ("/h/[[]u][*]/.rel", False),
        ("/h/[[]u][*]/.tilde", False),
        ("/h/[[]u][*]/d/*", True),
    ]


def test_config_home_follows_the_environment() -> None:
    where = Where(HOME, {"XDG_CONFIG_HOME": "/xdg", "ZDOTDIR": "/zd"})
    found = static_sources(
        _shell("fish"), b"source $__fish_config_dir/a.fish\nsource $XDG_CONFIG_HOME/b", where
    )
    assert [r.pattern for r in found] == ["/xdg/fish/a.fish", "/xdg/b"]
    found = static_sources(_shell("zsh"), b"source $ZDOTDIR/.zaliases", where)
    assert [r.pattern for r in found] == ["/zd/.zaliases"]


# --- expand --------------------------------------------------------------------------------------


def test_expand_sorted_regular_files_only(tmp_path: Path) -> None:
    d = tmp_path / "rc.d"
    d.mkdir()
    for name in ("b.sh", "a.sh", "B.sh", ".hidden.sh", "sp ace.sh"):
        (d / name).write_text("")
    (d / "dir.sh").mkdir()
    (d / "link.sh").symlink_to(d / "a.sh")
    (d / "dangling.sh").symlink_to(d / "missing")
    found = expand(str(d) + "/*.sh")
    # Byte order: upper case first, hidden files not matched by `*`, directories left out.
    assert [p.name for p in found] == ["B.sh", "a.sh", "b.sh", "link.sh", "sp ace.sh"]
    assert expand(str(d) + "/.*.sh") == [d / ".hidden.sh"]
    assert expand(str(d / "a.sh")) == [d / "a.sh"]
    assert expand(str(d / "missing")) == []
    assert expand("relative/*.sh") == []


def test_expand_escaped_and_capped(tmp_path: Path) -> None:
    (tmp_path / "[x] *").write_text("")
    (tmp_path / "x").write_text("")
    found = static_sources(_shell("bash"), b'. "$HOME/[x] *"', Where(tmp_path, {}))
    assert [expand(r.pattern) for r in found] == [[tmp_path / "[x] *"]]
    many = tmp_path / "many"
    many.mkdir()
    for n in range(300):
        (many / f"{n:03}.sh").write_text("")
    found_many = expand(str(many) + "/*.sh")
    assert len(found_many) == 256
    assert found_many[0].name == "000.sh" and found_many[-1].name == "255.sh"


# --- parse_trace and friends on measured samples -------------------------------------------------

M = MARK


def test_trace_ps4() -> None:
    assert trace_ps4("bash") == f"+{M}${{BASH_SOURCE}}{M}${{LINENO}}{M} "
    assert trace_ps4("/usr/bin/zsh") == f"+{M}%x{M}%I{M} "
    assert trace_ps4("ksh93") == trace_ps4("ksh") == f"+{M}${{.sh.file}}{M}${{LINENO}}{M} "
    assert trace_ps4("fish") is None
    assert trace_ps4("tcsh") is None


def test_parse_bash_root_default_prefix() -> None:
    # Measured: bash 5.2 as root, PS4 from the environment ignored.
    stderr = (
        b"bash: no job control in this shell\n"
        b"+ export A=1 B=2\n"
        b"+ export 'NL=line1\n"
        b"line2'\n"
        b"+ . /h/.bashrc.d/a.sh\n"
        b"++ export IN_D=1\n"
        b"user output\n"
        b"+ source '/h/my dir/it'\\''s.sh'\n"
    )
    lines = parse_trace(stderr)
    assert lines == [
        TraceLine(None, None, "export A=1 B=2"),
        TraceLine(None, None, "export 'NL=line1\nline2'"),
        TraceLine(None, None, ". /h/.bashrc.d/a.sh"),
        TraceLine(None, None, "export IN_D=1"),
        TraceLine(None, None, "source '/h/my dir/it'\\''s.sh'"),
    ]
    assert sourced_files(lines) == [Path("/h/.bashrc.d/a.sh"), Path("/h/my dir/it's.sh")]
    assert assignments(lines, ["A", "NL", "IN_D"]) == []  # no file: nothing to attribute


def test_parse_marked_prefixes() -> None:
    stderr = (
        f"+{M}/h/.bashrc{M}5{M} export 'NL=line1\nline2'\n"
        f"++{M}/h/a.sh{M}1{M} declare -x DX=3\n"
        f"+{M}/h/.zshrc{M}2{M} X=1 +{M}/h/.zshrc{M}2{M} true\n"
        f"+{M}/h/.zshrc{M}3{M} Y=$'multi\\nline' Z=2 \n"
        f"+{M}/h/.kshrc{M}4{M} . $'/h/it\\'s'\n"
        f"+{M}/h/.kshrc{M}5{M} . /h/it\\'s\n"
        f"+{M}{M}1{M} true\n"
    ).encode()
    lines = parse_trace(stderr)
    assert [(t.file, t.line) for t in lines] == [
        ("/h/.bashrc", 5),
        ("/h/a.sh", 1),
        ("/h/.zshrc", 2),
        ("/h/.zshrc", 3),
        ("/h/.kshrc", 4),
        ("/h/.kshrc", 5),
        (None, 1),
    ]
    assert lines[0].command == "export 'NL=line1\nline2'"
    assert lines[2].command == "true"  # zsh's `X=1 cmd`: X is cmd's alone
    names = ["NL", "DX", "X", "Y", "Z"]
    assert assignments(lines, names) == [
        ("/h/.bashrc", 5, "NL"),
        ("/h/a.sh", 1, "DX"),
        ("/h/.zshrc", 3, "Y"),
        ("/h/.zshrc", 3, "Z"),
    ]
    assert sourced_files(lines) == [Path("/h/it's")]


def test_open_quote_in_a_test_does_not_swallow_later_lines() -> None:
    # Measured: bash traces `[[ $x == "it's" ]]` as `[[ it's == \i\t\'\s ]]`, quote unbalanced.
    stderr = b"+ [[ it's == \\i\\t\\'\\s ]]\nuser line\n+ . /h/next\n"
    lines = parse_trace(stderr)
    assert [t.command.split("\n")[0] for t in lines] == ["[[ it's == \\i\\t\\'\\s ]]", ". /h/next"]
    assert sourced_files(lines) == [Path("/h/next")]


@pytest.mark.parametrize(
    ("command", "names", "expected"),
    [
        ("export A=1 B=2", ["A", "B"], ["A", "B"]),
        ("export A", ["A"], []),
        ("declare -x A=1", ["A"], ["A"]),
        ("typeset -gx A=1", ["A"], ["A"]),
        ("readonly A=1", ["A"], ["A"]),
        ("A+=x", ["A"], ["A"]),
        ("A=1 B=2 ", ["B"], ["B"]),
        ("A=1 cmd", ["A"], []),
        ("echo A=1", ["A"], []),
        ("export 'A=it'\\''s' $'B=\\001'", ["A", "B"], ["A", "B"]),
        ("local A=1", ["A"], []),
    ],
)
def test_assignment_forms(command: str, names: list[str], expected: list[str]) -> None:
    found = assignments([TraceLine("/f", 1, command)], names)
    assert [name for _, _, name in found] == expected


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("export 'NL=line1\nline2'", ["export", "NL=line1\nline2"]),
        ("x='it'\\''s'", ["x=it's"]),
        ("C1=$'\\001x' C9=$'\\303\\251'", ["C1=\x01x", "C9=é"]),  # bash
        ("C1=$'\\C-Ax' C9=$'\\M-C\\M-)' C12=$'\\C-?'", ["C1=\x01x", "C9=é", "C12=\x7f"]),  # zsh
        ("C5=$'it\\'s' C8=$'\\E[0m' C1=$'\\x01'", ["C5=it's", "C8=\x1b[0m", "C1=\x01"]),  # ksh
        ('"a \\"b\\" $c"', ['a "b" $c']),
        ("a\\ b", ["a b"]),
    ],
)
def test_trace_words_unquote_measured_forms(command: str, words: list[str]) -> None:
    assert trace_words(command) == words


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
    bash = _shell("bash")
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
    bash = _shell("bash")
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
    found = follow(_shell("zsh"), Where(home, {}), [home / ".zshrc"])
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
    zsh = _shell("zsh")
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
    assert follow(_shell("fish"), where, [fish_dir / "config.fish"]) == real


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
    assert follow(_shell("tcsh"), Where(home, {}), [home / ".tcshrc"]) == real


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


# --- properties ----------------------------------------------------------------------------------

_TRACE_PIECES = st.sampled_from(
    [b"+ ", b"++ ", f"+{M}/f{M}1{M} ".encode(), f"+{M}{M}{M} ".encode(), b"'", b'"', b"$'",
     b"\\", b"\n", b" ", b"=", b"A", b"export ", b". ", b"source ", b"/x", b"\\C-", b"\\M-",
     b"\\x", b"\\u", b"\\0", M.encode(), b"\xff"]
)  # fmt: skip
_ANY_TRACE = st.one_of(st.binary(max_size=300), st.lists(_TRACE_PIECES, max_size=40).map(b"".join))


@settings(max_examples=300)
@given(_ANY_TRACE)
def test_parse_trace_never_raises(stderr: bytes) -> None:
    lines = parse_trace(stderr)
    prefixed = [r for r in stderr.split(b"\n") if r.startswith(b"+")]
    assert len(lines) <= len(prefixed)
    for traced in lines:
        assert traced.file is None or (traced.file and MARK not in traced.file)
        assert traced.line is None or traced.line >= 0
    for path in sourced_files(lines):
        assert path.is_absolute()
    for file, line, name in assignments(lines, ["A", "x"]):
        assert file and line >= 0 and name in ("A", "x")


_TRACE_PREFIX = st.sampled_from(
    [b"+ ", b"++ ", f"+{M}/f{M}1{M} ".encode(), f"++{M}/g{M}7{M} ".encode(), b""]
)
_FIRST_WORD = st.sampled_from(
    [b"export ", b"declare -x ", b"typeset ", b"readonly ", b"integer ", b"local ", b"alias ",
     b"echo ", b"[ ", b". ", b"source ", b"builtin ", b"command ", b"A=1 ", b"x+=2 ", b" A=",
     b"\tx=1", b"exported ", b"'", b'"', b"$'", b"\\", b"", b"A", b'"A=1" ', b"ex'port' ",
     b'A"="', b"$'x=1' ", b"\\A=1 ", b"so'urce' "]
)  # fmt: skip
_LATER_PIECES = st.sampled_from(
    [b"A=1", b"x=", b"'a=b'", b" ", b"=", b"'", b'"', b"\\", b"/x", b"~/y", b"-x ", b"$"]
)
_TRACE_LINE = st.tuples(_TRACE_PREFIX, _FIRST_WORD, st.lists(_LATER_PIECES, max_size=5)).map(
    lambda t: t[0] + t[1] + b"".join(t[2])
)


@settings(max_examples=500)
@given(st.lists(_TRACE_LINE, max_size=8).map(b"\n".join))
@example(f'+{M}/f{M}1{M} "A=1"'.encode())  # a quoted first word: found by CI
def test_keeping_only_relevant_trace_lines_loses_nothing(stderr: bytes) -> None:
    """relevant_only drops commands that neither assign nor may source (most of a big
    file's trace): what sourced_files() and assignments() find must not change."""
    full, kept = parse_trace(stderr), parse_trace(stderr, relevant_only=True)
    assert sourced_files(kept) == sourced_files(full)
    names = ["A", "x"]
    assert assignments(kept, names) == assignments(full, names)


@settings(max_examples=1000)
@given(st.one_of(_TRACE_LINE, st.lists(_TRACE_PIECES, max_size=12).map(b"".join)))
def test_the_one_match_for_a_common_line_says_what_the_slow_path_says(raw_bytes: bytes) -> None:
    """parse_trace takes most lines with one match (_COMMON); the slow path (_start, then
    the quote walked character by character) must read such a line the same way, and every
    line it finds whole, with no second prefix, must be one _COMMON takes."""
    from shells.sourcing.trace import _COMMON, _MARKED, _PLAIN, _start

    raw = raw_bytes.decode("utf-8", "surrogateescape").split("\n")[0]
    fast = _COMMON.fullmatch(raw)
    slow = _start(raw)
    if fast is not None:
        assert slow is not None and not slow.quote.open and not slow.quote.escaped, raw
        file, line = fast.group(1, 2)
        expected = TraceLine(file or None, int(line) if line else None, fast.group("command"))
        assert slow.finish() == expected, raw
    prefix = _MARKED.match(raw) or _PLAIN.match(raw)
    whole = slow is not None and not slow.quote.open and not slow.quote.escaped
    if whole and prefix and M not in raw[prefix.end() :]:
        assert fast is not None, raw


@settings(max_examples=500)
@given(
    st.one_of(_ANY_TRACE, st.lists(_TRACE_LINE, max_size=8).map(b"\n".join)),
    st.lists(st.integers(min_value=0, max_value=400), max_size=6),
    st.booleans(),
)
def test_a_trace_read_in_pieces_reads_as_it_does_whole(
    stderr: bytes, cuts: list[int], relevant_only: bool
) -> None:
    """TraceReader is fed what a shell writes as it comes: pieces that end anywhere, in a
    line, in a UTF-8 sequence, on a LF or nowhere (an empty piece)."""
    from shells.sourcing import TraceReader

    reader = TraceReader(relevant_only=relevant_only)
    last = 0
    for cut in sorted(min(c, len(stderr)) for c in cuts):
        reader.feed(stderr[last:cut])
        last = cut
    reader.feed(stderr[last:])
    assert reader.finish() == parse_trace(stderr, relevant_only=relevant_only)


@given(st.lists(st.binary(max_size=40).filter(lambda r: not r.startswith(b"+"))))
def test_lines_without_a_prefix_are_not_traces(rows: list[bytes]) -> None:
    assert parse_trace(b"\n".join(rows)) == []


_PATH_TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\0" + MARK), min_size=1
)


@settings(max_examples=300)
@given(_PATH_TEXT)
def test_quoted_paths_round_trip(text: str) -> None:
    path = "/" + text
    for prefix in (f"+{M}/h/.zshrc{M}3{M} ", f"++{M}/h/a.sh{M}12{M} "):
        stderr = f"{prefix}source {shlex.quote(path)}\n{prefix}true\n".encode()
        assert sourced_files(parse_trace(stderr)) == [Path(path)]
    assert trace_words(". " + shlex.quote(path)) == [".", path]


def _bash_ansi(data: bytes) -> str:
    return "$'" + "".join(f"\\{b:03o}" for b in data) + "'"


def _zsh_ansi(data: bytes) -> str:
    """zsh's quoting of bytes: \\C-X for controls, \\M- for the high bit."""
    out = []
    for b in data:
        meta, low = b & 0x80, b & 0x7F
        text = "\\M-" if meta else ""
        if low == 0x7F:
            text += "\\C-?"
        elif low < 0x20:
            text += "\\C-" + chr(low + 0x40)
        elif chr(low) in "\\'":
            text += "\\" + chr(low)
        else:
            text += chr(low)
        out.append(text)
    return "$'" + "".join(out) + "'"


@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b))
def test_ansi_c_forms_round_trip(data: bytes) -> None:
    expected = data.decode("utf-8", "surrogateescape")
    assert trace_words(_bash_ansi(data)) == [expected]
    assert trace_words(_zsh_ansi(data)) == [expected]


_SCRIPT_PIECES = st.sampled_from(
    [b". ", b"source ", b"~/", b"$HOME", b"${X:-~}", b"$X", b"X=", b'"', b"'", b"{a,b}", b"*",
     b"for f in ", b"for f (", b")", b"; do ", b"done", b"if ", b"then", b"fi", b"end",
     b"[ -f x ]", b"[[ -f ", b"]]", b"&&", b"||", b"\n", b" ", b"$f", b"(", b"{", b"}", b"<<E\n",
     b"E\n", b"\\", b"#", b"case ", b" in ", b";;", b"esac", b"foreach f (", b"if (", b"-f",
     b"set ", b"test -e ", b"; and ", b"rel", b"$(", b"`", b"$'", b"\\C-", b"\xff", b"\r\n"]
)  # fmt: skip
_ANY_SCRIPT = st.one_of(
    st.binary(max_size=300), st.lists(_SCRIPT_PIECES, max_size=60).map(b"".join)
)


@settings(max_examples=200, deadline=None)
@given(_ANY_SCRIPT, st.sampled_from(["bash", "zsh", "sh", "ksh", "fish", "tcsh", "pwsh"]))
def test_static_sources_never_raises_and_stays_absolute(data: bytes, name: str) -> None:
    shell = _shell(name)
    found = static_sources(shell, data, WHERE, {"X": "/x"})
    line_count = data.count(b"\n") + 1
    for ref in found:
        assert isinstance(ref, SourceRef)
        assert ref.pattern.startswith("/")
        assert 1 <= ref.line <= line_count
    variables = static_variables(shell, data, WHERE)
    assert all(isinstance(v, str) for v in variables.values())
