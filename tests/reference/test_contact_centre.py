"""The reference contact centre over real HTTP against a scripted Graph stub: one behaviour per test."""

from __future__ import annotations

import pytest

from reference_support import BOT_ID, CC_ID, HOUR_MS, INBOX_ID, PAGE_ID, T0, meta_bytes
from scenarios.reference.common import sign

PSID = "7100000000000001"


def sends(stub) -> list[dict]:
    return stub.of("messages")


def bot_thread(webhooks, text: str = "hello") -> None:
    """The user talks to the bot: the contact centre hears it on standby, with the bot's echo."""
    assert webhooks.post(("standby", webhooks.message(PSID, text))).status_code == 200
    assert webhooks.post(("standby", webhooks.echo(PSID, "Hi! I'm Acme Bot.", BOT_ID))).status_code == 200


def escalated(webhooks) -> None:
    bot_thread(webhooks, "agent please")
    assert webhooks.post(("messaging", webhooks.passed(PSID, CC_ID))).status_code == 200


# -- start-up, handshake, signatures --------------------------------------------------------------
def test_registers_webhook_and_subscribes_page(cc, graph_stub):
    sut, _, _ = cc
    subscription = graph_stub.of("subscriptions")[0]
    assert subscription["path"] == f"{CC_ID}/subscriptions"
    assert subscription["query"]["access_token"] == f"{CC_ID}|cc-secret"
    assert subscription["body"]["callback_url"] == sut.webhook_url
    assert "standby" in subscription["body"]["fields"].split(",")
    assert graph_stub.handshake_results == [(200, "1158201444")]
    assert graph_stub.of("subscribed_apps")[0]["query"]["access_token"] == "CC_TOKEN"


def test_handshake_refuses_a_wrong_verify_token(cc):
    sut, webhooks, _ = cc
    bad = webhooks.http.get(sut.webhook_url, params={"hub.mode": "subscribe", "hub.verify_token": "nope",
                                                     "hub.challenge": "42"})
    good = webhooks.http.get(sut.webhook_url, params={"hub.mode": "subscribe", "hub.verify_token": "cc-verify",
                                                      "hub.challenge": "42"})
    assert bad.status_code == 403 and (good.status_code, good.text) == (200, "42")


@pytest.mark.parametrize("headers, status", [
    ({}, 200),
    ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403),
    ({"X-Hub-Signature": "sha1=" + "0" * 40}, 403),
], ids=["both-valid", "sha256-forged", "sha1-forged"])
def test_checks_both_signature_headers(cc, headers, status):
    _, webhooks, _ = cc
    raw = meta_bytes({"object": "page", "entry": [{"id": PAGE_ID, "time": T0,
                                                   "standby": [webhooks.message(PSID, "hi")]}]})
    assert webhooks.post_raw(raw, headers).status_code == status


def test_rejects_an_unsigned_webhook(cc):
    _, webhooks, _ = cc
    assert webhooks.post(("standby", webhooks.message(PSID, "hi")), signed=False).status_code == 403


def test_accepts_a_single_valid_header(cc):
    _, webhooks, _ = cc
    raw = meta_bytes({"object": "page", "entry": [{"id": PAGE_ID, "time": T0,
                                                   "standby": [webhooks.message(PSID, "hi")]}]})
    only_256 = {"Content-Type": "application/json",
                "X-Hub-Signature-256": sign("cc-secret", raw)["X-Hub-Signature-256"]}
    assert webhooks.http.post(webhooks.url, data=raw, headers=only_256).status_code == 200


def test_signature_is_over_the_raw_meta_bytes(cc):
    _, webhooks, hooks = cc
    # Slashes and non-ASCII are escaped by Meta: a re-serialising verifier would fail here.
    assert webhooks.post(("standby", webhooks.message(PSID, "Olá, https://acme.example/ajuda"))).status_code == 200
    assert hooks.conversation(PSID)["messages"][0]["text"] == "Olá, https://acme.example/ajuda"


# -- inbox tabs, bot flag, labels ----------------------------------------------------------------
def test_bot_handled_thread_lands_in_new_unassigned_with_bot_flag(cc):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    view = hooks.conversation(PSID)
    assert (view["tab"], view["assignee"], view["handled_by"], view["bot_flag"]) == ("new", None, "bot", True)
    assert [(m["label"], m["text"]) for m in view["messages"]] == [("User", "hello"), ("Bot", "Hi! I'm Acme Bot.")]


