"""`remedy list`: the remedies there are, best first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from remedies.catalog import registry
from remedies.commands import short_help
from remedies.context import Context
from remedies.options import json_option
from remedies.output import Output, wants_colour


@dataclass(frozen=True)
class Listing:
    remedies: tuple[tuple[str, str], ...]  # (name, summary), best first

    def to_json(self) -> dict[str, Any]:
        return {"remedies": [{"name": name, "summary": summary} for name, summary in self.remedies]}

    def for_person(self, out: Output) -> None:
        width = max(len(name) for name, _ in self.remedies)
        for name, summary in self.remedies:
            out.say(summary, label=out.paint(name.ljust(width), bold=True) + " ")


@dataclass(frozen=True)
class ListRequest:
    """`remedy list` asks nothing more: the remedies are the registry's, for this context."""


def core(ctx: Context, request: ListRequest) -> Listing:
    """The remedies there are, best first, each with its line (no remedy's module loaded)."""
    return Listing(tuple((name, registry.summary(name, ctx)) for name in registry.names(ctx)))


@click.pass_obj
def _list(ctx: Context, json_mode: bool) -> None:
    Output(json_mode, wants_colour(ctx.env)).show(core(ctx, ListRequest()))


command = click.Command(
    "list",
    callback=_list,
    short_help=short_help("list"),
    help="List the remedies `remedy apply` knows, best first.",
    params=[json_option()],
)
