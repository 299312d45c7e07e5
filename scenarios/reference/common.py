"""Plumbing shared by the reference systems: signatures, handshake, Graph client, clock, serving."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

import requests
from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger("scenarios.reference")

PAGE_INBOX_APP_ID = "263902037430900"
DEFAULT_PAGE_ID = "1000000000000001"
DEFAULT_BOT_APP_ID = "640000000000001"
DEFAULT_CC_APP_ID = "256859710996832"
GRAPH_VERSION = "v19.0"
DAY_MS = 24 * 3600 * 1000
HUMAN_AGENT_MS = 7 * DAY_MS
WEBHOOK_FIELDS = ("messages", "messaging_postbacks", "message_echoes", "message_reads",
                  "message_deliveries", "messaging_handovers", "standby")
GRAPH_TIMEOUT_S = 10.0
RETRYABLE_CODES = {1, 2, 4, 17, 613, 1200}
# Backoff between attempts on a transient or rate-limit error: real (the SUT genuinely waits),
# short and bounded, so a run never stalls on it.
RETRY_BACKOFF_S = (0.05, 0.2)


class HookError(Exception):
    """A control hook cannot do what was asked: answered as `{"error": {"message"}}` with 4xx."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def install_error_handlers(app: Flask) -> None:
    """Every hook error, unknown path and wrong method answers in the contract's JSON shape."""

    @app.errorhandler(HookError)
    def _hook_error(exc: HookError):  # type: ignore[no-untyped-def]
        return jsonify({"error": {"message": exc.message}}), exc.status

    @app.errorhandler(404)
    def _not_found(exc: Exception):  # type: ignore[no-untyped-def]
        return jsonify({"error": {"message": f"no such path: {request.path}"}}), 404

    @app.errorhandler(405)
    def _bad_method(exc: Exception):  # type: ignore[no-untyped-def]
        return jsonify({"error": {"message": f"method {request.method} not allowed on {request.path}"}}), 405


def json_body(*required: str) -> dict[str, Any]:
    """The request's JSON object, with `required` keys present as non-empty strings."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise HookError("the body must be a JSON object")
    for key in required:
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            body[key] = str(value)  # a PSID sent as a number is still a PSID
        elif not isinstance(value, str) or not value:
            raise HookError(f"{key!r} is required and must be a non-empty string")
    return body


# -- signatures (spec §4.2) ---------------------------------------------------------------------
def _hmac_hex(secret: str, body: bytes, algorithm: Any) -> str:
    return hmac.new(secret.encode(), body, algorithm).hexdigest()


def sign(secret: str, body: bytes) -> dict[str, str]:
    """Both signature headers Meta sends for `body`, as a test or a stub would produce them."""
    return {"X-Hub-Signature-256": "sha256=" + _hmac_hex(secret, body, hashlib.sha256),
            "X-Hub-Signature": "sha1=" + _hmac_hex(secret, body, hashlib.sha1)}


def _matches(header: str, prefix: str, expected_hex: str) -> bool:
    value = header.strip()
    if not value.lower().startswith(prefix + "="):
        return False
    return hmac.compare_digest(value[len(prefix) + 1:].lower(), expected_hex)


def signature_problem(raw: bytes, headers: Any, secret: str, *, policy: str = "both") -> str | None:
    """Why the webhook's signature is unacceptable, or None if it is fine.

    `both` (the reference): every header present must match the exact raw bytes, and at least
    one must be present. The other policies are the catalogue's defects: `none` accepts
    anything, `sha1` reads only X-Hub-Signature, `reserialized` hashes a re-serialised body.
    """
    if policy == "none":
        return None
    sha256 = headers.get("X-Hub-Signature-256")
    sha1 = headers.get("X-Hub-Signature")
    if policy == "sha1":
        if sha1 is None:
            return "missing X-Hub-Signature"
        return None if _matches(sha1, "sha1", _hmac_hex(secret, raw, hashlib.sha1)) else "bad X-Hub-Signature"
    if policy == "reserialized":
        try:
            # The defect: what JSON.stringify-style code hashes (no `\/`, raw UTF-8), not the bytes received.
            raw = json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:
            return "body is not JSON"
    # Assumption (spec §4.2 leaves open whether Meta still sends both): every header present
    # must match, one valid header alone is enough, none at all is refused.
    if sha256 is None and sha1 is None:
        return "missing X-Hub-Signature-256 and X-Hub-Signature"
    if sha256 is not None and not _matches(sha256, "sha256", _hmac_hex(secret, raw, hashlib.sha256)):
        return "bad X-Hub-Signature-256"
    if sha1 is not None and not _matches(sha1, "sha1", _hmac_hex(secret, raw, hashlib.sha1)):
        return "bad X-Hub-Signature"
    return None


def handshake(verify_token: str, *, accept_any_token: bool = False) -> tuple[str, int]:
    """Answer Meta's `hub.mode=subscribe` GET (spec §4.1): the raw challenge, or 403."""
    args = request.args
    mode = args.get("hub.mode", args.get("hub_mode"))  # PHP-style names are accepted too (spec §4.1)
    token = args.get("hub.verify_token", args.get("hub_verify_token"))
    challenge = args.get("hub.challenge", args.get("hub_challenge")) or ""
    if mode == "subscribe" and (accept_any_token or (token is not None and hmac.compare_digest(token, verify_token))):
        return challenge, 200
    return "Forbidden", 403


