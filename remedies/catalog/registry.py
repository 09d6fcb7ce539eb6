"""Where remedies are found: the built-in ones, remedy files (catalog.data_sources: the
packaged catalogue, the user's and the system's folders), and any package's `remedy.remedies`
entry points.

A new remedy is one module exposing a `REMEDY` object. A built-in one is registered by one
entry in BUILTIN (module and summary); a third-party package registers it with
    [project.entry-points."remedy.remedies"]
    my-fix = "my_package.my_fix:REMEDY"
Modules are imported only when their remedy is used, so `remedy status` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from remedies.claude.extra_body_verdict import EXTRA_BODY_WORTH
from remedies.errors import BadInput


@dataclass(frozen=True)
class Builtin:
    """A remedy that ships with remedy: its module, and the line `remedy list` shows, written
    here so that the listing imports no remedy's module (nor what that module imports)."""

    module: str  # exposes REMEDY, whose name and summary are this entry's
    summary: str


# The one place a built-in remedy is registered, best first: the order `remedy list` shows.
# tests/test_registration.py holds each entry to its module.
BUILTIN: dict[str, Builtin] = {
    "mantle": Builtin(
        "remedies.catalog.mantle",
        "Use the Bedrock Mantle endpoint (official workaround; recommended).",
    ),
    "upgrade": Builtin(
        "remedies.catalog.upgrade",
        "Upgrade Claude Code with its own installer (the permanent fix).",
    ),
    "extra-body": Builtin(
        "remedies.catalog.extra_body",
        # The same words wherever the workaround is named (a module of constants: free).
        f"Set CLAUDE_CODE_EXTRA_BODY ({EXTRA_BODY_WORTH}).",
    ),
    "pin": Builtin(
        "remedies.catalog.pin",
        "Install a given Claude Code version and keep it there (DISABLE_AUTOUPDATER).",
    ),
}
ENTRY_POINT_GROUP = "remedy.remedies"


def builtin_summary(name: str) -> str:
    """The line `remedy list` shows for a built-in remedy (its module gives it to its REMEDY)."""
    return BUILTIN[name].summary


def summary(name: str, ctx: Context | None = None) -> str:
    """What a remedy does, in a line, importing as little as can be."""
    if name in BUILTIN:
        return builtin_summary(name)
    spec = data(ctx).get(name)
    if spec is not None:
        return spec.listed
    return load(name, ctx).summary


if TYPE_CHECKING:
    from remedies.catalog.data_sources import Catalogue
    from remedies.catalog.interface import Remedy
    from remedies.context import Context


def data(ctx: Context | None = None) -> Catalogue:
    """The remedy files (imported only when asked: `remedy status` stays light)."""
    from remedies.catalog.data_sources import catalogue

    return catalogue(ctx, tuple(BUILTIN))


def _may_have_plugins() -> bool:
    """Whether any installed distribution may declare our entry-point group, looked for the
    cheap way: importlib.metadata costs `remedy list` more than the rest of it. In doubt
    (a zip on sys.path, a folder that cannot be read) the answer is yes."""
    import os

    marker = f"[{ENTRY_POINT_GROUP}]".encode()
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            if entry and os.path.exists(entry):
                return True  # a zip (the zipapp): let importlib.metadata look inside
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            return True
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(entry, name, "entry_points.txt"), "rb") as found:
                    if marker in found.read():
                        return True
            except FileNotFoundError:
                continue
            except OSError:
                return True
    return False


def _plugins() -> dict[str, str]:
    if not _may_have_plugins():
        return {}
    from importlib.metadata import entry_points

    found: Any = entry_points()
    # Python 3.10+ has .select(); 3.9 returns a plain dict of groups.
    group = (
        found.select(group=ENTRY_POINT_GROUP)
        if hasattr(found, "select")
        else found.get(ENTRY_POINT_GROUP, [])
    )
    return {ep.name: ep.value for ep in group if ep.name not in BUILTIN}


def names(ctx: Context | None = None) -> list[str]:
    return [*BUILTIN, *data(ctx).names(), *sorted(_plugins())]


def _load(spec: str) -> Remedy:
    module_name, _, attribute = spec.partition(":")
    return cast("Remedy", getattr(importlib.import_module(module_name), attribute or "REMEDY"))


def load(name: str, ctx: Context | None = None) -> Remedy:
    if name in BUILTIN:
        return _load(BUILTIN[name].module)
    found = data(ctx).get(name)
    if found is not None:
        from remedies.catalog.data_remedy import to_remedy

        return to_remedy(found)
    spec = _plugins().get(name)
    if spec is None:
        from remedies.typos import unknown  # difflib, for a typo only

        raise BadInput(unknown("remedy", name, names(ctx), "`remedy list` shows them"))
    return _load(spec)


def known(name: str, ctx: Context | None = None) -> bool:
    return name in BUILTIN or data(ctx).get(name) is not None or name in _plugins()
