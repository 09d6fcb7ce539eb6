"""Asking a new shell what it gets, as the real-dotfiles tests do, and what the answer must
be after `remedy apply mantle`."""

from __future__ import annotations

import sys
from pathlib import Path

from shells.base import print_env_argv
from tests.conftest import Sandbox, printed_env, require_program
from tests.support.homes import INTERACTIVE, LOGIN, SCRIPT, Layout

BEDROCK = "CLAUDE_CODE_USE_BEDROCK"
MANTLE = "CLAUDE_CODE_USE_MANTLE"

# Every kind of new shell a shell has: bash -c reads no start-up file at all, so it has none
# of its own; zsh -c reads .zshenv, fish -c reads all of fish's configuration.
KINDS = {
    "bash": (INTERACTIVE, LOGIN),
    "zsh": (INTERACTIVE, LOGIN, SCRIPT),
    "fish": (INTERACTIVE, LOGIN, SCRIPT),
}

# Caches that shells and plugins write for themselves while they start (compinit's dump,
# oh-my-zsh's cache, direnv's list of allowed .envrc files): never remedy's to keep.
TOOL_OWNED_PREFIXES = (".cache/", ".oh-my-zsh/cache/", ".local/share/direnv/", ".local/share/fish/")


def is_on(value: str | None) -> bool:
    """Claude Code's truthiness: 1, true, yes, on (trimmed, any case)."""
    return value is not None and value.strip().lower() in {"1", "true", "yes", "on"}


def snapshot(sandbox: Sandbox) -> dict[str, bytes]:
    return {
        path: data
        for path, data in sandbox.snapshot().items()
        if not path.startswith(TOOL_OWNED_PREFIXES) and not Path(path).name.startswith(".zcompdump")
    }


def own_probe(
    sandbox: Sandbox, shell: str, flags: list[str], cwd: Path, before: str = ""
) -> dict[str, str]:
    """`SHELL FLAGS -c '<before>exec python …'`: the environment printed with the same
    sentinel as shells.base.print_env_argv, so a start-up file's greeting cannot mix in."""
    executable = require_program(shell)
    program, *_flags, code = print_env_argv(sys.executable)
    # Handed over in the environment, so no shell's quoting is involved.
    env = {**sandbox.env, "REMEDY_TEST_PY": program, "REMEDY_TEST_CODE": code}
    command = f'{before}exec "$REMEDY_TEST_PY" -c "$REMEDY_TEST_CODE"'
    what = f"{shell} {' '.join(flags)} -c"
    found = printed_env([executable, *flags, "-c", command], env, cwd, what=what)
    found.pop("REMEDY_TEST_PY", None)
    found.pop("REMEDY_TEST_CODE", None)
    return found


# What bash runs before its first prompt (direnv's hook is one of them): `bash -ic` shows no
# prompt, so a project's .envrc is loaded only when this runs first.
PROMPT_COMMANDS = 'for _c in "${PROMPT_COMMAND[@]}"; do eval "$_c"; done; unset _c; '


def new_shell_env(sandbox: Sandbox, layout: Layout, kind: str) -> dict[str, str]:
    """The environment a new shell of this kind gets, asked of the real shell."""
    if layout.project is not None:
        assert layout.shell == "bash", "only bash projects are laid out"
        flags = ["-l", "-i"] if kind == LOGIN else ["-i"]
        cwd = sandbox.home / layout.project
        return own_probe(sandbox, "bash", flags, cwd, before=PROMPT_COMMANDS)
    if kind == SCRIPT:
        return own_probe(sandbox, layout.shell, [], sandbox.home)
    return sandbox.shell_env(layout.shell, login=kind == LOGIN)


def check_new_shell(env: dict[str, str], kind: str, region: str) -> None:
    assert not is_on(env.get(BEDROCK)), f"a new {kind} shell still has {BEDROCK}={env[BEDROCK]!r}"
    assert env.get(MANTLE) == "1", f"a new {kind} shell has {MANTLE}={env.get(MANTLE)!r}"
    assert env.get("AWS_REGION") == region, (
        f"a new {kind} shell has AWS_REGION={env.get('AWS_REGION')!r}, not {region!r}"
    )
