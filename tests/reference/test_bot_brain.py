"""BotBrain: the fake bot's pure decisions, one behaviour per test."""

from __future__ import annotations

import pytest

from simulator.actors.bot_brain import BotBrain, BotSettings, GraphCall

BOT = "640000000000001"
CC = "256859710996832"
INBOX = "263902037430900"
PAGE = "1000000000000001"
PSID = "7000000000000001"
T0 = 1_790_000_000_000


def message(text: str, ts: int = T0, mid: str = "m_1", quick_reply: str | None = None) -> dict:
    msg = {"mid": mid, "text": text}
    if quick_reply:
        msg["quick_reply"] = {"payload": quick_reply}
    return {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": ts, "message": msg}


def postback(payload: str, ts: int = T0, mid: str = "m_pb") -> dict:
    return {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": ts,
            "postback": {"mid": mid, "title": "t", "payload": payload}}


def handover(kind: str, ts: int = T0 + 10, **body: object) -> dict:
    return {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": ts, kind: body}


def texts(calls: list[GraphCall]) -> list[str]:
    return [c.body["message"]["text"] for c in calls if c.edge == "messages"]


@pytest.fixture
def brain() -> BotBrain:
    return BotBrain(BOT)


def test_greets_on_first_message(brain):
    calls = brain.on_event("messaging", message("hi"))
    assert texts(calls) == [BotSettings().greeting]
    assert calls[0].body["recipient"] == {"id": PSID} and calls[0].body["messaging_type"] == "RESPONSE"


def test_greets_only_once_then_falls_back(brain):
    brain.on_event("messaging", message("hi", mid="m_1"))
    assert texts(brain.on_event("messaging", message("blah", mid="m_2"))) == [BotSettings().fallback]


def test_greets_on_get_started(brain):
    assert texts(brain.on_event("messaging", postback("GET_STARTED"))) == [BotSettings().greeting]


@pytest.mark.parametrize("text, intent", [("What are your opening hours?", "hours"),
                                          ("Jakie są godziny otwarcia?", "hours"),
                                          ("Quanto tempo demora a entrega?", "delivery"),
                                          ("Как оформить возврат?", "returns")])
def test_answers_faq_intents(brain, text, intent):
    brain.on_event("messaging", message("hi", mid="m_0"))
    answer = next(f.answer for f in BotSettings().faq if f.name == intent)
    assert texts(brain.on_event("messaging", message(text, mid="m_1"))) == [answer]


def test_first_message_with_a_question_gets_greeting_and_answer(brain):
    calls = brain.on_event("messaging", message("opening hours?"))
    assert texts(calls) == [BotSettings().greeting, BotSettings().faq[0].answer]


@pytest.mark.parametrize("text", ["I want an AGENT", "human please", "Poproszę konsultanta",
                                  "Позовите оператора", "Quero falar com um atendente"])
def test_escalates_on_keywords_with_metadata(brain, text):
    calls = brain.on_event("messaging", message(text))
    assert [c.edge for c in calls] == ["messages", "pass_thread_control"]
    assert calls[1].body == {"recipient": {"id": PSID}, "target_app_id": CC,
                             "metadata": BotSettings().escalation_metadata}


def test_keyword_must_start_a_word(brain):
    calls = brain.on_event("messaging", message("the reagent arrived"))
    assert "pass_thread_control" not in [c.edge for c in calls]


def test_escalates_on_talk_to_agent_postback_and_quick_reply(brain):
    assert brain.on_event("messaging", postback("TALK_TO_AGENT"))[-1].edge == "pass_thread_control"
    other = BotBrain(BOT)
    assert other.on_event("messaging", message("x", quick_reply="TALK_TO_AGENT"))[-1].edge == "pass_thread_control"


def test_escalation_keywords_and_target_are_configurable():
    brain = BotBrain(BOT, BotSettings.from_dict({"escalation_keywords": "mensch, persona", "escalate_to": "42"}))
    assert brain.on_event("messaging", message("agent"))[-1].edge == "messages"
    calls = brain.on_event("messaging", message("ein Mensch bitte", mid="m_2"))
    assert calls[-1].body["target_app_id"] == "42"


def test_greets_again_when_control_comes_back(brain):
    brain.on_event("messaging", message("agent"))
    calls = brain.on_event("messaging", handover("pass_thread_control", previous_owner_app_id=CC,
                                                  new_owner_app_id=BOT, metadata="closed"))
    assert texts(calls) == [BotSettings().welcome_back]
    assert brain.state(PSID)["owner_app_id"] == BOT and brain.state(PSID)["returns"] == 1


def test_welcome_back_can_be_switched_off():
    brain = BotBrain(BOT, BotSettings(greet_on_return=False))
    brain.on_event("messaging", message("agent"))
    assert brain.on_event("messaging", handover("pass_thread_control", new_owner_app_id=BOT)) == []


def test_no_welcome_back_outside_the_24h_window(brain):
    brain.on_event("messaging", message("agent"))
    late = handover("pass_thread_control", ts=T0 + 25 * 3600 * 1000, new_owner_app_id=BOT)
    assert brain.on_event("messaging", late) == []


def test_grants_request_by_passing_to_the_requester(brain):
    brain.on_event("messaging", message("hi"))
    calls = brain.on_event("messaging", handover("request_thread_control", requested_owner_app_id=int(INBOX)))
    assert [(c.edge, c.body["target_app_id"]) for c in calls] == [("pass_thread_control", INBOX)]


def test_denies_requests_when_configured():
    brain = BotBrain(BOT, BotSettings(grant_requests=False))
    assert brain.on_event("messaging", handover("request_thread_control", requested_owner_app_id=CC)) == []
    assert brain.state(PSID)["requests_seen"] == 1


@pytest.mark.parametrize("event", [
    {"sender": {"id": PAGE}, "recipient": {"id": PSID}, "timestamp": T0,
     "message": {"is_echo": True, "app_id": int(BOT), "mid": "m_e", "text": "agent"}},
    {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": T0, "read": {"watermark": T0}},
    {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": T0,
     "delivery": {"mids": ["m_x"], "watermark": T0}},
], ids=["echo", "read", "delivery"])
def test_never_answers_echoes_reads_or_deliveries(brain, event):
    assert brain.on_event("messaging", event) == []


def test_never_answers_standby(brain):
    assert brain.on_event("standby", message("agent, hello?")) == []
    assert brain.state(PSID)["last_user_ms"] == T0  # still heard: it drives the take-back timer


def test_take_control_event_updates_owner(brain):
    brain.on_event("messaging", handover("take_thread_control", previous_owner_app_id=BOT, new_owner_app_id=INBOX))
    assert brain.state(PSID)["owner_app_id"] == INBOX


def test_redelivered_message_is_answered_once(brain):
    assert brain.on_event("messaging", message("hi", mid="m_same"))
    assert brain.on_event("messaging", message("hi", mid="m_same")) == []


def test_take_back_after_idle_period():
    brain = BotBrain(BOT, BotSettings(take_back_after_seconds=600))
    brain.on_event("messaging", message("agent"))
    assert brain.on_tick(T0 + 599_000) == []
    calls = brain.on_tick(T0 + 600_000)
    assert [c.edge for c in calls] == ["take_thread_control"] and calls[0].body["recipient"] == {"id": PSID}
    assert brain.on_tick(T0 + 1_200_000) == []  # once


def test_standby_activity_postpones_take_back():
    brain = BotBrain(BOT, BotSettings(take_back_after_seconds=600))
    brain.on_event("messaging", message("agent"))
    brain.on_event("standby", message("still there?", ts=T0 + 500_000, mid="m_2"))
    assert brain.on_tick(T0 + 700_000) == []
    assert brain.on_tick(T0 + 1_100_000)


def test_settings_round_trip_and_validation():
    settings = BotSettings.from_dict({"grant_requests": False, "take_back_after_seconds": 60})
    assert BotSettings.from_dict(settings.to_dict()) == settings
    for bad in ({"nope": 1}, {"grant_requests": "yes"}, {"take_back_after_seconds": -1}):
        with pytest.raises(ValueError):
            BotSettings.from_dict(bad)


def test_graph_call_is_frozen():
    call = GraphCall("POST", "messages", {"recipient": {"id": PSID}})
    with pytest.raises(AttributeError):
        call.edge = "x"  # type: ignore[misc]
    assert call.psid == PSID
