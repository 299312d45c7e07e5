"""Wire assertions: what the journal shows crossed between the platform and the apps."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, then

from scenarios.context import DEPRECATED_TAGS, HANDOVER_EDGES, ScenarioContext
from scenarios.steps.common import ACTOR, NAME, TARGET, TEXT
from scenarios.verdicts import WireAssertionError

NOT_OWNER = 2018300
OUTSIDE_WINDOW = 2018278


def _events(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in entry.get("events") or [] if isinstance(e, dict)]


def _deliveries_with(ctx: ScenarioContext, actor: str, predicate: Any, since: int | None = None) -> list[dict[str, Any]]:
    return [d for d in ctx.entries(kind="delivery", app_id=ctx.app(actor), since=ctx.mark if since is None else since)
            if any(predicate(e) for e in _events(d))]


def _brief(entries: list[dict[str, Any]], fields: tuple[str, ...] = ("seq", "edge", "status", "outcome", "attempt")) -> str:
    return "; ".join(", ".join(f"{k}={e.get(k)}" for k in fields if k in e) for e in entries[:8]) or "nothing"


def _text(entry: dict[str, Any]) -> str | None:
    return ((entry.get("body") or {}).get("message") or {}).get("text")


# -- what an app receives -----------------------------------------------------------------------------
@then(parsers.re(rf"{ACTOR} receives {NAME}'s message on the (?P<channel>messaging|standby) channel"))
def _(scenario_context: ScenarioContext, actor: str, name: str, channel: str) -> None:
    ctx = scenario_context
    psid = ctx.psid(name)
    ctx.expect(f"{actor} gets {name}'s message in `{channel}`",
               lambda: _deliveries_with(ctx, actor, lambda e: e.get("type") == "message" and e.get("channel") == channel
                                        and str(e.get("psid")) == psid),
               match={"events.*.type": "message", "events.*.channel": channel, "events.*.psid": psid},
               kind="delivery", app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} receives {NAME}'s postback on the standby channel without a payload"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    psid = ctx.psid(name)
    found = ctx.expect(f"{actor} gets {name}'s postback in `standby`",
                       lambda: _deliveries_with(ctx, actor, lambda e: e.get("type") == "postback"
                                                and e.get("channel") == "standby" and str(e.get("psid")) == psid),
                       match={"events.*.type": "postback", "events.*.channel": "standby"},
                       kind="delivery", app_id=ctx.app(actor))
    for delivery in found:
        for event in _events(delivery):
            if event.get("type") == "postback" and "payload" in ((event.get("event") or {}).get("postback") or {}):
                raise WireAssertionError("a standby postback carried its payload",
                                         expected="title only (spec §1.5)", observed=str(event.get("event")))


@then(parsers.re(rf"{ACTOR} receives an? (?P<kind>app_roles|take_thread_control|pass_thread_control|request_thread_control) event(?: for {NAME})?"))
def _(scenario_context: ScenarioContext, actor: str, kind: str, name: str | None = None) -> None:
    ctx = scenario_context
    psid = ctx.psid(name) if name else None
    ctx.expect(f"{actor} gets a {kind} event",
               lambda: _deliveries_with(ctx, actor, lambda e: e.get("type") == kind
                                        and (psid is None or str(e.get("psid")) == psid)),
               match={"events.*.type": kind}, kind="delivery", app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} receives a pass_thread_control event with metadata {TEXT}"))
def _(scenario_context: ScenarioContext, actor: str, text: str) -> None:
    ctx = scenario_context
    ctx.expect(f"{actor} gets pass_thread_control with metadata {text!r}",
               lambda: _deliveries_with(ctx, actor, lambda e: e.get("type") == "pass_thread_control" and
                                        ((e.get("event") or {}).get("pass_thread_control") or {}).get("metadata") == text),
               match={"events.*.type": "pass_thread_control",
                      "events.*.event.pass_thread_control.metadata": text},
               kind="delivery", app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} receives the echo of the bot's message to {NAME}"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    psid, bot = ctx.psid(name), ctx.app("the bot")
    ctx.expect(f"{actor} gets the echo of the bot's message",
               lambda: _deliveries_with(ctx, actor, lambda e: e.get("type") == "echo" and str(e.get("psid")) == psid
                                        and str(((e.get("event") or {}).get("message") or {}).get("app_id")) == bot),
               match={"events.*.type": "echo"}, kind="delivery", app_id=ctx.app(actor))


# -- acknowledgements ---------------------------------------------------------------------------------
def _acknowledged(ctx: ScenarioContext, actor: str, *, first_attempt: bool) -> None:
    ctx.settle()
    deliveries = [d for d in ctx.entries(kind="delivery", app_id=ctx.app(actor)) if d.get("outcome") != "dropped"]
    if not deliveries:
        raise WireAssertionError(f"no webhook reached {actor}", expected="at least one delivery", observed="none")
    bad = [d for d in deliveries if d.get("outcome") != "ok" or (first_attempt and int(d.get("attempt") or 1) > 1)]
    if bad:
        raise WireAssertionError(
            f"{actor} did not acknowledge {len(bad)} of {len(deliveries)} deliveries"
            + (" at the first attempt" if first_attempt else ""),
            expected="every delivery answered 2xx within the platform timeout",
            observed=_brief(bad, ("seq", "attempt", "status", "outcome", "latency_ms")))


@then(parsers.re(rf"{ACTOR} acknowledges every webhook"))
def _(scenario_context: ScenarioContext, actor: str) -> None:
    _acknowledged(scenario_context, actor, first_attempt=False)


@then(parsers.re(rf"{ACTOR} acknowledges every webhook at the first attempt"))
def _(scenario_context: ScenarioContext, actor: str) -> None:
    _acknowledged(scenario_context, actor, first_attempt=True)


# -- what an app sends ----------------------------------------------------------------------------------
@then(parsers.re(rf"{ACTOR} sends {NAME} {TEXT}"))
def _(scenario_context: ScenarioContext, actor: str, name: str, text: str) -> None:
    ctx = scenario_context
    ctx.expect(f"{actor} sends {name} {text!r} (accepted by the Send API)",
               lambda: [e for e in ctx.sends(actor, name, since=ctx.mark) if _text(e) == text],
               match={"edge": "messages", "status": 200, "body.message.text": text}, kind="graph",
               app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} sends {NAME} a message"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    ctx.expect(f"{actor} sends {name} a message (accepted by the Send API)",
               lambda: ctx.sends(actor, name, since=ctx.mark),
               match={"edge": "messages", "status": 200}, kind="graph", app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} sends {NAME} a message containing {TEXT}"))
def _(scenario_context: ScenarioContext, actor: str, name: str, text: str) -> None:
    ctx = scenario_context
    ctx.expect(f"{actor} sends {name} a message containing {text!r}",
               lambda: [e for e in ctx.sends(actor, name, since=ctx.mark) if text in (_text(e) or "")],
               match={"edge": "messages", "status": 200}, kind="graph", app_id=ctx.app(actor))


@then(parsers.re(rf"{ACTOR} sends {NAME} exactly (?P<count>\d+) messages?(?: containing {TEXT})?"))
def _(scenario_context: ScenarioContext, actor: str, name: str, count: str, text: str | None = None) -> None:
    ctx = scenario_context
    wanted = int(count)

    def matching() -> list[dict[str, Any]]:
        return [e for e in ctx.sends(actor, name, since=ctx.mark) if text is None or text in (_text(e) or "")]

    if wanted:
        ctx.expect(f"{actor} sends {name} {wanted} message(s)", lambda: matching() if len(matching()) >= wanted else [],
                   match={"edge": "messages", "status": 200}, kind="graph", app_id=ctx.app(actor))
    ctx.settle()
    found = matching()
    if len(found) != wanted:
        raise WireAssertionError(f"{actor} sent {name} {len(found)} matching message(s), not {wanted}",
                                 expected=f"exactly {wanted}", observed="; ".join(repr(_text(e)) for e in found))


@then(parsers.re(rf"{ACTOR} sends {NAME} at most (?P<count>\d+) messages?"))
def _(scenario_context: ScenarioContext, actor: str, name: str, count: str) -> None:
    ctx = scenario_context
    ctx.settle()
    found = ctx.sends(actor, name, since=ctx.mark)
    if len(found) > int(count):
        raise WireAssertionError(f"{actor} sent {name} {len(found)} messages, more than {count}",
                                 expected=f"at most {count}", observed="; ".join(repr(_text(e)) for e in found))


@then(parsers.re(rf"{ACTOR} sends nothing to {NAME}"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    ctx.settle()
    found = ctx.sends(actor, name, since=ctx.mark, ok_only=False)
    if found:
        raise WireAssertionError(f"{actor} tried to send {name} {len(found)} message(s)",
                                 expected="no Send API call", observed="; ".join(
                                     f"{_text(e)!r} (HTTP {e.get('status')})" for e in found))


# -- handover calls and ownership ---------------------------------------------------------------------------
def _handover_calls(ctx: ScenarioContext, actor: str, name: str, edges: tuple[str, ...], *,
                    since: int | None = None, ok_only: bool = False) -> list[dict[str, Any]]:
    psid = ctx.psid(name)
    calls = []
    for entry in ctx.entries(kind="graph", app_id=ctx.app(actor), since=ctx.mark if since is None else since):
        if entry.get("edge") not in edges:
            continue
        recipient = str(((entry.get("body") or {}).get("recipient") or {}).get("id", entry.get("psid")))
        if recipient == psid and (not ok_only or entry.get("status") == 200):
            calls.append(entry)
    return calls


@then(parsers.re(rf"{ACTOR} passes control of {NAME}'s conversation to {TARGET}"))
def _(scenario_context: ScenarioContext, actor: str, name: str, target: str) -> None:
    ctx = scenario_context
    psid, target_id = ctx.psid(name), ctx.app(target)
    ctx.expect(f"{actor} calls pass_thread_control for {name} (accepted)",
               lambda: _handover_calls(ctx, actor, name, ("pass_thread_control",), ok_only=True),
               match={"edge": "pass_thread_control", "status": 200}, kind="graph", app_id=ctx.app(actor))
    ctx.expect(f"{target} becomes the owner of {name}'s thread",
               lambda: ctx.entries(kind="ownership", since=ctx.mark, match={"psid": psid, "to_app_id": target_id}),
               match={"psid": psid, "to_app_id": target_id}, kind="ownership")


@then(parsers.re(rf"every handover call of {ACTOR} for {NAME} targets {TARGET}"))
def _(scenario_context: ScenarioContext, actor: str, name: str, target: str) -> None:
    ctx = scenario_context
    ctx.settle()
    target_id = ctx.app(target)
    calls = _handover_calls(ctx, actor, name, ("pass_thread_control",))
    if not calls:
        raise WireAssertionError(f"{actor} made no pass_thread_control call for {name}",
                                 expected=f"pass_thread_control with target_app_id {target_id}", observed="none")
    defaults_to_target = target == "the bot"  # an omitted target goes to the Primary / default app
    wrong = [c for c in calls
             if not (str((c.get("body") or {}).get("target_app_id")) == target_id
                     or ((c.get("body") or {}).get("target_app_id") is None and defaults_to_target))]
    if wrong:
        raise WireAssertionError(f"{actor} passed {name}'s thread to the wrong app",
                                 expected=f"target_app_id {target_id} ({target})",
                                 observed=", ".join(str((c.get("body") or {}).get("target_app_id")) for c in wrong))


@then(parsers.re(rf"{ACTOR} makes no handover call for {NAME}"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    ctx.settle()
    calls = _handover_calls(ctx, actor, name, HANDOVER_EDGES)
    if calls:
        raise WireAssertionError(f"{actor} made {len(calls)} handover call(s) for {name}",
                                 expected="none", observed=_brief(calls))


def _owner(ctx: ScenarioContext, name: str) -> str | None:
    owner = ctx.client.thread(ctx.psid(name)).get("owner_app_id")
    return None if owner is None else str(owner)


@then(parsers.re(rf"{ACTOR} owns {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    app_id = ctx.app(actor)
    ctx.expect(f"{actor} owns {name}'s thread", lambda: [{"owner": app_id}] if _owner(ctx, name) == app_id else [],
               match={"psid": ctx.psid(name), "to_app_id": app_id}, kind="ownership")


@then(parsers.re(rf"{ACTOR} does not own {NAME}'s conversation"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    ctx.settle()
    owner = _owner(ctx, name)
    if owner == ctx.app(actor):
        raise WireAssertionError(f"{actor} owns {name}'s thread", expected="another owner or idle", observed=owner)


def _rejected(ctx: ScenarioContext, actor: str, name: str, subcode: int) -> list[dict[str, Any]]:
    return [e for e in ctx.sends(actor, name, since=ctx.start_seq, ok_only=False)
            if ((e.get("error") or {}).get("error_subcode")) == subcode]


def _none_rejected(ctx: ScenarioContext, actor: str, name: str, subcode: int, why: str, expected: str) -> None:
    ctx.settle()
    rejected = _rejected(ctx, actor, name, subcode)
    if rejected:
        raise WireAssertionError(f"{actor} sent {len(rejected)} message(s) {why}", expected=expected,
                                 observed=_brief(rejected, ("seq", "status", "error")))


@then(parsers.re(rf"no message from {ACTOR} to {NAME} is rejected because another app owns the thread"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    _none_rejected(scenario_context, actor, name, NOT_OWNER, "while another app owned the thread",
                   "take or request control first (no 10/2018300)")


@then(parsers.re(rf"no message from {ACTOR} to {NAME} is rejected as outside the window"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    _none_rejected(scenario_context, actor, name, OUTSIDE_WINDOW, "outside the allowed window",
                   "no send after 7 days (no 10/2018278)")


@then(parsers.re(rf"{ACTOR} took or requested control of {NAME}'s conversation before replying"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    sent = ctx.expect(f"{actor} sends {name} a message", lambda: ctx.sends(actor, name, since=ctx.mark),
                      match={"edge": "messages", "status": 200}, kind="graph", app_id=ctx.app(actor))
    first = min(int(e["seq"]) for e in sent)
    controls = [c for c in _handover_calls(ctx, actor, name, ("take_thread_control", "request_thread_control"),
                                           ok_only=True) if int(c["seq"]) < first]
    if not controls:
        raise WireAssertionError(f"{actor} replied to {name} without taking or requesting control first",
                                 expected="take_thread_control or request_thread_control before the send",
                                 observed=_brief(_handover_calls(ctx, actor, name, HANDOVER_EDGES)))


# -- message policy --------------------------------------------------------------------------------------
def _reply_entry(ctx: ScenarioContext, actor: str, name: str) -> dict[str, Any]:
    text = ctx.last_reply
    found = ctx.expect(f"{actor} sends {name} {text!r}",
                       lambda: [e for e in ctx.sends(actor, name, since=ctx.mark) if text is None or _text(e) == text],
                       match={"edge": "messages", "status": 200}, kind="graph", app_id=ctx.app(actor))
    return found[-1]


@then(parsers.re(rf"{ACTOR}'s message to {NAME} is sent with the HUMAN_AGENT tag"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    body = _reply_entry(scenario_context, actor, name).get("body") or {}
    if body.get("messaging_type") != "MESSAGE_TAG" or body.get("tag") != "HUMAN_AGENT":
        raise WireAssertionError("a reply after 24 h was sent without the HUMAN_AGENT tag",
                                 expected="messaging_type MESSAGE_TAG, tag HUMAN_AGENT",
                                 observed=f"messaging_type {body.get('messaging_type')}, tag {body.get('tag')}")


@then(parsers.re(rf"{ACTOR}'s message to {NAME} is sent as a RESPONSE without a tag"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    body = _reply_entry(scenario_context, actor, name).get("body") or {}
    if body.get("messaging_type") not in ("RESPONSE", "UPDATE", None) or body.get("tag"):
        raise WireAssertionError("a reply inside the 24-hour window carried a message tag",
                                 expected="messaging_type RESPONSE, no tag",
                                 observed=f"messaging_type {body.get('messaging_type')}, tag {body.get('tag')}")


@then(parsers.re(rf"{ACTOR} uses no deprecated message tag for {NAME}"))
def _(scenario_context: ScenarioContext, actor: str, name: str) -> None:
    ctx = scenario_context
    ctx.settle()
    tagged = [e for e in ctx.sends(actor, name, since=ctx.start_seq, ok_only=False)
              if (e.get("body") or {}).get("tag") in DEPRECATED_TAGS]
    if tagged:
        raise WireAssertionError(f"{actor} used a deprecated message tag",
                                 expected="HUMAN_AGENT (or no tag inside 24 h)",
                                 observed=", ".join(str((e.get("body") or {}).get("tag")) for e in tagged))
