"""`remedy verify --live`: the user's claude, for real, against the real service.

This is the only check that can prove an upgrade (the fix was on the service side). It sends
one short prompt with the user's own credentials; we classify what comes back and never print
a credential (the output goes through the redactor).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from remedies.claude.installs import ClaudeOnPath, find_claude
from remedies.claude.this_terminal import StaleTerminal
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv
from remedies.errors import RemedyError
from remedies.output import Output
from remedies.redact import redact_text
from remedies.verify.containment import NO_MCP

# Outcome classes, in the order they are tested against the client's output.
_PATTERNS = [
    ("invalid-beta-flag", re.compile(r"invalid beta flag", re.I)),
    (
        "auth",
        re.compile(
            r"authenticate|credential|expiredtoken|security token|unrecognizedclient|"
            r"accessdenied|not authorized|unauthorized|forbidden|\b40[13]\b",
            re.I,
        ),
    ),
    (
        "model",
        re.compile(
            r"model.*(not available|not found|does not exist|invalid|identifier)|"
            r"\b404\b",
            re.I,
        ),
    ),
    (
        "network",
        re.compile(
            r"enotfound|econnrefused|econnreset|etimedout|getaddrinfo|fetch failed|"
            r"network|socket hang up|unable to connect",
            re.I,
        ),
    ),
]


NEXT = {
    "auth": "refresh your AWS credentials (new keys, or aws sso login --profile with your "
    "profile's name) and run again: `remedy verify --live`",
    "invalid-beta-flag": "`remedy apply mantle` or: `remedy apply upgrade`",
    "model": "pin a model enabled in your account and region: remedy apply mantle --model "
    "with its id",
    "network": "check the proxy and network settings a new shell gets: `remedy doctor`",
}


@dataclass(frozen=True)
class LiveResult:
    claude: ClaudeOnPath
    shell: str
    model: str
    exit_code: int | None
    outcome: str  # ok, invalid-beta-flag, auth, model, network, timeout, other
    output: str
    terminal: StaleTerminal | None = None  # at a terminal that still has the old values

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["claude"] = self.claude.to_json()
        # Rendered by its own to_json, which masks secret values (asdict would not).
        doc.pop("terminal")
        doc["this_terminal"] = self.terminal.to_json() if self.terminal else None
        return {"mode": "live", "ok": self.ok, **doc}

    def for_person(self, out: Output) -> None:
        out.say("remedy verify, live: your claude against the real service", bold=True)
        pad = max(10, len(self.shell))  # one label column, as wide as the widest label
        out.say(self.claude.summary(), label=f"  {'claude':<{pad}}")
        out.say(f"model {self.model}; exit {self.exit_code}", label=f"  {self.shell:<{pad}}")
        out.say(f"the client said: {self.output or '(nothing)'}", label=" " * (pad + 2))
        colour = "green" if self.ok else "red"
        out.say(out.paint(self.outcome, fg=colour, bold=True), label=f"  {'outcome':<{pad}}")
        if self.terminal:
            but = out.paint("but", fg="yellow", bold=True) + " " * (pad - 3)
            out.say(self.terminal.line(), label=f"  {but}")
        hint = NEXT.get(self.outcome)
        if hint:
            out.say(hint, label=f"  {'next':<{pad}}")


def classify(exit_code: int | None, output: str) -> str:
    if exit_code is None:
        return "timeout"
    if exit_code == 0 and output.strip():
        return "ok"
    for outcome, pattern in _PATTERNS:
        if pattern.search(output):
            return outcome
    return "other"


def verify_live(ctx: Context, shell_env: ShellEnv, model: str, timeout: float) -> LiveResult:
    claude = find_claude(replace(ctx, env=shell_env.env))
    if claude.path is None:
        raise RemedyError("no `claude` on the PATH a new shell gets; nothing to verify")
    # One retry, unless the user chose otherwise: the client otherwise retries 401 and 403
    # with backoff for minutes (measured with 2.1.111), and a check should answer promptly.
    env = {"CLAUDE_CODE_MAX_RETRIES": "1", **shell_env.env}
    try:
        done = ctx.runner.run(
            [claude.path, "-p", "say hello", "--model", model, *NO_MCP],
            env=env,
            cwd=ctx.cwd,
            timeout=timeout,
        )
        code: int | None = done.returncode
        output = (done.stdout or done.stderr).decode("utf-8", "replace").strip()
        if code != 0 and done.stderr.strip():
            output = (output + "\n" + done.stderr.decode("utf-8", "replace").strip()).strip()
    except RemedyError as e:
        code, output = None, str(e)
    output = redact_text(output)[:2000]
    return LiveResult(claude, shell_env.label, model, code, classify(code, output), output)
