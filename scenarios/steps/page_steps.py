"""Steps of the page and the platform: admin settings, delivery policy, faults, the webhook
handshake, and webhooks that did not come from Meta (unsigned, forged, for another page)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pytest_bdd import given, parsers, then, when

from scenarios.context import ScenarioContext
from scenarios.hours import outside_hours
from scenarios.steps.common import NAME, TEXT, not_applicable, require
from scenarios.verdicts import WireAssertionError

OTHER_PAGE_ID = "1999999999999999"


# -- page settings and delivery policy --------------------------------------------------------------
@given("the platform delivers every webhook twice")
def _(scenario_context: ScenarioContext) -> None:
    scenario_context.client.delivery_policy(duplicate=True)


@given(parsers.re(r"the platform batches up to (?P<count>\d+) entries in one webhook"))
def _(scenario_context: ScenarioContext, count: str) -> None:
    scenario_context.client.delivery_policy(batch=int(count))
    scenario_context.gathering = int(count) > 1


@given("the platform reorders webhooks")
def _(scenario_context: ScenarioContext) -> None:
    scenario_context.client.delivery_policy(reorder=True)
    scenario_context.gathering = True


@given(parsers.re(r"the platform's webhook response timeout is (?P<seconds>[\d.]+) seconds"))
def _(scenario_context: ScenarioContext, seconds: str) -> None:
    scenario_context.client.delivery_policy(timeout_s=float(seconds))


@given("the page only lets the thread owner send")
def _(scenario_context: ScenarioContext) -> None:
    if scenario_context.mode != "legacy_hop":
        return  # hop_v2 and conversation_routing are always exclusive
    scenario_context.client.set_mode(scenario_context.mode, exclusive_send=True)


@given(parsers.re(r"the Send API fails once for the contact centre with error (?P<code>\d+)"))
def _(scenario_context: ScenarioContext, code: str) -> None:
    number = int(code)
    messages = {1200: "Temporary send message failure. Please try again later.",
                613: "Calls to this api have exceeded the rate limit.",
                4: "Application request limit reached"}
    scenario_context.client.add_fault(app_id=scenario_context.app("the contact centre"), edge="messages",
                                      code=number, status=500 if number == 1200 else 400,
                                      message=messages.get(number, f"error {number}"), count=1)


@when("the page admin assigns the handover roles again")
def _(scenario_context: ScenarioContext) -> None:
    ctx = scenario_context
    ctx.client.set_roles(ctx.app("the bot"), [ctx.app("the contact centre")])


@given("it is outside the contact centre's opening hours")
def _(scenario_context: ScenarioContext) -> None:
    ctx = scenario_context
    require(ctx, "opening_hours")
    hours = ctx.sut.opening_hours()
    if not hours:
        not_applicable("the SUT declares no opening hours")
    now = datetime.fromtimestamp(ctx.client.clock()["now_ms"] / 1000, timezone.utc)
    ctx.client.set_clock(outside_hours(hours, now).isoformat())


# -- the webhook handshake --------------------------------------------------------------------------
def _sut_app(ctx: ScenarioContext) -> dict[str, Any]:
    sut_id = ctx.app("the system under test")
    return next(a for a in ctx.client.config()["apps"] if str(a["id"]) == sut_id)


@when("the platform verifies the webhook of the system under test")
def _(scenario_context: ScenarioContext) -> None:
    ctx = scenario_context
    ctx.verification = ctx.client.verify_webhook(ctx.app("the system under test"))


@when(parsers.re(rf"the platform verifies the webhook of the system under test with the verify token {TEXT}"))
def _(scenario_context: ScenarioContext, text: str) -> None:
    ctx = scenario_context
    sut_id = ctx.app("the system under test")
    original = _sut_app(ctx).get("verify_token")

    def restore() -> None:
        # A failed handshake stops deliveries: put the right token back and verify again.
        ctx.client.update_app(sut_id, verify_token=original)
        ctx.client.verify_webhook(sut_id)

    ctx.finalizers.append(restore)
    ctx.client.update_app(sut_id, verify_token=text)
    ctx.verification = ctx.client.verify_webhook(sut_id)


@then("the handshake succeeds")
def _(scenario_context: ScenarioContext) -> None:
    entry = scenario_context.verification or {}
    if not entry.get("ok"):
        raise WireAssertionError("the webhook did not answer the handshake with the challenge",
                                 expected="200 with the raw hub.challenge",
                                 observed=f"status {entry.get('status')}, body {str(entry.get('body'))[:200]!r}, "
                                          f"reason {entry.get('reason')}")


@then("the handshake fails")
def _(scenario_context: ScenarioContext) -> None:
    entry = scenario_context.verification or {}
    if entry.get("ok"):
        raise WireAssertionError("the webhook echoed the challenge to a handshake with the wrong verify token",
                                 expected="a refusal (e.g. 403) and no challenge",
                                 observed=f"status {entry.get('status')}, body {str(entry.get('body'))[:200]!r}")


# -- webhooks that did not come from Meta ----------------------------------------------------------
def probe(ctx: ScenarioContext, name: str, signing: str, *, page_id: str | None = None,
          text: str = "Is my order on its way?") -> dict[str, Any]:
    """Have the simulator POST a message event for `name` to the SUT's webhook, signed as
    `signing`; the attempt and the SUT's answer are journaled like any delivery."""
    app = _sut_app(ctx)
    if not app.get("webhook"):
        not_applicable("the system under test has no webhook URL in the simulator")
    record = ctx.client.inject_webhook(app["id"], signing, psid=ctx.psid(name), text=text, page_id=page_id)
    ctx.probes.append(record)
    ctx.settle()
    return record


@when(parsers.re(rf"a webhook for {NAME} arrives without any signature"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    probe(scenario_context, name, "none")


@when(parsers.re(rf"a webhook for {NAME} arrives with a forged X-Hub-Signature-256 and a valid X-Hub-Signature"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    probe(scenario_context, name, "forged-sha256")


@when(parsers.re(rf"a webhook for {NAME} arrives signed with the wrong app secret"))
def _(scenario_context: ScenarioContext, name: str) -> None:
    probe(scenario_context, name, "wrong-secret")


@when(parsers.re(rf"a correctly signed webhook for another page arrives with {NAME} writing {TEXT}"))
def _(scenario_context: ScenarioContext, name: str, text: str) -> None:
    probe(scenario_context, name, "valid", page_id=OTHER_PAGE_ID, text=text)


@then("the system under test rejects the webhook")
def _(scenario_context: ScenarioContext) -> None:
    record = scenario_context.probes[-1]
    status = record["status"]
    if status is not None and 200 <= status < 300:
        raise WireAssertionError(f"a webhook signed {record['signing']!r} was accepted",
                                 expected="a non-2xx answer (Meta's sample answers 403)",
                                 observed=f"HTTP {status} {record['response_body'][:100]!r}")


@then("the system under test accepts the webhook")
def _(scenario_context: ScenarioContext) -> None:
    record = scenario_context.probes[-1]
    status = record["status"]
    if status is None or not 200 <= status < 300:
        raise WireAssertionError("a correctly signed webhook was not acknowledged",
                                 expected="HTTP 200", observed=f"HTTP {status} {record['response_body'][:100]!r}")
