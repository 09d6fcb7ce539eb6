"""The loopback stand-in on its own: the wire formats the real client decodes, the answers it
gives, what it records, and that it listens on loopback only."""

from __future__ import annotations

import base64
import http.client
import json

import pytest

from remedies.verify.standin import (
    StandIn,
    anthropic_stream_events,
    bedrock_chunk_message,
    decode_event_stream,
    encode_event_stream_message,
)


def post(
    standin: StandIn, path: str, body: object, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", standin.port, timeout=10)
    connection.request(
        "POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_event_stream_round_trip_and_crcs() -> None:
    message = encode_event_stream_message([(":event-type", "chunk")], b'{"a":1}')
    assert decode_event_stream(message) == [({":event-type": "chunk"}, b'{"a":1}')]
    broken = message[:-1] + bytes([message[-1] ^ 1])
    with pytest.raises(ValueError, match="CRC"):
        decode_event_stream(broken)


def test_bedrock_chunks_carry_base64_events() -> None:
    event = {"type": "message_stop"}
    ((headers, payload),) = decode_event_stream(bedrock_chunk_message(event))
    assert headers[":event-type"] == "chunk"
    assert json.loads(base64.b64decode(json.loads(payload)["bytes"])) == event


def test_body_betas_are_rejected_as_opus_4_7_did() -> None:
    with StandIn() as standin:
        status, headers, body = post(
            standin,
            "/model/claude-opus-4-7/invoke-with-response-stream",
            {"anthropic_beta": [], "messages": []},
        )
        assert (status, body) == (400, b'{"message":"invalid beta flag"}')
        assert headers["x-amzn-errortype"].startswith("ValidationException")
        (request,) = standin.requests
        assert request.body_has_beta and request.model_in_path == "claude-opus-4-7"


@pytest.mark.parametrize(
    ("model", "refused"),
    [
        ("claude-opus-4-7", True),
        ("anthropic.claude-opus-4-7", True),
        ("us.anthropic.claude-opus-4-7", True),
        ("eu.anthropic.claude-opus-4-7", True),
        ("apac.anthropic.claude-opus-4-7", True),
        ("global.anthropic.claude-opus-4-7", True),
        ("us.anthropic.claude-opus-4-7-v1:0", True),
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", False),
        ("us.anthropic.claude-opus-4-1-20250805-v1:0", False),
        ("anthropic.claude-haiku-4-5", False),
        ("claude-opus-4-70", False),
    ],
)
def test_body_betas_are_refused_for_opus_4_7_alone(model: str, refused: bool) -> None:
    """The seed: bedrock-runtime refused body betas for Opus 4.7 only; the same
    configuration worked with other models (a stand-in stricter than the service made every
    Bedrock home fail verify)."""
    with StandIn() as standin:
        path = f"/model/{model.replace(':', '%3A')}/invoke-with-response-stream"
        status, _headers, body = post(standin, path, {"anthropic_beta": ["x"], "messages": []})
    assert (status == 400) is refused, (status, body)
    assert (body == b'{"message":"invalid beta flag"}') is refused


def test_bedrock_without_body_betas_streams_hello() -> None:
    with StandIn() as standin:
        status, headers, body = post(
            standin, "/x/model/m/invoke-with-response-stream", {"messages": []}
        )
    assert status == 200 and headers["content-type"] == "application/vnd.amazon.eventstream"
    events = [
        json.loads(base64.b64decode(json.loads(p)["bytes"])) for _, p in decode_event_stream(body)
    ]
    assert [e["type"] for e in events] == [
        e["type"] for e in anthropic_stream_events("Hello!", "m")
    ]
    assert events[2]["delta"]["text"] == "Hello!"


def test_mantle_answers_server_sent_events() -> None:
    with StandIn() as standin:
        status, headers, body = post(
            standin,
            "/mantle/v1/messages?beta=true",
            {"model": "claude-opus-4-7", "stream": True},
            {"anthropic-beta": "a-1, b-2"},
        )
        (request,) = standin.messages_requests()
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in body.decode().split("\n\n") if b]
    assert blocks[0].startswith("event: message_start\ndata: ")
    assert '"text":"Hello!"' in body.decode()
    assert request.header_betas == ["a-1", "b-2"] and not request.body_has_beta
    assert request.query == "beta=true"


def test_anything_else_is_404_and_recorded() -> None:
    with StandIn() as standin:
        status, _, _ = post(standin, "/somewhere/else", {})
        assert status == 404
        assert [r.route for r in standin.requests] == ["/somewhere/else"]


def test_listens_on_loopback_only() -> None:
    with StandIn() as standin:
        assert standin.url.startswith("http://127.0.0.1:")
        assert standin._server is not None and standin._server.server_address[0] == "127.0.0.1"
