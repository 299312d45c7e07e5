"""The fake bot's decisions as pure logic: webhook events in, Graph API calls out (no I/O)."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

PAGE_INBOX_APP_ID = "263902037430900"
CONTACT_CENTRE_APP_ID = "256859710996832"
DAY_MS = 24 * 3600 * 1000

DEFAULT_ESCALATION_KEYWORDS = ("agent", "human", "konsultant", "оператор", "atendente")


@dataclass(frozen=True)
class GraphCall:
    """One Graph API call the bot wants made: `POST /me/<edge>` with a Meta JSON body."""

    method: str
    edge: str
    body: dict[str, Any]

    @property
    def psid(self) -> str | None:
        return (self.body.get("recipient") or {}).get("id")


@dataclass(frozen=True)
class FaqIntent:
    """A question the bot answers itself: any keyword (case-insensitive, word start) matches."""

    name: str
    keywords: tuple[str, ...]
    answer: str

    def matches(self, text: str) -> bool:
        return any(_word_in(keyword, text) for keyword in self.keywords)


DEFAULT_FAQ = (
    FaqIntent("hours", ("hours", "open", "opening", "godziny", "horário", "horario", "часы", "работаете"),
              "We are open Monday to Friday, 8:00-18:00."),
    FaqIntent("delivery", ("delivery", "shipping", "dostawa", "entrega", "доставка"),
              "Standard delivery takes 2-3 working days."),
    FaqIntent("returns", ("return", "returns", "refund", "zwrot", "devolução", "devolucao", "возврат"),
              "You can return any item within 30 days."),
)


def _word_in(keyword: str, text: str) -> bool:
    # Word-start match so "agent" also catches "agents" but "reagent" does not escalate.
    return re.search(r"(?<!\w)" + re.escape(keyword), text, re.IGNORECASE) is not None


@dataclass(frozen=True)
class BotSettings:
    """What the fake bot says and how it hands over; every field is configurable."""

    greeting: str = ("Hi! I'm Acme Bot. Ask me about opening hours, delivery or returns, "
                     "or type \"agent\" to talk to a person.")
    welcome_back: str = "Welcome back! You are talking to Acme Bot again. How can I help?"
    handoff_text: str = "I'm passing you to one of our agents. Please wait a moment."
    fallback: str = ("Sorry, I did not get that. Ask about opening hours, delivery or returns, "
                     "or type \"agent\".")
    faq: tuple[FaqIntent, ...] = DEFAULT_FAQ
    escalation_keywords: tuple[str, ...] = DEFAULT_ESCALATION_KEYWORDS
    escalate_to: str = CONTACT_CENTRE_APP_ID
    escalation_metadata: str = "Escalated by Acme Bot: the user asked for a human"
    grant_requests: bool = True
    greet_on_return: bool = True
    take_back_after_seconds: int | None = None
    get_started_payload: str = "GET_STARTED"
    talk_to_agent_payload: str = "TALK_TO_AGENT"
    offer_agent_quick_reply: bool = True

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["faq"] = [{"name": f.name, "keywords": list(f.keywords), "answer": f.answer} for f in self.faq]
        data["escalation_keywords"] = list(self.escalation_keywords)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: BotSettings | None = None) -> BotSettings:
        """Apply a partial dict (e.g. a PATCH body) to `base`; unknown keys raise ValueError."""
        base = base or cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown bot settings: {', '.join(unknown)}")
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key == "faq":
                changes[key] = tuple(FaqIntent(str(i["name"]), tuple(str(k) for k in i["keywords"]), str(i["answer"]))
                                     for i in value)
            elif key == "escalation_keywords":
                if isinstance(value, str):
                    value = [v for v in (p.strip() for p in value.split(",")) if v]
                changes[key] = tuple(str(v) for v in value)
            elif key in ("grant_requests", "greet_on_return", "offer_agent_quick_reply"):
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
                changes[key] = value
            elif key == "take_back_after_seconds":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                    raise ValueError("take_back_after_seconds must be null or a positive integer")
                changes[key] = value
            else:
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    raise ValueError(f"{key} must be a string")
                changes[key] = str(value)
        return replace(base, **changes)


@dataclass
class BotThread:
    """What the bot believes about one user's thread."""

    psid: str
    greeted: bool = False
    owner: str | None = None  # app id the bot believes owns the thread, None if unknown/idle
    last_user_ms: int | None = None  # last user action: opens the 24 h window (spec §5.1)
    last_activity_ms: int | None = None  # any event, standby included: drives the take-back timer
    escalated_at_ms: int | None = None
    escalations: int = 0
    returns: int = 0
    requests_seen: int = 0
    replies: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # mids and handover stamps already handled

    def public(self) -> dict[str, Any]:
        return {"psid": self.psid, "greeted": self.greeted, "owner_app_id": self.owner,
                "last_user_ms": self.last_user_ms, "last_activity_ms": self.last_activity_ms,
                "escalated_at_ms": self.escalated_at_ms, "escalations": self.escalations,
                "returns": self.returns, "requests_seen": self.requests_seen, "replies": self.replies,
                "history": list(self.history[-50:])}


