"""Builders of webhook event objects in Meta's shapes (spec §3). App ids are strings here;
the webhook envelope retypes them per the delivery policy."""

from __future__ import annotations

from typing import Any


def _base(psid: str, page_id: str, ts: int) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": ts}


def user_message(psid: str, page_id: str, ts: int, mid: str, *, text: str | None = None,
                 attachments: list[dict] | None = None, quick_reply: str | None = None,
                 reply_to: str | None = None, referral: dict | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid}
    if text is not None:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    if quick_reply is not None:
        message["quick_reply"] = {"payload": quick_reply}
    if reply_to:
        message["reply_to"] = {"mid": reply_to}
    event = _base(psid, page_id, ts)
    event["message"] = message
    if referral:
        message["referral"] = referral
    return event


def postback(psid: str, page_id: str, ts: int, mid: str, *, title: str, payload: str | None,
             referral: dict | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"mid": mid, "title": title}
    if payload is not None:
        body["payload"] = payload
    if referral:
        body["referral"] = referral
    event = _base(psid, page_id, ts)
    event["postback"] = body
    return event


def without_payload(event: dict[str, Any]) -> dict[str, Any]:
    """Standby copy of a postback: title kept, payload removed (spec §1.5, §3.5)."""
    if "postback" not in event:
        return event
    copy = dict(event)
    copy["postback"] = {k: v for k, v in event["postback"].items() if k != "payload"}
    return copy


def read(psid: str, page_id: str, ts: int, watermark: int) -> dict[str, Any]:
    event = _base(psid, page_id, ts)
    event["read"] = {"watermark": watermark}
    return event


def delivery(psid: str, page_id: str, ts: int, mids: list[str], watermark: int) -> dict[str, Any]:
    event = _base(psid, page_id, ts)
    event["delivery"] = {"mids": mids, "watermark": watermark}
    return event


def reaction(psid: str, page_id: str, ts: int, mid: str, reaction_name: str, emoji: str,
             action: str) -> dict[str, Any]:
    event = _base(psid, page_id, ts)
    event["reaction"] = {"reaction": reaction_name, "emoji": emoji, "action": action, "mid": mid}
    return event


def echo(psid: str, page_id: str, ts: int, mid: str, app_id: str, message: dict[str, Any],
         metadata: str | None = None) -> dict[str, Any]:
    """Echo of a page message: sender and recipient reversed (spec §3.3)."""
    body: dict[str, Any] = {"is_echo": True, "app_id": app_id}
    if metadata is not None:
        body["metadata"] = metadata
    body["mid"] = mid
    for key in ("text", "attachments", "quick_replies"):
        if key in message:
            body[key] = message[key]
    if "attachment" in message:
        body["attachments"] = [message["attachment"]]
    return {"sender": {"id": page_id}, "recipient": {"id": psid}, "timestamp": ts, "message": body}


def _control_change(kind: str, psid: str, page_id: str, ts: int, previous: str | None, new: str,
                    metadata: str | None) -> dict[str, Any]:
    event = _base(psid, page_id, ts)
    body: dict[str, Any] = {"previous_owner_app_id": previous, "new_owner_app_id": new}
    if metadata is not None:
        body["metadata"] = metadata
    event[kind] = body
    return event


def pass_thread_control(psid: str, page_id: str, ts: int, previous: str | None, new: str,
                        metadata: str | None) -> dict[str, Any]:
    """Sent to the new owner; `previous_owner_app_id` is null when the thread was idle."""
    return _control_change("pass_thread_control", psid, page_id, ts, previous, new, metadata)


def take_thread_control(psid: str, page_id: str, ts: int, previous: str | None, new: str,
                        metadata: str | None) -> dict[str, Any]:
    """Sent to the app that lost control."""
    return _control_change("take_thread_control", psid, page_id, ts, previous, new, metadata)


def request_thread_control(psid: str, page_id: str, ts: int, requested: str,
                           metadata: str | None) -> dict[str, Any]:
    event = _base(psid, page_id, ts)
    body: dict[str, Any] = {"requested_owner_app_id": requested}
    if metadata is not None:
        body["metadata"] = metadata
    event["request_thread_control"] = body
    return event


def app_roles(page_id: str, ts: int, roles: dict[str, list[str]]) -> dict[str, Any]:
    """Role change: no `sender` (spec §3.7)."""
    return {"recipient": {"id": page_id}, "timestamp": ts, "app_roles": roles}
