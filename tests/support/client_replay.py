"""The real client's probe runs, each distinct one run once per test worker, the rest replayed.

remedy's verify runs the user's `claude -p` against its loopback stand-in, contained: a
throwaway HOME and CLAUDE_CONFIG_DIR, an empty working folder, every endpoint at the
stand-in (remedies/verify/containment.py). What the client sends and prints is then decided
by what it is given: its own files and Node.js, its arguments, its environment, the files in
that scratch folder, the machine's managed settings and any file a variable names. Measured
on the suite (issue 24): of 157 such runs, 60 were given the same inputs as an earlier one
(a broken Bedrock home, verified in one test after another), at 1.1 s of CPU each.

So a run of remedy in the test process (tests/support/inprocess.py) gets a ReplayingRunner.
The first run with given inputs is real, behind a recording relay in front of the stand-in;
a later run with the same inputs sends the recorded requests to the stand-in of its own run
(which records and answers them as it would the client's: remedy judges what it saw) and
gives back what the client printed and its exit code. The stand-in must answer each as it
answered the real client (status, type and body, its fresh ids masked), and the real run
must have finished within the replay's timeout, else the run is made for real after all.
The key holds the client's files, Node.js, arguments, whole environment (ports and the
scratch folder written alike), every file in the scratch folder, the machine's managed
settings, what the client reads in the folders above its working folder (CLAUDE.md,
.claude, .mcp.json, .git) and any file a variable names.

Never replayed: a run from a process of its own (remedy as a program, the zipapp, a fleet,
root for a user), a run whose stand-in is TLS (the client is the one that checks the
certificate), one that did not finish or was killed, one that sent nothing through the
relay, a client other than an npm cli.js that the tests install (a
wrapper script runs code of its own; the newest client, from 2.1.113 a native binary behind
npm's wrapper, would have its 400 MB hashed for the key at every run: 0.6 s of CPU, what a
run of it costs, measured: each of its runs is real), and every run of a test marked
`every_client_run_real` (a test about what the client does besides its requests).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from remedies.context import Runner, _as_root_may
from remedies.verify.standin import decode_event_stream
from tests.support import figures

REPO = Path(__file__).resolve().parents[2]
CLIENTS = (REPO / ".cache" / "claude-code").resolve()
_LOOPBACK = re.compile(r"127\.0\.0\.1:(\d+)")
# The variables that point the client at the stand-in: contain() sets every one.
_STANDIN_VARIABLE = "ANTHROPIC_BEDROCK_BASE_URL"
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
_MANAGED = (Path("/etc/claude-code"), Path("/Library/Application Support/ClaudeCode"))
# What the client reads in the folders above its working folder (the scratch folder's).
_ABOVE = ("CLAUDE.md", "CLAUDE.local.md", ".claude", ".mcp.json", ".git")
# The stand-in's own ids in its answers (messages, requests): new on every answer.
_IDS = re.compile(
    rb"msg_standin_[0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def _port_as(text: str, port: int, written: str) -> str:
    """`127.0.0.1:<port>` written otherwise, and no longer port that begins the same."""
    return re.sub(rf"127\.0\.0\.1:{port}(?!\d)", f"127.0.0.1:{written}", text)


@dataclass(frozen=True)
class Exchange:
    """One request the client sent (ports as PORT), and the stand-in's answer to it: its
    status and a digest of its type and body with the stand-in's fresh ids masked."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    answer: str


@dataclass(frozen=True)
class Recorded:
    exchanges: tuple[Exchange, ...]
    code: int
    stdout: bytes  # ports as PORT, the scratch folder as SCRATCH
    stderr: bytes
    seconds: float  # how long the real run took: a replay for a shorter timeout runs it


class _Store:
    """What has been recorded: in this process, and, with workers (make test), in a folder
    the workers of one run share (set by tests/conftest.py; pytest's own temporary folder,
    root's alone), so that a run one worker recorded is replayed by the others too. Counted
    in the figures `make test` prints."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recorded: dict[str, Recorded] = {}
        self.shared: Path | None = None

    def count(self, what: str) -> None:
        with self.lock:
            figures.add(what)

    def get(self, key: str) -> Recorded | None:
        with self.lock:
            found = self.recorded.get(key)
        if found is not None or self.shared is None:
            return found
        try:
            return _from_json(json.loads((self.shared / key).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, recorded: Recorded) -> None:
        with self.lock:
            self.recorded[key] = recorded
        if self.shared is not None:
            self.shared.mkdir(exist_ok=True)
            fd, staged = tempfile.mkstemp(prefix=f".{key}.", dir=self.shared)
            with os.fdopen(fd, "w") as file:
                file.write(json.dumps(_to_json(recorded)))
            os.replace(staged, self.shared / key)


def _to_json(recorded: Recorded) -> dict[str, Any]:
    def text(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return {
        "exchanges": [
            [e.method, e.path, [list(h) for h in e.headers], text(e.body), e.status, e.answer]
            for e in recorded.exchanges
        ],
        "code": recorded.code,
        "stdout": text(recorded.stdout),
        "stderr": text(recorded.stderr),
        "seconds": recorded.seconds,
    }


def _from_json(document: dict[str, Any]) -> Recorded:
    return Recorded(
        tuple(
            Exchange(
                method,
                path,
                tuple((k, v) for k, v in headers),
                base64.b64decode(body),
                status,
                answer,
            )
            for method, path, headers, body, status, answer in document["exchanges"]
        ),
        int(document["code"]),
        base64.b64decode(document["stdout"]),
        base64.b64decode(document["stderr"]),
        float(document["seconds"]),
    )


STORE = _Store()


class _AllReal:
    """Held by tests/conftest.py for a test marked every_client_run_real (and by
    every_run_real()); nested holds count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0

    def hold(self, by: int) -> None:
        with self._lock:
            self._held += by

    def is_set(self) -> bool:
        with self._lock:
            return self._held > 0


