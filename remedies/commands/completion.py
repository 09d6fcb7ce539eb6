"""`remedy completion SHELL`: the script that makes a shell complete remedy's commands.

Click writes it (the same as `_REMEDY_COMPLETE=zsh_source remedy`); remedy adds what only it
knows: `revert` completes the remedies applied here, `--shell` the supported shell names.
"""

from __future__ import annotations

import click

from remedies.commands import short_help
from remedies.typos import NamedChoice

SHELLS = ("bash", "zsh", "fish")


@click.pass_context
def _completion(click_ctx: click.Context, shell: str) -> None:
    from click.shell_completion import get_completion_class

    root = click_ctx.find_root().command
    kind = get_completion_class(shell)
    assert kind is not None  # the Choice allows only shells click supports
    click.echo(kind(root, {}, "remedy", "_REMEDY_COMPLETE").source())


command = click.Command(
    "completion",
    callback=_completion,
    short_help=short_help("completion"),
    help=(
        "Print the script that makes SHELL complete remedy's commands, remedies, applied "
        "remedies (for revert) and shell names. Add to ~/.bashrc: "
        'eval "$(remedy completion bash)"; to ~/.zshrc: eval "$(remedy completion zsh)"; '
        "for fish: remedy completion fish > ~/.config/fish/completions/remedy.fish"
    ),
    params=[click.Argument(["shell"], type=NamedChoice("completion for shell", SHELLS))],
)
