"""The simulator end to end over real HTTP: handshakes, signed webhooks, handovers, journal."""

from __future__ import annotations

import json

import requests

BOT, CC, INBOX = "640000000000001", "256859710996832", "263902037430900"


def bodies(receiver, path="/cc"):
    return [json.loads(r.raw) for r in receiver.received(path)]


def events(receiver, path="/cc"):
    found = []
    for body in bodies(receiver, path):
        for entry in body["entry"]:
            for channel in ("messaging", "standby"):
                for event in entry.get(channel, []):
                    found.append((channel, event))
    return found


def test_handshake_runs_when_the_webhook_is_set(sim, receiver):
    [verification] = sim.client.journal(kind="verification")
    assert verification["ok"] is True and verification["app_id"] == CC
    assert receiver.verifications and receiver.verifications[0]["path"] == "/cc"


def test_standby_then_handover_with_both_signatures_over_exact_bytes(sim, receiver):
    client = sim.client
    user = client.create_user(locale="pl_PL")
    client.send_message(user["psid"], "Dzień dobry, potrzebuję konsultanta")
    # The fake bot escalates on "konsultant": the contact centre gets control.
    result = client.wait({"events.*.type": "pass_thread_control"}, kind="delivery", app_id=CC, timeout=5)
    assert result["matched"], result["near_misses"]
    client.drain()
    assert all(r.signed_ok for r in receiver.received("/cc"))
    raw = receiver.received("/cc")[0].raw
    assert b"\\u0144" in raw and b"\\/" in raw or b"\\u0144" in raw  # Meta-style escaping of "ń"
    seen = events(receiver)
    assert seen[0][0] == "standby" and seen[0][1]["message"]["text"].startswith("Dzień")
    handover = [e for c, e in seen if "pass_thread_control" in e][0]["pass_thread_control"]
    assert handover["new_owner_app_id"] == CC and handover["previous_owner_app_id"] == BOT
    assert client.thread(user["psid"])["owner_app_id"] == CC


def test_contact_centre_reply_over_graph_http_and_echo(sim, receiver):
    client = sim.client
    psid = client.create_user()["psid"]
    client.send_message(psid, "I need a human")
    assert client.wait({"events.*.type": "pass_thread_control"}, kind="delivery", app_id=CC, timeout=5)["matched"]
    response = requests.post(f"{sim.url}/v19.0/me/messages", params={"access_token": "CC_TOKEN"},
                             json={"recipient": {"id": psid}, "messaging_type": "RESPONSE",
                                   "message": {"text": "Hello, Ana from support"}}, timeout=5)
    assert response.status_code == 200
    echo = client.wait({"events.*.event.message.is_echo": True, "events.*.event.message.app_id": CC},
                       kind="delivery", app_id=CC, timeout=5)
    assert echo["matched"]
    graph = client.journal(kind="graph", app_id=CC)[-1]
    assert graph["status"] == 200 and graph["transport"] == "http"


def test_no_delivery_before_a_successful_handshake(tmp_path, receiver):
    from simulator.server import start_simulator
    with start_simulator(run_dir=tmp_path) as running:
        url = receiver.route("/late", secret="cc-secret", verify_token="something-else")
        running.client.update_app(CC, webhook=url)  # wrong verify token: the receiver refuses
        psid = running.client.create_user()["psid"]
        running.client.send_message(psid, "hello")
        running.client.drain()
        assert receiver.received("/late") == []
        dropped = running.client.journal(kind="delivery", app_id=CC)
        assert dropped and all(e["outcome"] == "dropped" for e in dropped)
        receiver.route("/late", secret="cc-secret", verify_token="cc-verify")
        assert running.client.verify_webhook(CC)["ok"] is True
        running.client.send_message(psid, "now?")
        assert receiver.wait_for(1, "/late", timeout=5)