def test_page_inbox_echo_is_labelled(cc):
    _, webhooks, hooks = cc
    webhooks.post(("standby", webhooks.echo(PSID, "A human here", INBOX_ID)))
    assert hooks.conversation(PSID)["messages"][-1]["label"] == "Page Inbox"


def test_standby_only_entry_is_handled_silently(cc, graph_stub):
    _, webhooks, _ = cc
    bot_thread(webhooks)
    assert sends(graph_stub) == []


def test_receiving_control_routes_team_then_agent_and_greets(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    view = hooks.conversation(PSID)
    assert (view["tab"], view["team"], view["handled_by"], view["bot_flag"]) == ("in_progress", "Support", "agent", False)
    assert view["assignee"] in ("Ana", "Bruno", "Carla")
    assert [s["body"]["message"]["text"] for s in sends(graph_stub)] == [
        "You are now connected to our support team. An agent will reply shortly."]


def test_assign_moves_to_in_progress_without_graph_calls(cc, graph_stub):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    answer = hooks.ok("agent/assign", {"psid": PSID, "agent": "Zofia"})
    assert answer == {"ok": True, "graph": []}
    view = hooks.conversation(PSID)
    assert (view["tab"], view["assignee"], view["bot_flag"]) == ("in_progress", "Zofia", True)
    assert [c for c in graph_stub.calls if c["edge"] not in ("subscriptions", "subscribed_apps")] == []


# -- replying in each mode -----------------------------------------------------------------------
def test_legacy_agent_replies_while_bot_owns(cc, graph_stub):
    graph_stub.mode = "legacy_hop"
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Hello from Ana"})
    assert answer["ok"] and [g["edge"] for g in answer["graph"]] == ["messages"]
    assert graph_stub.of("take_thread_control") == graph_stub.of("request_thread_control") == []


def test_hop_v2_requests_control_then_sends_when_passed(cc, graph_stub):
    graph_stub.mode = "hop_v2"
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Hello from Ana"})
    assert answer["queued"] is True and [g["edge"] for g in answer["graph"]] == ["request_thread_control"]
    assert sends(graph_stub) == []
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID)))
    assert [s["body"]["message"]["text"] for s in sends(graph_stub)] == ["Hello from Ana"]  # no greeting


def test_conversation_routing_takes_then_sends(cc, graph_stub):
    graph_stub.mode = "conversation_routing"
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Hello"})
    assert answer["ok"] and [g["edge"] for g in answer["graph"]] == ["take_thread_control", "messages"]
    assert hooks.conversation(PSID)["handled_by"] == "agent"


def test_conversation_routing_without_take_permission_requests(start_sut, graph_stub):
    graph_stub.mode = "conversation_routing"
    _, webhooks, hooks = start_sut("secondary", can_take=False)
    bot_thread(webhooks)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Hello"})
    assert [g["edge"] for g in answer["graph"]] == ["request_thread_control"] and answer["queued"]


def test_2018300_is_handled_by_take_then_retry(cc, graph_stub):
    graph_stub.mode = "conversation_routing"
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.not_owner()  # e.g. the Page Inbox took the thread silently
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Still here"})
    assert [(g["edge"], g["error_subcode"]) for g in answer["graph"]] == [
        ("messages", 2018300), ("take_thread_control", None), ("messages", None)]
    assert answer["ok"]


def test_2018300_in_legacy_exclusive_is_handled_by_request_then_wait(cc, graph_stub):
    graph_stub.mode = "legacy_hop"
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    graph_stub.not_owner()
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "Hi"})
    assert [g["edge"] for g in answer["graph"]] == ["messages", "request_thread_control"] and answer["queued"]
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID)))
    assert [s["body"]["message"]["text"] for s in sends(graph_stub)][-1] == "Hi"


def test_after_a_take_the_agent_requests_instead_of_taking_back(cc, graph_stub):
    graph_stub.mode = "conversation_routing"
    _, webhooks, hooks = cc
    escalated(webhooks)
    webhooks.post(("messaging", webhooks.taken(PSID, BOT_ID)))
    view = hooks.conversation(PSID)
    assert (view["handled_by"], view["tab"], view["assignee"]) == ("bot", "new", None)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "one more thing"})
    assert [g["edge"] for g in answer["graph"]] == ["request_thread_control"]


