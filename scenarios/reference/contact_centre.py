"""The reference contact centre: a secondary receiver that behaves as the vendor seeds describe."""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask, jsonify

from scenarios.reference import defects as catalogue
from scenarios.hours import is_open, parse_business_hours
from scenarios.reference.common import (
    DAY_MS, DEFAULT_BOT_APP_ID, DEFAULT_CC_APP_ID, DEFAULT_PAGE_ID, GRAPH_VERSION, HUMAN_AGENT_MS,
    PAGE_INBOX_APP_ID, WEBHOOK_FIELDS, GraphClient, GraphResult, HookError, VirtualTime, dedupe_key,
    add_webhook_routes, install_error_handlers, json_body, signature_problem,
)
from simulator.actors.bot_brain import event_type, id_str, int_or_none

MODES = ("legacy_hop", "hop_v2", "conversation_routing")
SEND_NOT_OWNER = 2018300
MAX_SLOW_SECONDS = 60.0


@dataclass(frozen=True)
class CentreSettings:
    """One installation of the reference contact centre: credentials, page, behaviour, defect."""

    app_id: str = DEFAULT_CC_APP_ID
    secret: str = "cc-secret"
    page_token: str = "CC_TOKEN"
    verify_token: str = "cc-verify"
    page_id: str = DEFAULT_PAGE_ID  # Creatio seed: one page per installation
    graph_url: str = f"http://127.0.0.1:8080/{GRAPH_VERSION}"
    clock_url: str | None = None
    bot_app_id: str = DEFAULT_BOT_APP_ID  # SentiOne seed: the vendor is told the Primary's app id
    mode: str | None = None  # None: ask GET /me?fields=messaging_feature_status before acting
    can_take: bool = True  # conversation_routing: the page's "allow this app to take control" toggle
    # Assumption: agents keep conversations they hold, so requests are noted, not granted.
    grant_requests: bool = False
    team: str = "Support"
    agents: tuple[str, ...] = ("Ana", "Bruno", "Carla")
    control_greeting: str | None = "You are now connected to our support team. An agent will reply shortly."
    # Tactium seed: "Conversa concluída pelo atendente em 7/13/2023 às 3:33:56 PM".
    closing_message: str | None = "Conversa concluída pelo atendente em {date} às {time}"
    business_hours: str | None = None  # e.g. "mon-fri 08:00-18:00"; None: always open
    utc_offset_minutes: int = 0
    out_of_hours_message: str = ("Our agents are available Monday to Friday, 08:00-18:00. "
                                 "We will reply as soon as we are back.")
    defect: str | None = None
    slow_seconds: float = 3.0  # slow-webhook: the real delay before acknowledging a webhook
    name: str = "Reference contact centre"

    @classmethod
    def with_options(cls, base: CentreSettings, options: dict[str, Any]) -> CentreSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown contact-centre options: {', '.join(unknown)}")
        if "agents" in options and isinstance(options["agents"], str):
            options = {**options, "agents": tuple(a.strip() for a in options["agents"].split(",") if a.strip())}
        return replace(base, **options)


@dataclass
class Conversation:
    """One user's thread as the agent desk shows it."""

    psid: str
    tab: str = "new"
    assignee: str | None = None
    team: str | None = None
    owner: str | None = None  # the app id this centre believes owns the thread
    taken_from_us: bool = False
    requested: bool = False
    messages: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    read_watermark: int = 0
    delivery_watermark: int = 0
    last_user_ms: int | None = None
    pending: list[str] = field(default_factory=list)  # agent replies waiting for control
    out_of_hours: bool = False
    out_of_hours_replied: bool = False
    reopened: int = 0
    closed: int = 0
    closed_at_ms: int | None = None
    last_activity_ms: int | None = None  # any event or send: ownership lapses after 24 h without (spec §1.3)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)


