"""Helpers for the reference-SUT tests: a scripted Graph API stub, signed webhooks, hook calls."""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import requests
from flask import Flask, jsonify, request

from scenarios.reference.common import ServerHandle, sign

PAGE_ID = "1000000000000001"
BOT_ID = "640000000000001"
CC_ID = "256859710996832"
INBOX_ID = "263902037430900"
T0 = 1_790_000_000_000  # a fixed virtual epoch (ms) for the events the tests send
HOUR_MS = 3600 * 1000


@dataclass
class GraphStub:
    """A real loopback server that records Graph calls and answers them as scripted.

    `script(edge, status, body, times)` queues answers for an edge; unscripted calls succeed
    with Meta's success shapes. `mode` drives `GET /me?fields=messaging_feature_status` and
    `now_ms` the `/_sim/clock` document, as the simulator would.
    """

    mode: str = "legacy_hop"
    now_ms: int = T0
    calls: list[dict[str, Any]] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    handshake_results: list[tuple[int, str]] = field(default_factory=list)
    on_call: Callable[[dict[str, Any]], None] | None = None
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _mids: Any = field(default_factory=lambda: itertools.count(1))
    server: ServerHandle | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def script(self, edge: str, status: int, body: Any, times: int = 1) -> None:
        self.scripted.setdefault(edge, []).extend([(status, body)] * times)

    def not_owner(self, edge: str = "messages", times: int = 1) -> None:
        self.script(edge, 400, {"error": {"message": "(#10) Message failed to send because another app is "
                                          "controlling this thread now.", "type": "OAuthException",
                                          "code": 10, "error_subcode": 2018300, "fbtrace_id": "Atest"}}, times)

    def of(self, edge: str) -> list[dict[str, Any]]:
        with self._cond:
            return [c for c in self.calls if c["edge"] == edge]

    def wait_for(self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 5.0) -> list[dict[str, Any]]:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.calls), timeout), f"calls so far: {self.calls}"
            return list(self.calls)

    def clear(self) -> None:
        with self._cond:
            self.calls.clear()
            self.scripted.clear()

    def _answer(self, edge: str, call: dict[str, Any]) -> tuple[int, Any]:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
            queue = self.scripted.get(edge)
            if queue:
                return queue.pop(0)
        if edge == "messages":
            return 200, {"recipient_id": (call["body"] or {}).get("recipient", {}).get("id"),
                         "message_id": f"m_stub{next(self._mids)}"}
        if edge == "thread_owner":
            return 200, {"data": []}
        return 200, {"success": True}

    def app(self) -> Flask:
        app = Flask("graph_stub")

        @app.get("/_sim/clock")
        def clock():  # type: ignore[no-untyped-def]
            return jsonify({"now_ms": self.now_ms})

        @app.get("/_sim/config")
        def no_config():  # type: ignore[no-untyped-def]
            return jsonify({"error": {"message": "not a simulator"}}), 404

        @app.route("/<version>/<path:path>", methods=["GET", "POST", "DELETE"])
        def graph(version: str, path: str):  # type: ignore[no-untyped-def]
            edge = path.rsplit("/", 1)[-1]
            call = {"method": request.method, "path": path, "edge": edge, "query": request.args.to_dict(),
                    "body": request.get_json(silent=True)}
            if path == "me" and request.method == "GET":
                with self._cond:
                    self.calls.append({**call, "edge": "feature_status"})
                return jsonify({"messaging_feature_status": {
                    "hop_v2": self.mode == "hop_v2", "msgr_multi_app": self.mode == "conversation_routing",
                    "ig_multi_app": False}, "id": PAGE_ID})
            if edge == "subscriptions":
                # Like Meta: saving the callback runs the verification handshake against it.
                body = call["body"] or {}
                answer = requests.get(body["callback_url"], params={
                    "hub.mode": "subscribe", "hub.verify_token": body["verify_token"], "hub.challenge": "1158201444"},
                    timeout=5)
                self.handshake_results.append((answer.status_code, answer.text))
                if answer.text != "1158201444":
                    return jsonify({"error": {"message": "(#2200) Callback verification failed", "code": 2200}}), 400
            status, body = self._answer(edge, call)
            return jsonify(body), status

        return app


