"""shells.sourcing's expansion: what one word of a `source` statement names: variables
known so far and their defaults, HOME and XDG folders, and the files a pattern matches
(expand()).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shells.base import Where
from shells.sourcing import expand, static_sources, static_variables
from tests.support.sourcing import HOME, WHERE, known_shell, refs


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
    zsh = known_shell("zsh")
    assert static_variables(zsh, data, WHERE, until_line=3) == {
        "ZSH": "/home/u/.oh-my-zsh",
        "ZSH_THEME": "robbyrussell",
    }
    assert static_variables(zsh, data, WHERE)["LATE"] == "1"


def test_home_with_glob_characters_is_escaped() -> None:
    where = Where(Path("/h/[u]*"), {})
    found = static_sources(
        known_shell("bash"), b". .rel\n. ~/.tilde\nfor f in ~/d/*; do . $f; done", where
    )
    assert [(r.pattern, r.optional) for r in found] == [
        ("/h/[[]u][*]/.rel", False),
        ("/h/[[]u][*]/.tilde", False),
        ("/h/[[]u][*]/d/*", True),
    ]


def test_config_home_follows_the_environment() -> None:
    where = Where(HOME, {"XDG_CONFIG_HOME": "/xdg", "ZDOTDIR": "/zd"})
    found = static_sources(
        known_shell("fish"), b"source $__fish_config_dir/a.fish\nsource $XDG_CONFIG_HOME/b", where
    )
    assert [r.pattern for r in found] == ["/xdg/fish/a.fish", "/xdg/b"]
    found = static_sources(known_shell("zsh"), b"source $ZDOTDIR/.zaliases", where)
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
    found = static_sources(known_shell("bash"), b'. "$HOME/[x] *"', Where(tmp_path, {}))
    assert [expand(r.pattern) for r in found] == [[tmp_path / "[x] *"]]
    many = tmp_path / "many"
    many.mkdir()
    for n in range(300):
        (many / f"{n:03}.sh").write_text("")
    found_many = expand(str(many) + "/*.sh")
    assert len(found_many) == 256
    assert found_many[0].name == "000.sh" and found_many[-1].name == "255.sh"
