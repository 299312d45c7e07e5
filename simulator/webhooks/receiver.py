"""A real loopback webhook receiver that checks both signatures over the raw bytes (tests, benchmarks, SUTs)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simulator.webhooks.signing import check

MODES = ("ok", "error", "slow", "close")
VERIFY_MODES = ("echo", "wrong_echo", "newline")


@dataclass(frozen=True)
class Received:
    """One POST as it arrived: exact bytes, headers, and whether each signature matched."""

    path: str
    raw: bytes
    headers: dict[str, str]
    sha256_ok: bool | None
    sha1_ok: bool | None
    at: float  # time.perf_counter() when the body had been read

    @property
    def signed_ok(self) -> bool:
        return self.sha256_ok is True and self.sha1_ok is True


@dataclass
class _Route:
    secret: str
    verify_token: str | None
    mode: str = "ok"
    status: int = 500
    verify_mode: str = "echo"


class WebhookReceiver:
    """Threaded HTTP server on 127.0.0.1:<ephemeral>, one route per app (path -> secret).

    Modes per route: `ok` (200 `EVENT_RECEIVED`), `error` (answer `status`, default 500),
    `slow` (block on an event until `release()` or `slow_bound_s`, then 200), `close` (drop the
    connection without answering). Errors in handler threads are kept and raised by `check()`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, slow_bound_s: float = 10.0) -> None:
        self._lock = threading.Condition()
        self._routes: dict[str, _Route] = {}
        self._received: list[Received] = []
        self._gate = threading.Event()
        self.slow_bound_s = slow_bound_s
        self.errors: list[BaseException] = []
        self.verifications: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "WebhookReceiver":
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- configuration -----------------------------------------------------------------------
    def route(self, path: str, *, secret: str, verify_token: str | None = None) -> str:
        """Register `path` for an app; returns its full URL."""
        with self._lock:
            self._routes[path] = _Route(secret, verify_token)
        return self.base_url + path

    def set_mode(self, path: str, mode: str, *, status: int = 500) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        with self._lock:
            route = self._routes[path]
            route.mode, route.status = mode, status
            if mode == "slow":
                self._gate = threading.Event()

    def set_verify_mode(self, path: str, mode: str) -> None:
        if mode not in VERIFY_MODES:
            raise ValueError(f"verify mode must be one of {VERIFY_MODES}, got {mode!r}")
        with self._lock:
            self._routes[path].verify_mode = mode

    def release(self) -> None:
        """Let every blocked `slow` request finish."""
        with self._lock:
            self._gate.set()

    # -- observation -------------------------------------------------------------------------
    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 5.0) -> bool:
        """Wait (bounded, on a condition) until at least `count` POSTs arrived (on `path`)."""
        with self._lock:
            return self._lock.wait_for(
                lambda: sum(1 for r in self._received if path is None or r.path == path) >= count,
                timeout=timeout)

    def clear(self) -> None:
        with self._lock:
            self._received.clear()
            self.verifications.clear()

    def check(self) -> None:
        """Raise in the caller's thread the first error a handler thread hit."""
        if self.errors:
            raise self.errors[0]

    # -- server side -------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as Meta's senders and requests' sessions use it.
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle on, keep-alive requests
            # stall ~40 ms on the client's delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the tests read `received()`, not stderr

            def do_POST(self) -> None:
                try:
                    receiver._on_post(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (timeout); nothing to answer
                except Exception as exc:
                    receiver.errors.append(exc)
                    raise

            def do_GET(self) -> None:
                try:
                    receiver._on_get(self)
                except Exception as exc:
                    receiver.errors.append(exc)
                    raise

        return Handler

    def _on_post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        at = time.perf_counter()
        path = urlsplit(handler.path).path
        with self._lock:
            route = self._routes.get(path)
            gate = self._gate
        if route is None:
            _answer(handler, 404, b"no such route")
            return
        results = check(raw, handler.headers, route.secret)
        with self._lock:
            self._received.append(Received(path, raw, dict(handler.headers.items()),
                                           results["sha256"], results["sha1"], at))
            self._lock.notify_all()
        if route.mode == "close":
            handler.close_connection = True
            return
        if route.mode == "slow":
            gate.wait(self.slow_bound_s)
        if route.mode == "error":
            _answer(handler, route.status, b"receiver told to fail")
        else:
            _answer(handler, 200, b"EVENT_RECEIVED")

    def _on_get(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            route = self._routes.get(parts.path)
            self.verifications.append({"path": parts.path, "query": query})
        if route is None or route.verify_token is None:
            _answer(handler, 404, b"no such route")
            return
        if query.get("hub.mode") != "subscribe" or query.get("hub.verify_token") != route.verify_token:
            _answer(handler, 403, b"Forbidden")
            return
        challenge = query.get("hub.challenge", "")
        reply = {"echo": challenge, "wrong_echo": challenge + "0", "newline": challenge + "\n"}
        _answer(handler, 200, reply[route.verify_mode].encode("utf-8"))


def _answer(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
