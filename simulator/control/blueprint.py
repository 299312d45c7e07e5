"""The `/_sim` control API: JSON in, JSON out, every error as `{"error": {"message": ...}}`.

Each route only parses, calls the Simulation, and serialises; the OpenAPI document is built
from the same route table (`ROUTES`), so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Response, current_app, request

from simulator import __version__
from simulator.control.openapi import openapi_document, route
from simulator.domain import errors
from simulator.journal import conditions_from
from simulator.simulation import Simulation
from simulator.webjson import json_response

control_blueprint = Blueprint("control", __name__, url_prefix="/_sim")

MAX_WAIT_S = 120.0


class ControlError(Exception):
    """A control-API request that cannot be served; `status` is a 4xx."""

    def __init__(self, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


def sim() -> Simulation:
    return current_app.extensions["handover"]


def body() -> dict[str, Any]:
    if not request.data:
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ControlError("the request body must be a JSON object")
    return data


def number(value: Any, name: str, *, minimum: float | None = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ControlError(f"{name} must be a number")
    try:
        result = float(value)
    except ValueError:
        raise ControlError(f"{name} must be a number") from None
    if minimum is not None and result < minimum:
        raise ControlError(f"{name} must be at least {minimum:g}")
    return result


@control_blueprint.errorhandler(ControlError)
def _control_error(exc: ControlError) -> Response:
    return json_response({"error": {"message": str(exc), **exc.extra}}, exc.status)


@control_blueprint.errorhandler(ValueError)
def _value_error(exc: ValueError) -> Response:
    return json_response({"error": {"message": str(exc)}}, 400)


@control_blueprint.errorhandler(KeyError)
def _key_error(exc: KeyError) -> Response:
    return json_response({"error": {"message": str(exc.args[0]) if exc.args else "not found"}}, 404)


@control_blueprint.errorhandler(errors.GraphError)
def _graph_error(exc: errors.GraphError) -> Response:
    # The platform refused what a simulated human tried (e.g. an Inbox reply): show Meta's error.
    envelope = exc.envelope()
    return json_response({"error": {"message": exc.text, "graph": envelope["error"]}}, 409)


def _user(psid: str) -> None:
    if psid not in sim().platform.users:
        raise ControlError(f"no user with PSID {psid}", 404)


# -- simulator ---------------------------------------------------------------------------------
@route("GET", "/health", "Liveness and the simulator version")
@control_blueprint.get("/health")
def health() -> Response:
    return json_response({"ok": True, "version": __version__, "page_id": sim().platform.page_id})


@route("GET", "/openapi.json", "This API's OpenAPI 3.1 document")
@control_blueprint.get("/openapi.json")
def openapi() -> Response:
    return json_response(openapi_document(request.host_url.rstrip("/")))


@route("GET", "/config", "Page, mode, apps (with tokens and secrets), delivery policy, clock")
@control_blueprint.get("/config")
def config() -> Response:
    return json_response(sim().describe())


@route("POST", "/reset", "Forget users, threads, faults, timers and queued deliveries",
       {"keep_apps": "boolean", "mode": "string"})
@control_blueprint.post("/reset")
def reset() -> Response:
    data = body()
    return json_response(sim().reset(keep_apps=data.get("keep_apps", True) is not False, mode=data.get("mode")))


@route("PUT", "/mode", "Switch the protocol mode", {"mode": "string", "exclusive_send": "boolean",
                                                    "default_app_id": "string"})
@control_blueprint.put("/mode")
def set_mode() -> Response:
    data = body()
    if "mode" not in data:
        raise ControlError("mode is required (legacy_hop, hop_v2 or conversation_routing)")
    options: dict[str, Any] = {}
    if "exclusive_send" in data:
        options["exclusive_send"] = bool(data["exclusive_send"])
    if "default_app_id" in data:
        options["default_app_id"] = None if data["default_app_id"] is None else str(data["default_app_id"])
    if data.get("zero_config"):
        options["default_app_id"] = None
    return json_response(sim().set_mode(str(data["mode"]), **options))


@route("PUT", "/roles", "An admin assigns handover roles (sends app_roles webhooks)",
       {"primary": "string", "secondaries": "array"})
@control_blueprint.put("/roles")
def set_roles() -> Response:
    data = body()
    primary = data.get("primary")
    sim().platform.set_roles(None if primary is None else str(primary),
                             None if data.get("secondaries") is None else [str(s) for s in data["secondaries"]])
    return json_response(sim().platform.describe_mode())


# -- apps --------------------------------------------------------------------------------------
@route("GET", "/apps", "Every connected app")
@control_blueprint.get("/apps")
def apps() -> Response:
    return json_response({"data": [a.public() for a in sim().platform.apps.values()]})


@route("POST", "/apps", "Create or replace an app (a webhook triggers the handshake)",
       {"id": "string", "name": "string", "secret": "string", "page_token": "string", "webhook": "string",
        "verify_token": "string", "role": "string", "fields": "array", "can_take": "boolean"})
@control_blueprint.post("/apps")
def upsert_app() -> Response:
    return json_response(sim().upsert_app(body()).public(), 201)


@route("GET", "/apps/{app_id}", "One app")
@control_blueprint.get("/apps/<app_id>")
def get_app(app_id: str) -> Response:
    return json_response(sim().platform.app(app_id).public())


@route("PATCH", "/apps/{app_id}", "Change an app (webhook, fields, role, can_take, secrets)")
@control_blueprint.patch("/apps/<app_id>")
def update_app(app_id: str) -> Response:
    return json_response(sim().update_app(app_id, body()).public())


@route("DELETE", "/apps/{app_id}", "Disconnect an app from the page")
@control_blueprint.delete("/apps/<app_id>")
def delete_app(app_id: str) -> Response:
    sim().platform.app(app_id)
    sim().platform.remove_app(app_id)
    return json_response({"success": True})


@route("POST", "/apps/{app_id}/verify", "Run the hub.challenge handshake again now")
@control_blueprint.post("/apps/<app_id>/verify")
def verify(app_id: str) -> Response:
    return json_response(sim().verify_webhook(app_id))


@route("POST", "/apps/{app_id}/inject", "Send the app a webhook that did not come from the platform "
       "(signing: valid, none, forged-sha256, sha1-only, sha256-only, wrong-secret)",
       {"signing": "string", "psid": "string", "text": "string", "page_id": "string"})
@control_blueprint.post("/apps/<app_id>/inject")
def inject(app_id: str) -> Response:
    data = body()
    entry = sim().inject_webhook(app_id, signing=str(data.get("signing", "valid")), psid=data.get("psid"),
                                 text=str(data.get("text", "Hello")), page_id=data.get("page_id"))
    return json_response(entry, 201)


# -- users -------------------------------------------------------------------------------------
@route("POST", "/users", "A new Messenger user with a PSID and a Faker profile",
       {"locale": "string", "first_name": "string", "last_name": "string", "phone_only": "boolean"})
@control_blueprint.post("/users")
def create_user() -> Response:
    data = body()
    locale = data.pop("locale", None)
    return json_response(sim().create_user(locale, **{k: v for k, v in data.items() if v is not None}), 201)


@route("GET", "/users/{psid}", "A user's profile")
@control_blueprint.get("/users/<psid>")
def get_user(psid: str) -> Response:
    _user(psid)
    user = sim().platform.users[psid]
    return json_response(user.profile() | {"psid": psid, "last_input_ms": user.last_input_ms})


@route("POST", "/users/{psid}/messages", "The user writes to the page (text, attachments, sticker, quick reply)",
       {"text": "string", "attachments": "array", "sticker_id": "integer", "quick_reply": "string",
        "reply_to": "string", "referral": "object"})
@control_blueprint.post("/users/<psid>/messages")
def user_message(psid: str) -> Response:
    _user(psid)
    data = body()
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise ControlError("text must be a string")
    attachments = data.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ControlError("attachments must be a list")
    if data.get("sticker_id") is not None:
        sticker = int(number(data["sticker_id"], "sticker_id"))
        url = f"https://scontent.xx.fbcdn.net/v/t39.1997-6/{sticker}_n.png"
        attachments = (attachments or []) + [{"type": "image", "payload": {"url": url, "sticker_id": sticker}}]
    if text is None and not attachments:
        raise ControlError("a message needs text, attachments or a sticker_id")
    result = sim().platform.user_message(psid, text=text, attachments=attachments, quick_reply=data.get("quick_reply"),
                                         reply_to=data.get("reply_to"), referral=data.get("referral"))
    return json_response(result, 201)


@route("POST", "/users/{psid}/postbacks", "The user taps a button (payload, title)",
       {"payload": "string", "title": "string", "referral": "object"})
@control_blueprint.post("/users/<psid>/postbacks")
def user_postback(psid: str) -> Response:
    _user(psid)
    data = body()
    if not isinstance(data.get("payload"), str) or not data["payload"]:
        raise ControlError("payload is required")
    return json_response(sim().platform.user_postback(psid, payload=data["payload"], title=data.get("title"),
                                                      referral=data.get("referral")), 201)


@route("POST", "/users/{psid}/reads", "The user reads the conversation", {"watermark": "integer"})
@control_blueprint.post("/users/<psid>/reads")
def user_read(psid: str) -> Response:
    _user(psid)
    watermark = body().get("watermark")
    return json_response(sim().platform.user_read(psid, None if watermark is None else int(number(watermark, "watermark"))), 201)


@route("POST", "/users/{psid}/reactions", "The user reacts to a message", {"mid": "string", "reaction": "string",
                                                                          "action": "string"})
@control_blueprint.post("/users/<psid>/reactions")
def user_reaction(psid: str) -> Response:
    _user(psid)
    data = body()
    if not data.get("mid"):
        raise ControlError("mid is required")
    return json_response(sim().platform.user_reaction(psid, mid=str(data["mid"]), reaction=str(data.get("reaction", "love")),
                                                      action=str(data.get("action", "react"))), 201)


@route("POST", "/users/{psid}/bot-off", "The user turns the bot off and asks for a person (see docs/assumptions.md)")
@control_blueprint.post("/users/<psid>/bot-off")
def user_bot_off(psid: str) -> Response:
    _user(psid)
    return json_response(sim().platform.user_bot_off(psid), 201)


# -- threads -----------------------------------------------------------------------------------
@route("GET", "/threads/{psid}", "Owner (or idle), expiry, windows, Inbox folder, history")
@control_blueprint.get("/threads/<psid>")
def thread(psid: str) -> Response:
    _user(psid)
    return json_response(sim().platform.thread_view(psid))


@route("PUT", "/threads/{psid}/owner", "Force the owner (test set-up; no webhook)", {"app_id": "string"})
@control_blueprint.put("/threads/<psid>/owner")
def force_owner(psid: str) -> Response:
    _user(psid)
    app_id = body().get("app_id")
    sim().platform.force_owner(psid, None if app_id is None else str(app_id))
    return json_response(sim().platform.thread_view(psid))


# -- Page Inbox --------------------------------------------------------------------------------
@route("POST", "/inbox/{psid}/reply", "A human replies in the Page Inbox", {"text": "string"})
@control_blueprint.post("/inbox/<psid>/reply")
def inbox_reply(psid: str) -> Response:
    _user(psid)
    text = body().get("text")
    if not isinstance(text, str) or not text.strip():
        raise ControlError("text is required")
    return json_response(sim().platform.inbox_reply(psid, text), 201)


@route("POST", "/inbox/{psid}/done", "A human marks the conversation as done (passes to the primary)")
@control_blueprint.post("/inbox/<psid>/done")
def inbox_done(psid: str) -> Response:
    _user(psid)
    return json_response(sim().platform.inbox_mark_done(psid))


@route("POST", "/inbox/{psid}/move-to-main", "A human moves the conversation to Main")
@control_blueprint.post("/inbox/<psid>/move-to-main")
def inbox_move_to_main(psid: str) -> Response:
    _user(psid)
    return json_response(sim().platform.inbox_move_to_main(psid))


# -- fake bot ----------------------------------------------------------------------------------
@route("GET", "/bot", "The in-process fake bot's settings")
@control_blueprint.get("/bot")
def bot() -> Response:
    return json_response(sim().bot.describe())


@route("PATCH", "/bot", "Change the fake bot (grant_requests, escalation_keywords, escalate_to, ...)")
@control_blueprint.patch("/bot")
def bot_update() -> Response:
    return json_response(sim().bot.update(body()))


# -- clock -------------------------------------------------------------------------------------
@route("GET", "/clock", "Virtual time")
@control_blueprint.get("/clock")
def clock() -> Response:
    return json_response(sim().clock_view())


@route("POST", "/clock/advance", "Move virtual time forward; due timers and expiries fire", {"seconds": "number"})
@control_blueprint.post("/clock/advance")
def clock_advance() -> Response:
    seconds = number(body().get("seconds"), "seconds")
    if seconds > 400 * 24 * 3600:
        raise ControlError("seconds must be at most 400 days")
    return json_response(sim().advance_clock(seconds))


@route("PUT", "/clock", "Restart virtual time at an ISO date or epoch seconds", {"now": "string", "frozen": "boolean"})
@control_blueprint.put("/clock")
def clock_set() -> Response:
    data = body()
    start = _instant(data.get("now"))
    simulation = sim()
    if start is not None and start.timestamp() * 1000 < simulation.clock.peek_ms() and simulation.platform.users:
        raise ControlError("the virtual clock only moves forward while users exist; reset first to go back", 409)
    if data.get("frozen") is not None:
        simulation.clock.set_frozen(bool(data["frozen"]))
    if start is not None:
        simulation.clock.set(start)
    simulation.platform.tick()
    simulation.journal.record("clock", action="set", now_ms=simulation.clock.peek_ms())
    return json_response(simulation.clock_view())


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 date (UTC unless it says otherwise) or epoch seconds; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ControlError("now must be an ISO 8601 date or epoch seconds") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(number(value, "now"), tz=timezone.utc)


# -- faults and delivery policy ----------------------------------------------------------------
@route("GET", "/faults", "Active Graph fault plans")
@control_blueprint.get("/faults")
def faults() -> Response:
    return json_response({"data": sim().faults.list()})


@route("POST", "/faults", "Inject a Graph error or latency", {"app_id": "string", "edge": "string", "code": "integer",
                                                               "error_subcode": "integer", "status": "integer",
                                                               "count": "integer", "latency_ms": "integer",
                                                               "preset": "string"})
@control_blueprint.post("/faults")
def add_fault() -> Response:
    fault = sim().faults.add(body())
    sim().journal.record("control", action="fault", detail=vars(fault))
    return json_response(vars(fault), 201)


@route("DELETE", "/faults", "Remove every fault")
@control_blueprint.delete("/faults")
def clear_faults() -> Response:
    sim().faults.clear()
    return json_response({"success": True})


@route("GET", "/delivery", "Webhook delivery policy")
@control_blueprint.get("/delivery")
def delivery() -> Response:
    return json_response(sim().policy.to_dict())


@route("PATCH", "/delivery", "Change the delivery policy (timeout_s, retries, duplicate, batch, reorder, ...)")
@control_blueprint.patch("/delivery")
def delivery_update() -> Response:
    sim().policy.update(**body())
    sim().journal.record("control", action="delivery_policy", detail=sim().policy.to_dict())
    return json_response(sim().policy.to_dict())


@route("POST", "/delivery/drain", "Wait until every queued delivery was attempted", {"timeout": "number"})
@control_blueprint.post("/delivery/drain")
def delivery_drain() -> Response:
    timeout = min(number(body().get("timeout", 10), "timeout"), MAX_WAIT_S)
    return json_response({"drained": sim().dispatcher.drain(timeout)})


# -- journal -----------------------------------------------------------------------------------
def _journal_filters(source: dict[str, Any]) -> dict[str, Any]:
    limit = source.get("limit")
    return {"kind": source.get("kind") or None, "app_id": source.get("app_id") or None,
            "psid": source.get("psid") or None, "since_seq": int(number(source.get("since", 0) or 0, "since")),
            "limit": int(number(limit, "limit", minimum=1)) if limit not in (None, "") else None}


@route("GET", "/journal", "Journal entries (kind, app_id, psid, since, limit)")
@control_blueprint.get("/journal")
def journal() -> Response:
    filters = _journal_filters(request.args.to_dict())
    return json_response({"data": sim().journal.query(**filters)})


@route("POST", "/journal/query", "Journal entries matching dotted-path conditions",
       {"match": "object", "exists": "object", "kind": "string", "since": "integer"})
@control_blueprint.post("/journal/query")
def journal_query() -> Response:
    data = body()
    conditions = conditions_from(_mapping(data, "match"), _mapping(data, "exists"))
    return json_response({"data": sim().journal.query(conditions=conditions, **_journal_filters(data))})


@route("GET", "/journal/last", "The sequence number of the newest entry")
@control_blueprint.get("/journal/last")
def journal_last() -> Response:
    return json_response({"seq": sim().journal.last_seq})


@route("POST", "/wait", "Wait (bounded) for a journal entry; near misses on timeout",
       {"match": "object", "exists": "object", "timeout": "number", "kind": "string", "since": "integer"})
@control_blueprint.post("/wait")
def wait() -> Response:
    data = body()
    conditions = conditions_from(_mapping(data, "match"), _mapping(data, "exists"))
    if not conditions:
        raise ControlError("match or exists must name at least one condition")
    timeout = min(number(data.get("timeout", 5), "timeout"), MAX_WAIT_S)
    filters = _journal_filters(data)
    filters.pop("limit")
    simulation = sim()
    result = simulation.journal.wait(conditions, timeout=timeout, on_idle=simulation.tick, **filters)
    return json_response(result.as_dict())


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise ControlError(f"{key} must be an object of dotted path -> value")
    return value


@control_blueprint.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    raise ControlError(f"no control endpoint {request.method} /_sim/{rest}; see /_sim/openapi.json", 404)

