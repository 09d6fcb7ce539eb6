"""What the request the real client sends must and must not show, for a remedy to count as
proven: checked against the request the loopback stand-in recorded (verify), so a fix for a
header, a path, a beta or a body key is proven offline without guessing how a service words
its errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from typing import TypeGuard  # Python 3.10+; annotations only (the zipapp runs on 3.9)


class SentRequest(Protocol):
    """A recorded request (verify.standin.RecordedRequest has these)."""

    @property
    def path(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def body(self) -> Any: ...


VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# The endpoints a proof may name (verify.containment gives each its own path prefix).
ENDPOINTS = ("bedrock", "mantle", "anthropic", "vertex", "foundry")
# A proof's model and prompt become the probe's `--model MODEL` and its prompt: words the
# client reads. Neither may start with "-" (an option of the client's), and the prompt is
# plain text: a prompt with `@path` makes the client read that file into the request, and
# one starting with "/" runs a slash command instead of sending one (found by review, with
# 2.1.111). `{option}`s are allowed in the file (PROOF_*_WRITTEN) and checked once filled.
PROOF_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@\[\]-]{0,199}\Z")
PROOF_PROMPT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,?'!:;()-]{0,499}\Z")
PROOF_MODEL_WRITTEN = re.compile(r"[A-Za-z0-9{][A-Za-z0-9._:/@{}\[\]-]{0,199}\Z")
PROOF_PROMPT_WRITTEN = re.compile(r"[A-Za-z0-9{][A-Za-z0-9 {}_.,?'!:;()-]{0,499}\Z")


@dataclass(frozen=True)
class Proof:
    endpoint: str | None = None
    path_contains: tuple[str, ...] = ()
    path_lacks: tuple[str, ...] = ()
    header_lacks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    header_has: tuple[tuple[str, tuple[str, ...]], ...] = ()
    body_lacks: tuple[str, ...] = ()
    betas_lack: tuple[str, ...] = ()
    # Text the body, as compact JSON with sorted keys, must hold / must not hold.
    body_mentions: tuple[str, ...] = ()
    body_omits: tuple[str, ...] = ()
    # The model id's inference-profile prefix fits the AWS region the client ran with.
    model_fits_region: bool = False
    # A variable naming a CA file: the client must trust a CA given there, in the places the
    # user sets it (the stand-in answers over TLS with a throwaway CA swapped in).
    tls_trusts: str | None = None
    # The model the probe asks for (`--model`), and its prompt: a Haiku-only or small-fast
    # path is provable only by asking for that model. None: what verify asks anyway.
    model: str | None = None
    prompt: str | None = None

    @property
    def empty(self) -> bool:
        return replace(self, model=None, prompt=None) == Proof()

    def trouble(self) -> str | None:
        """Why this proof, its options filled in, cannot run; None when it can. A remedy
        file is checked when it is read; this checks what its options and a journal (data a
        user can write) make of it."""
        from remedies.claude.config_variables import refusal

        if self.model is not None and not PROOF_MODEL.match(self.model):
            return f"its model {self.model[:80]!r} is not a model id"
        if self.prompt is not None and not PROOF_PROMPT.match(self.prompt):
            return f"its prompt {self.prompt[:80]!r} is not plain text"
        if self.endpoint is not None and self.endpoint not in ENDPOINTS:
            return f"its endpoint {self.endpoint[:40]!r} is none of {', '.join(ENDPOINTS)}"
        if self.tls_trusts is not None:
            why = refusal(self.tls_trusts) if VARIABLE_NAME.match(self.tls_trusts) else "no name"
            if why is not None:
                return f"its tls_trusts {self.tls_trusts[:40]!r} is refused: {why}"
        return None

    def to_json(self) -> dict[str, Any]:
        """What the journal keeps of an applied remedy's proof (its options filled in), so
        that verify proves a remedy applied from a file that is gone since."""
        return {k: v for k, v in asdict(self).items() if v not in (None, (), False)}

    @classmethod
    def from_json(cls, raw: object) -> Proof | None:
        """A proof the journal kept; None for anything but what to_json writes. The journal
        is data a user can write: a wrong type is dropped, never trusted."""
        if not isinstance(raw, dict):
            return None
        kinds = {f.name: str(f.type) for f in fields(cls)}
        given: dict[str, Any] = {}
        for key, value in raw.items():
            read = _READERS.get(kinds.get(key, ""))
            taken = read(value) if read is not None else None
            if taken is None:
                return None
            given[key] = taken
        proof = cls(**given)
        return None if proof.trouble() is not None else proof


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _texts(value: object) -> tuple[str, ...] | None:
    return tuple(value) if _strings(value) else None


def _headers(value: object) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if not _header_pairs(value):
        return None
    return tuple((str(h), tuple(v)) for h, v in value)


# Each field's type, as its annotation reads, and how a journal's value becomes one.
_READERS: dict[str, Callable[[object], object]] = {
    "str | None": _text,
    "bool": _flag,
    "tuple[str, ...]": _texts,
    "tuple[tuple[str, tuple[str, ...]], ...]": _headers,
}


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _header_pairs(value: object) -> TypeGuard[list[list[Any]]]:
    return isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and _strings(pair[1])
        for pair in value
    )


class ProofRole(Enum):
    """Why verify holds a request to a remedy's proof."""

    APPLIED = "applied"  # the journal says it is applied here
    FOUND = "not applied, its [when] holds here"  # doctor finds its problem here
    CHECKED = "checked"  # `remedy check FILE`


