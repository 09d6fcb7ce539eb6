"""A loopback stand-in for AWS Bedrock (bedrock-runtime and Mantle) for testing Claude Code.

Why this exists: `remedy` must reason about what Claude Code sends to AWS, but tests may not
reach AWS. Claude Code can be pointed at any base URL (`ANTHROPIC_BEDROCK_BASE_URL`,
`ANTHROPIC_BEDROCK_MANTLE_BASE_URL`) and told to skip SigV4 signing
(`CLAUDE_CODE_SKIP_BEDROCK_AUTH=1`, `CLAUDE_CODE_SKIP_MANTLE_AUTH=1`), so a small local HTTP
server can play both services, record what the real client sends, and answer the way the
real services did:

* bedrock-runtime (`POST /model/<id>/invoke-with-response-stream` and `/model/<id>/invoke`):
  for Opus 4.7, in every form of its id (`anthropic.claude-opus-4-7`, with a `us.`, `eu.`,
  `apac.` or `global.` inference-profile prefix, with a `-v1:0` suffix), a JSON body carrying
  an `anthropic_beta` key (even an empty list) is rejected with
  `400 {"message":"invalid beta flag"}`, the answer Opus 4.7 gave Claude Code <= 2.1.111;
  the same body for any other model is answered, as the real service answered it (the seed:
  the same configuration worked with other Bedrock models). Anything else gets a valid
  answer whose text is "Hello!" (the streaming one in AWS's binary
  event-stream encoding, which is what the Bedrock SDK inside Claude Code decodes).
* Mantle (`POST /v1/messages`, optionally under a prefix such as `/anthropic`): an Anthropic
  Messages API answer, as server-sent events when the body asks for `"stream": true`.
* Anything else: 404, still recorded, so a test can see unexpected calls.

Only the Python 3.9+ standard library is used, and the server only ever binds 127.0.0.1.

Usage::

    with StandIn() as server:
        env["ANTHROPIC_BEDROCK_BASE_URL"] = server.url
        ...run claude...
        print(server.requests)
"""

from __future__ import annotations

import base64
import json
import re
import struct
import threading
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

__all__ = [
    "RecordedRequest",
    "StandIn",
    "anthropic_stream_events",
    "bedrock_chunk_message",
    "decode_event_stream",
    "encode_event_stream_message",
]

#: The model ids whose bedrock-runtime requests were rejected for a body `anthropic_beta`:
#: Opus 4.7 in every form (bare, an inference-profile prefix, a `-v1:0` suffix, inside an
#: ARN's last part).
OPUS_4_7: str = r"claude-opus-4-7(?![0-9])"

#: Body of Bedrock's rejection, byte for byte as the service sent it.
INVALID_BETA_BODY: bytes = b'{"message":"invalid beta flag"}'

#: Bedrock names the exception class in this header; the AWS SDKs key on it. The Anthropic
#: Bedrock SDK inside Claude Code only reads the status and the JSON body, but we mirror the
#: service so the stand-in also satisfies stricter clients.
VALIDATION_ERROR_TYPE: str = (
    "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
)

# A prefix before `/model/` is allowed because gateways and proxies put one in
# ANTHROPIC_BEDROCK_BASE_URL; the client appends `/model/...` to whatever base it is given.
_BEDROCK_PATH = re.compile(
    r"^(?P<prefix>.*)/model/(?P<model>[^/]+)/(?P<op>invoke-with-response-stream|invoke)$"
)
# Mantle's base URL is `https://bedrock-mantle.<region>.api.aws/anthropic`, so accept any prefix
# before `/v1/messages`; a test then shows which prefix the client really used.
_MESSAGES_PATH = re.compile(r"^(?P<prefix>.*)/v1/messages$")
# Vertex AI: the project and the region are in the path, the model before the method.
_VERTEX_PATH = re.compile(
    r"^(?P<prefix>.*)/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)"
    r"/publishers/anthropic/models/(?P<model>[^/:]+):(?P<op>streamRawPredict|rawPredict)$"
)