class ContactCentre:
    """The desk's state and rules; Flask only parses requests into these calls."""

    def __init__(self, settings: CentreSettings) -> None:
        catalogue.get(settings.defect)  # unknown names fail at start, not mid-scenario
        self.settings = settings
        self.defect = settings.defect
        self.bot_app_id = settings.bot_app_id
        self.graph = GraphClient(settings.graph_url, settings.page_token, settings.secret)
        self.clock = VirtualTime(settings.clock_url)
        self._conversations: dict[str, Conversation] = {}
        self._lock = threading.Lock()
        self._agents = itertools.cycle(settings.agents or ("Agent",))
        self.ignored_entries = 0
        self.rejected_webhooks = 0
        self.processed_events = 0

    # -- conversations -----------------------------------------------------------------------
    def conversation(self, psid: str, *, create: bool = False) -> Conversation:
        with self._lock:
            conv = self._conversations.get(psid)
            if conv is None:
                if not create:
                    raise HookError(f"no conversation with psid {psid}", 404)
                conv = self._conversations[psid] = Conversation(psid)
            return conv

    def reset(self) -> None:
        with self._lock:
            self._conversations.clear()

    def view(self, psid: str) -> dict[str, Any]:
        conv = self.conversation(psid)
        with conv.lock:
            return {
                "psid": conv.psid, "tab": conv.tab, "handled_by": self._handled_by(conv),
                "assignee": conv.assignee, "team": conv.team,
                "bot_flag": conv.owner == self.bot_app_id,
                "bot_flag_text": "Bot is an owner of this thread" if conv.owner == self.bot_app_id else None,
                "owner_app_id": conv.owner, "out_of_hours": conv.out_of_hours,
                # SentiOne seed: "bot handling is currently off", with "Pass to bot" offered.
                "bot_off": conv.owner == self.settings.app_id,
                "pass_to_bot_available": conv.owner == self.settings.app_id,
                "reopened": conv.reopened, "closed_count": conv.closed, "pending_replies": list(conv.pending),
                "requests": list(conv.requests),
                # Retries may reorder deliveries: show them by event timestamp (spec §4.4).
                "messages": [{k: m[k] for k in ("label", "text", "mid", "timestamp")}
                             for _, m in sorted(enumerate(conv.messages), key=_message_order)],
            }

    def _handled_by(self, conv: Conversation) -> str:
        if conv.owner == self.settings.app_id:
            return "agent"
        if conv.owner == PAGE_INBOX_APP_ID:
            return "page_inbox"
        if conv.owner is None:
            return "idle"
        return "bot"

    def _record(self, conv: Conversation, label: str, text: str | None, mid: str | None, ts: int | None) -> None:
        conv.messages.append({"label": label, "text": text, "mid": mid, "timestamp": ts})

    def _route(self, conv: Conversation, agent: str | None = None) -> None:
        """SentiOne seed: routing assigns a team, then the system assigns an agent."""
        conv.tab = "in_progress"
        conv.team = self.settings.team
        conv.assignee = agent or conv.assignee or next(self._agents)

    # -- the webhook ---------------------------------------------------------------------------
    def handle_webhook(self, raw: bytes, headers: Any) -> tuple[Any, int]:
        if self.defect == "slow-webhook":
            # The defect is a genuinely slow receiver, so the wait is real (bounded).
            threading.Event().wait(min(max(self.settings.slow_seconds, 0.0), MAX_SLOW_SECONDS))
        policy = {"accepts-unsigned": "none", "sha1-only": "sha1",
                  "reserialized-body-signature": "reserialized"}.get(self.defect or "", "both")
        problem = signature_problem(raw, headers, self.settings.secret, policy=policy)
        if problem:
            self.rejected_webhooks += 1
            return {"error": {"message": problem}}, 403
        try:
            payload = json.loads(raw)
        except ValueError:
            return {"error": {"message": "body is not JSON"}}, 400
        if not isinstance(payload, dict) or payload.get("object") != "page":
            return "EVENT_RECEIVED", 200  # other objects (instagram, ...) are not ours to handle
        for entry in payload.get("entry") or []:
            if str(entry.get("id")) != self.settings.page_id and self.defect != "other-page-entries":
                # Creatio seed: one page per installation. Assumption: other pages' entries are
                # acknowledged and dropped, since a non-2xx would get the whole webhook retried and disabled.
                self.ignored_entries += 1
                continue
            self.clock.observe(entry.get("time"))
            if self.defect == "crash-on-standby":
                events = [("messaging", e) for e in entry["messaging"]]  # the defect: KeyError -> 500
            else:
                events = [(channel, e) for channel in ("messaging", "standby") for e in entry.get(channel) or []]
            for channel, event in events:
                if isinstance(event, dict):
                    self.handle_event(channel, event)
        return "EVENT_RECEIVED", 200

    def handle_event(self, channel: str, event: dict[str, Any]) -> None:
        kind = event_type(event)
        ts = int_or_none(event.get("timestamp"))
        self.clock.observe(ts)
        if kind == "app_roles":
            roles = event.get("app_roles") or {}
            primary = next((str(a) for a, r in roles.items() if "primary_receiver" in (r or [])), None)
            if primary:
                self.bot_app_id = primary  # an admin moved the Primary role: pass back to the new one
            return
        party = event.get("recipient") if kind == "echo" else event.get("sender")
        psid = id_str((party or {}).get("id"))
        if psid is None:
            return
        conv = self.conversation(psid, create=True)
        with conv.lock:
            key = dedupe_key(kind, event)
            duplicate = key is not None and key in conv.seen
            if kind in ("read", "delivery"):
                watermark = int_or_none((event.get(kind) or {}).get("watermark")) or 0
                attr = f"{kind}_watermark"
                duplicate = watermark <= getattr(conv, attr)
                setattr(conv, attr, max(watermark, getattr(conv, attr)))
            if self.defect == "answers-own-echoes" and kind == "echo":
                duplicate = False  # the defect: echoes always go down the user-message path
            if duplicate and self.defect != "not-idempotent":
                return
            if key is not None:
                conv.seen.add(key)
            self.processed_events += 1
            if ts is not None and kind not in ("read", "delivery"):
                conv.last_activity_ms = max(ts, conv.last_activity_ms or 0)
            if kind == "message":
                self._on_user_message(conv, channel, event, ts)
            elif kind == "postback":
                postback = event.get("postback") or {}
                self._on_user_message(conv, channel, {**event, "message": {
                    "mid": postback.get("mid"), "text": postback.get("title")}}, ts)
            elif kind == "echo":
                self._on_echo(conv, channel, event, ts)
            elif kind == "pass_thread_control":
                handover = event.get(kind) or {}
                new_owner = id_str(handover.get("new_owner_app_id"))
                if new_owner == self.settings.app_id:
                    self._on_control_received(conv)
                else:
                    conv.owner = new_owner
            elif kind == "take_thread_control":
                self._on_control_lost(conv, id_str((event.get(kind) or {}).get("new_owner_app_id")))
            elif kind == "request_thread_control":
                self._on_request(conv, event.get(kind) or {}, ts)

    def _on_user_message(self, conv: Conversation, channel: str, event: dict[str, Any], ts: int | None) -> None:
        message = event.get("message") or {}
        text = message.get("text")
        if text is None and message.get("attachments"):
            text = "[" + ", ".join(str(a.get("type")) for a in message["attachments"] if isinstance(a, dict)) + "]"
        conv.last_user_ms = max(ts or 0, conv.last_user_ms or 0) or None
        self._record(conv, "User", text, message.get("mid"), ts)
        claimed = False
        if channel == "messaging":
            # In `messaging` we own the thread (or it is idle and broadcast to every app).
            conv.owner = self.settings.app_id
            conv.taken_from_us = False
        elif self.defect == "answers-standby":
            claimed = conv.owner != self.settings.app_id  # the defect: a standby message is taken as ours
            conv.owner = self.settings.app_id
        elif conv.owner in (None, self.settings.app_id):
            # Assumption: on standby someone else owns it, taken to be the Primary (legacy default
            # owner; in hop_v2/CR the Primary/default app gets idle threads, spec §1.3, §1.4).
            conv.owner = self.bot_app_id
        late = conv.closed_at_ms is not None and ts is not None and ts < conv.closed_at_ms
        if conv.tab == "closed" and self.defect != "no-reopen" and not late:
            conv.tab, conv.assignee = "new", None
            conv.reopened += 1
            conv.out_of_hours_replied = False
        owns = conv.owner == self.settings.app_id
        if owns and conv.tab == "new":
            self._route(conv)  # only threads we own are auto-assigned; bot-handled ones wait in New
        if claimed:
            self._greet(conv)
        conv.out_of_hours = self._out_of_hours(ts)
        if owns and conv.out_of_hours and not conv.out_of_hours_replied:
            conv.out_of_hours_replied = True
            self._send_automatic(conv, self.settings.out_of_hours_message)

    def _on_echo(self, conv: Conversation, channel: str, event: dict[str, Any], ts: int | None) -> None:
        message = event.get("message") or {}
        if self.defect == "answers-own-echoes":
            # The defect: no is_echo filter; the page's own words come back as the user's.
            self._on_user_message(conv, "messaging" if conv.owner == self.settings.app_id else channel, event, ts)
            return
        app_id = id_str(message.get("app_id"))
        label = {self.settings.app_id: "Agent", self.bot_app_id: "Bot", PAGE_INBOX_APP_ID: "Page Inbox"}.get(
            app_id or "", "Page")
        known = next((m for m in conv.messages if m["mid"] and m["mid"] == message.get("mid")), None)
        if known is None:
            self._record(conv, label, message.get("text"), message.get("mid"), ts)
        elif ts is not None:
            known["timestamp"] = ts  # the platform's own time for a message we sent

    def _on_control_received(self, conv: Conversation) -> None:
        conv.owner = self.settings.app_id
        conv.taken_from_us = False
        self._route(conv)
        requested, conv.requested = conv.requested, False
        if not requested:
            self._greet(conv)
        pending, conv.pending = conv.pending, []
        for text in pending:  # request-then-wait: control arrived, the agent's words go out now
            try:
                self._send_agent_text(conv, text)
            except HookError:
                pass  # the 7-day window closed while waiting: nothing may be sent any more

    def _greet(self, conv: Conversation) -> None:
        if self.settings.control_greeting:
            self._send_automatic(conv, self.settings.control_greeting)

    def _on_control_lost(self, conv: Conversation, new_owner: str | None) -> None:
        if self.defect == "replies-after-take":
            return  # the defect: the take is not handled, the desk still believes it owns the thread
        # Assumption: a take is its owner's deliberate decision; the desk will request, never take back.
        conv.owner = new_owner
        conv.taken_from_us = True
        conv.pending.clear()
        conv.tab, conv.assignee = "new", None  # back with the bot: New, unassigned (SentiOne seed)

    def _on_request(self, conv: Conversation, handover: dict[str, Any], ts: int | None) -> None:
        requester = id_str(handover.get("requested_owner_app_id"))
        conv.requests.append({"requested_owner_app_id": requester, "metadata": handover.get("metadata"),
                              "timestamp": ts})
        if self.settings.grant_requests and requester and conv.owner == self.settings.app_id:
            result = self.graph.post("pass_thread_control", {"recipient": {"id": conv.psid},
                                                              "target_app_id": requester})
            if result.ok:
                conv.owner = requester

    # -- sending -----------------------------------------------------------------------------
    def _now(self) -> int:
        return self.clock.now_ms()

    def _send(self, conv: Conversation, text: str, *, messaging_type: str, tag: str | None,
              label: str) -> GraphResult:
        body: dict[str, Any] = {"recipient": {"id": conv.psid}, "messaging_type": messaging_type,
                                "message": {"text": text}}
        if tag:
            body["tag"] = tag
        result = self.graph.post("messages", body)
        if result.ok and isinstance(result.body, dict):
            mid = result.body.get("message_id")
            if mid:
                conv.seen.add(f"mid:{mid}")
            now = self.clock.seen_ms() or None
            self._record(conv, label, text, mid, now)
            conv.last_activity_ms = max(now or 0, conv.last_activity_ms or 0) or None
        return result

    def _send_automatic(self, conv: Conversation, text: str) -> GraphResult | None:
        """An automated message: only inside the 24 h window, never with a tag (spec §5.2)."""
        if conv.last_user_ms is not None and self._now() - conv.last_user_ms > DAY_MS:
            return None
        return self._send(conv, text, messaging_type="RESPONSE", tag=None, label="Agent")

    def _send_agent_text(self, conv: Conversation, text: str) -> GraphResult:
        """A human agent's words: HUMAN_AGENT once 24 h have passed, up to 7 days (spec §5.2)."""
        age = None if conv.last_user_ms is None else self._now() - conv.last_user_ms
        messaging_type, tag = "RESPONSE", None
        if age is not None and age > DAY_MS:
            if self.defect == "deprecated-tag":
                messaging_type, tag = "MESSAGE_TAG", "ACCOUNT_UPDATE"
            elif self.defect != "no-human-agent-tag":
                if age > HUMAN_AGENT_MS:
                    raise HookError("the user's last message is more than 7 days old: "
                                    "even HUMAN_AGENT may not be used", 409)
                messaging_type, tag = "MESSAGE_TAG", "HUMAN_AGENT"
        return self._send(conv, text, messaging_type=messaging_type, tag=tag, label="Agent")

    # -- mode ----------------------------------------------------------------------------------
    def current_mode(self) -> str:
        """Configured mode, else the page's messaging_feature_status (spec §1.4, §2.11)."""
        if self.settings.mode:
            return self.settings.mode
        result = self.graph.call("GET", "me", params={"fields": "messaging_feature_status"}, edge="me")
        status = (result.body or {}).get("messaging_feature_status") if result.ok and isinstance(result.body, dict) else None
        if not isinstance(status, dict):
            # Assumption: when the probe fails, behave as in an exclusive mode (take/request first).
            return "hop_v2"
        if status.get("hop_v2"):
            return "hop_v2"
        if status.get("msgr_multi_app"):
            return "conversation_routing"
        return "legacy_hop"

    def _acquire(self, conv: Conversation, mode: str, text: str | None,
                 results: list[GraphResult]) -> bool:
        """Take (where allowed) or request control; True if we own the thread now.

        On a request the reply is queued first, because the pass can arrive before the
        request's own HTTP answer; it goes out when the `pass_thread_control` webhook comes.
        """
        if mode == "conversation_routing" and self.settings.can_take and not conv.taken_from_us:
            take = self.graph.post("take_thread_control", {"recipient": {"id": conv.psid},
                                                           "metadata": "An agent took over the conversation"})
            results.append(take)
            if take.ok:
                conv.owner = self.settings.app_id
                return True
        if text is not None:
            conv.pending.append(text)
        conv.requested = True
        ask = self.graph.post("request_thread_control", {"recipient": {"id": conv.psid},
                                                          "metadata": "An agent wants to reply"})
        results.append(ask)
        if not ask.ok:
            conv.requested = False
            if text is not None and text in conv.pending:
                conv.pending.remove(text)
            owner = self.graph.call("GET", "me/thread_owner", params={"recipient": conv.psid}, edge="thread_owner")
            results.append(owner)
            data = (owner.body or {}).get("data") if owner.ok and isinstance(owner.body, dict) else None
            if data and id_str((data[0].get("thread_owner") or {}).get("app_id")) == self.settings.app_id:
                conv.owner = self.settings.app_id  # the request failed because we already own it
                return True
        return False

    # -- agent actions (the control hooks) ---------------------------------------------------
    def agent_reply(self, psid: str, text: str) -> dict[str, Any]:
        conv = self.conversation(psid)
        with conv.lock:
            results: list[GraphResult] = []
            mode = self.current_mode()
            careless = self.defect in ("replies-while-not-owner", "replies-after-take")
            owns = conv.owner == self.settings.app_id
            now = self._now()
            if (owns and mode != "legacy_hop" and conv.last_activity_ms is not None
                    and now - conv.last_activity_ms > DAY_MS and not careless):
                # Control silently lapsed to idle after 24 h without activity (spec §1.3, §6.5):
                # regain it before replying instead of meeting 2018300.
                conv.owner = None
                owns = False
            if mode != "legacy_hop" and not owns and not careless:
                if not self._acquire(conv, mode, text, results):
                    queued = text in conv.pending
                    return _answer(queued, results, queued=queued)
            sent = self._send_agent_text(conv, text)
            results.append(sent)
            if sent.error_subcode == SEND_NOT_OWNER and not careless:
                # Someone else controls the thread (legacy exclusive_send, expiry, an Inbox take):
                # take-then-retry where allowed, otherwise request-then-wait.
                conv.owner = None
                if self._acquire(conv, mode, text, results):
                    if text in conv.pending:
                        conv.pending.remove(text)
                    retry = self._send_agent_text(conv, text)
                    results.append(retry)
                    return _answer(retry.ok, results)
                queued = text in conv.pending
                return _answer(queued, results, queued=queued)
            if sent.ok and conv.tab != "in_progress":
                self._route(conv)
            return _answer(sent.ok, results)

    def agent_assign(self, psid: str, agent: str) -> dict[str, Any]:
        """SentiOne seed: assigning does not switch the bot off; the thread goes to In progress."""
        conv = self.conversation(psid)
        with conv.lock:
            self._route(conv, agent)
            return _answer(True, [])

    def agent_take(self, psid: str) -> dict[str, Any]:
        conv = self.conversation(psid)
        with conv.lock:
            result = self.graph.post("take_thread_control", {"recipient": {"id": psid},
                                                             "metadata": "An agent took over the conversation"})
            if result.ok:
                conv.owner = self.settings.app_id
                conv.taken_from_us = False
                self._route(conv)
            return _answer(result.ok, [result])

    def _pass_back(self, conv: Conversation, metadata: str, results: list[GraphResult]) -> bool:
        if self.defect == "close-without-passback":
            conv.owner = self.bot_app_id  # the defect: the desk only believes it handed the thread back
            return True
        if conv.owner not in (self.settings.app_id, None):
            return True  # the bot (or someone else) already has it: nothing to hand back
        target = PAGE_INBOX_APP_ID if self.defect == "pass-to-wrong-app" else self.bot_app_id
        result = self.graph.post("pass_thread_control", {"recipient": {"id": conv.psid},
                                                          "target_app_id": target, "metadata": metadata})
        results.append(result)
        if result.ok:
            conv.owner = target
        return result.ok

    def agent_close(self, psid: str, pass_to_bot: bool) -> dict[str, Any]:
        conv = self.conversation(psid)
        with conv.lock:
            results: list[GraphResult] = []
            agent = conv.assignee or "agent"
            if self.settings.closing_message and conv.owner == self.settings.app_id:
                sent = self._send_automatic(conv, self._closing_text())
                if sent is not None:
                    results.append(sent)
            ok = True
            if pass_to_bot:
                ok = self._pass_back(conv, f"Conversation closed by {agent}; back to the bot", results)
            conv.tab, conv.assignee = "closed", None
            conv.closed += 1
            conv.closed_at_ms = self._now() or None
            conv.pending.clear()
            conv.out_of_hours_replied = False
            return _answer(ok, results)

    def agent_pass_to_bot(self, psid: str) -> dict[str, Any]:
        conv = self.conversation(psid)
        with conv.lock:
            results: list[GraphResult] = []
            ok = self._pass_back(conv, f"Passed to the bot by {conv.assignee or 'an agent'}", results)
            if ok:
                conv.tab, conv.assignee = "new", None
            return _answer(ok, results)

    def _closing_text(self) -> str:
        local = datetime.fromtimestamp(self._now() / 1000, timezone.utc) + timedelta(
            minutes=self.settings.utc_offset_minutes)
        hour = local.hour % 12 or 12
        return (self.settings.closing_message or "").format(
            date=f"{local.month}/{local.day}/{local.year}",
            time=f"{hour}:{local.minute:02d}:{local.second:02d} {'AM' if local.hour < 12 else 'PM'}",
            agent="agent")

    def _out_of_hours(self, ts: int | None) -> bool:
        """Tactium seed: outside the configured hours the client gets an automatic message."""
        if not self.settings.business_hours or ts is None:
            return False
        local = datetime.fromtimestamp(ts / 1000, timezone.utc) + timedelta(minutes=self.settings.utc_offset_minutes)
        return not is_open(self.settings.business_hours, local)

    # -- start-up --------------------------------------------------------------------------------
    def register(self, webhook_url: str) -> list[GraphResult]:
        """Set the app's webhook (the platform then runs the handshake) and subscribe the page."""
        fields_csv = ",".join(WEBHOOK_FIELDS)
        s = self.settings
        subscription = self.graph.call("POST", f"{s.app_id}/subscriptions", {
            "object": "page", "callback_url": webhook_url, "verify_token": s.verify_token,
            "fields": fields_csv, "include_values": True}, token=f"{s.app_id}|{s.secret}", edge="subscriptions")
        page = self.graph.post("subscribed_apps", {"subscribed_fields": fields_csv})
        return [subscription, page]


