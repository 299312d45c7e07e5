"""Steps of the Messenger user: who they are and what they do in Messenger."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from scenarios.context import ScenarioContext
from scenarios.steps.common import ASK_FOR_HUMAN, HELLO, LOCALES, NAME, TEXT


@given(parsers.re(rf'a user "{NAME}"'))
def _(scenario_context: ScenarioContext, name: str) -> None:
    _new_user(scenario_context, name, "en_US")


@given(parsers.re(rf'a user "{NAME}" who writes in (?P<language>Polish|Russian|Portuguese|English)'))
def _(scenario_context: ScenarioContext, name: str, language: str) -> None:
    _new_user(scenario_context, name, LOCALES[language])


def _new_user(ctx: ScenarioContext, name: str, locale: str) -> None:
    user = ctx.client.create_user(locale=locale)
    ctx.users[name] = str(user["psid"])
    ctx.locales[name] = locale


@given(parsers.re(rf"{NAME} writes {TEXT}"))
@when(parsers.re(rf"{NAME} writes {TEXT}"))
def _(scenario_context: ScenarioContext, name: str, text: str) -> None:
    scenario_context.client.send_message(scenario_context.psid(name), text)


@when(parsers.re(rf'{NAME} taps the "(?P<title>[^"]*)" button with payload "(?P<payload>[^"]*)"'))
def _(scenario_context: ScenarioContext, name: str, title: str, payload: str) -> None:
    scenario_context.client.send_postback(scenario_context.psid(name), payload, title)


@when(parsers.re(rf"{NAME} turns the bot off in Messenger"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.turn_bot_off(scenario_context.psid(name))


@when(parsers.re(rf"{NAME} reads the conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.send_read(scenario_context.psid(name))


@when(parsers.re(rf"{NAME} reacts to the last message"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    ctx = scenario_context
    psid = ctx.psid(name)
    sent = [e for e in ctx.entries(kind="graph", match={"edge": "messages", "status": 200})
            if str(((e.get("body") or {}).get("recipient") or {}).get("id")) == psid]
    if not sent:
        raise RuntimeError(f"set-up: the page has sent {name} nothing to react to")
    ctx.client.send_reaction(psid, sent[-1]["response"]["message_id"], "love")


@when(parsers.re(rf"{NAME} sends a sticker"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.send_message(scenario_context.psid(name), sticker_id=369239263222822)


@when(parsers.re(rf"{NAME} sends a photo"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    scenario_context.client.send_message(scenario_context.psid(name), attachments=[
        {"type": "image", "payload": {"url": "https://cdn.example.com/photos/receipt.jpg"}}])


@given(parsers.re(rf"{NAME} has been chatting with the bot"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    chat_with_bot(scenario_context, name)


def chat_with_bot(ctx: ScenarioContext, name: str) -> None:
    """The user greets; the bot (fake or SUT) answers and owns the thread in every mode."""
    before = ctx.client.last_seq()
    ctx.client.send_message(ctx.psid(name), HELLO[ctx.locales.get(name, "en_US")])
    ctx.settle()  # first, so the check below normally finds the answer at its first look
    ctx.expect(f"set-up: the bot answers {name}", lambda: ctx.sends("the bot", name, since=before),
               since=before, kind="graph")


@given(parsers.re(rf"{NAME} has been handed over to the contact centre"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    hand_over(scenario_context, name)


def hand_over(ctx: ScenarioContext, name: str) -> None:
    """The user asks for a person and the bot passes control to the contact centre.

    When the bot is the system under test its escalation is what is being tested elsewhere, so
    the set-up gives the contact centre the thread directly (journaled as a control action).
    """
    psid = ctx.psid(name)
    cc = ctx.app("the contact centre")
    if ctx.actor_is_sut("the bot"):
        chat_with_bot(ctx, name)
        ctx.client.set_owner(psid, cc)
        ctx.settle()
        return
    before = ctx.client.last_seq()
    ctx.client.send_message(psid, ASK_FOR_HUMAN[ctx.locales.get(name, "en_US")])
    ctx.settle()
    ctx.expect(f"set-up: the bot hands {name} over to the contact centre",
               lambda: ctx.entries(kind="ownership", since=before, match={"psid": psid, "to_app_id": cc}),
               since=before, kind="ownership")


@given(parsers.re(rf"the Page Inbox owns {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    ctx = scenario_context
    chat_with_bot(ctx, name)
    ctx.client.set_owner(ctx.psid(name), ctx.app("the Page Inbox"))
    ctx.settle()
