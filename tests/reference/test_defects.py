"""Every catalogue defect is listed, documented, and really changes what the reference system does."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
import requests

from reference_support import BOT_ID, CC_ID, HOUR_MS, INBOX_ID, PAGE_ID, T0, meta_bytes
from scenarios.reference import defects as catalogue
from scenarios.reference.cli import main as cli_main
from scenarios.reference.common import sign

ROOT = Path(__file__).resolve().parents[2]
PSID = "7200000000000001"


def _texts(stub) -> list[str]:
    return [c["body"]["message"]["text"] for c in stub.of("messages")]


def _bot_thread(webhooks) -> None:
    webhooks.post(("standby", webhooks.message(PSID, "agent please")))


def _escalated(webhooks) -> None:
    _bot_thread(webhooks)
    webhooks.post(("messaging", webhooks.passed(PSID, CC_ID)))


# Each demonstration runs one short scenario and returns what an observer would see.
def demo_unsigned(stub, webhooks, hooks) -> Any:
    return webhooks.post(("standby", webhooks.message(PSID, "hi")), signed=False).status_code


def demo_forged_sha256(stub, webhooks, hooks) -> Any:
    return webhooks.post(("standby", webhooks.message(PSID, "hi")),
                         headers={"X-Hub-Signature-256": "sha256=" + "0" * 64}).status_code


def demo_reserialized(stub, webhooks, hooks) -> Any:
    return webhooks.post(("standby", webhooks.message(PSID, "Olá: https://acme.example/a"))).status_code


def demo_verify_token(stub, webhooks, hooks) -> Any:
    return webhooks.http.get(webhooks.url, params={"hub.mode": "subscribe", "hub.verify_token": "wrong",
                                                   "hub.challenge": "7"}).status_code


def demo_reply_not_owner(stub, webhooks, hooks) -> Any:
    stub.mode = "hop_v2"
    _bot_thread(webhooks)
    stub.not_owner()
    return [g["edge"] for g in hooks.ok("agent/reply", {"psid": PSID, "text": "hi"})["graph"]]


def demo_close_passback(stub, webhooks, hooks) -> Any:
    _escalated(webhooks)
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    return [c["body"]["target_app_id"] for c in stub.of("pass_thread_control")]


def demo_replies_after_take(stub, webhooks, hooks) -> Any:
    stub.mode = "hop_v2"
    _escalated(webhooks)
    webhooks.post(("messaging", webhooks.taken(PSID, BOT_ID)))
    stub.not_owner()
    return [g["edge"] for g in hooks.ok("agent/reply", {"psid": PSID, "text": "hi"})["graph"]]


def demo_reopen(stub, webhooks, hooks) -> Any:
    _escalated(webhooks)
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    webhooks.post(("standby", webhooks.message(PSID, "again")))
    return hooks.conversation(PSID)["tab"]


def demo_standby_silent(stub, webhooks, hooks) -> Any:
    _bot_thread(webhooks)
    return len(stub.of("messages"))


def demo_standby_crash(stub, webhooks, hooks) -> Any:
    return webhooks.post(("standby", webhooks.message(PSID, "hi"))).status_code


def demo_idempotent(stub, webhooks, hooks) -> Any:
    event = webhooks.passed(PSID, CC_ID)
    webhooks.post(("messaging", event))
    webhooks.post(("messaging", event))
    return len(stub.of("messages"))


def demo_tag(stub, webhooks, hooks) -> Any:
    _escalated(webhooks)
    stub.now_ms = webhooks.ts + 25 * HOUR_MS
    hooks.ok("agent/reply", {"psid": PSID, "text": "sorry for the wait"})
    body = stub.of("messages")[-1]["body"]
    return body["messaging_type"], body.get("tag")


def demo_own_echoes(stub, webhooks, hooks) -> Any:
    _escalated(webhooks)
    hooks.ok("agent/close", {"psid": PSID, "pass_to_bot": True})
    closing = stub.of("messages")[-1]
    webhooks.post(("standby", webhooks.echo(PSID, closing["body"]["message"]["text"], CC_ID, mid="m_stub2")))
    view = hooks.conversation(PSID)
    return view["tab"], view["messages"][-1]["label"]


def demo_slow(stub, webhooks, hooks) -> Any:
    try:
        return webhooks.post(("standby", webhooks.message(PSID, "hi")), timeout=1.0).status_code
    except requests.Timeout:
        return "timeout"


def demo_other_page(stub, webhooks, hooks) -> Any:
    webhooks.post(("standby", webhooks.message(PSID, "hi")), page_id="2000000000000002")
    return hooks.get(f"conversations/{PSID}").status_code


def demo_bot_return(stub, webhooks, hooks) -> Any:
    webhooks.post(("messaging", webhooks.message(PSID, "agent")))
    webhooks.post(("messaging", webhooks.passed(PSID, BOT_ID, previous=CC_ID)))
    return _texts(stub)[-1]


def demo_bot_request(stub, webhooks, hooks) -> Any:
    webhooks.post(("messaging", webhooks.message(PSID, "hi")))
    webhooks.post(("messaging", webhooks.requested(PSID, CC_ID)))
    return [c["body"]["target_app_id"] for c in stub.of("pass_thread_control")]


def demo_bot_target(stub, webhooks, hooks) -> Any:
    webhooks.post(("messaging", webhooks.message(PSID, "human please")))
    return [c["body"]["target_app_id"] for c in stub.of("pass_thread_control")]


def demo_bot_echoes(stub, webhooks, hooks) -> Any:
    webhooks.post(("messaging", webhooks.echo(PSID, "What are your opening hours?", BOT_ID)))
    return len(stub.of("messages"))


DEMOS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "accepts-unsigned": (demo_unsigned, {}),
    "sha1-only": (demo_forged_sha256, {}),
    "reserialized-body-signature": (demo_reserialized, {}),
    "accepts-wrong-verify-token": (demo_verify_token, {}),
    "replies-while-not-owner": (demo_reply_not_owner, {}),
    "close-without-passback": (demo_close_passback, {}),
    "pass-to-wrong-app": (demo_close_passback, {}),
    "replies-after-take": (demo_replies_after_take, {}),
    "no-reopen": (demo_reopen, {}),
    "answers-standby": (demo_standby_silent, {}),
    "crash-on-standby": (demo_standby_crash, {}),
    "not-idempotent": (demo_idempotent, {}),
    "no-human-agent-tag": (demo_tag, {}),
    "deprecated-tag": (demo_tag, {}),
    "answers-own-echoes": (demo_own_echoes, {}),
    "slow-webhook": (demo_slow, {"slow_seconds": 2.0}),
    "other-page-entries": (demo_other_page, {}),
    "bot-no-greeting-on-return": (demo_bot_return, {}),
    "bot-ignores-request": (demo_bot_request, {}),
    "bot-escalates-to-inbox": (demo_bot_target, {}),
    "bot-crash-on-standby": (demo_standby_crash, {}),
    "bot-answers-echoes": (demo_bot_echoes, {}),
    "bot-answers-standby": (demo_standby_silent, {}),
}


def test_catalogue_has_enough_defects_with_rule_ids():
    assert len(catalogue.DEFECTS) >= 18
    assert len(catalogue.BY_NAME) == len(catalogue.DEFECTS)
    for defect in catalogue.DEFECTS:
        assert defect.role in ("primary", "secondary") and defect.rule.startswith("HOP-")
    assert len(catalogue.for_role("primary")) >= 5


def test_every_defect_is_listed_by_the_cli(capsys):
    assert cli_main(["--list-defects"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{d.name}: {d.description} ({d.role}; breaks {d.rule})" for d in catalogue.DEFECTS]


def test_every_defect_is_documented():
    text = (ROOT / "docs" / "defects.md").read_text()
    rules = (ROOT / "scenarios" / "reference" / "RULES.md").read_text()
    for defect in catalogue.DEFECTS:
        assert f"`{defect.name}`" in text, defect.name
        assert defect.rule in rules, defect.rule


def test_every_defect_has_a_demonstration():
    assert set(DEMOS) == set(catalogue.BY_NAME)


@pytest.mark.parametrize("name", [d.name for d in catalogue.DEFECTS])
def test_defect_changes_observable_behaviour(name, start_sut, graph_stub):
    demo, options = DEMOS[name]
    role = catalogue.BY_NAME[name].role
    observed = {}
    for defect in (None, name):
        graph_stub.clear()
        graph_stub.mode, graph_stub.now_ms = "legacy_hop", T0
        _, webhooks, hooks = start_sut(role, defect, **options)
        observed[defect] = demo(graph_stub, webhooks, hooks)
    assert observed[None] != observed[name], f"{name}: both observed {observed[None]!r}"


def test_unknown_defect_is_refused(start_sut):
    with pytest.raises(KeyError, match="unknown defect"):
        start_sut("secondary", "no-such-defect")


def test_a_defect_implies_its_role(start_sut):
    sut, _, _ = start_sut("primary", "bot-ignores-request")
    assert sut.role == "primary" and sut.app_id == BOT_ID
    with pytest.raises(ValueError, match="belongs to the primary role"):
        start_sut("secondary", "bot-ignores-request")


def test_sign_helper_matches_what_the_defect_free_receiver_checks(start_sut):
    _, webhooks, _ = start_sut("secondary")
    raw = meta_bytes({"object": "page", "entry": [{"id": PAGE_ID, "time": T0, "standby": []}]})
    assert webhooks.http.post(webhooks.url, data=raw, headers=sign("cc-secret", raw)).status_code == 200
    assert webhooks.http.post(webhooks.url, data=raw, headers=sign("other", raw)).status_code == 403


def test_inbox_id_constant():
    assert INBOX_ID == "263902037430900"