def _message_order(item: tuple[int, dict[str, Any]]) -> tuple[int, int]:
    index, message = item
    return (message["timestamp"] if message["timestamp"] is not None else 0, index)


def _answer(ok: bool, results: list[GraphResult], **extra: Any) -> dict[str, Any]:
    return {"ok": ok, **extra, "graph": [r.summary() for r in results]}


def create_contact_centre_app(settings: CentreSettings) -> Flask:
    """The reference contact centre as a Flask app: `/webhook` plus the `/hooks/...` contract."""
    centre = ContactCentre(settings)
    if settings.business_hours:
        parse_business_hours(settings.business_hours)  # fail at start on a bad value
    app = Flask("reference_contact_centre")
    app.extensions["reference_sut"] = centre
    install_error_handlers(app)

    add_webhook_routes(app, centre, settings.verify_token, accept_any_token=settings.defect == "accepts-wrong-verify-token")

    @app.get("/hooks/capabilities")
    def capabilities():  # type: ignore[no-untyped-def]
        return jsonify({"roles": ["secondary"], "name": settings.name, "app_id": settings.app_id,
                        "actions": ["reply", "assign", "close", "pass_to_bot", "take", "conversation", "reset"]})

    @app.get("/hooks/health")
    def health():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True, "role": "secondary", "app_id": settings.app_id,
                        "processed_events": centre.processed_events,
                        "rejected_webhooks": centre.rejected_webhooks, "ignored_entries": centre.ignored_entries})

    @app.post("/hooks/agent/reply")
    def reply():  # type: ignore[no-untyped-def]
        body = json_body("psid", "text")
        return jsonify(centre.agent_reply(body["psid"], body["text"]))

    @app.post("/hooks/agent/assign")
    def assign():  # type: ignore[no-untyped-def]
        body = json_body("psid", "agent")
        return jsonify(centre.agent_assign(body["psid"], body["agent"]))

    @app.post("/hooks/agent/close")
    def close():  # type: ignore[no-untyped-def]
        body = json_body("psid")
        pass_to_bot = body.get("pass_to_bot", False)
        if not isinstance(pass_to_bot, bool):
            raise HookError("'pass_to_bot' must be true or false")
        return jsonify(centre.agent_close(body["psid"], pass_to_bot))

    @app.post("/hooks/agent/pass-to-bot")
    def pass_to_bot():  # type: ignore[no-untyped-def]
        body = json_body("psid")
        return jsonify(centre.agent_pass_to_bot(body["psid"]))

    @app.post("/hooks/agent/take")
    def take():  # type: ignore[no-untyped-def]
        body = json_body("psid")
        return jsonify(centre.agent_take(body["psid"]))

    @app.get("/hooks/conversations/<psid>")
    def conversation(psid: str):  # type: ignore[no-untyped-def]
        return jsonify(centre.view(psid))

    @app.post("/hooks/reset")
    def reset():  # type: ignore[no-untyped-def]
        centre.reset()
        return jsonify({"ok": True})

    return app
