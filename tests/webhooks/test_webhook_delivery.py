"""Dispatcher against a real loopback receiver: order, independence, retries, faults, alerts (spec §4)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from simulator.domain.notifications import Notification
from simulator.journal import conditions_from
from simulator.webhooks import Endpoint
from simulator.webhooks.serialize import meta_json

from webhook_support import APP_A, APP_B, PAGE_ID, PSID, Harness, free_port, message

pytestmark = pytest.mark.integration


def test_delivers_meta_bytes_signed_with_both_headers(make_harness) -> None:
    h: Harness = make_harness()
    h.dispatcher.submit([message("Cze\u015b\u0107 \U0001F44D https://example.com/a")])
    h.drain()
    [got] = h.receiver.received(h.paths[APP_A])
    secret = f"secret-{APP_A}".encode()
    assert got.headers["X-Hub-Signature-256"] == "sha256=" + hmac.new(secret, got.raw, hashlib.sha256).hexdigest()
    assert got.headers["X-Hub-Signature"] == "sha1=" + hmac.new(secret, got.raw, hashlib.sha1).hexdigest()
    assert got.headers["Content-Type"] == "application/json"
    assert b"\\u015b\\u0107 \\ud83d\\udc4d https:\\/\\/example.com\\/a" in got.raw
    assert got.raw == meta_json(json.loads(got.raw))
    [entry] = h.deliveries(APP_A)
    assert entry["outcome"] == "ok" and entry["status"] == 200 and entry["attempt"] == 1
    assert entry["raw"].encode("ascii") == got.raw
    assert entry["headers"]["X-Hub-Signature-256"] == got.headers["X-Hub-Signature-256"]
    assert entry["body"]["entry"][0]["id"] == PAGE_ID
    assert entry["psids"] == [PSID]
    assert [(e["channel"], e["type"], e["psid"]) for e in entry["events"]] == [("messaging", "message", PSID)]
    assert entry["duplicate"] is False and entry["response_body"] == "EVENT_RECEIVED"
    assert entry["latency_ms"] > 0


def test_one_event_per_post_in_order_per_app(make_harness) -> None:
    h: Harness = make_harness()
    texts = [f"t{i}" for i in range(20)]
    for text in texts:
        h.dispatcher.submit([message(text)])
    h.drain()
    assert h.texts(APP_A) == texts
    assert len(h.receiver.received(h.paths[APP_A])) == 20


def test_a_slow_app_does_not_delay_another(make_harness) -> None:
    h: Harness = make_harness(timeout_s=10.0)
    h.receiver.set_mode(h.paths[APP_A], "slow")
    h.dispatcher.submit([message("to A", app_id=APP_A)])
    assert h.receiver.wait_for(1, h.paths[APP_A], timeout=5)  # A's request is now blocked
    h.dispatcher.submit([message("to B", app_id=APP_B)])
    found = h.journal.wait(conditions_from({"outcome": "ok"}), kind="delivery", app_id=APP_B, timeout=5)
    assert found.matched
    assert h.deliveries(APP_A) == []  # A is still waiting for its receiver
    h.receiver.release()
    h.drain()
    assert [e["outcome"] for e in h.deliveries(APP_A)] == ["ok"]


def test_http_500_is_retried_immediately_then_scheduled(make_harness) -> None:
    h: Harness = make_harness()
    h.receiver.set_mode(h.paths[APP_A], "error", status=500)
    start = h.clock.peek_ms()
    h.dispatcher.submit([message("x")])
    h.drain()
    attempts = h.deliveries(APP_A)
    assert [(e["attempt"], e["outcome"], e["status"]) for e in attempts] == [
        (1, "http_error", 500), (2, "http_error", 500), (3, "http_error", 500)]
    assert [e["next_attempt"] for e in attempts] == ["immediate", "immediate", "scheduled"]
    assert attempts[-1]["next_attempt_ms"] == start + 15_000
    assert len({e["delivery_id"] for e in attempts}) == 1
    raws = {r.raw for r in h.receiver.received(h.paths[APP_A])}
    assert len(raws) == 1  # retries resend the exact same bytes
    assert h.dispatcher.pending_retries() == {APP_A: 1}


def test_scheduled_retry_fires_only_when_the_virtual_clock_reaches_it(make_harness) -> None:
    h: Harness = make_harness()
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("x")])
    h.drain()
    h.receiver.set_mode(h.paths[APP_A], "ok")
    h.clock.advance(14)
    h.drain()
    assert len(h.deliveries(APP_A)) == 3
    h.clock.advance(1)
    h.drain()
    last = h.deliveries(APP_A)[-1]
    assert (last["attempt"], last["outcome"]) == (4, "ok")
    assert h.dispatcher.pending_retries() == {}


def test_later_events_proceed_while_one_waits_for_its_retry(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("first")])
    h.drain()
    h.receiver.set_mode(h.paths[APP_A], "ok")
    h.dispatcher.submit([message("second")])
    h.drain()
    h.clock.advance(15)
    h.drain()
    assert h.texts(APP_A) == ["first", "second", "first"]  # the failed first, then reordered


def test_timeout_counts_as_failure(make_harness) -> None:
    h: Harness = make_harness(timeout_s=0.2, immediate_retries=1)
    h.receiver.set_mode(h.paths[APP_A], "slow")
    h.dispatcher.submit([message("x")])
    h.drain()
    attempts = h.deliveries(APP_A)
    assert [(e["outcome"], e["status"]) for e in attempts] == [("timeout", None), ("timeout", None)]
    assert all(e["latency_ms"] >= 200 for e in attempts)
    assert len(h.receiver.received(h.paths[APP_A])) == 2


def test_connection_refused_is_a_connection_error(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.directory.change(APP_A, url=f"http://127.0.0.1:{free_port()}/hook")
    h.dispatcher.submit([message("x")])
    h.drain()
    [entry] = h.deliveries(APP_A)
    assert entry["outcome"] == "connection_error" and entry["status"] is None
    assert entry["next_attempt"] == "scheduled"


def test_dropped_connection_is_a_connection_error(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.receiver.set_mode(h.paths[APP_A], "close")
    h.dispatcher.submit([message("x")])
    h.drain()
    assert [e["outcome"] for e in h.deliveries(APP_A)] == ["connection_error"]


def test_duplicates_resend_the_same_bytes_next(make_harness) -> None:
    h: Harness = make_harness(duplicate=True)
    h.dispatcher.submit([message("one")])
    h.dispatcher.submit([message("two")])
    h.drain()
    assert h.texts(APP_A) == ["one", "one", "two", "two"]
    entries = h.deliveries(APP_A)
    assert [e["duplicate"] for e in entries] == [False, True, False, True]
    assert entries[0]["raw"] == entries[1]["raw"] and entries[0]["delivery_id"] != entries[1]["delivery_id"]


def test_batching_puts_several_entries_in_one_post(make_harness) -> None:
    h: Harness = make_harness(batch=3, gather_s=0.2)
    h.dispatcher.submit([message(f"t{i}") for i in range(5)])
    h.drain()
    posts = [json.loads(r.raw) for r in h.receiver.received(h.paths[APP_A])]
    assert [len(p["entry"]) for p in posts] == [3, 2]
    assert all(len(entry["messaging"]) == 1 for p in posts for entry in p["entry"])
    assert h.texts(APP_A) == [f"t{i}" for i in range(5)]
    assert [len(e["events"]) for e in h.deliveries(APP_A)] == [3, 2]


def test_batching_gathers_events_submitted_one_by_one(make_harness) -> None:
    h: Harness = make_harness(batch=2, gather_s=2.0)
    h.dispatcher.submit([message("a")])
    h.dispatcher.submit([message("b")])
    h.drain()
    assert [len(json.loads(r.raw)["entry"]) for r in h.receiver.received(h.paths[APP_A])] == [2]


def test_reorder_swaps_adjacent_deliveries(make_harness) -> None:
    h: Harness = make_harness(reorder=True, gather_s=0.2)
    h.dispatcher.submit([message(t) for t in ("1", "2", "3", "4")])
    h.drain()
    assert h.texts(APP_A) == ["2", "1", "4", "3"]


def test_reorder_waits_for_a_neighbour_submitted_separately(make_harness) -> None:
    h: Harness = make_harness(reorder=True, gather_s=2.0)
    h.dispatcher.submit([message("1")])
    h.dispatcher.submit([message("2")])
    h.drain()
    assert h.texts(APP_A) == ["2", "1"]


def _wait_alert(h: Harness, reason: str) -> dict:
    found = h.journal.wait(conditions_from({"reason": reason}), kind="alert", timeout=5)
    assert found.matched, found.near_misses
    return found.entry


def test_alert_then_unsubscribe_after_continuous_failure(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("x")])
    h.drain()
    h.clock.advance(899)
    h.drain()
    assert h.journal.query(kind="alert") == []
    h.clock.advance(1)
    h.drain()
    alert = _wait_alert(h, "failing_15_min")
    assert alert["app_id"] == APP_A
    assert h.directory.unsubscribed == []
    h.clock.advance(2700)
    h.drain()
    _wait_alert(h, "unsubscribed")
    assert [app for app, _ in h.directory.unsubscribed] == [APP_A]
    assert h.dispatcher.pending_retries() == {}
    assert h.deliveries(APP_A)[-1]["outcome"] == "dropped"
    assert h.deliveries(APP_A)[-1]["reason"] == "unsubscribed"
    h.dispatcher.submit([message("after")])
    h.drain()
    assert h.deliveries(APP_A)[-1]["reason"] == "not_subscribed"
    assert h.deliveries(APP_B) == []


def test_a_success_resets_the_failure_period(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("x")])
    h.drain()
    h.receiver.set_mode(h.paths[APP_A], "ok")
    h.clock.advance(15)  # the retry succeeds: the period that began at t=0 ends
    h.drain()
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("y")])  # a new period begins at t=15
    h.drain()
    h.clock.advance(890)  # t=905: past the first period's alert time, not the second's
    h.drain()
    assert h.journal.query(kind="alert") == []
    h.clock.advance(10)  # t=915
    h.drain()
    _wait_alert(h, "failing_15_min")


def test_unverified_or_unknown_apps_get_nothing(make_harness) -> None:
    h: Harness = make_harness()
    h.directory.change(APP_A, verified=False)
    h.dispatcher.submit([message("x", app_id=APP_A), message("y", app_id="999")])
    h.drain()
    assert h.receiver.received() == []
    [a] = h.deliveries(APP_A)
    assert (a["outcome"], a["reason"], a["status"]) == ("dropped", "not_verified", None)
    assert a["events"][0]["event"]["message"]["text"] == "x"
    [unknown] = h.deliveries("999")
    assert unknown["reason"] == "no_endpoint"


def test_reset_drops_queued_and_pending_retries(make_harness) -> None:
    h: Harness = make_harness(immediate_retries=0)
    h.receiver.set_mode(h.paths[APP_A], "error")
    h.dispatcher.submit([message("x")])
    h.drain()
    assert h.dispatcher.pending_retries() == {APP_A: 1}
    h.dispatcher.reset()
    assert h.dispatcher.pending_retries() == {}
    h.clock.advance(3600)
    h.drain()
    assert len(h.deliveries(APP_A)) == 1
    assert h.journal.query(kind="alert") == []


def test_a_worker_survives_an_error_and_journals_it(make_harness) -> None:
    h: Harness = make_harness()
    real = h.directory.endpoint
    calls = {"n": 0}

    def flaky(app_id: str) -> Endpoint | None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("directory exploded")
        return real(app_id)

    h.directory.endpoint = flaky  # type: ignore[method-assign]
    h.dispatcher.submit([message("boom")])
    h.drain()
    h.dispatcher.submit([message("fine")])
    h.drain()
    outcomes = [(e["outcome"], e.get("reason")) for e in h.deliveries(APP_A)]
    assert outcomes == [("error", "RuntimeError: directory exploded"), ("ok", None)]
    assert len(h.dispatcher.errors) == 1
    with pytest.raises(RuntimeError):
        h.dispatcher.check()
    h.dispatcher.errors.clear()


def test_in_process_handler_gets_the_same_signed_bytes(make_harness) -> None:
    h: Harness = make_harness()
    seen: list[tuple[bytes, dict]] = []

    def handler(raw: bytes, headers: dict[str, str]) -> int:
        seen.append((raw, headers))
        return 200

    h.directory.put(Endpoint(app_id="555", secret="in-proc", handler=handler, verified=True, page_id=PAGE_ID))
    h.dispatcher.submit([message("hi", app_id="555")])
    h.drain()
    [(raw, headers)] = seen
    assert headers["X-Hub-Signature-256"] == "sha256=" + hmac.new(b"in-proc", raw, hashlib.sha256).hexdigest()
    assert h.deliveries("555")[0]["url"] == "inprocess://555"


def test_app_ids_go_out_typed_per_policy(make_harness) -> None:
    h: Harness = make_harness(app_id_type="number")
    event = {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
             "pass_thread_control": {"previous_owner_app_id": None, "new_owner_app_id": APP_A}}
    h.dispatcher.submit([Notification(APP_A, "messaging", "messaging_handovers", event,
                                      "pass_thread_control", PSID, PAGE_ID)])
    h.drain()
    [got] = h.receiver.received(h.paths[APP_A])
    assert b'"previous_owner_app_id":null,"new_owner_app_id":256859710996832' in got.raw


def test_every_receiver_check_passed(make_harness) -> None:
    h: Harness = make_harness(duplicate=True, batch=2, gather_s=0.1)
    h.dispatcher.submit([message(f"m{i}", app_id=app) for i in range(3) for app in (APP_A, APP_B)])
    h.drain()
    received = h.receiver.received()
    assert received and all(r.signed_ok for r in received)
