"""Steps of the humans in the Page Inbox (Meta Business Suite, app 263902037430900)."""

from __future__ import annotations

from pytest_bdd import parsers, when

from scenarios.context import ScenarioContext
from scenarios.steps.common import NAME, TEXT


@when(parsers.re(rf"a human in the Page Inbox replies {TEXT} to {NAME}"))
def _(scenario_context: ScenarioContext, text: str, name: str) -> None:
    scenario_context.client.inbox_reply(scenario_context.psid(name), text)


@when(parsers.re(rf"a human in the Page Inbox marks {NAME}'s conversation as done"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.inbox_mark_done(scenario_context.psid(name))


@when(parsers.re(rf"a human in the Page Inbox moves {NAME}'s conversation to Main"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.inbox_move_to_main(scenario_context.psid(name))
