"""`remedy verify --offline`: the user's own claude, their own environment, a loopback stand-in.

The stand-in answers as the services did: bedrock-runtime rejects any `anthropic_beta` in the
JSON body of an Opus 4.7 request with its `400 invalid beta flag` and answers other models;
Mantle answers "Hello!". So the verdict is
what the client would have met, and it is honest about what it cannot show: the extra-body
workaround leaves betas in the body (it fails here, as it does against the service), and an
upgrade fixed things on the service side, which no offline check can prove.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from remedies.claude.client_region import region_read
from remedies.claude.installs import ClaudeOnPath, all_on_path, locate
from remedies.claude.known_issues import parse_version
from remedies.claude.region import real_host
from remedies.claude.request_proof import NamedProof, ProofRole, check_proof
from remedies.claude.sources import WATCHED, is_on
from remedies.claude.this_terminal import StaleTerminal
from remedies.context import Context
from remedies.engine.new_shell import ShellEnv
from remedies.errors import BadInput, RemedyError
from remedies.output import Output
from remedies.redact import inert, redact_text
from remedies.scratch import private_scratch
from remedies.verify.containment import ENDPOINTS, NO_MCP, contain, merged_user_settings
from remedies.verify.standin import RecordedRequest, StandIn
from remedies.verify.tls_material import make_tls_material

DEFAULT_MODEL = "claude-opus-4-7"
PROMPT = "say hello"
_PREFIX = {prefix: name for name, prefix in ENDPOINTS.items()}


@dataclass(frozen=True)
class ProbeRun:
    shell: str  # e.g. "bash", "login bash"
    model: str
    exit_code: int | None
    output: str  # what the client printed (stdout, else stderr), secrets masked
    endpoint: str  # bedrock, mantle, anthropic, vertex, foundry, none
    path: str | None  # the model request's path, as sent
    header_betas: list[str] = field(default_factory=list)
    body_betas: list[str] = field(default_factory=list)
    verdict: str = "failed"  # ok, invalid-beta-flag, no-request, timeout, failed, unproven
    # Each proof held to it that the recorded request breaks, named with why it is held:
    # "disable-betas (applied): the request carries beta ...".
    proof_failures: list[str] = field(default_factory=list)
    # The remedies not applied whose problem is found here and whose proof this breaks.
    fixes: list[str] = field(default_factory=list)
    prompt: str = PROMPT
    client_version: str | None = None  # as the client named itself in its request
    host: str | None = None  # where the client would have sent it, had it not been offline
    # Other kinds of new shell with the same environment: this run judged them too.
    same_for: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def for_person(self, out: Output, pad: int = 10) -> None:
        """Its lines, the text of each starting after a label column `pad` wide."""
        request = f", {self.path}" if self.path else ""
        host = f" ({self.host})" if self.host else ""
        out.say(f"endpoint {self.endpoint}{host}{request}", label=f"  {self.shell:<{pad}}")
        under = " " * (pad + 2)
        if self.same_for:
            out.say(f"(the same environment as {', '.join(self.same_for)})", label=under)
        header = ", ".join(self.header_betas) or "none"
        body = ", ".join(self.body_betas) or "none"
        out.say(f"betas in the header: {header}; in the body: {body}", label=under)
        asked = f"; prompt {self.prompt!r}" if self.prompt != PROMPT else ""
        said = self.output or "(nothing)"
        out.say(f"model {self.model}{asked}; the client said: {said}", label=under)
        for failure in self.proof_failures:
            out.say(f"proof broken: {failure}", label=under)


@dataclass(frozen=True)
class OfflineResult:
    claude: ClaudeOnPath
    runs: list[ProbeRun]
    verdict: str  # ok, failed, unproven
    message: str
    applied: list[str]
    terminal: StaleTerminal | None = None  # at a terminal that still has the old values
    # What to do when the failure is this folder's or this terminal's (verify.here).
    next_here: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": "offline",
            "ok": self.ok,
            "verdict": self.verdict,
            "message": self.message,
            "applied": self.applied,
            "next": self.next_step,
            "claude": self.claude.to_json(),
            "runs": [asdict(r) for r in self.runs],
            "this_terminal": self.terminal.to_json() if self.terminal else None,
        }

    def for_person(self, out: Output) -> None:
        out.say(
            "remedy verify, offline: your claude, your environment, a loopback stand-in",
            bold=True,
        )
        # One label column for every row: as wide as the widest kind of shell.
        pad = max(10, *(len(run.shell) for run in self.runs))
        out.say(self.claude.summary(), label=f"  {'claude':<{pad}}")
        out.say(", ".join(self.applied) or "nothing", label=f"  {'applied':<{pad}}")
        for run in self.runs:
            run.for_person(out, pad)
        colour = {"ok": "green", "unproven": "yellow"}.get(self.verdict, "red")
        verdict = out.paint(self.verdict, fg=colour, bold=True)
        out.say(f"{verdict}: {self.message}", label=f"  {'verdict':<{pad}}")
        if self.terminal:
            but = out.paint("but", fg="yellow", bold=True) + " " * (pad - 3)
            out.say(self.terminal.line(), label=f"  {but}")
        if self.next_step:
            out.say(self.next_step, label=f"  {'next':<{pad}}")

    @property
    def next_step(self) -> str | None:
        """What to run now, for a verdict that is not ok."""
        if self.verdict == "ok":
            return None
        if self.next_here:
            return self.next_here
        if self.verdict == "unproven":
            return "send one prompt to the real service: `remedy verify --live`"
        fixes = list(dict.fromkeys(f for r in self.runs for f in r.fixes))
        if fixes:
            more = " or see the others: `remedy doctor`" if len(fixes) > 1 else ""
            return f"`remedy apply {fixes[0]}`{more}"
        if not any(r.verdict == "invalid-beta-flag" for r in self.runs):
            # Not the seed's 400 (Vertex, a gateway, a remedy's own proof): mantle is no
            # answer there; doctor names what is configured and the remedy that fixes it.
            return "see what is configured and which remedy fixes it: `remedy doctor`"
        if "extra-body" in self.applied and "mantle" not in self.applied:
            return (
                "take extra-body back, then apply mantle: `remedy revert extra-body` "
                "`remedy apply mantle`"
            )
        if "mantle" not in self.applied:
            return "`remedy apply mantle` or try the remedies in turn: `remedy apply auto`"
        return "see what still sends Claude Code to bedrock-runtime: `remedy doctor`"


def default_model(ctx: Context, shell_env: dict[str, str]) -> str:
    """The model the user has pinned (settings beat the shell), else Opus 4.7."""
    settings_env, settings_model = merged_user_settings(ctx)
    return (
        settings_env.get("ANTHROPIC_MODEL")
        or shell_env.get("ANTHROPIC_MODEL")
        or settings_model
        or DEFAULT_MODEL
    )


def pinned_model(ctx: Context, shell_env: dict[str, str]) -> str | None:
    """The model the user has pinned (settings beat the shell), if any."""
    settings_env, settings_model = merged_user_settings(ctx)
    return settings_env.get("ANTHROPIC_MODEL") or shell_env.get("ANTHROPIC_MODEL") or settings_model


def models_to_ask(ctx: Context, shell_env: ShellEnv, model: str | None) -> list[str | None]:
    """The models to ask for in this environment: the one given, else what the user really
    runs (their pinned model, else none: the client's own default). With Bedrock still on,
    Opus 4.7 by its id too: the seed's 400 was Opus 4.7's alone (the stand-in answers other
    models' body betas, as the service did), and the client's default on Bedrock is not Opus
    4.7 (2.1.111: Sonnet 4.5), so a user who picks it with /model or --model is judged; and
    the client routes by the id (an `anthropic.` id goes to Mantle, an alias to
    bedrock-runtime), so an alias a user types is asked too."""
    if model:
        return [model]
    chosen = pinned_model(ctx, shell_env.env)
    settings_env, _model = merged_user_settings(ctx)
    bedrock = settings_env.get(
        "CLAUDE_CODE_USE_BEDROCK", shell_env.env.get("CLAUDE_CODE_USE_BEDROCK")
    )
    if not is_on(bedrock):
        return [chosen]
    return list(dict.fromkeys([chosen, DEFAULT_MODEL, "sonnet"]))


def asks(
    models: Sequence[str | None], proofs: Sequence[NamedProof]
) -> list[tuple[str | None, str]]:
    """Each (model, prompt) to run: the models verify asks with its own prompt, then each a
    proof names that those do not cover (a Haiku-only fix is judged by asking Haiku). A
    proof naming only a prompt is asked with the first model."""
    runs = [(m, PROMPT) for m in models]
    for named in proofs:
        proof = named.proof
        if proof.model is None and proof.prompt is None:
            continue
        wanted = (proof.model or models[0], proof.prompt or PROMPT)
        if wanted not in runs:
            runs.append(wanted)
    return runs


def _model_request(requests: list[RecordedRequest]) -> RecordedRequest | None:
    chosen = [
        r for r in requests if r.model_in_path is not None or r.route.endswith("/v1/messages")
    ]
    return chosen[-1] if chosen else None


def _endpoint(request: RecordedRequest | None) -> str:
    if request is None:
        return "none"
    first = request.route.strip("/").split("/", 1)[0]
    return first if first in _PREFIX else "unknown"


def probe_once(
    ctx: Context,
    claude: str,
    shell_env: ShellEnv,
    model: str | None,
    timeout: float,
    *,
    proofs: Sequence[NamedProof] = (),
    settings: tuple[Mapping[str, str], str | None] | None = None,
    prompt: str = PROMPT,
) -> ProbeRun:
    """One `claude -p PROMPT`; with model None, no --model: what a plain `claude -p` asks
    for. `settings`: the merged settings env and model the client gets instead of the
    user's. `proofs`: each checked on the request it sends."""
    if (model or "").startswith("-") or prompt.startswith("-"):
        # The client would read either as an option of its own (format_proof refuses them in
        # a proof; a filled-in `{option}` could still make one).
        raise BadInput(f"a model or prompt may not start with '-': {model or prompt!r}")
    asked = model or "its default model"
    where = "this terminal" if shell_env.label == "this terminal" else f"a new {shell_env.label}"
    ctx.progress(f"running your claude in {where} ({asked})...")
    trusted = sorted({p.proof.tls_trusts for p in proofs if p.proof.tls_trusts})
    with private_scratch("verify-") as scratch:
        tls = make_tls_material(ctx, Path(scratch)) if trusted else None
        with StandIn(tls=(str(tls.cert), str(tls.key)) if tls else None) as standin:
            swap = {name: str(tls.ca) for name in trusted} if tls else {}
            done = _run_contained(
                ctx, claude, shell_env, model=model, timeout=timeout, url=standin.url,
                scratch=Path(scratch), swap=swap, settings=settings, prompt=prompt,
            )  # fmt: skip
            request = _model_request(standin.requests)
            reply_text = standin.reply_text
    return _probe_run(
        ctx,
        shell_env,
        model=model,
        proofs=proofs,
        request=request,
        result=done,
        reply=reply_text,
        settings_env=(settings or merged_user_settings(ctx))[0],
        prompt=prompt,
    )


def _run_contained(
    ctx: Context,
    claude: str,
    shell_env: ShellEnv,
    *,
    model: str | None,
    timeout: float,
    url: str,
    scratch: Path,
    swap: dict[str, str],
    settings: tuple[Mapping[str, str], str | None] | None,
    prompt: str,
) -> tuple[int | None, str, str]:
    """The user's claude, kept on this machine (verify.containment), against the stand-in."""
    contained = contain(ctx, shell_env.env, url, scratch, swap, given=settings)
    try:
        done = ctx.runner.run(
            [claude, "-p", prompt, *NO_MCP, *(["--model", model] if model else [])],
            env=contained.env,
            cwd=contained.cwd,
            timeout=timeout,
        )
    except RemedyError as e:
        return None, "", str(e)
    stdout = done.stdout.decode("utf-8", "replace").strip()
    return done.returncode, stdout, done.stderr.decode("utf-8", "replace").strip()


def _probe_run(
    ctx: Context,
    shell_env: ShellEnv,
    *,
    model: str | None,
    proofs: Sequence[NamedProof],
    request: RecordedRequest | None,
    result: tuple[int | None, str, str],
    reply: str,
    settings_env: Mapping[str, str],
    prompt: str,
) -> ProbeRun:
    code, stdout, stderr = result
    body = request.body if request is not None and isinstance(request.body, dict) else {}
    sent = (request.model_in_path if request else None) or body.get("model")
    # What the client ran with: its settings' env over the shell's (as Claude Code merges),
    # and the AWS profile's region where this client reads it (claude.client_region).
    ran_with = {**shell_env.env, **settings_env}
    found = region_read(ctx, _client_version(request), ran_with)
    ran_with = {**ran_with, "AWS_REGION": found} if found else ran_with
    broken = [(p, failure) for p in proofs for failure in _failures(p, request, ran_with)]
    run = ProbeRun(
        shell=shell_env.label,
        model=model or f"{sent or 'unknown'} (the client's default)",
        exit_code=code,
        output=inert(redact_text(stdout or stderr))[:2000],
        endpoint=_endpoint(request),
        path=request.path if request else None,
        header_betas=request.header_betas if request else [],
        body_betas=[str(b) for b in body.get("anthropic_beta", [])]
        if "anthropic_beta" in body
        else [],
        host=real_host(_endpoint(request), ran_with),
        client_version=_client_version(request),
        # Not redacted: a clause is the file author's text, its {option}s the values given
        # (no option defaults to a secret-named variable: format_options refuses it), and the
        # redactor masks `"max_tokens":4096` as if it were a token.
        proof_failures=[f"{p.label}: {failure}" for p, failure in broken],
        fixes=list(dict.fromkeys(p.remedy for p, _ in broken if p.role is ProofRole.FOUND)),
        prompt=prompt,
    )
    return replace(run, verdict=_verdict(run, request, reply))


def _failures(
    named: NamedProof, request: RecordedRequest | None, ran_with: Mapping[str, str]
) -> list[str]:
    if named.broken is not None:
        return [f"not proven: {named.broken}"]
    return check_proof(named.proof, request, ran_with)


_USER_AGENT = re.compile(r"claude-cli/([0-9][0-9A-Za-z.+-]*)")


def _client_version(request: RecordedRequest | None) -> str | None:
    found = _USER_AGENT.search(request.headers.get("user-agent", "")) if request else None
    return found.group(1) if found else None


def _verdict(run: ProbeRun, request: RecordedRequest | None, reply: str) -> str:
    if run.exit_code is None:
        return "timeout"
    if run.exit_code == 0 and reply in run.output:
        return "ok"
    if "invalid beta flag" in run.output:
        return "invalid-beta-flag"
    return "no-request" if request is None else "failed"


def _what_matters(env: Mapping[str, str], claude: str) -> tuple[object, ...]:
    """What decides the request a client sends: the variables it reads, and which client
    runs. Not the rest of PATH (a login shell's /etc/profile rewrites it) nor SHLVL and _,
    which always differ between a login and a non-login shell."""
    watched = tuple(sorted((k, v) for k, v in env.items() if k in WATCHED))
    return watched, os.path.realpath(claude)


def _distinct(envs: list[ShellEnv], key: Callable[[ShellEnv], object]) -> list[ShellEnv]:
    """Login and non-login shells often give Claude Code the same environment: run it once."""
    unique: list[ShellEnv] = []
    for candidate in envs:
        if all(key(candidate) != key(u) for u in unique):
            unique.append(candidate)
    return unique


def verify_offline(
    ctx: Context,
    envs: list[ShellEnv],
    *,
    model: str | None,
    fixed_version: str,
    applied: list[str],
    timeout: float = 90,
    proofs: Sequence[NamedProof] = (),
    found: Mapping[str, Sequence[NamedProof]] | None = None,
) -> OfflineResult:
    """`proofs`: each applied remedy's declared proof, checked on every recorded request;
    `found`: by a new shell's label, the proofs of the problems found in it (not applied)."""
    problems = found or {}

    def in_play(env: ShellEnv) -> list[NamedProof]:
        return [*proofs, *problems.get(env.label, ())]

    # Each kind of new shell runs the claude its own PATH gives (a login file may be the
    # only one that puts it there); one with none on its PATH cannot send a request.
    on_path = {id(e): all_on_path(replace(ctx, env=e.env), "claude") for e in envs}
    with_claude = [e for e in envs if on_path[id(e)]]
    if not with_claude:
        raise RemedyError("no `claude` on the PATH a new shell gets; nothing to verify")
    for env in envs:
        if not on_path[id(env)]:  # said, not silently left out
            ctx.warn(f"not run: a new {env.label} (no `claude` on the PATH it gets)")
    here = replace(ctx, env=with_claude[0].env)
    first_found = on_path[id(with_claude[0])]

    def key(env: ShellEnv) -> object:
        held = tuple(p.remedy for p in problems.get(env.label, ()))
        return _what_matters(env.env, on_path[id(env)][0]), held

    runs = []
    for e in _distinct(with_claude, key):
        alike = [other.label for other in with_claude if other is not e and key(other) == key(e)]
        for asked, prompt in asks(models_to_ask(ctx, e, model), in_play(e)):
            held = [p for p in in_play(e) if p.asks(asked, prompt)]
            run = probe_once(ctx, on_path[id(e)][0], e, asked, timeout, proofs=held, prompt=prompt)
            runs.append(replace(run, same_for=alike))
    # The client names its version in every request it sends (`User-Agent: claude-cli/2.1.111`):
    # read there, it costs no second Node.js start (`claude --version`, half a second), which
    # is left for a client that sent nothing.
    said = next((r.client_version for r in runs if r.client_version), None)
    first = locate(here, first_found[0])
    first = replace(first, version=said) if said else first.with_version(here)
    claude = ClaudeOnPath(first, tuple(first_found[1:]))
    broken = [f for r in runs for f in r.proof_failures]
    if broken:
        where = next(r for r in runs if r.proof_failures).shell
        message = f"the request a new {where} sends breaks a remedy's proof: {broken[0]}"
        if len(broken) > 1:
            message += f", and {len(broken) - 1} more (listed above)"
        return OfflineResult(claude, runs, "failed", message, applied)
    if all(r.ok for r in runs):
        message = "Claude Code would have succeeded"
        if any("haiku" in r.model and "client's default" in r.model for r in runs):
            # Measured with 2.1.111 on Mantle: no model named means Haiku, not Opus 4.7.
            message += (
                "; you will get Haiku unless you pin a model (`remedy apply mantle "
                "--model anthropic.claude-opus-4-7`)"
            )
        return OfflineResult(claude, runs, "ok", message, applied)
    version = parse_version(claude.version)
    fixed = parse_version(fixed_version)
    bedrock_only = all(r.endpoint == "bedrock" for r in runs if not r.ok)
    if bedrock_only and version is not None and fixed is not None and version >= fixed:
        return OfflineResult(
            claude,
            runs,
            "unproven",
            f"Claude Code {claude.version} is at or above {fixed_version}, where the fix was made "
            "on the service side; this offline check rejects body betas as Opus 4.7 did, so it "
            "cannot prove the upgrade. Only `remedy verify --live` can",
            applied,
        )
    failed = next(r for r in runs if not r.ok)
    why = {
        "invalid-beta-flag": "the request went to bedrock-runtime with anthropic_beta in its body",
        "timeout": "the client did not finish in time",
        "no-request": "the client failed before sending a request",
    }.get(failed.verdict, "the client did not succeed")
    if "extra-body" in applied and failed.body_betas:
        why += " (the extra-body workaround did not remove them, as measured with 2.1.111+)"
    return OfflineResult(claude, runs, "failed", f"Claude Code would fail: {why}", applied)
