"""What the request the real client sends must and must not show, for a remedy to count as
proven: checked against the request the loopback stand-in recorded (verify), so a fix for a
header, a path, a beta or a body key is proven offline without guessing how a service words
its errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class SentRequest(Protocol):
    """A recorded request (verify.standin.RecordedRequest has these)."""

    @property
    def path(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def body(self) -> Any: ...


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

    @property
    def empty(self) -> bool:
        return self == Proof()


def check_proof(proof: Proof, request: SentRequest | None) -> list[str]:
    """What the recorded request (verify.standin.RecordedRequest) fails of the proof; empty
    when it holds. The request is data the real client sent, so this is the proof."""
    if request is None:
        return ["the client sent no model request"]
    failures = []
    path = str(request.path)
    if proof.endpoint and not path.startswith(f"/{proof.endpoint}/"):
        failures.append(f"it went to {path.split('/')[1] or 'nowhere'}, not {proof.endpoint}")
    failures += [f"its path lacks {p!r}" for p in proof.path_contains if p not in path]
    failures += [f"its path has {p!r}" for p in proof.path_lacks if p in path]
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
    return failures


def _header_values(request: SentRequest, header: str) -> set[str]:
    raw = request.headers.get(header) or ""
    return {part.strip() for part in str(raw).split(",") if part.strip()}