def event_type(event: dict[str, Any]) -> str:
    """The kind of a messaging object, with the names the journal uses."""
    message = event.get("message")
    if isinstance(message, dict):
        return "echo" if message.get("is_echo") else "message"
    for key in ("postback", "read", "delivery", "reaction", "referral", "pass_thread_control",
                "take_thread_control", "request_thread_control", "app_roles", "policy_enforcement",
                "optin"):
        if key in event:
            return key
    return "unknown"


class BotBrain:
    """Decides what the bot does for each webhook event; thread-safe, keeps per-user state.

    Both the simulator's in-process fake bot and `scenarios/reference/bot.py` (the bot as a
    separate process) feed it events and execute the `GraphCall`s it returns, in order.
    """

    def __init__(self, app_id: str, settings: BotSettings | None = None) -> None:
        self.app_id = str(app_id)
        self.settings = settings or BotSettings()
        self._threads: dict[str, BotThread] = {}
        self._lock = threading.RLock()

    # -- state -----------------------------------------------------------------------------------
    def thread(self, psid: str) -> BotThread:
        with self._lock:
            if psid not in self._threads:
                self._threads[psid] = BotThread(psid)
            return self._threads[psid]

    def state(self, psid: str) -> dict[str, Any]:
        with self._lock:
            return self.thread(str(psid)).public()

    def reset(self) -> None:
        with self._lock:
            self._threads.clear()

    def update_settings(self, **changes: Any) -> BotSettings:
        with self._lock:
            self.settings = BotSettings.from_dict(changes, self.settings)
            return self.settings

    # -- entry point -----------------------------------------------------------------------------
    def on_event(self, channel: str, event: dict[str, Any]) -> list[GraphCall]:
        """Handle one messaging object from `entry[].messaging` or `entry[].standby`."""
        kind = event_type(event)
        psid = self._psid(event, kind)
        if psid is None:
            return []  # app_roles and other page-level events need no answer
        with self._lock:
            thread = self.thread(psid)
            key = _identity(kind, event)
            if key is not None:
                if key in thread.seen:
                    return []  # a redelivery (spec §6.14): answering it twice would greet twice
                thread.seen.add(key)
            ts = int_or_none(event.get("timestamp"))
            if ts is not None:
                thread.last_activity_ms = max(ts, thread.last_activity_ms or 0)
            if kind in ("message", "postback", "reaction", "referral") and ts is not None:
                thread.last_user_ms = max(ts, thread.last_user_ms or 0)
            thread.history.append({"channel": channel, "type": kind, "timestamp": ts})
            if self.ignores(channel, kind, event):
                return []
            calls = self.dispatch(thread, kind, event)
            thread.replies += sum(1 for c in calls if c.edge == "messages")
            return calls

    def on_tick(self, now_ms: int) -> list[GraphCall]:
        """Virtual time moved: take back threads idle at the contact centre for too long."""
        after = self.settings.take_back_after_seconds
        if after is None:
            return []
        calls = []
        with self._lock:
            for thread in self._threads.values():
                if thread.escalated_at_ms is None or thread.owner in (None, self.app_id):
                    continue
                idle_since = thread.last_activity_ms or thread.escalated_at_ms
                if now_ms - idle_since >= after * 1000:
                    calls.append(GraphCall("POST", "take_thread_control", {
                        "recipient": {"id": thread.psid},
                        "metadata": f"Taken back by the bot after {after} s without activity"}))
                    thread.owner = self.app_id
                    thread.escalated_at_ms = None
        return calls

    # -- overridable steps -----------------------------------------------------------------------
    def ignores(self, channel: str, kind: str, event: dict[str, Any]) -> bool:
        """Echo-loop rule (spec §6.9) and standby rule (§1.5): never answer these."""
        if channel == "standby":
            return True
        return kind in ("echo", "read", "delivery", "reaction", "unknown", "app_roles", "policy_enforcement")

    def dispatch(self, thread: BotThread, kind: str, event: dict[str, Any]) -> list[GraphCall]:
        if kind == "message":
            return self.on_message(thread, event)
        if kind == "postback":
            return self.on_postback(thread, event)
        if kind == "pass_thread_control":
            return self.on_pass(thread, event["pass_thread_control"] or {}, int_or_none(event.get("timestamp")))
        if kind == "take_thread_control":
            thread.owner = id_str(event["take_thread_control"].get("new_owner_app_id"))
            return []
        if kind == "request_thread_control":
            return self.on_request(thread, event["request_thread_control"] or {})
        return []

    def on_message(self, thread: BotThread, event: dict[str, Any]) -> list[GraphCall]:
        thread.owner = self.app_id  # a user event in `messaging` means we own it (or it is idle)
        message = event.get("message") or {}
        text = message.get("text") or ""
        quick = (message.get("quick_reply") or {}).get("payload")
        if quick == self.settings.talk_to_agent_payload or self.wants_human(text):
            return self.escalate(thread)
        calls = []
        if not thread.greeted:
            thread.greeted = True
            calls.append(self.say(thread, self.settings.greeting, quick_replies=True))
        answer = self.answer(text)
        if answer is not None:
            calls.append(self.say(thread, answer))
        elif not calls:
            calls.append(self.say(thread, self.settings.fallback, quick_replies=True))
        return calls

    def on_postback(self, thread: BotThread, event: dict[str, Any]) -> list[GraphCall]:
        thread.owner = self.app_id
        payload = (event.get("postback") or {}).get("payload")
        if payload == self.settings.talk_to_agent_payload:
            return self.escalate(thread)
        if payload == self.settings.get_started_payload:
            thread.greeted = True
            return [self.say(thread, self.settings.greeting, quick_replies=True)]
        intent = next((f for f in self.settings.faq if payload == f"FAQ_{f.name.upper()}"), None)
        if intent is not None:
            return [self.say(thread, intent.answer)]
        return [self.say(thread, self.settings.fallback, quick_replies=True)]

    def on_pass(self, thread: BotThread, handover: dict[str, Any], ts: int | None) -> list[GraphCall]:
        new_owner = id_str(handover.get("new_owner_app_id"))
        thread.owner = new_owner
        if new_owner != self.app_id:
            return []
        thread.escalated_at_ms = None
        thread.returns += 1
        if not self.settings.greet_on_return:
            return []
        if thread.last_user_ms is None or ts is None or ts - thread.last_user_ms > DAY_MS:
            # Outside the 24 h window a bot may not message the user (spec §5.1); stay silent.
            return []
        # SentiOne seed: on pass_thread_control back, the bot greets again. Assumption: whoever
        # passes it back (contact centre, Inbox "mark as done"), the user is welcomed back.
        return [self.say(thread, self.settings.welcome_back)]

    def on_request(self, thread: BotThread, request: dict[str, Any]) -> list[GraphCall]:
        thread.requests_seen += 1
        requester = id_str(request.get("requested_owner_app_id"))
        if not self.settings.grant_requests or requester is None or requester == self.app_id:
            return []
        thread.owner = requester
        metadata = request.get("metadata") or f"Request granted by the bot to app {requester}"
        return [GraphCall("POST", "pass_thread_control", {
            "recipient": {"id": thread.psid}, "target_app_id": requester, "metadata": str(metadata)})]

    def escalate(self, thread: BotThread) -> list[GraphCall]:
        """Tell the user, then hand the thread to the contact centre (SentiOne seed)."""
        target = self.escalation_target()
        calls = [self.say(thread, self.settings.handoff_text),
                 GraphCall("POST", "pass_thread_control", {
                     "recipient": {"id": thread.psid}, "target_app_id": target,
                     "metadata": self.settings.escalation_metadata})]
        thread.owner = target
        thread.escalated_at_ms = thread.last_activity_ms
        thread.escalations += 1
        return calls

    def escalation_target(self) -> str:
        return self.settings.escalate_to

    # -- helpers ---------------------------------------------------------------------------------
    def wants_human(self, text: str) -> bool:
        return any(_word_in(keyword, text) for keyword in self.settings.escalation_keywords)

    def answer(self, text: str) -> str | None:
        intent = next((f for f in self.settings.faq if f.matches(text)), None)
        return intent.answer if intent else None

    def say(self, thread: BotThread, text: str, *, quick_replies: bool = False) -> GraphCall:
        message: dict[str, Any] = {"text": text}
        if quick_replies and self.settings.offer_agent_quick_reply:
            message["quick_replies"] = [{"content_type": "text", "title": "Talk to an agent",
                                         "payload": self.settings.talk_to_agent_payload}]
        return GraphCall("POST", "messages", {"recipient": {"id": thread.psid},
                                              "messaging_type": "RESPONSE", "message": message})

    @staticmethod
    def _psid(event: dict[str, Any], kind: str) -> str | None:
        # Echoes are reversed: the Page is the sender and the user the recipient (spec §3.1).
        party = event.get("recipient") if kind == "echo" else event.get("sender")
        return id_str((party or {}).get("id"))


def _identity(kind: str, event: dict[str, Any]) -> str | None:
    """What makes a redelivered event recognisable: its mid, or the handover's stamp."""
    body = event.get("message") if kind in ("message", "echo") else event.get(kind)
    if isinstance(body, dict) and body.get("mid"):
        return f"mid:{body['mid']}"
    if kind in ("postback", "pass_thread_control", "take_thread_control", "request_thread_control"):
        return f"{kind}:{event.get('timestamp')}:{sorted((body or {}).items()) if isinstance(body, dict) else body}"
    return None


def id_str(value: Any) -> str | None:
    # Meta mixes string and numeric app ids (spec §6.10): compare them as strings.
    return None if value is None else str(value)


def int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
