"""What the tests of shells.sourcing share: a HOME to read from, a Shell by name, the refs
static_sources() finds in a text, and mathiasbynens' .bash_profile."""

from __future__ import annotations

from pathlib import Path

from shells import shell_named
from shells.base import Shell, Where
from shells.sourcing import static_sources

HOME = Path("/home/u")
WHERE = Where(HOME, {})


def known_shell(name: str) -> Shell:
    shell = shell_named(name)
    assert shell is not None
    return shell


def refs(
    shell: str, text: str, defined: dict[str, str] | None = None
) -> list[tuple[int, str, bool]]:
    found = static_sources(known_shell(shell), text.encode(), WHERE, defined)
    return [(r.line, r.pattern, r.optional) for r in found]


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
