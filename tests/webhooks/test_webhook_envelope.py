"""Envelope shapes, app-id typing per policy, and the journal flattener (spec §3)."""

from __future__ import annotations

import pytest

from simulator.domain import events
from simulator.domain.notifications import Notification
from simulator.webhooks.envelope import events_of, make_body, make_entry, type_app_ids
from simulator.webhooks.policy import DeliveryPolicy
from simulator.webhooks.serialize import meta_json

PAGE = "1000000000000001"
PSID = "7000000000000001"
CC = "256859710996832"
INBOX = "263902037430900"
TS = 1_700_000_000_000


def _n(event: dict, channel: str = "messaging", event_type: str = "message") -> Notification:
    return Notification(app_id=CC, channel=channel, field="messages", event=event,
                        event_type=event_type, psid=PSID, page_id=PAGE)


def test_one_event_per_entry_in_meta_shape() -> None:
    event = events.user_message(PSID, PAGE, TS, "m_1", text="hi")
    body = make_body([make_entry(_n(event), time_ms=TS + 5)])
    assert body == {"object": "page", "entry": [{"id": PAGE, "time": TS + 5, "messaging": [event]}]}
    assert meta_json(body).startswith(b'{"object":"page","entry":[{"id":"1000000000000001","time":')


def test_standby_entry_has_no_messaging_key() -> None:
    """Clients that assume `entry.messaging` crash here (spec §6.2); the shape must allow it."""
    event = events.read(PSID, PAGE, TS, TS - 1)
    entry = make_entry(_n(event, channel="standby", event_type="read"), time_ms=TS)
    assert set(entry) == {"id", "time", "standby"}


def test_page_id_falls_back_to_the_event() -> None:
    event = events.user_message(PSID, PAGE, TS, "m_1", text="hi")
    notification = Notification(app_id=CC, channel="messaging", field="messages", event=event,
                                event_type="message")
    assert make_entry(notification, time_ms=TS)["id"] == PAGE


HANDOVER_CASES = [
    # (policy, event builder, path, expected)
    ("meta", lambda: events.pass_thread_control(PSID, PAGE, TS, None, CC, "m"),
     ("pass_thread_control", "new_owner_app_id"), CC),
    ("meta", lambda: events.pass_thread_control(PSID, PAGE, TS, None, CC, "m"),
     ("pass_thread_control", "previous_owner_app_id"), None),
    ("meta", lambda: events.take_thread_control(PSID, PAGE, TS, CC, INBOX, None),
     ("take_thread_control", "previous_owner_app_id"), CC),
    ("meta", lambda: events.request_thread_control(PSID, PAGE, TS, INBOX, None),
     ("request_thread_control", "requested_owner_app_id"), int(INBOX)),
    ("meta", lambda: events.echo(PSID, PAGE, TS, "m_2", INBOX, {"text": "hi"}),
     ("message", "app_id"), int(INBOX)),
    ("number", lambda: events.pass_thread_control(PSID, PAGE, TS, INBOX, CC, None),
     ("pass_thread_control", "new_owner_app_id"), int(CC)),
    ("number", lambda: events.pass_thread_control(PSID, PAGE, TS, None, CC, None),
     ("pass_thread_control", "previous_owner_app_id"), None),
    ("number", lambda: events.take_thread_control(PSID, PAGE, TS, CC, INBOX, None),
     ("take_thread_control", "previous_owner_app_id"), int(CC)),
    ("string", lambda: events.request_thread_control(PSID, PAGE, TS, INBOX, None),
     ("request_thread_control", "requested_owner_app_id"), INBOX),
    ("string", lambda: events.echo(PSID, PAGE, TS, "m_2", INBOX, {"text": "hi"}),
     ("message", "app_id"), INBOX),
]


@pytest.mark.parametrize("app_id_type, build, path, expected", HANDOVER_CASES)
def test_app_id_typing(app_id_type: str, build, path: tuple[str, str], expected: object) -> None:
    types = DeliveryPolicy(app_id_type=app_id_type).app_id_types()
    typed = type_app_ids(build(), types)
    value = typed[path[0]][path[1]]
    assert value == expected and type(value) is type(expected)


