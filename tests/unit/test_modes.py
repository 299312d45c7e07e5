"""Ownership rules of the three protocol modes, table-driven (spec §1.2-§1.7)."""

from __future__ import annotations

import pytest

from simulator.domain import errors
from unit.conftest import BOT, CC, INBOX

# (mode, owner of a brand-new thread, owner after the first user message)
INITIAL = [
    ("legacy_hop", BOT, BOT),
    ("hop_v2", None, BOT),
    ("conversation_routing", None, BOT),
]


@pytest.mark.parametrize("mode,initial,after_message", INITIAL)
def test_initial_and_first_message_owner(make_world, mode, initial, after_message):
    w = make_world(mode)
    assert w.owner() == initial
    w.platform.user_message(w.psid, text="hi")
    assert w.owner() == after_message


# (mode, exclusive_send, may the contact centre send while the bot owns the thread?)
SEND_WHILE_BOT_OWNS = [
    ("legacy_hop", False, True),
    ("legacy_hop", True, False),
    ("hop_v2", False, False),
    ("conversation_routing", False, False),
]


@pytest.mark.parametrize("mode,exclusive,allowed", SEND_WHILE_BOT_OWNS)
def test_non_owner_send(make_world, mode, exclusive, allowed):
    w = make_world(mode, exclusive_send=exclusive)
    w.platform.user_message(w.psid, text="hi")
    if allowed:
        assert w.text(w.cc)["message_id"].startswith("m_")
    else:
        with pytest.raises(errors.NotThreadOwnerSend) as info:
            w.text(w.cc)
        assert (info.value.code, info.value.subcode) == (10, 2018300)


def test_pass_to_secondary_notifies_new_owner(world):
    world.platform.user_message(world.psid, text="agent")
    world.take_notes()
    world.platform.pass_control(world.bot, world.psid, CC, "escalated")
    assert world.owner() == CC
    assert world.take_notes() == [(CC, "messaging", "pass_thread_control")]


@pytest.mark.parametrize("mode", ["legacy_hop"])
def test_legacy_secondary_pass_always_goes_to_primary(make_world, mode):
    w = make_world(mode)
    w.platform.pass_control(w.bot, w.psid, CC)
    w.platform.pass_control(w.cc, w.psid, "999999")  # target ignored for a Secondary
    assert w.owner() == BOT


def test_pass_by_non_owner_is_refused(world):
    world.platform.user_message(world.psid, text="hi")
    with pytest.raises(errors.NotThreadOwnerAction):
        world.platform.pass_control(world.cc, world.psid, BOT)


TAKE = [
    # mode, who takes from whom, allowed?
    ("legacy_hop", "bot_from_cc", True),
    ("legacy_hop", "cc_from_bot", False),
    ("hop_v2", "bot_from_cc", True),
    ("hop_v2", "cc_from_bot", False),
    ("conversation_routing", "bot_from_cc", True),
    ("conversation_routing", "cc_from_bot", True),  # take toggle on by default
]


@pytest.mark.parametrize("mode,case,allowed", TAKE)
def test_take(make_world, mode, case, allowed):
    w = make_world(mode)
    w.platform.user_message(w.psid, text="hi")
    if case == "bot_from_cc":
        w.platform.pass_control(w.bot, w.psid, CC)
        taker, loser = w.bot, CC
    else:
        taker, loser = w.cc, BOT
    w.take_notes()
    if allowed:
        w.platform.take_control(taker, w.psid, "mine")
        assert w.owner() == taker.id
        assert (loser, "messaging", "take_thread_control") in w.take_notes()
    else:
        with pytest.raises(errors.TakeNotAllowed):
            w.platform.take_control(taker, w.psid)


def test_cr_take_needs_the_toggle(make_world):
    w = make_world("conversation_routing")
    w.cc.can_take = False
    w.platform.user_message(w.psid, text="hi")
    with pytest.raises(errors.TakeNotAllowed):
        w.platform.take_control(w.cc, w.psid)


def test_cr_take_blocked_in_zero_config(make_world):
    w = make_world("conversation_routing", default_app_id=None)
    with pytest.raises(errors.TakeNotAllowed):
        w.platform.take_control(w.bot, w.psid)


