"""The reference SUTs against the real simulator: real servers, real signatures, the journal as evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from reference_support import BOT_ID, CC_ID, INBOX_ID, Hooks
from scenarios.reference import RunningSut, start_reference_sut
from simulator.client import SimClient
from simulator.server import RunningSimulator, start_simulator

pytestmark = pytest.mark.integration

WAIT_S = 10.0


@dataclass
class World:
    sim: RunningSimulator
    client: SimClient
    cc: RunningSut
    hooks: Hooks

    def wait(self, match: dict[str, Any], *, kind: str, app_id: str | None = None, psid: str | None = None,
             since: int = 0) -> dict[str, Any]:
        answer = self.client.wait(match, kind=kind, app_id=app_id, psid=psid, since=since, timeout=WAIT_S)
        assert answer["matched"], answer.get("near_misses")
        return answer["entry"]

    def delivered(self, psid: str, event_type: str, since: int = 0, app_id: str = CC_ID) -> dict[str, Any]:
        """Wait until the SUT acknowledged an event: it handles webhooks before answering."""
        return self.wait({"events.*.type": event_type, "outcome": "ok"}, kind="delivery", app_id=app_id,
                         psid=psid, since=since)

    def sent(self, app_id: str, psid: str, since: int = 0, edge: str = "messages", **match: Any) -> dict[str, Any]:
        return self.wait({"edge": edge, **match}, kind="graph", app_id=app_id, psid=psid, since=since)

    def graph_calls(self, app_id: str, psid: str, since: int = 0) -> list[dict[str, Any]]:
        return self.client.journal(kind="graph", app_id=app_id, psid=psid, since=since)

    def escalate(self, psid: str) -> None:
        """The user talks to the bot, then asks for a human; the contact centre gets control."""
        seq = self.client.last_seq()
        self.client.send_message(psid, "hello")
        self.sent(BOT_ID, psid, since=seq, status=200)
        self.client.send_message(psid, "I need an agent")
        self.delivered(psid, "pass_thread_control", since=seq)


@pytest.fixture
def sim(tmp_path):
    running = start_simulator(run_dir=tmp_path / "run", delivery={"timeout_s": 3.0})
    yield running
    running.stop()


@pytest.fixture
def launch(sim):
    started: list[RunningSut] = []

    def start(role: str = "secondary", defect: str | None = None, **options: Any) -> RunningSut:
        sut = start_reference_sut(role, sim.url, defect=defect, options=options or None)
        started.append(sut)
        return sut

    yield start
    for sut in reversed(started):
        sut.stop()


@pytest.fixture
def world(sim, launch):
    cc = launch("secondary")
    return World(sim, sim.client, cc, Hooks(cc.base_url))


def world_with(sim, launch, defect: str | None = None, **options: Any) -> World:
    cc = launch("secondary", defect, **options)
    return World(sim, sim.client, cc, Hooks(cc.base_url))


def test_registration_verifies_the_webhook(world):
    app = world.client.app(CC_ID)
    assert app["webhook"] == world.cc.webhook_url and app["verified"] is True
    assert world.client.verify_webhook(CC_ID)["ok"] is True


def test_legacy_full_cycle(world):
    client, psid = world.client, world.client.create_user()["psid"]
    seq = client.last_seq()
    client.send_message(psid, "hello")
    world.sent(BOT_ID, psid, since=seq, status=200)
    world.delivered(psid, "echo", since=seq)
    view = world.hooks.conversation(psid)
    assert (view["tab"], view["handled_by"], view["bot_flag"], view["assignee"]) == ("new", "bot", True, None)
    assert [m["label"] for m in view["messages"]][:2] == ["User", "Bot"]

    seq = client.last_seq()
    client.send_message(psid, "I need an agent")
    world.sent(CC_ID, psid, since=seq, status=200)  # the contact centre's greeting, as owner
    view = world.hooks.conversation(psid)
    assert (view["tab"], view["handled_by"]) == ("in_progress", "agent") and view["assignee"]

    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "Olá, sou a Ana"})
    assert answer["ok"] and answer["graph"][-1]["status"] == 200

    seq = client.last_seq()
    answer = world.hooks.ok("agent/close", {"psid": psid, "pass_to_bot": True})
    assert [g["edge"] for g in answer["graph"]] == ["messages", "pass_thread_control"] and answer["ok"]
    assert client.thread(psid)["owner_app_id"] == BOT_ID
    welcome = world.sent(BOT_ID, psid, since=seq, status=200)  # SentiOne seed: the bot greets again
    assert welcome["body"]["message"]["text"].startswith("Welcome back")

    seq = client.last_seq()
    client.send_message(psid, "one more question")
    world.delivered(psid, "message", since=seq)
    view = world.hooks.conversation(psid)
    assert (view["tab"], view["assignee"], view["handled_by"]) == ("new", None, "bot")


def test_legacy_agent_answers_while_the_bot_owns_the_thread(world):
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "An agent here too"})
    assert answer["ok"] and [g["edge"] for g in answer["graph"]] == ["messages"]
    assert world.client.thread(psid)["owner_app_id"] == BOT_ID


def test_hop_v2_request_then_wait(world):
    world.client.set_mode("hop_v2")
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "May I help?"})
    assert answer["queued"] and [g["edge"] for g in answer["graph"]] == ["request_thread_control"]
    sent = world.sent(CC_ID, psid, since=seq, status=200)  # the fake bot granted; the reply went out
    assert sent["body"]["message"]["text"] == "May I help?"
    rejected = [e for e in world.graph_calls(CC_ID, psid) if (e.get("error") or {}).get("error_subcode") == 2018300]
    assert rejected == []


def test_conversation_routing_take_then_send(world):
    world.client.set_mode("conversation_routing", default_app_id=BOT_ID)
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "Agent here"})
    assert [(g["edge"], g["status"]) for g in answer["graph"]] == [("take_thread_control", 200), ("messages", 200)]
    assert world.client.thread(psid)["owner_app_id"] == CC_ID


def test_human_agent_tag_after_24h_of_virtual_time(world):
    psid = world.client.create_user()["psid"]
    world.escalate(psid)
    world.client.advance_clock(25 * 3600)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "Sorry for the wait"})
    assert answer["ok"]
    entry = world.sent(CC_ID, psid, status=200, **{"body.tag": "HUMAN_AGENT"})
    assert entry["body"]["messaging_type"] == "MESSAGE_TAG"


def test_hop_v2_regains_lapsed_control(world):
    world.client.set_mode("hop_v2")
    psid = world.client.create_user()["psid"]
    world.escalate(psid)
    world.client.advance_clock(25 * 3600)
    assert world.client.thread(psid)["owner_app_id"] is None  # lapsed to idle, silently
    seq = world.client.last_seq()
    world.hooks.ok("agent/reply", {"psid": psid, "text": "Still with you"})
    world.sent(CC_ID, psid, since=seq, status=200, **{"body.message.text": "Still with you"})
    rejected = [e for e in world.graph_calls(CC_ID, psid, since=seq)
                if (e.get("error") or {}).get("error_subcode") == 2018300]
    assert rejected == []


def test_duplicate_deliveries_greet_once(world):
    world.client.delivery_policy(duplicate=True)
    psid = world.client.create_user()["psid"]
    world.escalate(psid)
    world.client.drain(timeout=WAIT_S)
    greetings = [e for e in world.graph_calls(CC_ID, psid) if e["edge"] == "messages"]
    assert len(greetings) == 1


def test_page_inbox_reply_is_labelled(world):
    psid = world.client.create_user()["psid"]
    world.escalate(psid)
    seq = world.client.last_seq()
    world.client.inbox_reply(psid, "A colleague from the Page Inbox")
    world.wait({"events.*.event.message.app_id": INBOX_ID, "outcome": "ok"}, kind="delivery", app_id=CC_ID,
               psid=psid, since=seq)
    labels = [(m["label"], m["text"]) for m in world.hooks.conversation(psid)["messages"]]
    assert ("Page Inbox", "A colleague from the Page Inbox") in labels


def test_user_turns_the_bot_off(world):
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    world.client.turn_bot_off(psid)
    world.delivered(psid, "pass_thread_control", since=seq)
    view = world.hooks.conversation(psid)
    assert (view["tab"], view["handled_by"], view["bot_off"]) == ("in_progress", "agent", True)


def test_reference_bot_as_the_primary_sut(sim, launch):
    bot = launch("primary")
    cc = launch("secondary")
    client, hooks = sim.client, Hooks(cc.base_url)
    psid = client.create_user(locale="pt_BR")["psid"]
    seq = client.last_seq()
    client.send_message(psid, "Olá")
    greeting = client.wait({"edge": "messages", "status": 200, "transport": "http"}, kind="graph", app_id=BOT_ID,
                           psid=psid, since=seq, timeout=WAIT_S)
    assert greeting["matched"], greeting["near_misses"]
    client.send_message(psid, "Quero falar com um atendente")
    passed = client.wait({"edge": "pass_thread_control", "status": 200, "body.target_app_id": CC_ID},
                         kind="graph", app_id=BOT_ID, psid=psid, since=seq, timeout=WAIT_S)
    assert passed["matched"], passed["near_misses"]
    assert client.thread(psid)["owner_app_id"] == CC_ID
    # The contact centre acts on what it was told: wait until it acknowledged the pass.
    told = client.wait({"events.*.type": "pass_thread_control", "outcome": "ok"}, kind="delivery", app_id=CC_ID,
                       psid=psid, since=seq, timeout=WAIT_S)
    assert told["matched"], told["near_misses"]
    seq = client.last_seq()
    hooks.ok("agent/close", {"psid": psid, "pass_to_bot": True})
    back = client.wait({"edge": "messages", "status": 200}, kind="graph", app_id=BOT_ID, psid=psid, since=seq,
                       timeout=WAIT_S)
    assert back["matched"] and back["entry"]["body"]["message"]["text"].startswith("Welcome back")
    assert bot.system.brain.state(psid)["returns"] == 1


def test_bot_defect_ignores_request_leaves_the_agent_waiting(sim, launch):
    sim.client.set_mode("hop_v2")
    launch("primary", "bot-ignores-request")
    cc = launch("secondary")
    client, hooks = sim.client, Hooks(cc.base_url)
    psid = client.create_user()["psid"]
    seq = client.last_seq()
    client.send_message(psid, "hello")
    client.wait({"edge": "messages", "status": 200}, kind="graph", app_id=BOT_ID, psid=psid, since=seq,
                timeout=WAIT_S)
    assert hooks.ok("agent/reply", {"psid": psid, "text": "hi"})["queued"]
    client.drain(timeout=WAIT_S)
    assert client.thread(psid)["owner_app_id"] == BOT_ID
    assert hooks.conversation(psid)["pending_replies"] == ["hi"]


# -- defects seen on the wire ----------------------------------------------------------------------
def test_crash_on_standby_answers_500(sim, launch):
    world = world_with(sim, launch, "crash-on-standby")
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    entry = world.wait({"status": 500}, kind="delivery", app_id=CC_ID, psid=psid, since=seq)
    assert entry["events"][0]["channel"] == "standby"


def test_reserialized_signature_rejects_genuine_deliveries(sim, launch):
    world = world_with(sim, launch, "reserialized-body-signature")
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "Olá! https://acme.example/pedido/42")
    world.wait({"status": 403}, kind="delivery", app_id=CC_ID, psid=psid, since=seq)


def test_replies_while_not_owner_meets_2018300(sim, launch):
    world = world_with(sim, launch, "replies-while-not-owner")
    world.client.set_mode("hop_v2")
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "hi"})
    assert answer["ok"] is False and answer["graph"][-1]["error_subcode"] == 2018300


def test_slow_webhook_times_out_at_the_platform(sim, launch):
    sim.client.delivery_policy(timeout_s=0.5)
    world = world_with(sim, launch, "slow-webhook", slow_seconds=1.5)
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.wait({"outcome": "timeout"}, kind="delivery", app_id=CC_ID, psid=psid, since=seq)


def test_wrong_verify_token_fails_the_handshake_unless_the_defect_accepts_it(sim, launch):
    good = world_with(sim, launch)
    sim.client.update_app(CC_ID, verify_token="not-the-token")
    assert sim.client.verify_webhook(CC_ID)["ok"] is False
    sloppy = launch("secondary", "accepts-wrong-verify-token", verify_token="cc-verify")
    sim.client.update_app(CC_ID, webhook=sloppy.webhook_url, verify_token="not-the-token")
    assert sim.client.verify_webhook(CC_ID)["ok"] is True
    assert good.cc.webhook_url != sloppy.webhook_url
    assert INBOX_ID not in (good.cc.app_id, sloppy.app_id)


@pytest.mark.parametrize("defect", [None, "answers-own-echoes"])
def test_own_echoes_never_trigger_the_out_of_hours_reply(sim, launch, defect):
    hour = (sim.client.clock()["now_ms"] // 3_600_000) % 24
    # Local time is 03:xx whatever the real hour: always outside 08:00-18:00.
    world = world_with(sim, launch, defect, business_hours="08:00-18:00", utc_offset_minutes=(3 - hour) * 60)
    psid = world.client.create_user()["psid"]
    world.escalate(psid)
    seq = world.client.last_seq()
    world.client.send_message(psid, "anyone there?")
    world.delivered(psid, "message", since=seq)
    world.hooks.ok("agent/close", {"psid": psid, "pass_to_bot": False})
    world.client.drain(timeout=WAIT_S)
    out_of_hours = [e for e in world.graph_calls(CC_ID, psid)
                    if e["edge"] == "messages" and e["body"]["message"]["text"].startswith("Our agents are available")]
    if defect is None:
        assert len(out_of_hours) == 1  # once, for the user's message
    else:
        assert len(out_of_hours) > 1  # its own echoes were answered too


def test_legacy_exclusive_send_recovers_by_request_then_wait(world):
    world.client.set_mode("legacy_hop", exclusive_send=True)
    psid = world.client.create_user()["psid"]
    seq = world.client.last_seq()
    world.client.send_message(psid, "hello")
    world.delivered(psid, "message", since=seq)
    answer = world.hooks.ok("agent/reply", {"psid": psid, "text": "Agent here"})
    assert [(g["edge"], g["error_subcode"]) for g in answer["graph"]] == [
        ("messages", 2018300), ("request_thread_control", None)] and answer["queued"]
    world.sent(CC_ID, psid, since=seq, status=200, **{"body.message.text": "Agent here"})
    assert world.client.thread(psid)["owner_app_id"] == CC_ID