@dataclass(frozen=True)
class NamedProof:
    """A remedy's proof, and why it is held to it."""

    remedy: str
    proof: Proof
    role: ProofRole = ProofRole.CHECKED
    # Why the proof cannot run (a journal's kept proof unreadable, an option that makes its
    # model no model): every request then fails it, so the remedy is never called proven.
    broken: str | None = None

    @property
    def label(self) -> str:
        if self.role is ProofRole.CHECKED:
            return self.remedy
        return f"{self.remedy} ({self.role.value})"

    def asks(self, model: str | None, prompt: str) -> bool:
        """Whether a run that asked for `model` with `prompt` is one this proof judges."""
        wanted_model = self.proof.model is None or self.proof.model == model
        return wanted_model and (self.proof.prompt or prompt) == prompt


def fill(text: str, values: Mapping[str, str]) -> str:
    """`{name}` replaced by the option's value (a remedy file's names are checked when it is
    read, so nothing else is ever replaced)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def with_values(proof: Proof, values: Mapping[str, str]) -> Proof:
    """The proof with each `{name}` replaced by the option's value (a remedy file's options,
    as given when it was applied)."""

    def filled(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(fill(text, values) for text in texts)

    return replace(
        proof,
        model=fill(proof.model, values) if proof.model else None,
        prompt=fill(proof.prompt, values) if proof.prompt else None,
        path_contains=filled(proof.path_contains),
        path_lacks=filled(proof.path_lacks),
        body_mentions=filled(proof.body_mentions),
        body_omits=filled(proof.body_omits),
    )


def check_proof(
    proof: Proof, request: SentRequest | None, env: Mapping[str, str] | None = None
) -> list[str]:
    """What the recorded request (verify.standin.RecordedRequest) fails of the proof; empty
    when it holds. The request is data the real client sent, so this is the proof. `env`: what
    the client ran with (its settings' env over the shell's), for the region."""
    import json  # here: parsing a remedy file (`remedy list`) checks no request

    if request is None and proof.tls_trusts:
        return [
            f"the client did not trust the CA that {proof.tls_trusts} names where it is set "
            "(no request reached the TLS stand-in)"
        ]
    if request is None:
        return ["the client sent no model request"]
    failures = []
    path = str(request.path)
    if proof.endpoint and not path.startswith(f"/{proof.endpoint}/"):
        failures.append(f"it went to {path.split('/')[1] or 'nowhere'}, not {proof.endpoint}")
    # The path as sent and decoded: the client sends an ARN model id's `/` and `:` as `%2F`
    # and `%3A` (measured with 2.1.111), and a proof names the id as a person writes it.
    from urllib.parse import unquote

    forms = (path, unquote(path))
    failures += [
        f"its path lacks {p!r}" for p in proof.path_contains if not any(p in f for f in forms)
    ]
    failures += [f"its path has {p!r}" for p in proof.path_lacks if any(p in f for f in forms)]
    for header, values in proof.header_lacks:
        sent = _header_values(request, header)
        failures += [f"header {header} carries {v}" for v in values if v in sent]
    for header, values in proof.header_has:
        sent = _header_values(request, header)
        failures += [f"header {header} lacks {v}" for v in values if v not in sent]
    body = request.body if isinstance(request.body, dict) else {}
    failures += [f"the body carries {key}" for key in proof.body_lacks if key in body]
    sent_betas = _header_values(request, "anthropic-beta") | {
        str(b) for b in body.get("anthropic_beta", []) or []
    }
    failures += [f"the request carries beta {b}" for b in proof.betas_lack if b in sent_betas]
    text = json.dumps(request.body, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    failures += [f"the body lacks {t}" for t in proof.body_mentions if t not in text]
    failures += [f"the body holds {t}" for t in proof.body_omits if t in text]
    if proof.model_fits_region:
        failures += _region_failures(request, env or {})
    return failures


def _region_failures(request: SentRequest, env: Mapping[str, str]) -> list[str]:
    # Here, not at the top: every remedy's description imports this module, and `remedy
    # list` should not pay for the region's machinery.
    from remedies.claude.model_ids import fits_region
    from remedies.claude.region import REGION_VARIABLES

    region = next((env[name] for name in REGION_VARIABLES if env.get(name)), None)
    if not region:
        # Claude Code before 2.1.172 then uses us-east-1, whatever ~/.aws/config says.
        return ["the client ran with no AWS region (it falls back to us-east-1)"]
    body = request.body if isinstance(request.body, dict) else {}
    model = _model_in_path(str(request.path)) or str(body.get("model") or "")
    if model and not fits_region(model, region):
        return [f"it asked for {model}, not a model of {region}"]
    return []


def _model_in_path(path: str) -> str | None:
    from urllib.parse import unquote

    parts = path.split("?", maxsplit=1)[0].split("/")
    return unquote(parts[parts.index("model") + 1]) if "model" in parts[:-1] else None


def _header_values(request: SentRequest, header: str) -> set[str]:
    raw = request.headers.get(header) or ""
    return {part.strip() for part in str(raw).split(",") if part.strip()}
