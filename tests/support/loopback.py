"""A tiny recording OpenAI-compatible server on 127.0.0.1, for tests that need a wire.

It answers `/models`, `/chat/completions` and `/embeddings` under any path prefix, so a
preset's base URL can keep its path (`/openai/v1`, `/api/v1`) with only the host swapped.
Every request is recorded (method, path, headers, JSON body). A test may queue an error
status for the next request with `fail_next(status, message)`. Streamed chat completions
send `stream_pieces` as chunks (chunked transfer encoding, as real servers do), then the
usage chunk when asked for; `drop_after` cuts the connection after that many pieces.
`stream_deltas`, when set, are sent instead as whole deltas (tool calls, several choices:
each item is a delta, or an (index, delta) pair), and `stream_finish` ends every choice.
`scripted` streams, (deltas, finish) each, answer the next streamed requests in turn.
"""

from __future__ import annotations

import base64
import json
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MODEL_IDS = ("loopback-small", "loopback-large")
_ERROR_TYPES = {
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    query: str = ""


@dataclass
class LoopbackServer:
    requests: list[Recorded] = field(default_factory=list)
    model_ids: tuple[str, ...] = MODEL_IDS
    stream_pieces: list[str] = field(default_factory=lambda: ["po", "ng"])
    stream_deltas: list[Any] | None = None
    stream_finish: str = "stop"
    scripted: list[tuple[list[Any] | None, str]] = field(default_factory=list)
    drop_after: int | None = None
    _failures: list[tuple[int, str, bool, str | None]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url_for(self, preset_url: str) -> str:
        """The preset's base URL with scheme and host swapped for this server's."""
        parts = urlsplit(preset_url)
        origin = urlsplit(self.origin)
        return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, ""))

    def fail_next(
        self,
        status: int,
        message: str = "failure requested by the test",
        *,
        retry: bool = False,
        kind: str | None = None,
    ) -> None:
        """The next request gets this error (of `kind`, its envelope's `type`, when given);
        with `retry`, the SDK is told to retry it soon."""
        self._failures.append((status, message, retry, kind))

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def start(self) -> LoopbackServer:
        server = _Server(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        # A short poll: shutdown() waits for it, once per test.
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many clients at once (the benches), not 5


def _handler_for(state: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # chunked streams, and a dropped one is detectable

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._answer(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            self._answer(json.loads(raw) if raw else None)

        def _answer(self, body: Any) -> None:
            path, query = urlsplit(self.path).path, urlsplit(self.path).query
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append(Recorded(self.command, path, headers, body, query))
            if state._failures:
                status, message, retry, kind = state._failures.pop(0)
                kind = kind or _ERROR_TYPES.get(status, "server_error")
                error = {"message": message, "type": kind}
                payload = {"error": {**error, "param": None, "code": None}}
                return self._json(status, payload, retry=retry)
            if path.endswith("/models"):
                data = [
                    {"id": m, "object": "model", "created": 0, "owned_by": "test"}
                    for m in state.model_ids
                ]
                return self._json(200, {"object": "list", "data": data})
            if path.endswith("/chat/completions") and body.get("stream"):
                return self._stream(body)
            if path.endswith("/chat/completions"):
                return self._json(200, _chat_completion(body))
            if path.endswith("/embeddings"):
                return self._json(200, _embeddings(body))
            return self._json(
                404,
                {
                    "error": {
                        "message": f"no route {path}",
                        "type": "not_found",
                        "param": None,
                        "code": None,
                    }
                },
            )

        def _json(self, status: int, payload: Any, *, retry: bool = False) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("x-should-retry", "true" if retry else "false")
            if retry:
                self.send_header("retry-after-ms", "10")
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            # Said, not only done: a client that thinks it may reuse the connection
            # races the close, and its next request fails and is retried.
            self.send_header("connection", "close")
            self.end_headers()
            pieces = state.stream_pieces
            base = {"id": "chatcmpl-loopback", "object": "chat.completion.chunk", "created": 0}
            base["model"] = body["model"]
            events = [{**base, "choices": [_delta(0, {"role": "assistant", "content": ""})]}]
            deltas, finish = state.stream_deltas, state.stream_finish
            if state.scripted:
                deltas, finish = state.scripted.pop(0)
            if deltas is None:
                events += [{**base, "choices": [_delta(0, {"content": p})]} for p in pieces]
                choices = {0}
            else:
                pairs = [d if isinstance(d, tuple) else (0, d) for d in deltas]
                events += [{**base, "choices": [_delta(i, d)]} for i, d in pairs]
                choices = {0, *(i for i, _ in pairs)}
            events += [{**base, "choices": [_delta(i, {}, finish)]} for i in sorted(choices)]
            if (body.get("stream_options") or {}).get("include_usage"):
                usage = {"prompt_tokens": 3, "completion_tokens": len(pieces)}
                usage["total_tokens"] = 3 + len(pieces)
                events.append({**base, "choices": [], "usage": usage})
            lines = [f"data: {json.dumps(e)}\n\n".encode() for e in events]
            lines.append(b"data: [DONE]\n\n")
            if state.drop_after is not None:
                lines = lines[: 1 + state.drop_after]  # the role chunk, then some pieces
            # One write of many SSE events per HTTP chunk: fast, like a busy real server.
            for start in range(0, len(lines), 64):
                data = b"".join(lines[start : start + 64])
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            if state.drop_after is None:
                self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True

    return Handler


def _chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "pong"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }


def _delta(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}


def _embeddings(body: dict[str, Any]) -> dict[str, Any]:
    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
    vector = [0.5, -0.25, 0.125]
    if body.get("encoding_format") == "base64":
        encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    else:
        encoded = vector
    data = [{"object": "embedding", "index": i, "embedding": encoded} for i in range(len(inputs))]
    return {
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
    }
