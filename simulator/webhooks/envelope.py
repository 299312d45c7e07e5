"""Meta's webhook envelope: entries from Notifications, app-id typing, and a flattener for the journal."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from simulator.domain.notifications import Notification
from simulator.webhooks.policy import META_APP_ID_TYPES

OBJECT_PAGE = "page"
CHANNELS = ("messaging", "standby")
_HANDOVER_KEYS = ("pass_thread_control", "take_thread_control", "request_thread_control")
# Event keys in detection order; `message` comes after the others because echoes and plain
# messages share it, and is split by `is_echo`.
_EVENT_KEYS = ("postback", "read", "delivery", "reaction", "referral", *_HANDOVER_KEYS,
               "app_roles", "policy_enforcement", "optin", "message_edit", "message")


def _coerce(value: Any, kind: str) -> Any:
    """Retype one app id; null stays null, and an id that is not all digits stays a string."""
    if value is None or isinstance(value, bool):
        return value
    if kind == "number":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            # Assumption: a non-numeric app id (a test fixture like "bot") cannot be a number,
            # so it is sent as a string even when the policy asks for numbers.
            return int(value)
        return value
    return str(value) if isinstance(value, int) else value


def type_app_ids(event: Mapping[str, Any], types: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A copy of `event` with its app-id fields typed per `types` (field -> "string"/"number").

    Only the touched sub-objects are copied, so the domain's event is never mutated.
    """
    types = META_APP_ID_TYPES if types is None else types
    result = dict(event)
    for key in _HANDOVER_KEYS:
        body = event.get(key)
        if isinstance(body, Mapping):
            body = dict(body)
            for name in ("new_owner_app_id", "previous_owner_app_id", "requested_owner_app_id"):
                if name in body and name in types:
                    body[name] = _coerce(body[name], types[name])
            result[key] = body
    message = event.get("message")
    if isinstance(message, Mapping) and message.get("is_echo") and "app_id" in message:
        message = dict(message)
        message["app_id"] = _coerce(message["app_id"], types.get("message.app_id", "number"))
        result["message"] = message
    roles = event.get("app_roles")
    if isinstance(roles, Mapping):
        # JSON object keys are strings anyway; make it explicit so a numeric key from the
        # domain can never become a type probe by accident (spec §3.7: keys are app ids).
        result["app_roles"] = {str(k): v for k, v in roles.items()}
    return result


def make_entry(notification: Notification, *, time_ms: int, page_id: str = "",
               types: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One entry carrying one event, the way Meta sends it (spec §3.1: one event per entry)."""
    page = notification.page_id or page_id or _page_of(notification.event)
    return {"id": str(page), "time": int(time_ms),
            notification.channel: [type_app_ids(notification.event, types)]}


def make_body(entries: Iterable[Mapping[str, Any]], *, object_: str = OBJECT_PAGE) -> dict[str, Any]:
    """The POST body: `{"object": "page", "entry": [...]}` (several entries when batching)."""
    return {"object": object_, "entry": list(entries)}


def event_type(event: Mapping[str, Any]) -> str:
    """The journal's type name of one messaging object (docs/architecture.md)."""
    for key in _EVENT_KEYS:
        if key in event:
            if key == "message":
                message = event["message"]
                return "echo" if isinstance(message, Mapping) and message.get("is_echo") else "message"
            return key
    return "unknown"


def event_psid(event: Mapping[str, Any], page_id: str | None = None) -> str | None:
    """The user's PSID: the sender, except when the Page sent it (echoes), then the recipient."""
    sender = (event.get("sender") or {}).get("id")
    recipient = (event.get("recipient") or {}).get("id")
    if sender is None:
        # app_roles and policy_enforcement have no sender and concern no user.
        return None
    message = event.get("message")
    is_echo = isinstance(message, Mapping) and bool(message.get("is_echo"))
    if is_echo or (page_id is not None and str(sender) == str(page_id)):
        return None if recipient is None else str(recipient)
    return str(sender)


def events_of(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flatten a webhook body to `[{"channel", "type", "psid", "event"}]` in wire order."""
    flat = []
    for entry in body.get("entry") or []:
        for channel in CHANNELS:
            for event in entry.get(channel) or []:
                flat.append({"channel": channel, "type": event_type(event),
                             "psid": event_psid(event, entry.get("id")), "event": event})
    return flat


def psids_of(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Distinct PSIDs of flattened events, in first-seen order."""
    seen: dict[str, None] = {}
    for item in events:
        if item.get("psid") is not None:
            seen.setdefault(str(item["psid"]), None)
    return list(seen)


def _page_of(event: Mapping[str, Any]) -> str:
    message = event.get("message")
    if isinstance(message, Mapping) and message.get("is_echo"):
        return str((event.get("sender") or {}).get("id", ""))
    return str((event.get("recipient") or {}).get("id", ""))
