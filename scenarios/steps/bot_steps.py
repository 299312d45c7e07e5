"""Steps of the counterpart apps the harness plays: the bot (for a contact centre SUT) and the
contact centre (for a bot SUT). They act through the fake Graph API with their own page tokens."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from scenarios.context import ScenarioContext
from scenarios.steps.common import NAME, TEXT, graph_as


@when(parsers.re(rf"the bot takes back control of {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    graph_as(scenario_context, "the bot", "take_thread_control",
             {"recipient": {"id": scenario_context.psid(name)}, "metadata": "The bot takes the conversation back"})


@when(parsers.re(rf"the contact centre passes control of {NAME}'s conversation back to the bot"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    ctx = scenario_context
    graph_as(ctx, "the contact centre", "pass_thread_control",
             {"recipient": {"id": ctx.psid(name)}, "target_app_id": ctx.app("the bot"),
              "metadata": "Conversation closed by an agent"})


@when(parsers.re(rf"the contact centre requests control of {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    graph_as(scenario_context, "the contact centre", "request_thread_control",
             {"recipient": {"id": scenario_context.psid(name)}, "metadata": "An agent wants to reply"})


@when(parsers.re(rf"the contact centre sends {NAME} {TEXT}"))
def _(scenario_context: ScenarioContext, name: str, text: str) -> None:
    graph_as(scenario_context, "the contact centre", "messages",
             {"recipient": {"id": scenario_context.psid(name)}, "messaging_type": "RESPONSE",
              "message": {"text": text}})


@given(parsers.re(rf"the contact centre has lost control of {NAME}'s conversation to the bot without being told"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    # A silent change of owner (expiry, an Inbox take, Meta's own agent): no webhook at all.
    scenario_context.client.set_owner(scenario_context.psid(name), scenario_context.app("the bot"))