# -- Graph API client ---------------------------------------------------------------------------
@dataclass
class GraphResult:
    """One Graph call made and what came back (status 0: no HTTP answer at all)."""

    edge: str
    status: int
    body: Any
    request: dict[str, Any] | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict[str, Any]:
        return (self.body.get("error") or {}) if isinstance(self.body, dict) else {}

    @property
    def error_code(self) -> int | None:
        return self.error.get("code")

    @property
    def error_subcode(self) -> int | None:
        return self.error.get("error_subcode")

    def summary(self) -> dict[str, Any]:
        return {"edge": self.edge, "status": self.status, "error_code": self.error_code,
                "error_subcode": self.error_subcode, "error_message": self.error.get("message"),
                "attempts": self.attempts}

    @property
    def retryable(self) -> bool:
        """Transient (1200, 1, 2, is_transient) and rate-limit (4, 17, 613) errors (spec §2.1)."""
        if self.status == 0:
            return True
        return self.error_code in RETRYABLE_CODES or bool(self.error.get("is_transient"))


class GraphClient:
    """Calls the (fake) Graph API as one app with its page token, as real clients do."""

    def __init__(self, graph_url: str, page_token: str, secret: str) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.page_token = page_token
        self.secret = secret
        self._http = requests.Session()
        self._http.trust_env = False  # loopback only: never through a proxy

    def _auth(self, token: str | None = None) -> dict[str, str]:
        token = token or self.page_token
        # appsecret_proof as messaging-api-messenger and the facebook-messenger gem add it (spec §2.0).
        proof = hmac.new(self.secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        return {"access_token": token, "appsecret_proof": proof}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, *,
             params: dict[str, Any] | None = None, token: str | None = None, edge: str | None = None) -> GraphResult:
        """One Graph call, retried with backoff on transient and rate-limit errors."""
        result = self._once(method, path, body, params=params, token=token, edge=edge)
        for attempt, pause in enumerate(RETRY_BACKOFF_S, start=2):
            if not result.retryable or result.ok:
                break
            threading.Event().wait(pause)
            result = self._once(method, path, body, params=params, token=token, edge=edge)
            result.attempts = attempt
        return result

    def _once(self, method: str, path: str, body: dict[str, Any] | None, *,
              params: dict[str, Any] | None, token: str | None, edge: str | None) -> GraphResult:
        edge = edge or path.rstrip("/").rsplit("/", 1)[-1]
        url = f"{self.graph_url}/{path.lstrip('/')}"
        try:
            response = self._http.request(method, url, params={**self._auth(token), **(params or {})},
                                          json=body, timeout=GRAPH_TIMEOUT_S)
        except requests.RequestException as exc:
            return GraphResult(edge, 0, {"error": {"message": f"no answer from {url}: {exc}"}}, body)
        try:
            parsed = response.json() if response.content else None
        except ValueError:
            parsed = response.text
        return GraphResult(edge, response.status_code, parsed, body)

    def post(self, edge: str, body: dict[str, Any]) -> GraphResult:
        return self.call("POST", f"me/{edge}", body, edge=edge)

    def close(self) -> None:
        self._http.close()


