"""`remedy check FILE`: validate a remedy file and run its proof offline.

The file is read as `remedy apply` would read it (one line naming file, key and line when
it is wrong). Then the real client runs against the loopback stand-in twice, in the
environment a new shell of yours gets: as it is, and with the remedy's variables applied
(nothing is written anywhere); the request it sends the second time must show what the
file's `[proof]` says. Exit 0 when it does, 1 when not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from remedies.catalog.data_format import RemedySpec
from remedies.catalog.data_sources import read_spec
from remedies.claude.installs import find_claude
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv, new_shell_envs
from remedies.engine.shell_choice import choose_shells
from remedies.errors import EXIT_FAILURE, RemedyError
from remedies.options import json_option
from remedies.output import Output, wants_colour
from remedies.verify.offline import ProbeRun, probe_once


@dataclass(frozen=True)
class CheckResult:
    spec: RemedySpec
    before: ProbeRun | None
    after: ProbeRun | None

    @property
    def ok(self) -> bool:
        return self.after is not None and not self.after.proof_failures

    def to_json(self) -> dict[str, Any]:
        return {
            "remedy": self.spec.name,
            "file": self.spec.origin,
            "valid": True,
            "proven": self.ok,
            "before": self.before.proof_failures if self.before else None,
            "after": self.after.proof_failures if self.after else None,
        }

    def for_person(self, out: Output) -> None:
        out.say(f"{self.spec.origin}: a valid remedy file ({self.spec.name})", bold=True)
        if self.after is None:
            out.say("  no [proof]: nothing to run")
            return
        if self.before is not None:
            broken = "; ".join(self.before.proof_failures) or "nothing: the proof holds already"
            out.say(f"  without it  {broken}")
        holds = "the proof holds" if self.ok else "; ".join(self.after.proof_failures)
        out.say(f"  with it     {holds}")


def check_file(ctx: Context, path: Path) -> CheckResult:
    spec = read_spec(path, str(path))
    if spec.proof.empty:
        return CheckResult(spec, None, None)
    shell = choose_shells(ctx, (), False)[0]
    plain = new_shell_envs(ctx, shell)[0]
    changed = dict(plain.env)
    for name in spec.unset:
        changed.pop(name, None)
    changed.update(spec.set)
    claude = find_claude(replace(ctx, env=plain.env))
    if claude.path is None:
        raise RemedyError("no `claude` on the PATH a new shell gets; nothing to run")
    proofs = [(spec.name, spec.proof)]
    before = probe_once(ctx, claude.path, plain, None, 90, proofs=proofs)
    with_it = ShellEnv(plain.shell, plain.login, changed, plain.interactive)
    after = probe_once(ctx, claude.path, with_it, None, 90, proofs=proofs)
    return CheckResult(spec, before, after)


@click.pass_obj
def _check(ctx: Context, path: Path, json_mode: bool) -> None:
    result = check_file(ctx, path)
    Output(json_mode, wants_colour(ctx.env)).show(result)
    if not result.ok and result.after is not None:
        raise click.exceptions.Exit(EXIT_FAILURE)


command = click.Command(
    "check",
    callback=_check,
    short_help="Validate a remedy file and run its proof offline.",
    help=(
        "Read a remedy file as `remedy apply` would, then run your claude against the "
        "loopback stand-in without and with the remedy's variables (nothing is written) and "
        "check the request it sends against the file's [proof]. Exit 0 when the proof holds."
    ),
    params=[
        click.Argument(["path"], type=click.Path(dir_okay=False, path_type=Path)),
        json_option(),
    ],
)
