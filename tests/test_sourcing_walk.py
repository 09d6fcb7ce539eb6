"""shells.sourcing's walk: the `.` / `source` statements static_sources() finds by reading
a start-up file, in the forms real start-up files use, and the ones it never guesses.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shells.sourcing import SourceRef, static_sources, static_variables
from tests.support.homes import FEDORA_BASHRC
from tests.support.sourcing import MATHIAS_BASH_PROFILE, WHERE, known_shell, refs

# --- static_sources: the forms real start-up files use -----------------------------------------


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


# --- properties ----------------------------------------------------------------------------------

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
    shell = known_shell(name)
    found = static_sources(shell, data, WHERE, {"X": "/x"})
    line_count = data.count(b"\n") + 1
    for ref in found:
        assert isinstance(ref, SourceRef)
        assert ref.pattern.startswith("/")
        assert 1 <= ref.line <= line_count
    variables = static_variables(shell, data, WHERE)
    assert all(isinstance(v, str) for v in variables.values())