# -- time ---------------------------------------------------------------------------------------
class VirtualTime:
    """The SUT's idea of now: the simulator's virtual clock, never the machine's wall clock.

    The harness moves the simulator's clock (e.g. 25 hours) without any webhook, so the
    reference systems read `GET /_sim/clock` when they know the simulator, and otherwise the
    newest webhook `timestamp` they have seen. A real vendor system simply uses its own clock.
    """

    def __init__(self, clock_url: str | None = None) -> None:
        self.clock_url = clock_url
        self._seen_ms = 0
        self._lock = threading.Lock()
        self._http = requests.Session()
        self._http.trust_env = False

    def observe(self, timestamp_ms: Any) -> None:
        try:
            value = int(timestamp_ms)
        except (TypeError, ValueError):
            return
        with self._lock:
            self._seen_ms = max(self._seen_ms, value)

    def seen_ms(self) -> int:
        return self._seen_ms

    def now_ms(self) -> int:
        if self.clock_url:
            try:
                response = self._http.get(self.clock_url, timeout=5)
                value = parse_clock(response.json())
                if value is not None:
                    self.observe(value)
                    return value
            except (requests.RequestException, ValueError):
                log.warning("cannot read the simulator clock at %s; using webhook timestamps", self.clock_url)
        return self._seen_ms


def parse_clock(body: Any) -> int | None:
    """Epoch ms from a clock document: `now_ms`/`epoch_ms`/`ms`, or `now` as ms, s or ISO."""
    if not isinstance(body, dict):
        return None
    for key in ("now_ms", "epoch_ms", "ms"):
        if isinstance(body.get(key), (int, float)):
            return int(body[key])
    now = body.get("now")
    if isinstance(now, (int, float)):
        return int(now if now > 10**11 else now * 1000)
    if isinstance(now, str):
        try:
            return int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return None
    return None


# -- webhook dedupe ------------------------------------------------------------------------------
def dedupe_key(kind: str, event: dict[str, Any]) -> str | None:
    """Identity of a messaging object for idempotency (spec §6.14); None when by watermark."""
    if kind in ("message", "echo"):
        mid = (event.get("message") or {}).get("mid")
        return f"mid:{mid}" if mid else None
    if kind == "postback":
        postback = event.get("postback") or {}
        return f"mid:{postback['mid']}" if postback.get("mid") else f"postback:{event.get('timestamp')}:{postback.get('title')}"
    if kind in ("pass_thread_control", "take_thread_control", "request_thread_control"):
        return f"{kind}:{event.get('timestamp')}:{json.dumps(event.get(kind), sort_keys=True)}"
    if kind == "reaction":
        reaction = event.get("reaction") or {}
        return f"reaction:{reaction.get('mid')}:{reaction.get('action')}:{event.get('timestamp')}"
    return None


# -- serving ------------------------------------------------------------------------------------
@dataclass
class ServerHandle:
    """A Flask app on a real threaded werkzeug server in a daemon thread."""

    host: str
    port: int
    _server: Any = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class _KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive: the platform and the harness reuse their connections."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # with keep-alive, Nagle + delayed ACK stall small replies ~40 ms


def serve(app: Flask, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    server = make_server(host, port, app, threaded=True, request_handler=_KeepAliveHandler)
    server.daemon_threads = True
    # A short poll interval makes stop() quick; the loop itself only waits in select().
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"reference-sut-{server.server_port}", daemon=True)
    thread.start()
    return ServerHandle(host, server.server_port, server, thread)


def quiet_werkzeug() -> None:
    # One access-log line per webhook drowns test output; errors still go through.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def run_calls(calls: list[Any], graph: GraphClient, *, stop_on_error: bool = False,
              on_result: Callable[[Any, GraphResult], None] | None = None) -> list[GraphResult]:
    """Execute `GraphCall`s in order as the app; returns every result."""
    results = []
    for call in calls:
        result = graph.call(call.method, f"me/{call.edge}", call.body, edge=call.edge)
        results.append(result)
        if on_result is not None:
            on_result(call, result)
        if stop_on_error and not result.ok:
            break
    return results


def add_webhook_routes(app: Flask, system: Any, verify_token: str, *, accept_any_token: bool = False) -> None:
    """`GET /webhook` (the hub.challenge handshake) and `POST /webhook` (signed events) for a
    reference system whose `handle_webhook(raw, headers)` returns (body, status)."""

    @app.get("/webhook")
    def verify():  # type: ignore[no-untyped-def]
        body, status = handshake(verify_token, accept_any_token=accept_any_token)
        return body, status, {"Content-Type": "text/plain"}

    @app.post("/webhook")
    def webhook():  # type: ignore[no-untyped-def]
        body, status = system.handle_webhook(request.get_data(cache=True), request.headers)
        return (jsonify(body), status) if isinstance(body, dict) else (body, status)