ALL_REAL = _AllReal()


@dataclass(frozen=True)
class ReplayingRunner(Runner):
    """Runner whose probe runs of the real client are replayed when seen before."""

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        timeout: float = 30.0,
        cwd: Path | None = None,
        **rest: Any,
    ) -> subprocess.CompletedProcess[bytes]:
        port = _replayable(argv, env, cwd, rest)
        if port is None:
            return super().run(argv, env=env, timeout=timeout, cwd=cwd, **rest)
        if ALL_REAL.is_set():
            STORE.count("client probes run for real")
            return super().run(argv, env=env, timeout=timeout, cwd=cwd, **rest)
        # As root, remedy first judges the program and gives it root's PATH: judged here as
        # for a real run (a client root may not run is refused all the same), and keyed on
        # what the client would really be given.
        key = _key(argv, _as_root_may(argv[0], env), cwd, port)
        scratch = _scratch(env)
        seen = STORE.get(key)
        if seen is not None and seen.seconds < timeout and _replay(seen, port):
            STORE.count("client probes replayed")
            return _completed(argv, seen, port, scratch)
        if seen is not None:
            STORE.count("client probes the stand-in answered otherwise, run for real")
        with _Relay(port) as relay:
            _point_files_at(scratch, port, relay.port)
            started = time.monotonic()
            done = super().run(
                argv, env=_moved(env, port, relay.port), timeout=timeout, cwd=cwd, **rest
            )
            seconds = time.monotonic() - started
        STORE.count("client probes run for real")
        stdout, stderr = (_normal(o, relay.port, scratch) for o in (done.stdout, done.stderr))
        # Nothing came through the relay (a client that failed before sending, or one that
        # reached the stand-in some other way), or the client was killed: none is kept.
        if relay.exchanges and done.returncode >= 0:
            STORE.put(
                key, Recorded(tuple(relay.exchanges), done.returncode, stdout, stderr, seconds)
            )
        return _completed(
            argv, Recorded((), done.returncode, stdout, stderr, seconds), port, scratch
        )


def _replayable(
    argv: Sequence[str], env: Mapping[str, str], cwd: Path | None, rest: Mapping[str, Any]
) -> int | None:
    """The stand-in's port for a contained `claude -p` of the npm client (verify's probe:
    its configuration folder and empty working folder in one scratch folder), else None
    (`verify --live` runs the client as the user has it)."""
    if len(argv) < 2 or argv[1] != "-p" or rest.get("argv0") or rest.get("on_stderr"):
        return None
    config = env.get("CLAUDE_CONFIG_DIR")
    if config is None or cwd is None or Path(config).parent / "work" != cwd:
        return None
    real = Path(os.path.realpath(argv[0]))
    if CLIENTS not in real.parents or real.name != "cli.js":
        return None
    url = env.get(_STANDIN_VARIABLE, "")
    found = _LOOPBACK.match(url.removeprefix("http://"))
    if found is None or any(v.startswith("https://127.0.0.1") for v in env.values()):
        return None
    return int(found.group(1))


def _scratch(env: Mapping[str, str]) -> Path:
    return Path(env["CLAUDE_CONFIG_DIR"]).parent


def _key(argv: Sequence[str], env: Mapping[str, str], cwd: Path | None, port: int) -> str:
    """Everything the client is given, with this run's stand-in port and scratch folder
    written as PORT and SCRATCH."""
    scratch = str(_scratch(env))

    def same(text: str) -> str:
        return _port_as(text.replace(scratch, "SCRATCH"), port, "PORT")

    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(json.dumps(parts, default=str).encode() + b"\0")

    client = Path(os.path.realpath(argv[0]))
    node = shutil.which("node", path=env.get("PATH"))
    add("client", str(client), _stamp(client), node and os.path.realpath(node))
    add("argv", [same(a) for a in argv[1:]], same(str(cwd)) if cwd else None)
    add("env", sorted((k, same(v)) for k, v in env.items()))
    for root in (Path(scratch), *_MANAGED):
        for path, what in _tree(root):
            # The scratch folder's files name the stand-in and the folder themselves.
            add("file", same(str(path)), same(what) if isinstance(what, str) else _digest(what))
    for folder in Path(scratch).parents:
        for name in _ABOVE:
            for path, what in _tree(folder / name, itself=True):
                add("above", str(path), what if isinstance(what, str) else _digest(what))
    for value in env.values():
        if value.startswith("/") and not value.startswith(scratch) and os.path.isfile(value):
            add("named", value, _stamp(Path(value)))
    return digest.hexdigest()


