"""Real servers on 127.0.0.1 ephemeral ports: the simulator and a signature-checking receiver."""

from __future__ import annotations

import pytest

from simulator.server import start_simulator
from simulator.webhooks.receiver import WebhookReceiver


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.release()
    server.stop()
    server.check()  # errors raised in the receiver's threads surface here


@pytest.fixture
def sim(tmp_path, receiver):
    """The default page with the contact centre's webhook pointing at the receiver."""
    running = start_simulator(run_dir=tmp_path / "run", delivery={"timeout_s": 1.0})
    url = receiver.route("/cc", secret="cc-secret", verify_token="cc-verify")
    running.client.update_app("256859710996832", webhook=url)
    yield running
    running.stop()
