"""The fake Graph API without its transport: authenticate, route to an edge, journal, answer.

The Flask blueprint and the in-process actors (fake bot, Page Inbox) both call `handle`, so a
call made inside the simulator is checked, answered and journaled exactly like one over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from simulator.domain import errors
from simulator.domain.ids import new_object_id
from simulator.domain.model import App, normalise_fields
from simulator.domain.platform import Platform
from simulator.graph.faults import FaultPlan
from simulator.graph.parsing import GraphRequest, build_request, fields_param, psid_of
from simulator.journal import Journal

PAGE_EDGES_POST = {"messages", "pass_thread_control", "take_thread_control", "request_thread_control",
                   "release_thread_control", "extend_thread_control", "subscribed_apps", "messenger_profile",
                   "personas", "message_attachments", "pass_thread_metadata"}
PAGE_EDGES_GET = {"", "thread_owner", "secondary_receivers", "subscribed_apps", "messenger_profile", "personas"}
PAGE_EDGES_DELETE = {"subscribed_apps", "messenger_profile"}
PROFILE_FIELDS = ("first_name", "last_name", "profile_pic", "locale", "timezone", "gender", "name", "id")


@dataclass
class GraphAnswer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


# Called with (app, callback_url, verify_token) when an app sets its webhook through the Graph
# API; returns whether the handshake succeeded. Wired by the composition root.
WebhookSetter = Callable[[App, str, str], bool]


class GraphService:
    """Answers Graph API calls for one page."""

    def __init__(self, platform: Platform, journal: Journal, faults: FaultPlan | None = None, *,
                 set_webhook: WebhookSetter | None = None) -> None:
        self.platform = platform
        self.journal = journal
        self.faults = faults or FaultPlan()
        self._set_webhook = set_webhook or (lambda app, url, token: False)
        self._fault_wait = threading.Event()  # never set: a bounded wait for injected latency

    # -- entry point -----------------------------------------------------------------------------
    def handle(self, method: str, path: str, *, query: Mapping[str, Any] | None = None,
               headers: Mapping[str, str] | None = None, json_body: Any = None,
               form: Mapping[str, Any] | None = None, raw_body: bytes | None = None,
               content_type: str = "", transport: str = "http") -> GraphAnswer:
        started = time.perf_counter()
        app: App | None = None
        request: GraphRequest | None = None
        try:
            request = build_request(method, path, query=query or {}, headers=headers or {},
                                    json_body=json_body, form=form, raw_body=raw_body,
                                    content_type=content_type)
            app = self._authenticate(request)
            self._apply_fault(app, request)
            answer = GraphAnswer(200, self._route(app, request))
        except errors.GraphError as exc:
            answer = GraphAnswer(exc.status, exc.envelope(), {"WWW-Authenticate": exc.www_authenticate()})
        self._journal(request, method, path, query, json_body, form, app, answer, transport, started)
        return answer

    def _journal(self, request: GraphRequest | None, method: str, path: str, query: Mapping[str, Any] | None,
                 json_body: Any, form: Mapping[str, Any] | None, app: App | None, answer: GraphAnswer,
                 transport: str, started: float) -> None:
        params = request.params if request else dict(json_body or form or {})
        error = answer.body.get("error") if answer.status >= 400 else None
        psid = psid_of(params) if request else None
        if psid is None and request and request.edge == "" and request.object_id in self.platform.users:
            psid = request.object_id
        self.journal.record(
            "graph", app_id=app.id if app else None, app_name=app.name if app else None, transport=transport,
            method=method.upper(), path=path, edge=(request.edge or ("profile" if psid else "object")) if request else "",
            query=dict(query or {}), body=params, status=answer.status,
            response=answer.body, psid=psid,
            error={"code": error.get("code"), "error_subcode": error.get("error_subcode")} if error else None,
            latency_ms=round((time.perf_counter() - started) * 1000, 3))

    # -- authentication (spec §2.0) --------------------------------------------------------------
    def _authenticate(self, request: GraphRequest) -> App:
        if not request.token:
            raise errors.MissingToken()
        app = self.platform.app_by_token(request.token)
        if app is None:
            raise errors.InvalidToken()
        if request.proof is not None:
            expected = hmac.new(app.secret.encode(), request.token.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, request.proof.lower()):
                raise errors.InvalidAppSecretProof()
        elif app.require_appsecret_proof:
            raise errors.AppSecretProofRequired()
        return app

    def _apply_fault(self, app: App, request: GraphRequest) -> None:
        fault = self.faults.take(app.id, request.edge, request.method)
        if fault is None:
            return
        if fault.latency_ms:
            # An injected slow Graph API is a real delay on purpose (bounded, see faults.py).
            self._fault_wait.wait(fault.latency_ms / 1000)
        error = fault.error()
        if error is not None:
            raise error

    # -- routing ---------------------------------------------------------------------------------
    def _route(self, app: App, request: GraphRequest) -> dict[str, Any]:
        segments = request.segments
        if not segments:
            raise errors.UnknownPath(request.path)
        if len(segments) > 2:
            raise errors.UnknownPath("/" + "/".join(segments[2:]))
        obj, edge, method = request.object_id, request.edge, request.method
        platform = self.platform
        if obj in ("me", platform.page_id):
            if request.token == app.app_token:
                raise errors.InvalidToken("Invalid OAuth access token - a Page access token is required for this call")
            return self._page_edge(app, method, edge, request.params)
        if obj == app.id and edge == "subscriptions":
            return self._app_subscriptions(app, method, request.params)
        if obj in platform.users and edge == "" and method == "GET":
            return platform.profile(app, obj, fields_param(request.params.get("fields"), ["first_name", "last_name", "profile_pic"]))
        if obj in platform.personas and edge == "":
            return self._persona(method, obj)
        if edge and obj not in platform.apps and obj not in platform.users:
            raise errors.UnsupportedRequest(method, obj)
        raise errors.UnsupportedRequest(method, obj)

    def _page_edge(self, app: App, method: str, edge: str, params: dict[str, Any]) -> dict[str, Any]:
        allowed = {"POST": PAGE_EDGES_POST, "GET": PAGE_EDGES_GET, "DELETE": PAGE_EDGES_DELETE}.get(method, set())
        if edge not in allowed:
            known = PAGE_EDGES_POST | PAGE_EDGES_GET | PAGE_EDGES_DELETE
            if edge in known:
                raise errors.UnsupportedRequest(method, self.platform.page_id)
            raise errors.UnknownPath(f"/{edge}")
        platform = self.platform
        psid = psid_of(params)
        metadata = params.get("metadata")
        metadata = None if metadata is None else str(metadata)
        if edge == "":
            return self._page_object(params)
        if edge == "messages":
            return platform.send(app, params)
        if edge in ("pass_thread_control", "take_thread_control", "request_thread_control",
                    "release_thread_control", "extend_thread_control", "thread_owner", "pass_thread_metadata"):
            if psid is None:
                raise errors.ParameterRequired("recipient")
            if edge == "pass_thread_control":
                return platform.pass_control(app, psid, params.get("target_app_id"), metadata)
            if edge == "take_thread_control":
                return platform.take_control(app, psid, metadata)
            if edge == "request_thread_control":
                return platform.request_control(app, psid, metadata)
            if edge == "release_thread_control":
                return platform.release_control(app, psid, metadata)
            if edge == "extend_thread_control":
                return platform.extend_control(app, psid, params.get("duration"))
            if edge == "pass_thread_metadata":
                platform.thread(psid)  # validates the user; metadata passing changes no state
                return {"success": True}
            return platform.thread_owner(app, psid)
        if edge == "secondary_receivers":
            return platform.secondary_receivers(app, fields_param(params.get("fields"), ["id", "name", "link"]))
        if edge == "subscribed_apps":
            return self._subscribed_apps(app, method, params)
        if edge == "messenger_profile":
            return self._messenger_profile(method, params)
        if edge == "personas":
            if method == "POST":
                return platform.create_persona(params.get("name"), params.get("profile_picture_url"))
            return {"data": list(platform.personas.values()),
                    "paging": {"cursors": {"before": "QVFIUmxtZAZDZD", "after": "QVFIUmxtZAZDZD"}}}
        if edge == "message_attachments":
            message = params.get("message")
            if not isinstance(message, dict) or not isinstance(message.get("attachment"), dict):
                raise errors.ParameterRequired("message")
            return {"attachment_id": new_object_id()}
        raise errors.UnknownPath(f"/{edge}")

    def _page_object(self, params: dict[str, Any]) -> dict[str, Any]:
        fields = fields_param(params.get("fields"), ["name", "id"])
        data: dict[str, Any] = {}
        for name in fields:
            if name == "messaging_feature_status":
                data[name] = self.platform.feature_status()
            elif name == "name":
                data[name] = self.platform.settings.name
            elif name != "id":
                raise errors.InvalidParameter(f"(#100) Tried accessing nonexisting field ({name}) on node type (Page)")
        data["id"] = self.platform.page_id
        return data

    def _subscribed_apps(self, app: App, method: str, params: dict[str, Any]) -> dict[str, Any]:
        platform = self.platform
        if method == "GET":
            rows = [{"category": "Business", "link": f"https://www.facebook.com/games/?app_id={a.id}",
                     "name": a.name, "id": a.id, "subscribed_fields": sorted(a.fields)}
                    for a in platform.apps.values() if not a.builtin and a.subscribed]
            return {"data": rows}
        if method == "DELETE":
            platform.unsubscribe_page(app.id, "DELETE subscribed_apps")
            return {"success": True}
        raw = params.get("subscribed_fields")
        try:
            fields = normalise_fields(raw) if raw is not None else None
        except ValueError as exc:
            raise errors.InvalidParameter(f"(#100) Param subscribed_fields: {exc}") from None
        if raw is not None and not fields:
            raise errors.InvalidParameter("(#100) Param subscribed_fields must be a non-empty list")
        platform.subscribe_page(app, fields)
        return {"success": True}

    def _app_subscriptions(self, app: App, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """`/{app-id}/subscriptions` (spec §2.12): sets the callback and runs the handshake."""
        if method == "GET":
            if not app.webhook:
                return {"data": []}
            return {"data": [{"object": "page", "callback_url": app.webhook, "active": app.verified,
                              "fields": [{"name": f, "version": "v19.0"} for f in sorted(app.fields)]}]}
        if method == "DELETE":
            app.webhook, app.verified = None, False
            return {"success": True}
        if params.get("object", "page") != "page":
            raise errors.InvalidParameter("(#100) Param object must be page for this simulator")
        url, token = params.get("callback_url"), params.get("verify_token")
        if not url:
            raise errors.ParameterRequired("callback_url")
        if not token:
            raise errors.ParameterRequired("verify_token")
        if params.get("fields") is not None:
            try:
                app.fields = normalise_fields(params["fields"]) or app.fields
            except ValueError as exc:
                raise errors.InvalidParameter(f"(#100) Param fields: {exc}") from None
        if not self._set_webhook(app, str(url), str(token)):
            raise errors.CustomGraphError(2200, None, 400, "(#2200) Callback verification failed: the URL did not "
                                          "return the hub.challenge for the verify token", "OAuthException")
        return {"success": True}

    def _messenger_profile(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        profile = self.platform.messenger_profile
        known = {"get_started", "persistent_menu", "greeting", "ice_breakers", "whitelisted_domains",
                 "account_linking_url", "home_url", "commands", "title", "description"}
        if method == "GET":
            fields = fields_param(params.get("fields"), [])
            if not fields:
                raise errors.ParameterRequired("fields")
            return {"data": [{k: profile[k] for k in fields if k in profile}] if any(k in profile for k in fields) else []}
        if method == "DELETE":
            for name in fields_param(params.get("fields"), []):
                profile.pop(name, None)
            return {"result": "success"}
        values = {k: v for k, v in params.items() if k in known}
        if not values:
            raise errors.InvalidParameter("(#100) Requires one of the params: " + ", ".join(sorted(known)))
        profile.update(values)
        return {"result": "success"}

    def _persona(self, method: str, persona_id: str) -> dict[str, Any]:
        if method == "DELETE":
            self.platform.personas.pop(persona_id, None)
            return {"success": True}
        if method == "GET":
            return dict(self.platform.personas[persona_id])
        raise errors.UnsupportedRequest(method, persona_id)
