"""Fixtures for the reference-SUT tests: the Graph stub and reference SUTs started against it."""

from __future__ import annotations

from typing import Any

import pytest

from reference_support import GraphStub, Hooks, Webhooks
from scenarios.reference import start_reference_sut
from scenarios.reference.common import serve


@pytest.fixture
def graph_stub():
    stub = GraphStub()
    stub.server = serve(stub.app())
    yield stub
    stub.server.stop()



@pytest.fixture
def start_sut(graph_stub):
    """Start a reference SUT against the stub: returns (sut, webhooks, hooks); stopped at teardown."""
    started = []

    def start(role: str = "secondary", defect: str | None = None, **options: Any):
        sut = start_reference_sut(role, graph_stub.url, defect=defect, options=options or None)
        started.append(sut)
        secret = "cc-secret" if sut.role == "secondary" else "bot-secret"
        return sut, Webhooks(sut.webhook_url, secret), Hooks(sut.base_url)

    yield start
    for sut in started:
        sut.stop()


@pytest.fixture
def cc(start_sut):
    """The reference contact centre without defects, registered at the stub."""
    return start_sut("secondary")
