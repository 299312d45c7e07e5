"""Shared step plumbing: the regex fragments of the step language and small helpers."""

from __future__ import annotations

from typing import Any

import pytest

from scenarios.context import ScenarioContext
from scenarios.verdicts import NOT_APPLICABLE_PREFIX

NAME = r"(?P<name>\w+)"
TEXT = r'"(?P<text>[^"]*)"'
ACTOR = r"(?P<actor>the contact centre|the bot|the Page Inbox|the system under test)"
TARGET = r"(?P<target>the contact centre|the bot|the Page Inbox)"

LOCALES = {"Polish": "pl_PL", "Russian": "ru_RU", "Portuguese": "pt_BR", "English": "en_US"}
# What each user says to start a chat and to ask for a person (the fake bot's keywords).
HELLO = {"pl_PL": "Dzień dobry", "ru_RU": "Здравствуйте", "pt_BR": "Olá", "en_US": "Hello"}
ASK_FOR_HUMAN = {"pl_PL": "Chcę rozmawiać z konsultantem", "ru_RU": "Соедините меня с оператором",
                 "pt_BR": "Quero falar com um atendente", "en_US": "I would like to talk to a human agent"}


def not_applicable(reason: str) -> None:
    """End the scenario as NOT_APPLICABLE (a missing capability is not a failure)."""
    pytest.skip(NOT_APPLICABLE_PREFIX + reason)


def require(ctx: ScenarioContext, capability: str) -> None:
    caps = ctx.sut.capabilities()
    if capability not in caps:
        reason = getattr(ctx.sut, "not_applicable_reason", lambda: None)() or \
            f"the SUT does not offer the {capability!r} capability"
        not_applicable(reason)


def counterpart(ctx: ScenarioContext, actor: str) -> tuple[str, str]:
    """App id and page token of a party the harness plays (never the system under test)."""
    if ctx.actor_is_sut(actor):
        raise RuntimeError(f"{actor} is the system under test here: the harness cannot act for it")
    app_id = ctx.app(actor)
    return app_id, ctx.tokens[app_id]


def graph_as(ctx: ScenarioContext, actor: str, edge: str, body: dict[str, Any]) -> Any:
    """The harness acts as a counterpart app through the fake Graph API (journaled as that app)."""
    _, token = counterpart(ctx, actor)
    response = ctx.client.graph(token, "POST", f"me/{edge}", json=body)
    if not response.ok:
        raise RuntimeError(f"set-up: {actor} {edge} was refused: {response.body}")
    return response.body