def test_take_hook_takes_control(cc, graph_stub):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    answer = hooks.ok("agent/take", {"psid": PSID})
    assert answer["ok"] and graph_stub.of("take_thread_control")[0]["body"]["recipient"] == {"id": PSID}
    assert hooks.conversation(PSID)["handled_by"] == "agent"


def test_take_hook_reports_a_graph_refusal(cc, graph_stub):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    graph_stub.script("take_thread_control", 400, {"error": {"message": "(#200) Permissions error", "code": 200}})
    answer = hooks.ok("agent/take", {"psid": PSID})
    assert answer["ok"] is False and answer["graph"][0]["error_code"] == 200


# -- window and tags -----------------------------------------------------------------------------
def test_reply_within_24h_is_a_response(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.now_ms = webhooks.ts + HOUR_MS
    hooks.ok("agent/reply", {"psid": PSID, "text": "soon"})
    body = sends(graph_stub)[-1]["body"]
    assert body["messaging_type"] == "RESPONSE" and "tag" not in body


def test_reply_after_24h_uses_human_agent_tag(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.now_ms = webhooks.ts + 25 * HOUR_MS  # the simulator's clock moved; no webhook said so
    hooks.ok("agent/reply", {"psid": PSID, "text": "sorry for the wait"})
    body = sends(graph_stub)[-1]["body"]
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_reply_after_7_days_is_refused_locally(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.now_ms = webhooks.ts + 8 * 24 * HOUR_MS
    before = len(sends(graph_stub))
    response = hooks.post("agent/reply", {"psid": PSID, "text": "too late"})
    assert response.status_code == 409 and "7 days" in response.json()["error"]["message"]
    assert len(sends(graph_stub)) == before


# -- closing, passing back, reopening ------------------------------------------------------------
def test_close_with_pass_back_sends_closing_message_then_passes_to_primary(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.now_ms = T0 + 12 * HOUR_MS
    answer = hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    assert [g["edge"] for g in answer["graph"]] == ["messages", "pass_thread_control"]
    assert sends(graph_stub)[-1]["body"]["message"]["text"].startswith("Conversa concluída pelo atendente em ")
    passed = graph_stub.of("pass_thread_control")[0]["body"]
    assert passed["target_app_id"] == BOT_ID and passed["recipient"] == {"id": PSID}
    view = hooks.conversation(PSID)
    assert (view["tab"], view["handled_by"], view["assignee"]) == ("closed", "bot", None)


def test_close_without_pass_back_keeps_the_thread(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    answer = hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": False})
    assert [g["edge"] for g in answer["graph"]] == ["messages"]
    assert graph_stub.of("pass_thread_control") == []
    assert hooks.conversation(PSID)["handled_by"] == "agent"


def test_closing_message_is_configurable_and_can_be_off(start_sut, graph_stub):
    _, webhooks, hooks = start_sut("secondary", closing_message=None)
    escalated(webhooks)
    answer = hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    assert [g["edge"] for g in answer["graph"]] == ["pass_thread_control"]


def test_pass_to_bot_hook(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    answer = hooks.ok("agent/pass-to-bot", {"psid": PSID})
    assert answer["ok"] and graph_stub.of("pass_thread_control")[0]["body"]["target_app_id"] == BOT_ID
    assert hooks.conversation(PSID)["tab"] == "new"


def test_next_user_message_reopens_a_closed_conversation_in_new(cc):
    _, webhooks, hooks = cc
    escalated(webhooks)
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    webhooks.post(("standby", webhooks.message(PSID, "me again")))
    view = hooks.conversation(PSID)
    assert (view["tab"], view["assignee"], view["reopened"]) == ("new", None, 1)


def test_a_kept_thread_reopens_and_is_routed_straight_to_an_agent(cc):
    _, webhooks, hooks = cc
    escalated(webhooks)
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": False})
    webhooks.post(("messaging", webhooks.message(PSID, "me again")))
    view = hooks.conversation(PSID)
    assert (view["tab"], view["handled_by"], view["reopened"]) == ("in_progress", "agent", 1)


# -- robustness ----------------------------------------------------------------------------------
def test_duplicate_deliveries_are_processed_once(cc, graph_stub):
    _, webhooks, hooks = cc
    event = webhooks.passed(PSID, CC_ID)
    message = webhooks.message(PSID, "twice")
    for _ in range(2):
        webhooks.post(("messaging", event))
        webhooks.post(("messaging", message))
        webhooks.post(("messaging", webhooks.read(PSID, T0)))
    assert len(sends(graph_stub)) == 1  # one greeting
    assert [m["text"] for m in hooks.conversation(PSID)["messages"]].count("twice") == 1


def test_never_answers_echoes_reads_or_deliveries(cc, graph_stub):
    _, webhooks, _ = cc
    escalated(webhooks)
    before = len(graph_stub.calls)
    webhooks.post(("messaging", webhooks.echo(PSID, "agent reply", CC_ID)))
    webhooks.post(("messaging", webhooks.read(PSID, webhooks.ts)))
    assert len(graph_stub.calls) == before


def test_other_page_entries_are_ignored(cc):
    _, webhooks, hooks = cc
    assert webhooks.post(("messaging", webhooks.message(PSID, "hi")), page_id="999").status_code == 200
    assert hooks.get(f"conversations/{PSID}").status_code == 404


def test_batched_entries_are_all_processed(cc, graph_stub):
    _, webhooks, hooks = cc
    response = webhooks.post(("standby", webhooks.message(PSID, "one")), ("standby", webhooks.message(PSID, "two")))
    assert response.status_code == 200
    assert [m["text"] for m in hooks.conversation(PSID)["messages"]] == ["one", "two"]


def test_out_of_hours_auto_reply_once(start_sut, graph_stub):
    # T0 is 2026-09-21 (a Monday) 14:13 UTC; at UTC-9 it is 05:13, outside 08:00-18:00.
    _, webhooks, hooks = start_sut("secondary", business_hours="mon-fri 08:00-18:00", utc_offset_minutes=-540,
                                   control_greeting=None)
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID)))
    webhooks.post(("messaging", webhooks.message(PSID, "anyone?")))
    webhooks.post(("messaging", webhooks.message(PSID, "hello??")))
    texts = [s["body"]["message"]["text"] for s in sends(graph_stub)]
    assert len(texts) == 1 and texts[0].startswith("Our agents are available")
    assert hooks.conversation(PSID)["out_of_hours"] is True


def test_in_hours_no_auto_reply(start_sut, graph_stub):
    _, webhooks, _ = start_sut("secondary", business_hours="mon-fri 08:00-18:00", control_greeting=None)
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID)))
    webhooks.post(("messaging", webhooks.message(PSID, "anyone?")))
    assert sends(graph_stub) == []


