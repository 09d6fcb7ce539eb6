"""Where remedies are found: the built-in ones, and any package's `remedy.remedies` entry points.

A new remedy is one module exposing a `REMEDY` object; a third-party package registers it with
    [project.entry-points."remedy.remedies"]
    my-fix = "my_package.my_fix:REMEDY"
Modules are imported only when their remedy is used, so `remedy status` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any, cast

from remedies.catalog.interface import Remedy
from remedies.errors import BadInput
from remedies.typos import did_you_mean

# Best first, the order `remedy list` shows.
BUILTIN: dict[str, str] = {
    "mantle": "remedies.catalog.mantle:REMEDY",
    "upgrade": "remedies.catalog.upgrade:REMEDY",
    "extra-body": "remedies.catalog.extra_body:REMEDY",
}
ENTRY_POINT_GROUP = "remedy.remedies"


def _plugins() -> dict[str, str]:
    from importlib.metadata import entry_points

    found: Any = entry_points()
    # Python 3.10+ has .select(); 3.9 returns a plain dict of groups.
    group = (
        found.select(group=ENTRY_POINT_GROUP)
        if hasattr(found, "select")
        else found.get(ENTRY_POINT_GROUP, [])
    )
    return {ep.name: ep.value for ep in group if ep.name not in BUILTIN}


def names() -> list[str]:
    return [*BUILTIN, *sorted(_plugins())]


def _load(spec: str) -> Remedy:
    module_name, _, attribute = spec.partition(":")
    return cast(Remedy, getattr(importlib.import_module(module_name), attribute or "REMEDY"))


def load(name: str) -> Remedy:
    spec = BUILTIN.get(name) or _plugins().get(name)
    if spec is None:
        hint = did_you_mean(name, names())
        raise BadInput(f"unknown remedy {name!r}{hint}; known: {', '.join(names())}")
    return _load(spec)


def known(name: str) -> bool:
    return name in BUILTIN or name in _plugins()
