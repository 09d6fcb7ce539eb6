"""`rename = { OLD = "NEW" }` in a remedy file (catalog.data_format): the user's value of a
deprecated variable carried to its new name, in the start-up files and in the settings files.

Pure: a Picture (what doctor found) or a settings env in, what to write out. The value is
data: it goes into the block through the shell's own quoting (EnvEdit, as `set` values do)
and into settings as a JSON string, and is held to the new name's shape
(config_variables.value_refusal) like any value a remedy sets.

Where the user set NEW too, NEW's value wins and OLD's is dropped: a value chosen under the
new name is never overwritten by the old one, and it is the value the new name's other
readers already use. (Measured in 2.1.111: with both set, the background "small fast" model
is ANTHROPIC_SMALL_FAST_MODEL's, the `haiku` alias ANTHROPIC_DEFAULT_HAIKU_MODEL's; apply
says so in a note when their values differ, since that model then changes.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from remedies.catalog.data_format import RemedySpec
from remedies.claude.config_variables import value_refusal
from remedies.claude.region import earlier_pin
from remedies.claude.sources import Picture, users_shell_line
from remedies.errors import BadInput


@dataclass(frozen=True)
class ShellRename:
    """What the start-up files get for a file's renames, and what a person must be told."""

    unset: tuple[str, ...] = ()
    set: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


def user_sets(picture: Picture, name: str) -> bool:
    """Whether the user gives `name` a value anywhere (a shell, a settings file, the
    environment), not counting remedy's own block."""
    return any(s.value and not s.ours and s.applies for s in picture.of(name))


def shell_renames(spec: RemedySpec, picture: Picture) -> ShellRename:
    """The block's part of each rename. An earlier run's pin is kept as it is (a re-run
    changes no byte, whatever a terminal opened before it still holds); else OLD's value
    where a new shell gets it is carried, unless the user sets NEW too; OLD is unset only
    where it is carried or dropped, so a home with no OLD gets nothing for it."""
    unset: list[str] = []
    sets: list[tuple[str, str]] = []
    notes: list[str] = []
    for old, new in spec.rename:
        pinned = earlier_pin(picture, new)
        if pinned is not None:
            unset.append(old)
            sets.append((new, pinned))
            continue
        source = users_shell_line(picture, old)
        if source is None:
            if any(s.dynamic and not s.ours for s in picture.of(old)):
                # Computed, or written across lines: remedy carries only a value it can
                # read as it stands, and leaves the line alone (unsetting it would lose it).
                notes.append(
                    f"{old} is set to a value remedy cannot read as it stands (computed, or "
                    f"across lines): left as it is; rename it to {new} by hand"
                )
            continue
        value = source.value or ""
        unset.append(old)
        if user_sets(picture, new):
            if picture.value(new) != value:
                notes.append(f"{old} is dropped: {new} is set too, and its value is kept")
            continue
        sets.append((new, checked(spec, new, value)))
    return ShellRename(tuple(unset), tuple(sets), tuple(notes))


def renamed(spec: RemedySpec, env: Mapping[str, str], kept: frozenset[str]) -> dict[str, str]:
    """An environment (or a settings file's env) after the renames: OLD removed, NEW given
    OLD's value unless it has one here or the user sets it elsewhere (`kept`)."""
    after = dict(env)
    for old, new in spec.rename:
        if old not in after:
            continue
        value = after.pop(old)
        if new not in after and new not in kept:
            after[new] = checked(spec, new, value)
    return after


def kept_names(spec: RemedySpec, picture: Picture | None) -> frozenset[str]:
    """The new names the user already sets somewhere: never given an old name's value."""
    if picture is None:
        return frozenset()
    return frozenset(new for _old, new in spec.rename if user_sets(picture, new))


def checked(spec: RemedySpec, new: str, value: str) -> str:
    """A carried value, held to the new name's shape (a region is a plain name...)."""
    why = value_refusal(new, value)
    if why is not None:
        raise BadInput(f"{spec.origin}: rename: {why}")
    return value


def kept_in(spec: RemedySpec, *envs: Mapping[str, str]) -> frozenset[str]:
    """kept_names for what check plays: the new names one of these environments sets."""
    return frozenset(new for _old, new in spec.rename if any(env.get(new) for env in envs))
