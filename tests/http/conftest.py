"""Flask test-client fixtures for the Graph and control APIs (unit level: no sockets)."""

from __future__ import annotations

import pytest

from simulator.app import create_app
from simulator.simulation import Simulation

BOT, CC, INBOX, PAGE = "640000000000001", "256859710996832", "263902037430900", "1000000000000001"


@pytest.fixture
def simulation(tmp_path):
    sim = Simulation(run_dir=tmp_path, frozen_clock=True)
    sim.bot.update({"enabled": False})  # the fake bot would answer in the background
    yield sim
    sim.close()


@pytest.fixture
def client(simulation):
    return create_app(simulation).test_client()


@pytest.fixture
def psid(client):
    user = client.post("/_sim/users", json={"locale": "pt_BR"}).get_json()
    client.post(f"/_sim/users/{user['psid']}/messages", json={"text": "Olá"})
    return user["psid"]
