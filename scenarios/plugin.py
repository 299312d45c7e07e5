"""pytest11 entry point `handover`: inert unless --handover-sut is given (skeleton)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("handover", "Handover Protocol conformance suite")
    group.addoption("--handover-sut", default=None, help="system under test: reference | http://BASE | python:MODULE:FACTORY | manual")
