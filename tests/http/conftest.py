"""Fixtures for the Graph and control API tests: a real simulator on 127.0.0.1:<ephemeral> with
the contact centre's webhook on a real receiver that checks both signatures.

`client` offers the small part of the Flask test-client interface these tests use, over real
HTTP (requests), so each test reads like a unit test but crosses a real socket.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulator.server import start_simulator
from simulator.webhooks.receiver import WebhookReceiver

BOT, CC, INBOX, PAGE = "640000000000001", "256859710996832", "263902037430900", "1000000000000001"


class WireResponse:
    """A requests.Response seen through the Flask test-response names the tests use."""

    def __init__(self, response: requests.Response) -> None:
        self._response = response
        self.status_code = response.status_code
        self.headers = response.headers

    def get_json(self) -> Any:
        return self._response.json()

    def get_data(self, as_text: bool = False) -> Any:
        return self._response.text if as_text else self._response.content


class WireClient:
    """`client.post(url, json=..., data=..., headers=..., content_type=...)` over real HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False

    def open(self, url: str, method: str = "GET", *, json: Any = None, data: Any = None,
             headers: dict[str, str] | None = None, content_type: str | None = None) -> WireResponse:
        headers = dict(headers or {})
        if content_type:
            headers["Content-Type"] = content_type
        response = self.session.request(method, self.base_url + url, json=json, data=data, headers=headers,
                                        timeout=30)
        return WireResponse(response)

    def get(self, url: str, **kwargs: Any) -> WireResponse:
        return self.open(url, "GET", **kwargs)

    def post(self, url: str, **kwargs: Any) -> WireResponse:
        return self.open(url, "POST", **kwargs)

    def put(self, url: str, **kwargs: Any) -> WireResponse:
        return self.open(url, "PUT", **kwargs)

    def delete(self, url: str, **kwargs: Any) -> WireResponse:
        return self.open(url, "DELETE", **kwargs)


@pytest.fixture(scope="module")
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.release()
    server.stop()


@pytest.fixture(scope="module")
def running(tmp_path_factory, receiver):
    sim = start_simulator(run_dir=tmp_path_factory.mktemp("run"), frozen_clock=True)
    yield sim
    sim.stop()


@pytest.fixture
def simulation(running, receiver):
    """A clean page per test (same server): default apps, fake bot off, CC webhook on the receiver."""
    running.client.reset(keep_apps=False, mode="legacy_hop")
    sim = running.simulation
    sim.bot.update({"enabled": False})  # the fake bot would answer in the background
    receiver.clear()
    url = receiver.route("/cc", secret="cc-secret", verify_token="cc-verify")
    running.client.update_app(CC, webhook=url)
    yield sim
    sim.dispatcher.drain(5)
    # Every webhook the contact centre got during the test carried both valid signatures.
    assert all(r.signed_ok for r in receiver.received("/cc")), "a delivery had a bad signature"
    receiver.check()


@pytest.fixture
def client(running, simulation):
    return WireClient(running.url)


@pytest.fixture
def psid(client):
    user = client.post("/_sim/users", json={"locale": "pt_BR"}).get_json()
    client.post(f"/_sim/users/{user['psid']}/messages", json={"text": "Olá"})
    return user["psid"]
