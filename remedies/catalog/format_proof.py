"""A remedy file's `[proof]` table (catalog.data_format), read and checked: what the request
the real client sends must show, as a claude.request_proof.Proof."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from remedies.catalog.format_reader import VARIABLE, Reader
from remedies.claude.request_proof import (
    ENDPOINTS,
    PROOF_MODEL_WRITTEN,
    PROOF_PROMPT_WRITTEN,
    Proof,
)

_PROOF = {
    "endpoint",
    "path_contains",
    "path_lacks",
    "header_lacks",
    "header_has",
    "body_lacks",
    "betas_lack",
    "body_mentions",
    "body_omits",
    "model_fits_region",
    "tls_trusts",
    "model",
    "prompt",
}
# A proof's model and prompt: their shapes are claude.request_proof's (PROOF_*_WRITTEN here,
# PROOF_MODEL and PROOF_PROMPT once the options are filled in).


def read_proof(read: Reader, doc: Mapping[str, Any]) -> Proof:
    read.only(doc, _PROOF, "proof")
    endpoint = doc.get("endpoint")
    if endpoint is not None and endpoint not in ENDPOINTS:
        raise read.fail("endpoint", f"{endpoint!r} is none of {', '.join(ENDPOINTS)}", "proof")

    def headers(key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        found = read.mapping(doc, key, "proof")
        for header, values in found.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise read.fail(key, f"{header}: must be a list of values", "proof")
        return tuple((h.lower(), tuple(v)) for h, v in sorted(found.items()))

    return Proof(
        endpoint=endpoint,
        path_contains=read.strings(doc, "path_contains", "proof"),
        path_lacks=read.strings(doc, "path_lacks", "proof"),
        header_lacks=headers("header_lacks"),
        header_has=headers("header_has"),
        body_lacks=read.strings(doc, "body_lacks", "proof"),
        betas_lack=read.strings(doc, "betas_lack", "proof"),
        body_mentions=read.strings(doc, "body_mentions", "proof"),
        body_omits=read.strings(doc, "body_omits", "proof"),
        model_fits_region=_flag(read, doc, "model_fits_region"),
        tls_trusts=_trusted_ca(read, doc),
        model=_probe_word(
            read, doc, "model", PROOF_MODEL_WRITTEN, "a model id, e.g. claude-haiku-4-5"
        ),
        prompt=_probe_word(
            read,
            doc,
            "prompt",
            PROOF_PROMPT_WRITTEN,
            "plain text: letters, digits, spaces and _.,?'!:;()- (no @file, no /command)",
        ),
    )


def _probe_word(
    read: Reader, doc: Mapping[str, Any], key: str, shape: re.Pattern[str], what: str
) -> str | None:
    value = doc.get(key)
    if value is not None and (not isinstance(value, str) or not shape.match(value)):
        raise read.fail(key, f"must be {what}", "proof")
    return value


def _trusted_ca(read: Reader, doc: Mapping[str, Any]) -> str | None:
    """The variable whose value the TLS proof swaps for its throwaway CA: it is set in the
    probe's environment, so it is held to the same rule as what a remedy sets."""
    name = _variable(read, doc, "tls_trusts")
    if name is not None:
        read.configuration((name,), "tls_trusts", "proof")
    return name


def _variable(read: Reader, doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    if value is not None and (not isinstance(value, str) or not VARIABLE.match(value)):
        raise read.fail(key, "must be a variable name", "proof")
    return value


def _flag(read: Reader, doc: Mapping[str, Any], key: str) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        raise read.fail(key, "must be true or false", "proof")
    return value
