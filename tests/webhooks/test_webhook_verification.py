"""The hub.challenge handshake against a real receiver (spec §4.1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from webhook_support import free_port

from simulator.journal import Journal
from simulator.webhooks.receiver import WebhookReceiver
from simulator.webhooks.verification import handshake_url, verify_and_record, verify_webhook

pytestmark = pytest.mark.integration


@pytest.fixture
def url(receiver: WebhookReceiver) -> str:
    return receiver.route("/hook", secret="s", verify_token="cc-verify")


def test_correct_token_and_echo_succeed(receiver: WebhookReceiver, url: str) -> None:
    result = verify_webhook(url, "cc-verify", timeout=2, challenge="1158201444")
    assert result.ok and result.status == 200 and result.body == "1158201444" and result.reason is None
    [seen] = receiver.verifications
    assert seen["query"] == {"hub.mode": "subscribe", "hub.verify_token": "cc-verify",
                             "hub.challenge": "1158201444"}


def test_a_random_integer_challenge_is_sent(receiver: WebhookReceiver, url: str) -> None:
    first = verify_webhook(url, "cc-verify", timeout=2)
    second = verify_webhook(url, "cc-verify", timeout=2)
    assert first.ok and second.ok
    assert first.challenge.isdigit() and len(first.challenge) == 10
    assert first.challenge != second.challenge


def test_wrong_token_fails_with_the_status(url: str) -> None:
    result = verify_webhook(url, "not-the-token", timeout=2)
    assert not result.ok and result.status == 403 and result.body == "Forbidden"
    assert result.reason == "status 403, wanted 200"


def test_wrong_echo_fails(receiver: WebhookReceiver, url: str) -> None:
    receiver.set_verify_mode("/hook", "wrong_echo")
    result = verify_webhook(url, "cc-verify", timeout=2, challenge="42")
    assert not result.ok and result.status == 200 and result.body == "420"
    assert "is not the challenge '42'" in (result.reason or "")


def test_one_trailing_newline_is_tolerated(receiver: WebhookReceiver, url: str) -> None:
    receiver.set_verify_mode("/hook", "newline")
    assert verify_webhook(url, "cc-verify", timeout=2, challenge="42").ok


def test_unreachable_endpoint_fails_without_raising() -> None:
    result = verify_webhook(f"http://127.0.0.1:{free_port()}/hook", "t", timeout=2)
    assert not result.ok and result.status is None
    assert (result.reason or "").startswith("connection error")


def test_existing_query_parameters_are_kept() -> None:
    built = handshake_url("https://example.com/hook?tenant=7", "tok", "99")
    parts = urlsplit(built)
    assert parts.path == "/hook"
    assert parse_qs(parts.query) == {"tenant": ["7"], "hub.mode": ["subscribe"],
                                     "hub.verify_token": ["tok"], "hub.challenge": ["99"]}


def test_verify_and_record_journals_the_attempt(journal: Journal, url: str) -> None:
    result = verify_and_record(journal, "256859710996832", url, "wrong", timeout=2)
    [entry] = journal.query(kind="verification")
    assert entry["app_id"] == "256859710996832" and entry["url"] == url
    assert entry["verify_token"] == "wrong" and entry["challenge"] == result.challenge
    assert (entry["ok"], entry["status"], entry["reason"]) == (False, 403, "status 403, wanted 200")