def _stamp(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except OSError as e:
        return f"unreadable {e.errno}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree(root: Path, itself: bool = False) -> Iterator[tuple[Path, str | bytes]]:
    """Every entry under root (and root itself, with `itself`): a file's text (bytes if not
    UTF-8), a link's target."""
    if not root.exists() and not root.is_symlink():
        return
    for path in [root] * itself + sorted(root.rglob("*") if root.is_dir() else []):
        if path.is_symlink():
            yield path, f"link {os.readlink(path)}"
        elif path.is_file():
            try:
                data = path.read_bytes()
            except OSError as e:
                yield path, f"unreadable {e.errno}"
                continue
            try:
                yield path, data.decode()
            except UnicodeDecodeError:
                yield path, data
        else:
            yield path, "folder"


def _point_files_at(scratch: Path, old: int, new: int) -> None:
    """The user's settings, copied into the scratch folder, name the stand-in too (their env
    wins over the shell's): the relay goes in front of it there as well."""
    for path, what in _tree(scratch):
        if isinstance(what, str) and not path.is_symlink():
            moved = _port_as(what, old, str(new))
            if moved != what:
                path.write_text(moved)


def _moved(env: Mapping[str, str], old: int, new: int) -> dict[str, str]:
    return {k: _port_as(v, old, str(new)) for k, v in env.items()}


def _normal(data: bytes, port: int, scratch: Path) -> bytes:
    """What the client printed, its port and scratch folder written as PORT and SCRATCH."""
    text = data.decode("utf-8", "surrogateescape").replace(str(scratch), "SCRATCH")
    return _port_as(text, port, "PORT").encode("utf-8", "surrogateescape")


def _completed(
    argv: Sequence[str], seen: Recorded, port: int, scratch: Path
) -> subprocess.CompletedProcess[bytes]:
    def back(data: bytes) -> bytes:
        text = data.decode("utf-8", "surrogateescape").replace(
            "127.0.0.1:PORT", f"127.0.0.1:{port}"
        )
        return text.replace("SCRATCH", str(scratch)).encode("utf-8", "surrogateescape")

    return subprocess.CompletedProcess(list(argv), seen.code, back(seen.stdout), back(seen.stderr))


def _chunk(payload: bytes) -> bytes:
    """A bedrock-runtime stream chunk's event: `{"bytes": "<base64 of the event>"}`."""
    document = json.loads(payload)
    return base64.b64decode(document["bytes"]) if "bytes" in document else payload


def _answer(status: int, content_type: str, body: bytes) -> str:
    """What identifies an answer of the stand-in's: status, type and body, its fresh ids
    masked (inside each event-stream message for bedrock-runtime's stream)."""
    if "eventstream" in content_type:
        with contextlib.suppress(ValueError, struct.error, KeyError, TypeError):
            body = b"".join(_chunk(payload) for _headers, payload in decode_event_stream(body))
    masked = _IDS.sub(b"ID", body)
    return f"{status} {content_type} {hashlib.sha256(masked).hexdigest()}"


def _replay(seen: Recorded, port: int) -> bool:
    """Send the recorded requests to this run's stand-in; whether it answered each as it
    answered the real client."""
    for exchange in seen.exchanges:
        headers = [(k, _port_as_back(v, port)) for k, v in exchange.headers]
        try:
            status, answer_headers, body = _send(
                port, exchange.method, exchange.path, headers, exchange.body
            )
        except OSError:
            return False
        if _answer(status, _content_type(answer_headers), body) != exchange.answer:
            return False
    return True


def _port_as_back(value: str, port: int) -> str:
    return value.replace("127.0.0.1:PORT", f"127.0.0.1:{port}")


def _send(
    port: int, method: str, path: str, headers: Sequence[tuple[str, str]], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request as it came, each header as sent (a repeated one too), nothing added but
    the length of its body; the answer's status, headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        if body or method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


def _content_type(headers: Sequence[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


class _Relay:
    """A loopback relay in front of the stand-in that notes every exchange."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.exchanges: list[Exchange] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                body = _read_body(self)
                headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
                status, reply_headers, reply = _send(
                    relay.target, self.command, self.path, headers, body
                )
                relay.exchanges.append(
                    Exchange(
                        self.command,
                        self.path,
                        tuple((k, _port_as(v, relay.port, "PORT")) for k, v in headers),
                        body,
                        status,
                        _answer(status, _content_type(reply_headers), reply),
                    )
                )
                self.send_response(status)
                for name, value in reply_headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> _Relay:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        pieces: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(pieces)
            pieces.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


@contextlib.contextmanager
def every_run_real() -> Iterator[None]:
    ALL_REAL.hold(1)
    try:
        yield
    finally:
        ALL_REAL.hold(-1)