def test_app_roles_event_changes_the_pass_back_target(cc, graph_stub):
    _, webhooks, hooks = cc
    webhooks.post(("messaging", {"recipient": {"id": PAGE_ID}, "timestamp": webhooks.tick(),
                                 "app_roles": {"555": ["primary_receiver"]}}))
    escalated(webhooks)
    hooks.ok("agent/pass-to-bot", {"psid": PSID})
    assert graph_stub.of("pass_thread_control")[0]["body"]["target_app_id"] == "555"


# -- hook contract -------------------------------------------------------------------------------
def test_capabilities(cc):
    _, _, hooks = cc
    body = hooks.get("capabilities").json()
    assert body["roles"] == ["secondary"]
    assert {"reply", "assign", "close", "pass_to_bot", "take"} <= set(body["actions"])


@pytest.mark.parametrize("path, body", [("agent/reply", {"psid": PSID}), ("agent/reply", []),
                                        ("agent/close", {"psid": PSID, "pass_to_bot": "yes"}),
                                        ("agent/assign", {"agent": "x"})])
def test_bad_hook_input_is_a_json_4xx(cc, path, body):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    response = hooks.post(path, body)
    assert response.status_code == 400 and "message" in response.json()["error"]


def test_unknown_conversation_is_404(cc):
    _, _, hooks = cc
    response = hooks.post("agent/reply", {"psid": "123", "text": "x"})
    assert response.status_code == 404 and response.json()["error"]["message"]
    assert hooks.get("nope").status_code == 404


def test_reset_forgets_conversations(cc):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    hooks.ok("reset", {})
    assert hooks.get(f"conversations/{PSID}").status_code == 404


