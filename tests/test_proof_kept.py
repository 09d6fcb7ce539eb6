"""The proof the journal keeps of an applied remedy (claude.request_proof.Proof.to_json and
from_json): a proof that can run reads back equal, and a journal a user edited never yields
a proof of the wrong shape or one that cannot run, nor an exception (verify drops it)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from remedies.claude.request_proof import ENDPOINTS, PROOF_MODEL, PROOF_PROMPT, Proof

texts = st.text(max_size=20)
many = st.lists(texts, max_size=3).map(tuple)
headers = st.lists(st.tuples(texts, many), max_size=2).map(tuple)
proofs = st.builds(
    Proof,
    endpoint=st.none() | st.sampled_from(ENDPOINTS),
    path_contains=many,
    path_lacks=many,
    header_lacks=headers,
    header_has=headers,
    body_lacks=many,
    betas_lack=many,
    body_mentions=many,
    body_omits=many,
    model_fits_region=st.booleans(),
    tls_trusts=st.none() | st.just("NODE_EXTRA_CA_CERTS"),
    # What a proof may hold once its options are filled in (Proof.trouble): any other is
    # dropped when read back, as the second test holds.
    model=st.none() | st.from_regex(PROOF_MODEL, fullmatch=True),
    prompt=st.none() | st.from_regex(PROOF_PROMPT, fullmatch=True),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(proofs)
def test_a_kept_proof_reads_back_equal(proof: Proof) -> None:
    assert Proof.from_json(json.loads(json.dumps(proof.to_json()))) == proof


@given(st.dictionaries(st.sampled_from([*Proof.__dataclass_fields__, "other"]), json_values))
def test_an_edited_journal_gives_a_well_typed_proof_or_none(raw: dict[str, Any]) -> None:
    proof = Proof.from_json(raw)
    if proof is None:
        return
    for name in Proof.__dataclass_fields__:
        value = getattr(proof, name)
        if isinstance(value, tuple):
            for item in value:
                assert isinstance(item, (str, tuple)), (name, value)
                if isinstance(item, tuple):
                    header, values = item
                    assert isinstance(header, str) and all(isinstance(v, str) for v in values)
        else:
            assert value is None or isinstance(value, (str, bool)), (name, value)
    assert proof.trouble() is None