def meta_bytes(payload: dict[str, Any]) -> bytes:
    """Serialise as Meta does: no spaces, `\\/` for slashes, `\\uXXXX` for non-ASCII (spec §3.1)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


class Webhooks:
    """Posts signed webhook bodies to a SUT and builds Meta-shaped events."""

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret
        self.ts = T0
        self.mids = itertools.count(1)
        self.http = requests.Session()
        self.http.trust_env = False

    def tick(self, ms: int = 1000) -> int:
        self.ts += ms
        return self.ts

    def post_raw(self, raw: bytes, headers: dict[str, str] | None = None, *, signed: bool = True,
                 timeout: float = 10) -> requests.Response:
        all_headers = {"Content-Type": "application/json", **(sign(self.secret, raw) if signed else {}),
                       **(headers or {})}
        return self.http.post(self.url, data=raw, headers=all_headers, timeout=timeout)

    def post(self, *events: tuple[str, dict[str, Any]], page_id: str = PAGE_ID, **kw: Any) -> requests.Response:
        entries = [{"id": page_id, "time": self.ts, channel: [event]} for channel, event in events]
        return self.post_raw(meta_bytes({"object": "page", "entry": entries}), **kw)

    # -- events ----------------------------------------------------------------------------------
    def _base(self, psid: str, ts: int | None) -> dict[str, Any]:
        return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": ts or self.tick()}

    def message(self, psid: str, text: str, *, ts: int | None = None, mid: str | None = None,
                quick_reply: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"mid": mid or f"m_user{next(self.mids)}", "text": text}
        if quick_reply:
            message["quick_reply"] = {"payload": quick_reply}
        return {**self._base(psid, ts), "message": message}

    def echo(self, psid: str, text: str, app_id: str, *, mid: str | None = None) -> dict[str, Any]:
        return {"sender": {"id": PAGE_ID}, "recipient": {"id": psid}, "timestamp": self.tick(),
                "message": {"is_echo": True, "app_id": int(app_id), "mid": mid or f"m_echo{next(self.mids)}",
                            "text": text}}

    def postback(self, psid: str, payload: str | None, title: str = "Button") -> dict[str, Any]:
        postback = {"mid": f"m_pb{next(self.mids)}", "title": title}
        if payload is not None:
            postback["payload"] = payload
        return {**self._base(psid, None), "postback": postback}

    def read(self, psid: str, watermark: int) -> dict[str, Any]:
        return {**self._base(psid, None), "read": {"watermark": watermark}}

    def passed(self, psid: str, new_owner: str, previous: str | None = BOT_ID, metadata: str = "m") -> dict[str, Any]:
        return {**self._base(psid, None), "pass_thread_control": {
            "previous_owner_app_id": previous, "new_owner_app_id": new_owner, "metadata": metadata}}

    def taken(self, psid: str, new_owner: str, previous: str = CC_ID) -> dict[str, Any]:
        return {**self._base(psid, None), "take_thread_control": {
            "previous_owner_app_id": previous, "new_owner_app_id": new_owner, "metadata": "taken"}}

    def requested(self, psid: str, requester: str) -> dict[str, Any]:
        return {**self._base(psid, None), "request_thread_control": {
            "requested_owner_app_id": int(requester), "metadata": "please"}}


class Hooks:
    """The SUT control hooks over HTTP, as an adapter would call them."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False

    def post(self, path: str, body: Any) -> requests.Response:
        return self.http.post(f"{self.base_url}/hooks/{path}", json=body, timeout=15)

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.base_url}/hooks/{path}", timeout=15)

    def ok(self, path: str, body: Any) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def conversation(self, psid: str) -> dict[str, Any]:
        response = self.get(f"conversations/{psid}")
        assert response.status_code == 200, response.text
        return response.json()