def test_malformed_webhook_body_is_400(cc):
    _, webhooks, _ = cc
    raw = b"{not json"
    assert webhooks.post_raw(raw).status_code == 400
    other_object = webhooks.post_raw(meta_bytes({"object": "instagram", "entry": []}))
    assert (other_object.status_code, other_object.text) == (200, "EVENT_RECEIVED")


# -- retries, ordering, expiry -------------------------------------------------------------------
@pytest.mark.parametrize("code, status", [(1200, 500), (613, 400), (4, 400)])
def test_transient_and_rate_limit_errors_are_retried(cc, graph_stub, code, status):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.script("messages", status, {"error": {"message": "try later", "code": code}}, times=2)
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "persistent"})
    assert answer["ok"] and answer["graph"][-1]["attempts"] == 3
    assert [s["body"]["message"]["text"] for s in sends(graph_stub)][-3:] == ["persistent"] * 3


def test_a_permanent_error_is_not_retried(cc, graph_stub):
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.script("messages", 400, {"error": {"message": "(#100) Invalid parameter", "code": 100}})
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "x"})
    assert answer["ok"] is False and answer["graph"][-1]["attempts"] == 1


def test_reordered_messages_are_shown_in_timestamp_order(cc):
    _, webhooks, hooks = cc
    first = webhooks.message(PSID, "first")
    second = webhooks.message(PSID, "second")
    webhooks.post(("standby", second))
    webhooks.post(("standby", first))
    assert [m["text"] for m in hooks.conversation(PSID)["messages"]] == ["first", "second"]


def test_a_late_redelivery_from_before_the_close_does_not_reopen(cc, graph_stub):
    _, webhooks, hooks = cc
    old = webhooks.message(PSID, "sent before the close")
    escalated(webhooks)
    graph_stub.now_ms = webhooks.ts + 1000
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    webhooks.post(("standby", old))
    assert hooks.conversation(PSID)["tab"] == "closed"


def test_hop_v2_regains_control_that_lapsed_after_24h(cc, graph_stub):
    graph_stub.mode = "hop_v2"
    _, webhooks, hooks = cc
    escalated(webhooks)
    graph_stub.now_ms = webhooks.ts + 25 * HOUR_MS
    answer = hooks.ok("agent/reply", {"psid": PSID, "text": "back after a day"})
    assert [g["edge"] for g in answer["graph"]] == ["request_thread_control"] and answer["queued"]
    webhooks.tick(25 * HOUR_MS)
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID, previous=None)))
    body = sends(graph_stub)[-1]["body"]
    assert (body["message"]["text"], body.get("tag")) == ("back after a day", "HUMAN_AGENT")


def test_user_turning_the_bot_off_lands_with_an_agent(cc):
    _, webhooks, hooks = cc
    bot_thread(webhooks)
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID, metadata="User turned the bot off in Messenger")))
    view = hooks.conversation(PSID)
    assert (view["tab"], view["handled_by"], view["bot_off"], view["pass_to_bot_available"]) == (
        "in_progress", "agent", True, True)


@pytest.mark.parametrize("event", [
    {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": T0 + 5,
     "reaction": {"reaction": "love", "emoji": "\u2764", "action": "react", "mid": "m_x"}},
    {"recipient": {"id": PAGE_ID}, "timestamp": T0 + 5, "app_roles": {CC_ID: ["secondary_receiver"]}},
    {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": T0 + 5,
     "request_thread_control": {"requested_owner_app_id": int(INBOX_ID)}},
    {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": T0 + 5,
     "delivery": {"watermark": T0}},
    {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": T0 + 5,
     "message_edit": {"mid": "m_x", "text": "edited", "num_edit": 1}},
], ids=["reaction", "app_roles", "request", "delivery", "unknown-kind"])
@pytest.mark.parametrize("channel", ["messaging", "standby"])
def test_every_event_kind_is_acknowledged_silently(cc, graph_stub, channel, event):
    _, webhooks, _ = cc
    assert webhooks.post((channel, event)).status_code == 200
    assert sends(graph_stub) == []


def test_standby_postback_without_payload_is_recorded_not_acted_on(cc, graph_stub):
    _, webhooks, hooks = cc
    assert webhooks.post(("standby", webhooks.postback(PSID, None, title="Talk to an agent"))).status_code == 200
    view = hooks.conversation(PSID)
    assert (view["tab"], view["handled_by"], view["messages"][0]["text"]) == ("new", "bot", "Talk to an agent")
    assert sends(graph_stub) == []