@dataclass
class RecordedRequest:
    """One request as the stand-in saw it."""

    method: str
    #: Path including the query string, exactly as sent (still percent-encoded).
    path: str
    #: Header names lower-cased (HTTP header names are case-insensitive); repeated headers
    #: are joined with ", " as RFC 9110 allows.
    headers: dict[str, str]
    #: The parsed JSON body, or None when the body was empty or not JSON.
    body: Any
    raw_body: bytes = field(repr=False)

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path

    @property
    def query(self) -> str:
        return urlsplit(self.path).query

    @property
    def model_in_path(self) -> Optional[str]:
        """The (decoded) model id of a bedrock-runtime or Vertex path, else None."""
        match = _BEDROCK_PATH.match(self.route) or _VERTEX_PATH.match(self.route)
        return unquote(match.group("model")) if match else None

    @property
    def header_betas(self) -> list[str]:
        value = self.headers.get("anthropic-beta", "")
        return [beta.strip() for beta in value.split(",") if beta.strip()]

    @property
    def body_has_beta(self) -> bool:
        return isinstance(self.body, dict) and "anthropic_beta" in self.body


# --------------------------------------------------------------------------------------------
# AWS event-stream encoding (application/vnd.amazon.eventstream)
#
# Each message is:  total_length:u32  headers_length:u32  prelude_crc:u32
#                   headers  payload  message_crc:u32
# all big-endian; prelude_crc is CRC32 of the first 8 bytes, message_crc is CRC32 of
# everything before it. A header is: name_length:u8 name type:u8 value, and type 7 (string)
# has value_length:u16 followed by UTF-8 bytes. This is the only header type Bedrock uses.
# --------------------------------------------------------------------------------------------

_HEADER_TYPE_STRING = 7


def _encode_headers(headers: list[tuple[str, str]]) -> bytes:
    out = bytearray()
    for name, value in headers:
        name_bytes = name.encode("utf-8")
        value_bytes = value.encode("utf-8")
        out += struct.pack(">B", len(name_bytes)) + name_bytes
        out += struct.pack(">BH", _HEADER_TYPE_STRING, len(value_bytes)) + value_bytes
    return bytes(out)


def encode_event_stream_message(headers: list[tuple[str, str]], payload: bytes) -> bytes:
    """Encode one AWS event-stream message (headers are all string-typed)."""
    header_bytes = _encode_headers(headers)
    total_length = 4 + 4 + 4 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total_length, len(header_bytes))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + header_bytes + payload
    return message + struct.pack(">I", zlib.crc32(message) & 0xFFFFFFFF)


