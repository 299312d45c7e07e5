"""Platform: the page's state and every operation on it, applying the rules of its mode.

It is the one place that changes ownership. Each operation validates with the mode rules,
changes state under one lock, journals what it changed (through a callback, so the domain
touches no file) and emits `Notification`s (through another callback, so it touches no socket).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from simulator.domain import errors, events
from simulator.domain.clock import VirtualClock
from simulator.domain.ids import new_mid, new_object_id
from simulator.domain.model import (
    PAGE_INBOX_APP_ID, App, Mode, OwnershipChange, PageSettings, Role, Thread, User,
)
from simulator.domain.modes import Ctx, ModeRules, rules_for
from simulator.domain.notifications import Notification
from simulator.domain.window import check_window, resolve_messaging_type, window_state

Emit = Callable[[list[Notification]], None]
Record = Callable[..., Any]

INBOX_DONE_METADATA = "Pass thread control from Page Inbox"  # spec §1.6: bots key on this string
BOT_OFF_METADATA = "User turned the bot off in Messenger"
SENDER_ACTIONS = ("typing_on", "typing_off", "mark_seen", "react", "unreact")
MAX_TEXT = 2000
MAX_METADATA = 1000
REACTION_EMOJI = {"love": "\u2764\ufe0f", "like": "\U0001f44d", "smile": "\U0001f606", "wow": "\U0001f62e",
                  "sad": "\U0001f622", "angry": "\U0001f620", "dislike": "\U0001f44e", "other": "\u2728"}


def page_inbox() -> App:
    """The built-in Page Inbox app (spec §1.1): same id on every page, no webhook."""
    return App(id=PAGE_INBOX_APP_ID, name="Page Inbox", role=Role.SECONDARY, builtin=True,
               fields=set(), subscribed=False, verified=False, can_take=True)


class Platform:
    """One Messenger page with its apps, users and threads."""

    def __init__(self, settings: PageSettings, clock: VirtualClock, *, emit: Emit | None = None,
                 record: Record | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.lock = threading.RLock()
        self._emit: Emit = emit or (lambda notifications: None)
        self._record: Record = record or (lambda kind, **fields: None)
        self.apps: dict[str, App] = {}
        self.users: dict[str, User] = {}
        self.threads: dict[str, Thread] = {}
        self.personas: dict[str, dict[str, Any]] = {}
        self.messenger_profile: dict[str, Any] = {}
        self.human_handoff_app_id: str | None = None
        self._rules_mode: Mode | None = None
        self._rules: ModeRules = rules_for(settings.mode)
        self.add_app(page_inbox())

    # -- wiring ----------------------------------------------------------------------------------
    def connect(self, *, emit: Emit | None = None, record: Record | None = None) -> None:
        if emit is not None:
            self._emit = emit
        if record is not None:
            self._record = record

    @property
    def rules(self) -> ModeRules:
        mode = self.settings.mode
        if self._rules_mode is not mode:  # cached: read on every call, changed rarely
            self._rules, self._rules_mode = rules_for(mode), mode
        return self._rules

    @property
    def page_id(self) -> str:
        return self.settings.id

    def _ctx(self, thread: Thread) -> Ctx:
        return Ctx(self.settings, self.apps, thread, self.clock.peek_ms())

    # -- apps and configuration ------------------------------------------------------------------
    def add_app(self, app: App) -> App:
        with self.lock:
            if app.role is Role.PRIMARY:
                for other in self.apps.values():
                    if other.role is Role.PRIMARY and other.id != app.id:
                        other.role = Role.SECONDARY  # a new Primary demotes the old one (spec §1.2)
            self.apps[app.id] = app
            return app

    def remove_app(self, app_id: str) -> None:
        with self.lock:
            if app_id == PAGE_INBOX_APP_ID:
                raise ValueError("the Page Inbox cannot be removed")
            self.apps.pop(app_id, None)

    def app(self, app_id: str) -> App:
        app = self.apps.get(str(app_id))
        if app is None:
            raise KeyError(f"no app {app_id} on this page")
        return app

    def app_by_token(self, token: str) -> App | None:
        for app in self.apps.values():
            if app.builtin:
                continue
            if token == app.page_token or token == app.app_token:
                return app
        return None

    def set_mode(self, mode: Mode | str, *, exclusive_send: bool | None = None,
                 default_app_id: str | None | object = ..., ) -> None:
        with self.lock:
            self.settings.mode = Mode(mode)
            if exclusive_send is not None:
                self.settings.exclusive_send = bool(exclusive_send)
            if default_app_id is not ...:
                if default_app_id is not None and str(default_app_id) not in self.apps:
                    raise ValueError(f"default app {default_app_id} is not connected to the page")
                self.settings.default_app_id = None if default_app_id is None else str(default_app_id)
            if self.settings.mode is Mode.LEGACY_HOP:
                inbox = self.apps[PAGE_INBOX_APP_ID]
                if inbox.role is Role.PRIMARY:
                    inbox.role = Role.SECONDARY  # the Inbox can only be a Secondary (spec §1.2)
            self._record("control", action="mode", detail=self.describe_mode())

    def describe_mode(self) -> dict[str, Any]:
        return {"mode": str(self.settings.mode), "exclusive_send": self.settings.exclusive_send,
                "default_app_id": self.settings.default_app_id,
                "primary_app_id": self._primary_id(),
                "zero_config": self.settings.mode is Mode.CONVERSATION_ROUTING and self.settings.default_app_id is None}

    def _primary_id(self) -> str | None:
        return next((a.id for a in self.apps.values() if a.role is Role.PRIMARY), None)

    def set_roles(self, primary: str | None, secondaries: Iterable[str] | None = None) -> None:
        """An admin assigns roles; every app subscribed to handovers hears its role (spec §1.2)."""
        with self.lock:
            if primary == PAGE_INBOX_APP_ID:
                raise ValueError("the Page Inbox can only be a Secondary Receiver")
            if primary is not None and primary not in self.apps:
                raise ValueError(f"no app {primary} on this page")
            wanted = set(secondaries) if secondaries is not None else None
            for app in self.apps.values():
                if app.id == primary:
                    app.role = Role.PRIMARY
                elif wanted is None or app.id in wanted or app.builtin:
                    app.role = Role.SECONDARY
                else:
                    app.role = Role.NONE
            ts = self.clock.now_ms()
            notes = []
            for app in self._receivers():
                if "messaging_handovers" not in app.fields:
                    continue
                # Assumption: each app is told its own role, as in Meta's single-entry example.
                label = {Role.PRIMARY: ["primary_receiver"], Role.SECONDARY: ["secondary_receiver"]}.get(app.role, [])
                event = events.app_roles(self.page_id, ts, {app.id: label})
                notes.append(Notification(app.id, "messaging", "messaging_handovers", event, "app_roles",
                                          None, self.page_id))
            self._record("control", action="roles", detail={"primary": primary, "secondaries": sorted(
                a.id for a in self.apps.values() if a.role is Role.SECONDARY)})
            self._emit(notes)

    def reset(self) -> None:
        """Forget users, threads and personas (apps and settings stay)."""
        with self.lock:
            self.users.clear()
            self.threads.clear()
            self.personas.clear()

    # -- users and threads -----------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        with self.lock:
            self.users[user.psid] = user
            thread = self.threads[user.psid] = Thread(user.psid)
            owner = self.rules.initial_owner(self._ctx(thread))
            if owner:
                self._set_owner(thread, owner, "initial", None)
            self._record("user", psid=user.psid, action="created",
                         detail={"first_name": user.first_name, "last_name": user.last_name, "locale": user.locale})
            return user

    def user(self, psid: Any) -> User:
        user = self.users.get(str(psid))
        if user is None:
            raise errors.NoMatchingUser()
        return user

    def thread(self, psid: Any) -> Thread:
        """The user's thread, after applying any idle expiry that fell due."""
        with self.lock:
            user = self.user(psid)
            thread = self.threads[user.psid]
            self._expire_if_due(thread)
            return thread

    def thread_view(self, psid: str) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            user = self.users[psid]
            now = self.clock.peek_ms()
            return {"psid": psid, "owner_app_id": thread.owner_app_id, "state": thread.state,
                    "expires_at_ms": thread.expires_at_ms, "inbox_folder": thread.inbox_folder,
                    "mode": str(self.settings.mode), "window": window_state(now, user.last_input_ms),
                    "history": [vars(h) for h in thread.history], "messages": list(thread.messages)}

    def tick(self) -> None:
        """Apply every idle expiry that is due (called when the clock moves)."""
        with self.lock:
            for thread in self.threads.values():
                self._expire_if_due(thread)

    def force_owner(self, psid: str, app_id: str | None) -> None:
        """Test set-up: make `app_id` the owner without any webhook."""
        with self.lock:
            thread = self.thread(psid)
            if app_id is not None and app_id not in self.apps:
                raise ValueError(f"no app {app_id} on this page")
            self._set_owner(thread, app_id, "control", None)

    def _expire_if_due(self, thread: Thread) -> None:
        if (thread.owner_app_id and thread.expires_at_ms is not None and self.rules.expires
                and self.clock.peek_ms() >= thread.expires_at_ms):
            # Spec §6.5: control silently returns to idle; no webhook (assumption: none documented).
            self._set_owner(thread, None, "expiry", None)

    def _set_owner(self, thread: Thread, new: str | None, cause: str, by: str | None) -> None:
        old = thread.owner_app_id
        now = self.clock.peek_ms()
        thread.owner_app_id = new
        thread.expires_at_ms = now + self.settings.idle_expiry_s * 1000 if new and self.rules.expires else None
        if new == PAGE_INBOX_APP_ID:
            thread.inbox_folder = "main"
        elif old == PAGE_INBOX_APP_ID:
            thread.inbox_folder = "done"
        thread.history.append(OwnershipChange(now, old, new, cause, by))
        self._record("ownership", psid=thread.psid, from_app_id=old, to_app_id=new, cause=cause, by_app_id=by,
                     app_id=by)

    def _touch(self, thread: Thread) -> None:
        """Activity keeps control alive for another idle period (never shortens an extension)."""
        if thread.owner_app_id and self.rules.expires:
            fresh = self.clock.peek_ms() + self.settings.idle_expiry_s * 1000
            thread.expires_at_ms = max(thread.expires_at_ms or 0, fresh)

    # -- fan-out (spec §1.5) ---------------------------------------------------------------------
    def _receivers(self) -> list[App]:
        return [a for a in self.apps.values() if not a.builtin and a.subscribed]

    def _fan_out(self, thread: Thread, event: dict[str, Any], field: str, event_type: str,
                 *, echo: bool = False) -> list[Notification]:
        if not any(field in a.fields or "standby" in a.fields for a in self._receivers()):
            return []
        ctx = self._ctx(thread)
        broadcast = self.rules.broadcast(ctx)
        notes = []
        for app in self._receivers():
            if broadcast or app.id == thread.owner_app_id:
                if field in app.fields:
                    notes.append(Notification(app.id, "messaging", field, event, event_type, thread.psid, self.page_id))
            elif "standby" in app.fields and (not echo or "message_echoes" in app.fields):
                # Assumption: standby needs the `standby` field, and echoes also `message_echoes`.
                notes.append(Notification(app.id, "standby", "standby", events.without_payload(event), event_type,
                                          thread.psid, self.page_id))
        return notes

    def _handover_note(self, app_id: str | None, event: dict[str, Any], event_type: str,
                       psid: str) -> list[Notification]:
        app = self.apps.get(app_id) if app_id else None
        if app is None or app.builtin or not app.subscribed or "messaging_handovers" not in app.fields:
            return []
        return [Notification(app.id, "messaging", "messaging_handovers", event, event_type, psid, self.page_id)]

    # -- the user's actions ----------------------------------------------------------------------
    def _user_input(self, psid: str) -> tuple[User, Thread]:
        """Common part of every window-opening user action: idle routing and activity."""
        user = self.user(psid)
        thread = self.thread(psid)
        now = self.clock.peek_ms()
        user.last_input_ms = now
        if thread.owner_app_id is None:
            owner = self.rules.owner_for_user_input(self._ctx(thread))
            if owner:
                self._set_owner(thread, owner, "user_message", None)
        else:
            self._touch(thread)
        return user, thread

    def user_message(self, psid: str, *, text: str | None = None, attachments: list[dict] | None = None,
                     quick_reply: str | None = None, reply_to: str | None = None,
                     referral: dict | None = None) -> dict[str, Any]:
        if text is None and not attachments:
            raise ValueError("a message needs text or attachments")
        with self.lock:
            user, thread = self._user_input(psid)
            ts, mid = self.clock.now_ms(), new_mid()
            event = events.user_message(user.psid, self.page_id, ts, mid, text=text, attachments=attachments,
                                        quick_reply=quick_reply, reply_to=reply_to, referral=referral)
            thread.messages.append({"mid": mid, "from": "user", "text": text, "ts": ts,
                                    "attachments": attachments or None})
            self._record("user", psid=user.psid, action="message", mid=mid, text=text, ts=ts,
                         detail={"attachments": attachments, "quick_reply": quick_reply} if attachments or quick_reply else None)
            self._emit(self._fan_out(thread, event, "messages", "message"))
            return {"mid": mid, "timestamp": ts, "owner_app_id": thread.owner_app_id}

    def user_postback(self, psid: str, *, payload: str, title: str | None = None,
                      referral: dict | None = None) -> dict[str, Any]:
        with self.lock:
            user, thread = self._user_input(psid)
            ts, mid = self.clock.now_ms(), new_mid()
            event = events.postback(user.psid, self.page_id, ts, mid, title=title or payload.title(),
                                    payload=payload, referral=referral)
            self._record("user", psid=user.psid, action="postback", mid=mid, payload=payload, text=title, ts=ts)
            self._emit(self._fan_out(thread, event, "messaging_postbacks", "postback"))
            return {"mid": mid, "timestamp": ts, "owner_app_id": thread.owner_app_id}

    def user_read(self, psid: str, watermark: int | None = None) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            ts = self.clock.now_ms()
            mark = int(watermark) if watermark else ts
            thread.watermark_read = max(thread.watermark_read, mark)
            self._record("user", psid=psid, action="read", ts=ts, detail={"watermark": mark})
            self._emit(self._fan_out(thread, events.read(psid, self.page_id, ts, mark), "message_reads", "read"))
            return {"watermark": mark, "timestamp": ts}

    def user_reaction(self, psid: str, *, mid: str, reaction: str = "love", action: str = "react") -> dict[str, Any]:
        if action not in ("react", "unreact"):
            raise ValueError("action must be react or unreact")
        with self.lock:
            user, thread = self._user_input(psid)  # a reaction opens the window (spec §5.1)
            ts = self.clock.now_ms()
            emoji = REACTION_EMOJI.get(reaction, REACTION_EMOJI["other"])
            event = events.reaction(user.psid, self.page_id, ts, mid, reaction, emoji, action)
            self._record("user", psid=psid, action="reaction", mid=mid, ts=ts, detail={"reaction": reaction})
            self._emit(self._fan_out(thread, event, "message_reactions", "reaction"))
            return {"timestamp": ts}

    def user_bot_off(self, psid: str) -> dict[str, Any]:
        """The user turns the bot off / asks for a person in Messenger (SentiOne seed).

        Assumption: Messenger has no public event for this; we model it as the platform passing
        control, on the owner's behalf, to the page's human-handoff app (default: the first
        Secondary Receiver that is not the Page Inbox), which then hears a pass_thread_control.
        """
        with self.lock:
            user, thread = self._user_input(psid)
            target = self.human_handoff_app_id or next(
                (a.id for a in self._receivers() if a.role is Role.SECONDARY), None) or next(
                (a.id for a in self._receivers() if a.id != self._primary_id()), None)
            if target is None:
                raise ValueError("no app can take the conversation over")
            previous = thread.owner_app_id
            self._record("user", psid=psid, action="bot_off", ts=self.clock.peek_ms())
            if previous != target:
                self._set_owner(thread, target, "bot_off", None)
                event = events.pass_thread_control(psid, self.page_id, self.clock.now_ms(), previous, target,
                                                   BOT_OFF_METADATA)
                self._emit(self._handover_note(target, event, "pass_thread_control", psid))
            return {"owner_app_id": target}

    # -- Send API (spec §2.2) --------------------------------------------------------------------
    def send(self, caller: App, body: dict[str, Any]) -> dict[str, Any]:
        recipient = body.get("recipient")
        if not recipient:
            raise errors.ParameterRequired("recipient")
        if not isinstance(recipient, dict):
            raise errors.InvalidParameter("(#100) param recipient must be an object")
        psid = recipient.get("id")
        if psid is None:
            if any(k in recipient for k in ("user_ref", "comment_id", "post_id", "phone_number", "notification_messages_token")):
                raise errors.NoMatchingUser()  # this page has no such identities
            raise errors.ParameterRequired("recipient[id]")
        message, action = body.get("message"), body.get("sender_action")
        if message and action:
            raise errors.MessageAndActionTogether()
        if not message and not action:
            raise errors.ParameterRequired("message")
        with self.lock:
            user = self.user(psid)
            thread = self.thread(user.psid)
            self.rules.check_send(self._ctx(thread), caller)
            if action:
                return self._sender_action(caller, thread, str(action), body)
            message = self._validate_message(message)
            tag = body.get("tag")
            messaging_type = resolve_messaging_type(body.get("messaging_type"), tag,
                                                    required=self.settings.require_messaging_type)
            now = self.clock.peek_ms()
            check_window(now_ms=now, last_input_ms=user.last_input_ms, messaging_type=messaging_type,
                         tag=tag, human_agent_permission=caller.human_agent)
            persona_id = body.get("persona_id")
            if persona_id is not None and str(persona_id) not in self.personas:
                raise errors.InvalidParameter("(#100) Invalid persona_id")
            control = self._thread_control(body.get("thread_control"))
            response = self._deliver_page_message(caller, thread, message, tag=tag, persona_id=persona_id)
            if control is not None:
                self._apply_thread_control(caller, thread, control)
            return response

    def _validate_message(self, message: Any) -> dict[str, Any]:
        if not isinstance(message, dict):
            raise errors.InvalidParameter("(#100) param message must be an object")
        has_text, has_attachment = "text" in message and message["text"] is not None, message.get("attachment") is not None
        if has_text and has_attachment:
            raise errors.InvalidParameter("(#100) Only one of text or attachment may be set in param message")
        if not has_text and not has_attachment:
            raise errors.EmptyMessage()
        if has_text:
            text = message["text"]
            if not isinstance(text, str):
                raise errors.InvalidParameter("(#100) param message[text] must be a string")
            if not text.strip():
                raise errors.EmptyMessage()
            if len(text) > MAX_TEXT:
                raise errors.InvalidParameter("(#100) Length of param message[text] must be less than or equal to 2000")
        else:
            attachment = message["attachment"]
            if not isinstance(attachment, dict) or attachment.get("type") not in ("image", "audio", "video", "file", "template"):
                raise errors.InvalidParameter("(#100) param message[attachment][type] must be one of {image, audio, video, file, template}")
        metadata = message.get("metadata")
        if metadata is not None and (not isinstance(metadata, str) or len(metadata) >= MAX_METADATA):
            raise errors.InvalidParameter("(#100) param message[metadata] must be a string shorter than 1000 characters")
        quick = message.get("quick_replies")
        if quick is not None and (not isinstance(quick, list) or len(quick) > 13):
            raise errors.InvalidParameter("(#100) param message[quick_replies] must be an array of at most 13 items")
        return message

    def _sender_action(self, caller: App, thread: Thread, action: str, body: dict[str, Any]) -> dict[str, Any]:
        # Assumption: sender actions follow the ownership rule (checked above) but not the window.
        if action not in SENDER_ACTIONS:
            raise errors.InvalidParameter("(#100) param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact}")
        if action in ("react", "unreact") and not isinstance(body.get("payload"), dict):
            raise errors.ParameterRequired("payload")
        self._record("page_action", psid=thread.psid, app_id=caller.id, action=action)
        return {"recipient_id": thread.psid}

    def _deliver_page_message(self, caller: App, thread: Thread, message: dict[str, Any], *,
                              tag: str | None = None, persona_id: Any = None) -> dict[str, Any]:
        ts, mid = self.clock.now_ms(), new_mid()
        thread.messages.append({"mid": mid, "from": caller.id, "text": message.get("text"), "ts": ts,
                                "tag": tag, "persona_id": persona_id})
        if thread.owner_app_id == caller.id:
            self._touch(thread)
        echo = events.echo(thread.psid, self.page_id, ts, mid, caller.id, message, message.get("metadata"))
        notes = self._fan_out(thread, echo, "message_echoes", "echo", echo=True)
        if self.settings.auto_deliveries:
            delivered = events.delivery(thread.psid, self.page_id, self.clock.now_ms(), [mid], ts)
            notes += self._fan_out(thread, delivered, "message_deliveries", "delivery")
        self._emit(notes)
        response: dict[str, Any] = {"recipient_id": thread.psid, "message_id": mid}
        attachment = message.get("attachment") or {}
        if isinstance(attachment.get("payload"), dict) and attachment["payload"].get("is_reusable"):
            response["attachment_id"] = new_object_id()
        return response

    def _thread_control(self, control: Any) -> dict[str, Any] | None:
        if control is None:
            return None
        if self.settings.mode is not Mode.CONVERSATION_ROUTING:
            raise errors.InvalidParameter("(#100) thread_control is only available when conversation routing is enabled")
        if not isinstance(control, dict):
            raise errors.InvalidParameter("(#100) param thread_control must be an object")
        kind = control.get("control_type") or "release"  # absent: control is released (spec §2.2)
        if kind not in ("pass", "release"):
            raise errors.InvalidParameter("(#100) thread_control[control_type] must be pass or release")
        return {"control_type": kind, "app_id": control.get("app_id")}

    def _apply_thread_control(self, caller: App, thread: Thread, control: dict[str, Any]) -> None:
        if control["control_type"] == "release":
            if thread.owner_app_id == caller.id:
                self._set_owner(thread, None, "thread_control", caller.id)  # no webhook (spec §2.2)
            return
        self._pass(caller, thread, control.get("app_id"), None, cause="thread_control")

    # -- handover edges (spec §2.3-2.10) ---------------------------------------------------------
    def pass_control(self, caller: App, psid: Any, target: Any = None, metadata: str | None = None) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            self.rules.check_role_present(self._ctx(thread), caller)
            self._pass(caller, thread, target, metadata)
            return {"success": True}

    def _pass(self, caller: App, thread: Thread, target: Any, metadata: str | None, cause: str = "pass") -> None:
        target_id = None if target in (None, "") else str(target)
        new = self.rules.resolve_pass(self._ctx(thread), caller, target_id)
        previous = thread.owner_app_id
        self._set_owner(thread, new, cause, caller.id)
        event = events.pass_thread_control(thread.psid, self.page_id, self.clock.now_ms(), previous, new, metadata)
        self._emit(self._handover_note(new, event, "pass_thread_control", thread.psid))

    def take_control(self, caller: App, psid: Any, metadata: str | None = None) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            ctx = self._ctx(thread)
            self.rules.check_role_present(ctx, caller)
            if not self.rules.check_take(ctx, caller):
                return {"success": True}
            self._take(caller, thread, metadata, "take")
            return {"success": True}

    def _take(self, caller: App, thread: Thread, metadata: str | None, cause: str) -> None:
        previous = thread.owner_app_id
        self._set_owner(thread, caller.id, cause, caller.id)
        ts = self.clock.now_ms()
        notes: list[Notification] = []
        if (previous == PAGE_INBOX_APP_ID and caller.role is Role.PRIMARY
                and self.settings.mode is not Mode.CONVERSATION_ROUTING):
            # Spec §1.6/§6.4: a Primary taking back from the Inbox is told with a *pass* event.
            event = events.pass_thread_control(thread.psid, self.page_id, ts, previous, caller.id, metadata)
            notes += self._handover_note(caller.id, event, "pass_thread_control", thread.psid)
        for app_id in self.rules.take_recipients(self._ctx(thread), previous, caller.id):
            event = events.take_thread_control(thread.psid, self.page_id, ts, previous, caller.id, metadata)
            notes += self._handover_note(app_id, event, "take_thread_control", thread.psid)
        self._emit(notes)

    def request_control(self, caller: App, psid: Any, metadata: str | None = None) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            ctx = self._ctx(thread)
            self.rules.check_role_present(ctx, caller)
            outcome = self.rules.resolve_request(ctx, caller)
            ts = self.clock.now_ms()
            if outcome.grant:
                previous = thread.owner_app_id
                self._set_owner(thread, caller.id, "request", caller.id)
                event = events.pass_thread_control(thread.psid, self.page_id, ts, previous, caller.id, metadata)
                self._emit(self._handover_note(caller.id, event, "pass_thread_control", thread.psid))
            else:
                self._record("handover_request", psid=thread.psid, app_id=caller.id, to_app_id=outcome.notify_app_id)
                event = events.request_thread_control(thread.psid, self.page_id, ts, caller.id, metadata)
                self._emit(self._handover_note(outcome.notify_app_id, event, "request_thread_control", thread.psid))
            return {"success": True}

    def release_control(self, caller: App, psid: Any, metadata: str | None = None) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            self.rules.check_release(self._ctx(thread), caller)
            # Assumption: release emits no webhook, like the Send API's release (spec §2.6).
            self._set_owner(thread, None, "release", caller.id)
            return {"success": True}

    def extend_control(self, caller: App, psid: Any, duration: Any) -> dict[str, Any]:
        if duration is None:
            raise errors.ParameterRequired("duration")
        try:
            seconds = int(duration)
        except (TypeError, ValueError):
            raise errors.InvalidParameter("(#100) param duration must be an integer number of seconds") from None
        with self.lock:
            thread = self.thread(psid)
            self.rules.check_extend(self._ctx(thread), caller, seconds)
            thread.expires_at_ms = self.clock.peek_ms() + seconds * 1000
            self._record("ownership", psid=thread.psid, from_app_id=caller.id, to_app_id=caller.id,
                         cause="extend", by_app_id=caller.id, app_id=caller.id,
                         detail={"expires_at_ms": thread.expires_at_ms})
            return {"success": True}

    def thread_owner(self, caller: App, psid: Any) -> dict[str, Any]:
        with self.lock:
            thread = self.thread(psid)
            return self.rules.thread_owner_view(self._ctx(thread), caller)

    def secondary_receivers(self, caller: App, fields: list[str]) -> dict[str, Any]:
        with self.lock:
            self.rules.check_secondary_receivers(Ctx(self.settings, self.apps, Thread("-")), caller)
            rows = []
            for app in self.apps.values():
                if app.role is Role.SECONDARY:
                    full = {"id": app.id, "name": app.name, "link": f"https://www.facebook.com/games/?app_id={app.id}"}
                    rows.append({k: full[k] for k in fields if k in full})
            return {"data": rows}

    def profile(self, caller: App, psid: Any, fields: list[str]) -> dict[str, Any]:
        user = self.user(psid)
        if user.phone_only:
            raise errors.NoProfile()
        data = user.profile()
        unknown = [f for f in fields if f not in data]
        if unknown:
            raise errors.InvalidParameter(f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (User)")
        return {k: data[k] for k in fields} | {"id": user.psid}

    def feature_status(self) -> dict[str, Any]:
        mode = self.settings.mode
        return {"hop_v2": mode is Mode.HOP_V2, "msgr_multi_app": mode is Mode.CONVERSATION_ROUTING,
                "ig_multi_app": False}

    # -- the Page Inbox's humans (spec §1.4, §1.6) -----------------------------------------------
    def inbox_reply(self, psid: str, text: str) -> dict[str, Any]:
        inbox = self.apps[PAGE_INBOX_APP_ID]
        with self.lock:
            user = self.user(psid)
            thread = self.thread(psid)
            if self.rules.inbox_reply_takes and thread.owner_app_id != inbox.id:
                # CR: replying in Business Suite to a thread another app controls is an implicit take.
                self._take(inbox, thread, None, "inbox_reply")
            else:
                self.rules.check_send(self._ctx(thread), inbox)
            now = self.clock.peek_ms()
            tagged = user.last_input_ms is not None and now - user.last_input_ms > 24 * 3600 * 1000
            check_window(now_ms=now, last_input_ms=user.last_input_ms,
                         messaging_type="MESSAGE_TAG" if tagged else "RESPONSE",
                         tag="HUMAN_AGENT" if tagged else None)
            return self._deliver_page_message(inbox, thread, {"text": text}, tag="HUMAN_AGENT" if tagged else None)

    def inbox_mark_done(self, psid: str) -> dict[str, Any]:
        inbox = self.apps[PAGE_INBOX_APP_ID]
        with self.lock:
            thread = self.thread(psid)
            if thread.owner_app_id != inbox.id:
                raise errors.NotThreadOwnerAction("(#100) The Page Inbox does not control this thread")
            target = self._primary_id() if self.settings.mode is not Mode.CONVERSATION_ROUTING else self.settings.default_app_id
            if target is None or target == inbox.id:
                self._set_owner(thread, None, "release", inbox.id)
            else:
                self._set_owner(thread, target, "pass", inbox.id)
                event = events.pass_thread_control(thread.psid, self.page_id, self.clock.now_ms(), inbox.id, target,
                                                   INBOX_DONE_METADATA)
                self._emit(self._handover_note(target, event, "pass_thread_control", thread.psid))
            thread.inbox_folder = "done"
            return {"success": True, "owner_app_id": thread.owner_app_id}

    def inbox_move_to_main(self, psid: str) -> dict[str, Any]:
        inbox = self.apps[PAGE_INBOX_APP_ID]
        with self.lock:
            thread = self.thread(psid)
            if thread.owner_app_id == inbox.id:
                thread.inbox_folder = "main"
                return {"success": True, "owner_app_id": inbox.id}
            if self.rules.move_to_main(self._ctx(thread)) == "take":
                self._take(inbox, thread, None, "inbox_move_to_main")
            else:
                # Legacy/v2: the Primary (or owner) is asked; no metadata, requester = the Inbox.
                notify = self._primary_id() if self.settings.mode is Mode.LEGACY_HOP else (
                    thread.owner_app_id or self._primary_id())
                if thread.owner_app_id is None and self.settings.mode is not Mode.LEGACY_HOP:
                    self._set_owner(thread, inbox.id, "request", inbox.id)
                else:
                    self._record("handover_request", psid=thread.psid, app_id=inbox.id, to_app_id=notify)
                    event = events.request_thread_control(thread.psid, self.page_id, self.clock.now_ms(), inbox.id, None)
                    self._emit(self._handover_note(notify, event, "request_thread_control", thread.psid))
            thread.inbox_folder = "main"
            return {"success": True, "owner_app_id": thread.owner_app_id}

    # -- subscriptions and profile objects -------------------------------------------------------
    def subscribe_page(self, caller: App, fields: Iterable[str] | None) -> None:
        with self.lock:
            if fields is not None:
                caller.fields = set(fields)
            caller.subscribed = True
            self._record("control", action="subscribed_apps", app_id=caller.id,
                         detail={"subscribed": True, "fields": sorted(caller.fields)})

    def unsubscribe_page(self, app_id: str, reason: str) -> None:
        with self.lock:
            app = self.apps.get(app_id)
            if app is not None:
                app.subscribed = False
                self._record("control", action="subscribed_apps", app_id=app_id,
                             detail={"subscribed": False, "reason": reason})

    def create_persona(self, name: Any, picture: Any) -> dict[str, Any]:
        if not name:
            raise errors.ParameterRequired("name")
        if not isinstance(name, str) or len(name) > 50:
            raise errors.InvalidParameter("(#100) param name must be a string of at most 50 characters")
        if not picture:
            raise errors.ParameterRequired("profile_picture_url")
        persona_id = new_object_id()
        with self.lock:
            self.personas[persona_id] = {"id": persona_id, "name": name, "profile_picture_url": picture}
        return {"id": persona_id}
