"""Steps of the agent desk: actions only the SUT can perform (hooks) and what its inbox shows.

What the desk shows is the SUT's own word: every such check is recorded as adapter-reported.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from scenarios.context import ScenarioContext
from scenarios.steps.common import NAME, TEXT, not_applicable, require
from scenarios.steps.user_steps import hand_over
from scenarios.verdicts import SutActionError

TABS = {"New": "new", "In progress": "in_progress", "Closed": "closed"}


def agent_action(ctx: ScenarioContext, action: str, payload: dict[str, Any], *, tolerate: bool = False) -> dict[str, Any]:
    require(ctx, action)
    record: dict[str, Any] = {"action": action, "payload": payload}
    ctx.hook_calls.append(record)
    try:
        answer = ctx.sut.action(action, payload)
    except SutActionError as exc:
        record.update(status=exc.status, answer=exc.body)
        if tolerate:
            return {"ok": False, "refused": True}
        raise
    record.update(status=200, answer=answer)
    return answer


@given(parsers.re(rf"the agent replies {TEXT} to {NAME}"))
@when(parsers.re(rf"the agent replies {TEXT} to {NAME}"))
def _(scenario_context: ScenarioContext, text: str, name: str) -> None:
    scenario_context.last_reply = text
    agent_action(scenario_context, "reply", {"psid": scenario_context.psid(name), "text": text})


@when(parsers.re(rf"the agent tries to reply {TEXT} to {NAME}"))
def _(scenario_context: ScenarioContext, text: str, name: str) -> None:
    scenario_context.last_reply = text
    agent_action(scenario_context, "reply", {"psid": scenario_context.psid(name), "text": text}, tolerate=True)


@given(parsers.re(rf'the agent "(?P<agent>[^"]*)" is assigned to {NAME}\'s conversation'))
@when(parsers.re(rf'the agent "(?P<agent>[^"]*)" is assigned to {NAME}\'s conversation'))
def _(scenario_context: ScenarioContext, agent: str, name: str) -> None:
    agent_action(scenario_context, "assign", {"psid": scenario_context.psid(name), "agent": agent})


@given(parsers.re(rf"the agent closes {NAME}'s conversation and passes it back to the bot"))
@when(parsers.re(rf"the agent closes {NAME}'s conversation and passes it back to the bot"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    agent_action(scenario_context, "close", {"psid": scenario_context.psid(name), "pass_to_bot": True})
    scenario_context.settle()


@given(parsers.re(rf"the agent closes {NAME}'s conversation without passing it back to the bot"))
@when(parsers.re(rf"the agent closes {NAME}'s conversation without passing it back to the bot"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    agent_action(scenario_context, "close", {"psid": scenario_context.psid(name), "pass_to_bot": False})
    scenario_context.settle()


@given(parsers.re(rf"the contact centre has closed {NAME}'s conversation "
                   r"(?P<how>and passed it back to the bot|without passing it back to the bot)"))
def _(scenario_context: ScenarioContext, name: str, how: str) -> None:
    ctx = scenario_context
    require(ctx, "close")
    hand_over(ctx, name)
    agent_action(ctx, "close", {"psid": ctx.psid(name), "pass_to_bot": how.startswith("and")})
    ctx.settle()


@when(parsers.re(rf"the agent passes {NAME}'s conversation to the bot"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    agent_action(scenario_context, "pass_to_bot", {"psid": scenario_context.psid(name)})


@when(parsers.re(rf"the agent takes {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    agent_action(scenario_context, "take", {"psid": scenario_context.psid(name)})


# -- what the desk shows (adapter-reported) ---------------------------------------------------------
def view(ctx: ScenarioContext, name: str) -> dict[str, Any]:
    require(ctx, "conversation")
    ctx.settle()
    try:
        return ctx.sut.conversation(ctx.psid(name))
    except SutActionError as exc:
        if exc.status == 404:
            return {"missing": True, "messages": []}
        raise
    except NotImplementedError as exc:
        not_applicable(str(exc))
        raise


@then(parsers.re(rf"the contact centre shows {NAME}'s conversation in (?P<tab>New|In progress|Closed)"))
def _(scenario_context: ScenarioContext, name: str, tab: str) -> None:
    shown = view(scenario_context, name).get("tab")
    scenario_context.report(f"{name}'s conversation is in {tab}", shown, shown == TABS[tab])


@then(parsers.re(rf"the contact centre no longer shows {NAME}'s conversation in Closed"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    shown = view(scenario_context, name).get("tab")
    scenario_context.report(f"{name}'s conversation has left Closed", shown, shown != "closed")


@then(parsers.re(rf"{NAME}'s conversation is not assigned to anyone"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    assignee = view(scenario_context, name).get("assignee")
    scenario_context.report(f"{name}'s conversation has no assignee", assignee, not assignee)


@then(parsers.re(rf"{NAME}'s conversation is assigned to an agent"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    assignee = view(scenario_context, name).get("assignee")
    scenario_context.report(f"{name}'s conversation is assigned", assignee, bool(assignee))


@then(parsers.re(rf'{NAME}\'s conversation is assigned to "(?P<agent>[^"]*)"'))
def _(scenario_context: ScenarioContext, name: str, agent: str) -> None:
    assignee = view(scenario_context, name).get("assignee")
    scenario_context.report(f"{name}'s conversation is assigned to {agent}", assignee, assignee == agent)


@then(parsers.re(rf"the contact centre shows {NAME}'s conversation as handled by (?P<who>the bot|an agent)"))
def _(scenario_context: ScenarioContext, name: str, who: str) -> None:
    handled = view(scenario_context, name).get("handled_by")
    wanted = "bot" if who == "the bot" else "agent"
    scenario_context.report(f"{name}'s conversation is handled by {wanted}", handled, handled == wanted)


@then(parsers.re(rf"the contact centre shows the bot flag on {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    flag = view(scenario_context, name).get("bot_flag")
    scenario_context.report(f"{name}'s conversation shows the bot flag", flag, flag is True)


def _messages(ctx: ScenarioContext, name: str) -> list[dict[str, Any]]:
    return [m for m in view(ctx, name).get("messages") or [] if isinstance(m, dict)]


@then(parsers.re(rf'the contact centre shows the message {TEXT} labelled "(?P<label>[^"]*)" in {NAME}\'s conversation'))
def _(scenario_context: ScenarioContext, text: str, label: str, name: str) -> None:
    messages = _messages(scenario_context, name)
    labels = [m.get("label") for m in messages if m.get("text") == text]
    scenario_context.report(f"{text!r} is labelled {label}", labels, label in labels)


@then(parsers.re(rf'the contact centre shows a message labelled "(?P<label>[^"]*)" in {NAME}\'s conversation'))
def _(scenario_context: ScenarioContext, label: str, name: str) -> None:
    labels = [m.get("label") for m in _messages(scenario_context, name)]
    scenario_context.report(f"a message is labelled {label}", labels, label in labels)


@then(parsers.re(rf"the contact centre shows {TEXT} once in {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, text: str, name: str) -> None:
    count = sum(1 for m in _messages(scenario_context, name) if m.get("text") == text)
    scenario_context.report(f"{text!r} appears exactly once", count, count == 1)


@then(parsers.re(rf"the contact centre does not show {TEXT} in {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, text: str, name: str) -> None:
    count = sum(1 for m in _messages(scenario_context, name) if m.get("text") == text)
    scenario_context.report(f"{text!r} does not appear", count, count == 0)


@then(parsers.re(rf"the contact centre shows {NAME}'s messages (?P<texts>(\"[^\"]*\"(, )?)+) in this order"))
def _(scenario_context: ScenarioContext, name: str, texts: str) -> None:
    wanted = re.findall(r'"([^"]*)"', texts)
    shown = [m.get("text") for m in _messages(scenario_context, name)
             if m.get("label") == "User" and m.get("text") in wanted]
    scenario_context.report(f"the user's messages are shown in the order {wanted}", shown, shown == wanted)


@then(parsers.re(rf"the contact centre shows (?P<count>\d+) attachments from {NAME} in (?P<owner>\w+)'s conversation"))
def _(scenario_context: ScenarioContext, count: str, name: str, owner: str) -> None:
    shown = [m for m in _messages(scenario_context, owner)
             if m.get("label") == "User" and (m.get("text") is None or str(m.get("text")).startswith("["))]
    scenario_context.report(f"{count} attachments from {name} are shown", len(shown), len(shown) >= int(count))
