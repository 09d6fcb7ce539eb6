"""Path proofs compare the path as sent and decoded (issue 25): an application inference
profile's ARN is a common model id, and the client sends its `/` and `:` percent-encoded
(measured with 2.1.111), while a proof names it as a person writes it."""

from __future__ import annotations

from remedies.claude.request_proof import Proof, check_proof
from remedies.verify.standin import RecordedRequest

ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
SENT = "/bedrock/model/" + ARN.replace(":", "%3A").replace("/", "%2F") + "/invoke"


def request(path: str) -> RecordedRequest:
    return RecordedRequest("POST", path, {}, {}, b"")


def test_a_decoded_arn_in_a_proof_matches_the_encoded_path() -> None:
    proof = Proof(path_contains=("application-inference-profile/abc123",))
    assert check_proof(proof, request(SENT), {}) == []


def test_the_encoded_form_still_matches() -> None:
    proof = Proof(path_contains=("application-inference-profile%2Fabc123",))
    assert check_proof(proof, request(SENT), {}) == []


def test_a_path_lacks_proof_sees_the_decoded_path_too() -> None:
    proof = Proof(path_lacks=("123456789012:application-inference-profile",))
    assert check_proof(proof, request(SENT), {}) == [
        "its path has '123456789012:application-inference-profile'"
    ]
