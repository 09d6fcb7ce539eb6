"""`remedy list`: the remedies there are, best first."""

from __future__ import annotations

import click

from remedies.catalog import registry
from remedies.context import Context
from remedies.options import json_option
from remedies.output import Output, wants_colour


@click.pass_obj
def _list(ctx: Context, json_mode: bool) -> None:
    out = Output(json_mode, wants_colour(ctx.env))
    remedies = [registry.load(name) for name in registry.names()]
    if json_mode:
        out.document({"remedies": [{"name": r.name, "summary": r.summary} for r in remedies]})
        return
    width = max(len(r.name) for r in remedies)
    for r in remedies:
        out.say(f"{out.paint(r.name.ljust(width), bold=True)}  {r.summary}")


command = click.Command(
    "list",
    callback=_list,
    short_help="The remedies there are, best first.",
    help="List the remedies `remedy apply` knows, best first.",
    params=[json_option()],
)