@pytest.mark.parametrize("mode,error", [("legacy_hop", None), ("hop_v2", None),
                                        ("conversation_routing", errors.AlreadyOwner)])
def test_retake_by_owner(make_world, mode, error):
    w = make_world(mode)
    w.platform.user_message(w.psid, text="hi")
    w.take_notes()
    if error is None:
        assert w.platform.take_control(w.bot, w.psid) == {"success": True}
        assert w.take_notes() == []
    else:
        with pytest.raises(error):
            w.platform.take_control(w.bot, w.psid)


def test_request_goes_to_owner_or_primary(world):
    world.platform.user_message(world.psid, text="hi")
    world.take_notes()
    world.platform.request_control(world.cc, world.psid, "please")
    assert world.owner() == BOT
    assert world.take_notes() == [(BOT, "messaging", "request_thread_control")]


@pytest.mark.parametrize("mode", ["hop_v2", "conversation_routing"])
def test_request_on_idle_thread_grants_control(make_world, mode):
    w = make_world(mode)
    w.platform.request_control(w.cc, w.psid)
    assert w.owner() == CC
    assert w.take_notes() == [(CC, "messaging", "pass_thread_control")]


@pytest.mark.parametrize("mode", ["hop_v2", "conversation_routing"])
def test_release_and_extend(make_world, mode):
    w = make_world(mode)
    w.platform.user_message(w.psid, text="hi")
    with pytest.raises(errors.NotThreadOwnerAction):
        w.platform.release_control(w.cc, w.psid)
    w.platform.extend_control(w.bot, w.psid, 3 * 24 * 3600)
    w.clock.advance(2 * 24 * 3600)
    assert w.owner() == BOT
    with pytest.raises(errors.InvalidParameter):
        w.platform.extend_control(w.bot, w.psid, 8 * 24 * 3600)
    w.platform.release_control(w.bot, w.psid)
    assert w.owner() is None
    assert w.take_notes() == [] or all(t != "pass_thread_control" for _, _, t in w.take_notes())


def test_legacy_has_no_release(make_world):
    w = make_world("legacy_hop")
    with pytest.raises(errors.NotInThisMode):
        w.platform.release_control(w.bot, w.psid)


@pytest.mark.parametrize("mode,expires", [("legacy_hop", False), ("hop_v2", True), ("conversation_routing", True)])
def test_idle_expiry_after_24h(make_world, mode, expires):
    w = make_world(mode)
    w.platform.user_message(w.psid, text="hi")
    w.platform.pass_control(w.bot, w.psid, CC)
    w.clock.advance(24 * 3600 + 1)
    w.platform.tick()
    assert w.owner() == (None if expires else CC)
    if expires:
        w.platform.user_message(w.psid, text="back again")
        assert w.owner() == BOT  # the next message goes to the Primary / default app (spec §6.5)


def test_legacy_thread_owner_visibility(make_world):
    w = make_world("legacy_hop")
    other = w.platform.add_app(type(w.cc)("777000000000001", "Other", "s", "OTHER", role=w.cc.role))
    w.platform.pass_control(w.bot, w.psid, CC)
    assert w.platform.thread_owner(w.cc, w.psid) == {"data": [{"thread_owner": {"app_id": CC}}]}
    with pytest.raises(errors.VisibilityDenied):
        w.platform.thread_owner(other, w.psid)


def test_cr_thread_owner_hides_app_from_others(make_world):
    w = make_world("conversation_routing")
    assert w.platform.thread_owner(w.cc, w.psid) == {"data": []}
    w.platform.user_message(w.psid, text="hi")
    view = w.platform.thread_owner(w.cc, w.psid)["data"][0]["thread_owner"]
    assert "app_id" not in view and "expiration" in view
    assert w.platform.thread_owner(w.bot, w.psid)["data"][0]["thread_owner"]["app_id"] == BOT


def test_secondary_receivers_primary_only_in_legacy(make_world):
    w = make_world("legacy_hop")
    ids = {row["id"] for row in w.platform.secondary_receivers(w.bot, ["id", "name"])["data"]}
    assert ids == {CC, INBOX}
    with pytest.raises(errors.PrimaryOnly):
        w.platform.secondary_receivers(w.cc, ["id"])
