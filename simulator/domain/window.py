"""Send policy: the 24-hour messaging window, message tags and their deadlines (spec §5)."""

from __future__ import annotations

from datetime import datetime, timezone

from simulator.domain import errors

HOUR_MS = 3600 * 1000
STANDARD_WINDOW_MS = 24 * HOUR_MS
HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS
MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY")
TAGS_7_DAYS = ("HUMAN_AGENT", "CUSTOMER_FEEDBACK")
DEPRECATED_TAGS = ("ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE")
# Spec §5.2: these three tags are rejected with code 100 from this date (virtual time decides).
TAG_DEPRECATION_MS = int(datetime(2026, 4, 27, tzinfo=timezone.utc).timestamp() * 1000)


def resolve_messaging_type(messaging_type: str | None, tag: str | None, *, required: bool) -> str:
    """Validate `messaging_type`; a missing one is read as UPDATE (or MESSAGE_TAG with a tag).

    Assumption: Meta documents the field as required but old clients omit it and still work
    (spec §2.2, unverified); `require_messaging_type` on the page makes it strict.
    """
    if messaging_type is None or messaging_type == "":
        if required:
            raise errors.ParameterRequired("messaging_type")
        return "MESSAGE_TAG" if tag else "UPDATE"
    value = str(messaging_type).upper()
    if value not in MESSAGING_TYPES:
        raise errors.InvalidParameter(
            "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}")
    return value


def check_window(*, now_ms: int, last_input_ms: int | None, messaging_type: str, tag: str | None,
                 human_agent_permission: bool = True) -> None:
    """Raise unless a message of this type/tag may be sent now (spec §5.1, §5.2)."""
    if messaging_type == "MESSAGE_TAG":
        if not tag:
            raise errors.ParameterRequired("tag")
        tag = str(tag).upper()
        if tag in DEPRECATED_TAGS:
            if now_ms >= TAG_DEPRECATION_MS:
                raise errors.DeprecatedTag()
            return  # before the deprecation these tags reached users outside the window
        if tag not in TAGS_7_DAYS:
            raise errors.InvalidParameter("(#100) Param tag must be one of {CUSTOMER_FEEDBACK, HUMAN_AGENT}")
        if tag == "HUMAN_AGENT" and not human_agent_permission:
            raise errors.HumanAgentPermission()
        # Assumption: HUMAN_AGENT after 7 days gets the same 10/2018278 as the 24 h window.
        _require_within(now_ms, last_input_ms, HUMAN_AGENT_WINDOW_MS)
        return
    if tag:
        raise errors.InvalidParameter("(#100) Param tag requires messaging_type MESSAGE_TAG")
    _require_within(now_ms, last_input_ms, STANDARD_WINDOW_MS)


def _require_within(now_ms: int, last_input_ms: int | None, window_ms: int) -> None:
    if last_input_ms is None or now_ms - last_input_ms > window_ms:
        raise errors.OutsideWindow()


def window_state(now_ms: int, last_input_ms: int | None) -> dict[str, object]:
    """What the control API shows about a thread's windows."""
    if last_input_ms is None:
        return {"standard_open": False, "human_agent_open": False, "last_input_ms": None}
    age = now_ms - last_input_ms
    return {"standard_open": age <= STANDARD_WINDOW_MS, "human_agent_open": age <= HUMAN_AGENT_WINDOW_MS,
            "last_input_ms": last_input_ms,
            "standard_closes_ms": last_input_ms + STANDARD_WINDOW_MS,
            "human_agent_closes_ms": last_input_ms + HUMAN_AGENT_WINDOW_MS}
