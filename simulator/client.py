"""SimClient: the Python client of the simulator's control API (`/_sim`), used by the steps.

Everything here is plain HTTP, so a scenario drives a simulator in another process exactly as it
drives one in its own. Errors from the control API raise `SimError` with the server's message.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

DEFAULT_TIMEOUT = 10.0
# Control calls sent as POST that only read or wait: they change nothing in the simulation.
# (`/wait` is not one of them: while it waits it lets virtual-time timers fire.)
READ_ONLY_POSTS = frozenset({"/delivery/drain", "/journal/query"})


class SimError(RuntimeError):
    """The control API answered with an error status."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("error", {}).get("message") if isinstance(body, dict) else str(body)
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.body = body


@dataclass
class GraphResponse:
    """What the fake Graph API answered to a call made as one app."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> int | None:
        return (self.body.get("error") or {}).get("code") if isinstance(self.body, dict) else None

    @property
    def error_subcode(self) -> int | None:
        return (self.body.get("error") or {}).get("error_subcode") if isinstance(self.body, dict) else None


class SimClient:
    """Drive a running simulator: users, threads, clock, apps, faults, journal and waits."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        self._http.trust_env = False  # loopback only: never route through a proxy
        #: How many calls that may change the simulation this client has made (Graph calls
        #: included; reads, waits and drains are not), so a caller can tell nothing happened.
        self.actions = 0

    # -- plumbing ----------------------------------------------------------------------------
    def _call(self, method: str, path: str, json: Any = None, params: dict | None = None,
              timeout: float | None = None) -> Any:
        if method != "GET" and path not in READ_ONLY_POSTS:
            self.actions += 1
        response = self._http.request(method, f"{self.base_url}/_sim{path}", json=json,
                                      params=params, timeout=timeout or self.timeout)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            raise SimError(response.status_code, body)
        return body

    def close(self) -> None:
        self._http.close()

    # -- simulator ---------------------------------------------------------------------------
    def health(self) -> dict:
        return self._call("GET", "/health")

    def wait_until_ready(self, timeout: float = 30.0) -> dict:
        """Block until the simulator answers /_sim/health (a server in another process may accept
        connections a moment after it says it started); raises TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        pause = threading.Event()  # never set: a bounded wait between connection attempts
        while True:
            try:
                return self.health()
            except requests.ConnectionError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"simulator at {self.base_url} not ready after {timeout} s") from None
                pause.wait(0.02)

    def config(self) -> dict:
        """Page, mode, apps (with ids, tokens, secrets, roles, fields), delivery policy."""
        return self._call("GET", "/config")

    def reset(self, *, keep_apps: bool = True, mode: str | None = None) -> dict:
        """Forget users, threads, faults and timers (apps kept unless keep_apps=False)."""
        return self._call("POST", "/reset", {"keep_apps": keep_apps, "mode": mode})

    def set_mode(self, mode: str, **options: Any) -> dict:
        """Switch protocol mode; options: exclusive_send, default_app_id, zero_config."""
        return self._call("PUT", "/mode", {"mode": mode, **options})

    def set_roles(self, primary_app_id: str | None, secondary_app_ids: list[str] | None = None) -> dict:
        """Admin assigns handover roles (sends `app_roles` webhooks)."""
        return self._call("PUT", "/roles", {"primary": primary_app_id, "secondaries": secondary_app_ids})

    # -- apps --------------------------------------------------------------------------------
    def apps(self) -> list[dict]:
        return self._call("GET", "/apps")["data"]

    def app(self, app_id: str) -> dict:
        return self._call("GET", f"/apps/{app_id}")

    def upsert_app(self, app: dict) -> dict:
        """Create or replace an app: id, name, secret, page_token, webhook, verify_token, role,
        fields, can_take, require_appsecret_proof. Setting a webhook runs the handshake."""
        return self._call("POST", "/apps", app)

    def update_app(self, app_id: str, **changes: Any) -> dict:
        return self._call("PATCH", f"/apps/{app_id}", changes)

    def verify_webhook(self, app_id: str) -> dict:
        """Run the hub.challenge handshake again now; returns the verification entry."""
        return self._call("POST", f"/apps/{app_id}/verify")

    def inject_webhook(self, app_id: str, signing: str = "valid", *, psid: str | None = None,
                       text: str = "Hello", page_id: str | None = None) -> dict:
        """Make the simulator POST the app a webhook signed as `signing` (valid, none,
        forged-sha256, sha1-only, sha256-only, wrong-secret); returns the journaled delivery."""
        return self._call("POST", f"/apps/{app_id}/inject",
                          {"signing": signing, "psid": psid, "text": text, "page_id": page_id})

    # -- users -------------------------------------------------------------------------------
    def create_user(self, locale: str | None = None, **profile: Any) -> dict:
        """A fresh Messenger user with a PSID and a Faker profile."""
        return self._call("POST", "/users", {"locale": locale, **profile})

    def user(self, psid: str) -> dict:
        return self._call("GET", f"/users/{psid}")

    def send_message(self, psid: str, text: str | None = None, **extra: Any) -> dict:
        """The user writes to the Page. extra: attachments, sticker_id, quick_reply, referral.
        Returns {"mid": ..., "timestamp": ...}."""
        body = {"text": text, **extra} if text is not None else dict(extra)
        return self._call("POST", f"/users/{psid}/messages", body)

    def send_postback(self, psid: str, payload: str, title: str | None = None, **extra: Any) -> dict:
        return self._call("POST", f"/users/{psid}/postbacks", {"payload": payload, "title": title, **extra})

    def send_read(self, psid: str, watermark: int | None = None) -> dict:
        return self._call("POST", f"/users/{psid}/reads", {"watermark": watermark})

    def send_reaction(self, psid: str, mid: str, reaction: str = "love", action: str = "react") -> dict:
        return self._call("POST", f"/users/{psid}/reactions", {"mid": mid, "reaction": reaction, "action": action})

    def turn_bot_off(self, psid: str) -> dict:
        """The user asks for a human / turns the bot off in Messenger (see docs/assumptions.md)."""
        return self._call("POST", f"/users/{psid}/bot-off")

    # -- threads -----------------------------------------------------------------------------
    def thread(self, psid: str) -> dict:
        """{"psid", "owner_app_id" | null, "state": "idle"|"active", "expires_at", "window", "inbox_folder", "history": [...]}"""
        return self._call("GET", f"/threads/{psid}")

    def set_owner(self, psid: str, app_id: str | None) -> dict:
        """Force the owner (test set-up only; journaled as cause `control`)."""
        return self._call("PUT", f"/threads/{psid}/owner", {"app_id": app_id})

    # -- Page Inbox --------------------------------------------------------------------------
    def inbox_reply(self, psid: str, text: str) -> dict:
        return self._call("POST", f"/inbox/{psid}/reply", {"text": text})

    def inbox_mark_done(self, psid: str) -> dict:
        return self._call("POST", f"/inbox/{psid}/done")

    def inbox_move_to_main(self, psid: str) -> dict:
        return self._call("POST", f"/inbox/{psid}/move-to-main")

    # -- fake bot ----------------------------------------------------------------------------
    def bot_settings(self, **settings: Any) -> dict:
        """Read or change the in-process fake bot (grant_requests, escalation_keywords,
        escalate_to, take_back_after_seconds, enabled)."""
        if settings:
            return self._call("PATCH", "/bot", settings)
        return self._call("GET", "/bot")

    # -- clock -------------------------------------------------------------------------------
    def clock(self) -> dict:
        return self._call("GET", "/clock")

    def advance_clock(self, seconds: float) -> dict:
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    def set_clock(self, iso_or_epoch: str | float, frozen: bool | None = None) -> dict:
        return self._call("PUT", "/clock", {"now": iso_or_epoch, "frozen": frozen})

    # -- faults and delivery policy ----------------------------------------------------------
    def add_fault(self, **fault: Any) -> dict:
        """Inject a Graph error: app_id, edge, code, error_subcode, status, message, count, latency_ms."""
        return self._call("POST", "/faults", fault)

    def clear_faults(self) -> dict:
        return self._call("DELETE", "/faults")

    def delivery_policy(self, **policy: Any) -> dict:
        """Read or change: timeout_s, immediate_retries, backoff_s (list), duplicate, batch,
        reorder, alert_after_s, unsubscribe_after_s, app_id_type ("string"|"number")."""
        if policy:
            return self._call("PATCH", "/delivery", policy)
        return self._call("GET", "/delivery")

    def drain(self, timeout: float = 10.0) -> dict:
        """Wait until every queued webhook delivery has been attempted."""
        return self._call("POST", "/delivery/drain", {"timeout": timeout}, timeout=timeout + 5)

    # -- journal -----------------------------------------------------------------------------
    def journal(self, *, kind: str | None = None, app_id: str | None = None, psid: str | None = None,
                since: int = 0, limit: int | None = None, match: dict | None = None) -> list[dict]:
        params: dict[str, Any] = {"since": since}
        for key, value in (("kind", kind), ("app_id", app_id), ("psid", psid), ("limit", limit)):
            if value is not None:
                params[key] = value
        if match:
            return self._call("POST", "/journal/query", {**params, "match": match})["data"]
        return self._call("GET", "/journal", params=params)["data"]

    def last_seq(self) -> int:
        return self._call("GET", "/journal/last")["seq"]

    def wait(self, match: dict, *, timeout: float = 5.0, kind: str | None = None,
             app_id: str | None = None, psid: str | None = None, since: int = 0,
             exists: dict | None = None) -> dict:
        """Wait for a journal entry; returns {"matched", "entry", "near_misses", "waited_ms"}."""
        body = {"match": match, "exists": exists, "timeout": timeout, "kind": kind,
                "app_id": app_id, "psid": psid, "since": since}
        return self._call("POST", "/wait", body, timeout=timeout + 10)

    # -- Graph API as an app (for scripted counterparts and checks) --------------------------
    def graph(self, token: str, method: str, path: str, *, json: Any = None,
              params: dict | None = None) -> GraphResponse:
        """Call the fake Graph API with an app's page token (query `access_token`)."""
        query = {"access_token": token, **(params or {})}
        self.actions += 1
        response = self._http.request(method, f"{self.base_url}/v19.0/{path.lstrip('/')}",
                                      params=query, json=json, timeout=self.timeout)
        body = response.json() if response.content else None
        return GraphResponse(response.status_code, body)