def bedrock_chunk_message(event: dict[str, Any]) -> bytes:
    """Wrap one Anthropic stream event the way InvokeModelWithResponseStream does.

    Bedrock sends each Messages API event as a `chunk` event whose JSON payload is
    `{"bytes": "<base64 of the event JSON>"}`; the SDK base64-decodes `bytes` and parses it.
    """
    inner = json.dumps(event, separators=(",", ":")).encode("utf-8")
    payload = json.dumps(
        {"bytes": base64.b64encode(inner).decode("ascii")}, separators=(",", ":")
    ).encode("utf-8")
    return encode_event_stream_message(
        [
            (":event-type", "chunk"),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload,
    )


def decode_event_stream(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """Decode event-stream messages, checking both CRCs (used by the self-tests)."""
    messages: list[tuple[dict[str, str], bytes]] = []
    offset = 0
    while offset < len(data):
        total_length, headers_length, prelude_crc = struct.unpack_from(">III", data, offset)
        if zlib.crc32(data[offset : offset + 8]) & 0xFFFFFFFF != prelude_crc:
            raise ValueError(f"bad prelude CRC at offset {offset}")
        end = offset + total_length
        (message_crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[offset : end - 4]) & 0xFFFFFFFF != message_crc:
            raise ValueError(f"bad message CRC at offset {offset}")
        headers: dict[str, str] = {}
        pos = offset + 12
        headers_end = pos + headers_length
        while pos < headers_end:
            name_length = data[pos]
            name = data[pos + 1 : pos + 1 + name_length].decode("utf-8")
            pos += 1 + name_length
            value_type, value_length = struct.unpack_from(">BH", data, pos)
            if value_type != _HEADER_TYPE_STRING:
                raise ValueError(f"unsupported header type {value_type}")
            pos += 3
            headers[name] = data[pos : pos + value_length].decode("utf-8")
            pos += value_length
        messages.append((headers, data[headers_end : end - 4]))
        offset = end
    return messages


# --------------------------------------------------------------------------------------------
# Messages API answers
# --------------------------------------------------------------------------------------------


def anthropic_stream_events(text: str, model: str) -> list[dict[str, Any]]:
    """The minimal Messages API event sequence for a single text block."""
    return [
        {
            "type": "message_start",
            "message": {
                "id": f"msg_standin_{uuid.uuid4().hex[:12]}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 10, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 2},
        },
        {"type": "message_stop"},
    ]


def _anthropic_message(text: str, model: str) -> dict[str, Any]:
    """A complete non-streamed Messages API response."""
    return {
        "id": f"msg_standin_{uuid.uuid4().hex[:12]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 2},
    }


def _sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        f"event: {event['type']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n".encode()
        for event in events
    )


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so Node's fetch (undici) can keep the connection alive between calls; every
    # answer therefore carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        # Stay quiet: tests read the recorded requests, not stderr.
        return

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # AWS SDK request handlers may stream bodies with chunked encoding.
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Discard trailers up to the empty line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self) -> RecordedRequest:
        raw = self._read_body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        request = RecordedRequest(self.command, self.path, headers, body, raw)
        self.server.standin._append(request)
        return request

    def _send(self, status: int, content_type: str, body: bytes, extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":  # HEAD answers carry the headers only
            self.wfile.write(body)

    def _handle(self) -> None:
        request = self._record()
        standin = self.server.standin
        request_id = str(uuid.uuid4())
        bedrock = _BEDROCK_PATH.match(request.route)
        messages = _MESSAGES_PATH.match(request.route)
        vertex = _VERTEX_PATH.match(request.route)

        if bedrock and self.command == "POST":
            model = request.model_in_path or "unknown"
            if request.body_has_beta and standin.rejects_betas_for(model):
                # What bedrock-runtime answered Claude Code <= 2.1.111 for Opus 4.7.
                status, body, headers = standin.rejection
                extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                content_type = headers.get("Content-Type", "application/json")
                self._send(status, content_type, body, {"x-amzn-RequestId": request_id, **extra})
            elif bedrock.group("op") == "invoke-with-response-stream":
                stream = b"".join(
                    bedrock_chunk_message(event)
                    for event in anthropic_stream_events(standin.reply_text, model)
                )
                self._send(
                    200,
                    "application/vnd.amazon.eventstream",
                    stream,
                    {
                        "x-amzn-RequestId": request_id,
                        "x-amzn-Bedrock-Content-Type": "application/json",
                    },
                )
            else:
                body = json.dumps(_anthropic_message(standin.reply_text, model)).encode()
                self._send(200, "application/json", body, {"x-amzn-RequestId": request_id})
            return

        if (messages or vertex) and self.command == "POST":
            # Vertex answers in the Messages API's shape too (streamRawPredict: its events).
            model = (
                unquote(vertex.group("model"))
                if vertex
                else str(request.body.get("model", "unknown"))
                if isinstance(request.body, dict)
                else "unknown"
            )
            streamed = (vertex is not None and vertex.group("op") == "streamRawPredict") or (
                isinstance(request.body, dict) and bool(request.body.get("stream"))
            )
            headers = {"request-id": f"req_standin_{request_id}"}
            if streamed:
                self._send(
                    200,
                    "text/event-stream; charset=utf-8",
                    _sse(anthropic_stream_events(standin.reply_text, model)),
                    {**headers, "Cache-Control": "no-cache"},
                )
            else:
                body = json.dumps(_anthropic_message(standin.reply_text, model)).encode()
                self._send(200, "application/json", body, headers)
            return

        self._send(404, "application/json", b'{"message":"not found"}', {})

    # Every method goes through the same recording path, so nothing escapes the log.
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck keep-alive connection must not block interpreter exit
    standin: StandIn


class StandIn:
    """The stand-in server: a context manager that serves in a background thread.

    `reject_body_beta=False` answers even requests carrying a body `anthropic_beta`, which
    lets a test check the event-stream encoding against the real client (Claude Code 2.1.111
    always sends body betas on bedrock-runtime for current models).

    `rejection` replaces the (status, body, headers) of the rejection, to see how the client
    reports other error shapes; the default is Bedrock's own answer.

    `rejected_models`: a pattern the (decoded) model id in the path must contain for a body
    beta to be rejected; Opus 4.7's by default, None for every model (a test that wants the
    rejection whatever model the client picks).
    """

    def __init__(
        self,
        reply_text: str = "Hello!",
        reject_body_beta: bool = True,
        rejection: Optional[tuple[int, bytes, dict[str, str]]] = None,
        tls: Optional[tuple[str, str]] = None,
        rejected_models: Optional[str] = OPUS_4_7,
    ) -> None:
        """`tls`: a certificate and its key (PEM files): answer over HTTPS with them."""
        self.tls = tls
        self.rejected_models = re.compile(rejected_models) if rejected_models else None
        self.reply_text = reply_text
        self.reject_body_beta = reject_body_beta
        self.rejection: tuple[int, bytes, dict[str, str]] = rejection or (
            400,
            INVALID_BETA_BODY,
            {"Content-Type": "application/json", "x-amzn-ErrorType": VALIDATION_ERROR_TYPE},
        )
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    def rejects_betas_for(self, model: str) -> bool:
        """Whether bedrock-runtime answers a body beta for `model` with the rejection."""
        if not self.reject_body_beta:
            return False
        return self.rejected_models is None or bool(self.rejected_models.search(model))

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> StandIn:
        # Port 0: the kernel picks a free port, so parallel tests never collide.
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        if self.tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            # A client that does not trust the certificate fails its handshake in accept():
            # an OSError the server drops, so nothing is recorded, which is the point.
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        # A short poll: stop() waits for the loop to notice (the default 0.5 s was a third of
        # what verify adds to the client's own run).
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("stand-in is not running")
        return int(self._server.server_address[1])

    def client_env(self) -> dict[str, str]:
        """What points Claude Code's Bedrock and Mantle endpoints here, unsigned (measured
        with 2.1.111: both base URLs are honoured, and SKIP_*_AUTH stops SigV4 signing)."""
        return {
            "ANTHROPIC_BEDROCK_BASE_URL": self.url,
            "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": self.url,
            "ANTHROPIC_VERTEX_BASE_URL": self.url,
            "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1",
            "CLAUDE_CODE_SKIP_MANTLE_AUTH": "1",
            "CLAUDE_CODE_SKIP_VERTEX_AUTH": "1",
        }

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:41234 (https with tls)."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    # -- recorded requests -------------------------------------------------------------------

    def _append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def bedrock_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if _BEDROCK_PATH.match(r.route)]

    def messages_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if _MESSAGES_PATH.match(r.route)]


if __name__ == "__main__":
    # Handy for poking at the client by hand: prints the URL and every request as it arrives.
    import time

    with StandIn() as standin:
        print(standin.url, flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.2)
                for req in standin.requests[seen:]:
                    print(req.method, req.path, req.headers.get("anthropic-beta"), flush=True)
                seen = len(standin.requests)
        except KeyboardInterrupt:
            pass