def test_per_field_override_beats_the_global_type() -> None:
    policy = DeliveryPolicy(app_id_type="number", app_id_fields={"new_owner_app_id": "string"})
    typed = type_app_ids(events.pass_thread_control(PSID, PAGE, TS, INBOX, CC, None), policy.app_id_types())
    assert typed["pass_thread_control"] == {"previous_owner_app_id": int(INBOX), "new_owner_app_id": CC}


def test_typing_does_not_mutate_the_domain_event_and_keeps_odd_ids_as_strings() -> None:
    event = events.pass_thread_control(PSID, PAGE, TS, None, "bot-app", None)
    typed = type_app_ids(event, DeliveryPolicy(app_id_type="number").app_id_types())
    assert typed["pass_thread_control"]["new_owner_app_id"] == "bot-app"
    number = type_app_ids(events.echo(PSID, PAGE, TS, "m", CC, {"text": "x"}))
    assert number["message"]["app_id"] == int(CC)
    assert events.echo(PSID, PAGE, TS, "m", CC, {"text": "x"})["message"]["app_id"] == CC


def test_app_roles_keys_stay_strings_on_the_wire() -> None:
    event = events.app_roles(PAGE, TS, {CC: ["primary_receiver"]})
    raw = meta_json(make_body([make_entry(_n(event, event_type="app_roles"), time_ms=TS,
                                          types=DeliveryPolicy(app_id_type="number").app_id_types())]))
    assert b'"app_roles":{"256859710996832":["primary_receiver"]}' in raw


def test_echo_app_id_is_a_bare_number_on_the_wire_by_default() -> None:
    event = events.echo(PSID, PAGE, TS, "m_2", INBOX, {"text": "hi"})
    raw = meta_json(make_body([make_entry(_n(event, event_type="echo"), time_ms=TS)]))
    assert b'"app_id":263902037430900' in raw


FLATTEN_CASES = [
    (events.user_message(PSID, PAGE, TS, "m", text="x"), "message", PSID),
    (events.echo(PSID, PAGE, TS, "m", CC, {"text": "x"}), "echo", PSID),
    (events.postback(PSID, PAGE, TS, "m", title="T", payload="P"), "postback", PSID),
    (events.read(PSID, PAGE, TS, TS), "read", PSID),
    (events.delivery(PSID, PAGE, TS, ["m"], TS), "delivery", PSID),
    (events.reaction(PSID, PAGE, TS, "m", "love", "\u2764", "react"), "reaction", PSID),
    (events.pass_thread_control(PSID, PAGE, TS, None, CC, None), "pass_thread_control", PSID),
    (events.take_thread_control(PSID, PAGE, TS, CC, INBOX, None), "take_thread_control", PSID),
    (events.request_thread_control(PSID, PAGE, TS, INBOX, None), "request_thread_control", PSID),
    (events.app_roles(PAGE, TS, {CC: ["primary_receiver"]}), "app_roles", None),
    ({"recipient": {"id": PAGE}, "timestamp": TS, "policy_enforcement": {"action": "block", "reason": "r"}},
     "policy_enforcement", None),
    ({"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": TS, "referral": {"ref": "x"}},
     "referral", PSID),
]


@pytest.mark.parametrize("event, kind, psid", FLATTEN_CASES, ids=[c[1] for c in FLATTEN_CASES])
def test_events_of_types_and_psids(event: dict, kind: str, psid: str | None) -> None:
    body = make_body([make_entry(_n(event, channel="standby"), time_ms=TS)])
    sent = body["entry"][0]["standby"][0]  # the typed copy that went on the wire
    assert events_of(body) == [{"channel": "standby", "type": kind, "psid": psid, "event": sent}]


def test_events_of_a_batch_keeps_wire_order() -> None:
    first = events.user_message(PSID, PAGE, TS, "m1", text="1")
    second = events.read("7000000000000002", PAGE, TS, TS)
    body = make_body([make_entry(_n(first), time_ms=TS), make_entry(_n(second, "standby"), time_ms=TS)])
    assert [(e["channel"], e["type"], e["psid"]) for e in events_of(body)] == [
        ("messaging", "message", PSID), ("standby", "read", "7000000000000002")]
