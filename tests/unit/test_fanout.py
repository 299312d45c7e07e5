"""Who hears what: messaging for the owner, standby for the others (spec §1.5, §3)."""

from __future__ import annotations

import pytest

from simulator.domain.platform import INBOX_DONE_METADATA
from unit.conftest import BOT, CC, INBOX


def test_user_message_owner_messaging_others_standby(world):
    world.platform.user_message(world.psid, text="hi")
    assert world.take_notes() == [(BOT, "messaging", "message"), (CC, "standby", "message")]


def test_standby_needs_the_standby_field(world):
    world.cc.fields.discard("standby")
    world.platform.user_message(world.psid, text="hi")
    assert world.take_notes() == [(BOT, "messaging", "message")]


def test_standby_postback_has_no_payload(world):
    world.platform.user_postback(world.psid, payload="SECRET", title="Menu")
    by_app = {n.app_id: n for n in world.notes}
    assert by_app[BOT].event["postback"]["payload"] == "SECRET"
    assert "payload" not in by_app[CC].event["postback"]
    assert by_app[CC].event["postback"]["title"] == "Menu"


def test_echo_carries_app_id_and_goes_to_everyone(world):
    world.platform.user_message(world.psid, text="hi")
    world.take_notes()
    world.text(world.bot, "Hello!", **{"messaging_type": "RESPONSE"})
    echoes = [n for n in world.notes if n.event_type == "echo"]
    assert {(n.app_id, n.channel) for n in echoes} == {(BOT, "messaging"), (CC, "standby")}
    assert all(n.event["message"]["app_id"] == BOT and n.event["message"]["is_echo"] for n in echoes)


@pytest.mark.parametrize("mode", ["hop_v2", "conversation_routing"])
def test_everyone_gets_messaging_without_an_entitled_owner(make_world, mode):
    w = make_world(mode, default_app_id=None)
    if mode == "hop_v2":
        w.bot.role = w.cc.role  # no Primary
    w.platform.user_message(w.psid, text="hi")
    assert sorted(w.take_notes()) == sorted([(CC, "messaging", "message"), (BOT, "messaging", "message")])


def test_inbox_mark_done_passes_to_primary_with_metadata(world):
    world.platform.user_message(world.psid, text="hi")
    world.platform.pass_control(world.bot, world.psid, INBOX)
    world.notes.clear()
    world.platform.inbox_mark_done(world.psid)
    assert world.owner() == BOT
    [note] = world.notes
    assert note.event["pass_thread_control"]["metadata"] == INBOX_DONE_METADATA


@pytest.mark.parametrize("mode,outcome", [("legacy_hop", "request"), ("hop_v2", "request"),
                                          ("conversation_routing", "take")])
def test_inbox_move_to_main(make_world, mode, outcome):
    w = make_world(mode)
    w.platform.user_message(w.psid, text="hi")
    w.take_notes()
    w.platform.inbox_move_to_main(w.psid)
    if outcome == "request":
        assert w.owner() == BOT
        [note] = w.notes
        assert note.event["request_thread_control"]["requested_owner_app_id"] == INBOX
        assert "metadata" not in note.event["request_thread_control"]
    else:
        assert w.owner() == INBOX
        assert w.take_notes() == [(BOT, "messaging", "take_thread_control")]


def test_cr_inbox_reply_is_an_implicit_take(make_world):
    w = make_world("conversation_routing")
    w.platform.user_message(w.psid, text="hi")
    w.take_notes()
    w.platform.inbox_reply(w.psid, "A human here")
    assert w.owner() == INBOX
    notes = w.take_notes()
    assert (BOT, "messaging", "take_thread_control") in notes
    assert (BOT, "standby", "echo") in notes


def test_primary_taking_from_inbox_hears_a_pass(make_world):
    w = make_world("legacy_hop")
    w.platform.pass_control(w.bot, w.psid, INBOX)
    w.notes.clear()
    w.platform.take_control(w.bot, w.psid)
    assert w.take_notes() == [(BOT, "messaging", "pass_thread_control")]


def test_bot_off_hands_the_thread_to_the_contact_centre(world):
    world.platform.user_message(world.psid, text="hi")
    world.take_notes()
    world.platform.user_bot_off(world.psid)
    assert world.owner() == CC
    assert world.take_notes() == [(CC, "messaging", "pass_thread_control")]


def test_app_roles_on_role_change(make_world):
    w = make_world("legacy_hop")
    w.platform.set_roles(CC, [BOT])
    roles = {n.app_id: n.event["app_roles"] for n in w.notes}
    assert roles == {CC: {CC: ["primary_receiver"]}, BOT: {BOT: ["secondary_receiver"]}}
    assert "sender" not in w.notes[0].event