def test_graph_subscriptions_edge_runs_the_handshake(tmp_path, receiver):
    from simulator.server import start_simulator
    with start_simulator(run_dir=tmp_path) as running:
        url = receiver.route("/app", secret="cc-secret", verify_token="tok")
        response = requests.post(f"{running.url}/v19.0/{CC}/subscriptions",
                                 params={"access_token": f"{CC}|cc-secret"},
                                 data={"object": "page", "callback_url": url, "verify_token": "tok",
                                       "fields": "messages,messaging_handovers,standby"}, timeout=5)
        assert response.json() == {"success": True}
        app = running.client.app(CC)
        assert app["verified"] and app["fields"] == ["messages", "messaging_handovers", "standby"]
        bad = requests.post(f"{running.url}/v19.0/{CC}/subscriptions", params={"access_token": f"{CC}|cc-secret"},
                            data={"object": "page", "callback_url": url, "verify_token": "wrong"}, timeout=5)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 2200


def test_failed_delivery_is_retried_on_the_virtual_clock(sim, receiver):
    client = sim.client
    client.delivery_policy(immediate_retries=0, backoff_s=[60])
    receiver.set_mode("/cc", "error", status=503)
    psid = client.create_user()["psid"]
    client.send_message(psid, "hello")
    client.drain()
    failed = client.journal(kind="delivery", app_id=CC)
    assert failed[-1]["outcome"] == "http_error" and failed[-1]["status"] == 503
    receiver.set_mode("/cc", "ok")
    client.advance_clock(61)
    retried = client.wait({"outcome": "ok", "attempt": 2}, kind="delivery", app_id=CC, timeout=5)
    assert retried["matched"], retried["near_misses"]


def test_wait_timeout_returns_near_misses(sim):
    result = sim.client.wait({"edge": "take_thread_control"}, kind="graph", timeout=0.2)
    assert result["matched"] is False


def test_clock_advance_expires_ownership_in_hop_v2(sim):
    client = sim.client
    client.set_mode("hop_v2")
    psid = client.create_user()["psid"]
    client.send_message(psid, "agent please")
    assert client.wait({"cause": "pass", "to_app_id": CC}, kind="ownership", timeout=5)["matched"]
    client.advance_clock(24 * 3600 + 5)
    assert client.thread(psid)["owner_app_id"] is None
    [expiry] = client.journal(kind="ownership", psid=psid, match={"cause": "expiry"})
    assert expiry["from_app_id"] == CC


def test_openapi_document_lists_the_control_routes(sim):
    document = requests.get(f"{sim.url}/_sim/openapi.json", timeout=5).json()
    assert document["openapi"].startswith("3.1")
    for path in ("/_sim/users", "/_sim/users/{psid}/messages", "/_sim/threads/{psid}", "/_sim/clock/advance",
                 "/_sim/journal", "/_sim/wait", "/_sim/reset", "/_sim/faults", "/_sim/inbox/{psid}/done"):
        assert path in document["paths"]


def test_fault_plan_returns_the_injected_error_once(sim):
    client = sim.client
    psid = client.create_user()["psid"]
    client.send_message(psid, "hi")
    client.add_fault(app_id=CC, edge="messages", code=1200, status=500, count=1)
    first = client.graph("CC_TOKEN", "POST", "me/messages", json={"recipient": {"id": psid}, "message": {"text": "a"}})
    second = client.graph("CC_TOKEN", "POST", "me/messages", json={"recipient": {"id": psid}, "message": {"text": "a"}})
    assert (first.status, first.error_code) == (500, 1200)
    assert second.ok


def test_injected_webhooks_are_signed_as_asked_and_journaled(sim, receiver):
    client = sim.client
    results = {}
    for signing in ("valid", "none", "forged-sha256", "sha1-only", "wrong-secret"):
        entry = client.inject_webhook(CC, signing, text="Olá")
        assert entry["injected"] is True and entry["signing"] == signing and entry["kind"] == "delivery"
        results[signing] = receiver.received("/cc")[-1]
    assert results["valid"].signed_ok
    assert results["none"].sha256_ok is None and results["none"].sha1_ok is None
    assert results["forged-sha256"].sha256_ok is False and results["forged-sha256"].sha1_ok is True
    assert results["sha1-only"].sha256_ok is None and results["sha1-only"].sha1_ok is True
    assert results["wrong-secret"].sha256_ok is False and results["wrong-secret"].sha1_ok is False


def test_reset_lets_the_clock_go_back(sim):
    client = sim.client
    client.create_user()
    client.advance_clock(3600)
    client.reset()
    assert client.set_clock("2026-01-05T09:00:00Z")["now"].startswith("2026-01-05T09:00")
