"""Fixtures for the webhook transport tests: frozen clock, journal, real loopback receiver, dispatcher."""

from __future__ import annotations

from typing import Iterator

import pytest
from webhook_support import APP_A, APP_B, PAGE_ID, START, Harness

from simulator.domain.clock import VirtualClock
from simulator.journal import Journal
from simulator.webhooks import DeliveryPolicy, Dispatcher, StaticDirectory
from simulator.webhooks.receiver import WebhookReceiver


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START, frozen=True)


@pytest.fixture
def journal(clock: VirtualClock) -> Journal:
    return Journal(clock)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(slow_bound_s=10.0).start()
    try:
        yield server
    finally:
        server.stop()
    server.check()


@pytest.fixture
def make_harness(clock: VirtualClock, journal: Journal, receiver: WebhookReceiver):
    dispatchers: list[Dispatcher] = []

    def build(**policy: object) -> Harness:
        directory = StaticDirectory()
        dispatcher = Dispatcher(journal, clock, directory, DeliveryPolicy(**policy), page_id=PAGE_ID)
        dispatchers.append(dispatcher)
        harness = Harness(clock, journal, receiver, directory, dispatcher)
        harness.add_app(APP_A)
        harness.add_app(APP_B)
        return harness

    yield build
    receiver.release()  # unblock any slow handler before the workers are stopped
    for dispatcher in dispatchers:
        dispatcher.close(timeout=5)
        dispatcher.check()
