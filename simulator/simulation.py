"""The composition root: one simulated page with its clock, journal, Graph API, webhooks and actors.

Everything the control API can do is a method here, so the HTTP layer stays a thin translation
and the same simulation can be driven in-process by tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.actors.fake_bot import FakeBotRunner
from simulator.actors.users import make_user
from simulator.config import SimConfig, app_from_dict, load_config
from simulator.domain import events
from simulator.domain.clock import VirtualClock
from simulator.domain.ids import new_mid, new_psid
from simulator.domain.model import PAGE_INBOX_APP_ID, App, Mode, Role, normalise_fields
from simulator.domain.platform import Platform
from simulator.graph.faults import FaultPlan
from simulator.graph.service import GraphService
from simulator.journal import Journal
from simulator.webhooks.directory import Endpoint
from simulator.webhooks.dispatcher import Dispatcher
from simulator.webhooks.policy import DeliveryPolicy
from simulator.webhooks.injection import inject
from simulator.webhooks.verification import record_verification, verify_webhook


@dataclass
class _Directory:
    """The dispatcher's view of the apps: where and how to deliver, and how to unsubscribe."""

    simulation: "Simulation"

    def endpoint(self, app_id: str) -> Endpoint | None:
        sim = self.simulation
        app = sim.platform.apps.get(app_id)
        if app is None or app.builtin:
            return None
        if app.webhook:
            return Endpoint(app_id=app.id, url=app.webhook, handler=None, secret=app.secret,
                            verified=app.verified, subscribed=app.subscribed, page_id=sim.platform.page_id)
        if app.fake_bot:
            return Endpoint(app_id=app.id, url=f"internal://fake-bot/{app.id}", handler=sim.bot.handler_for(app.id),
                            secret=app.secret, verified=True, subscribed=app.subscribed, page_id=sim.platform.page_id)
        return None

    def unsubscribe(self, app_id: str, reason: str) -> None:
        self.simulation.platform.unsubscribe_page(app_id, reason)


class Simulation:
    """A running fake Messenger page."""

    def __init__(self, config: SimConfig | dict[str, Any] | str | Path | None = None, *,
                 run_dir: str | Path | None = None, frozen_clock: bool | None = None) -> None:
        self.config = config if isinstance(config, SimConfig) else load_config(config)
        frozen = self.config.frozen_clock if frozen_clock is None else frozen_clock
        self.clock = VirtualClock(self.config.clock_start, frozen=frozen)
        self.journal = Journal(self.clock, run_dir)
        self.platform = Platform(self.config.settings, self.clock, record=self.journal.record)
        self.platform.human_handoff_app_id = self.config.human_handoff_app_id
        self.faults = FaultPlan()
        self.graph = GraphService(self.platform, self.journal, self.faults, set_webhook=self._graph_set_webhook)
        self.policy = DeliveryPolicy()
        self.delivery_defaults: dict[str, Any] = dict(self.config.delivery)
        self.policy.update(**self.delivery_defaults)
        self.dispatcher = Dispatcher(self.journal, self.clock, _Directory(self), self.policy,
                                     page_id=self.platform.page_id)
        self.platform.connect(emit=self.dispatcher.submit)
        self.bot = FakeBotRunner(self, self.config.bot)
        self.default_app_by_mode = {Mode.CONVERSATION_ROUTING.value: self.config.settings.default_app_id}
        for app in self.config.apps:
            self.platform.add_app(app)
        self.journal.record("control", action="start", detail={"page_id": self.platform.page_id,
                                                                "mode": str(self.platform.settings.mode)})

    # -- lifecycle -------------------------------------------------------------------------------
    def verify_configured_webhooks(self) -> None:
        """Handshake with every app whose webhook came from the config (it may not be up yet)."""
        for app in list(self.platform.apps.values()):
            if app.webhook and not app.builtin:
                self.verify_webhook(app.id)

    def close(self) -> None:
        self.dispatcher.close()
        self.journal.close()

    def tick(self) -> None:
        """Let virtual time act: fire due timers (retries, bot take-backs) and idle expiries."""
        self.clock.fire_due()
        self.platform.tick()

    def set_delivery_defaults(self, **policy: Any) -> None:
        """Change the policy and make it what every reset returns to (e.g. a short timeout)."""
        self.policy.update(**policy)
        self.delivery_defaults.update(policy)

    def reset(self, *, keep_apps: bool = True, mode: str | None = None) -> dict[str, Any]:
        """Back to the configured page: no users, threads, faults, timers or queued deliveries;
        page settings and delivery policy as configured; apps kept unless `keep_apps=False`."""
        self.dispatcher.reset()
        self.clock.clear_timers()
        self.platform.reset()
        self.faults.clear()
        self.bot.reset()
        # A fresh page starts at the configured time (or now): with no users left, nothing can
        # see time go backwards, so the next scenario may set any time it likes.
        self.clock.set(self.config.clock_start)
        configured = load_config(self.config.raw).settings
        settings = self.platform.settings
        for name in ("exclusive_send", "idle_expiry_s", "auto_deliveries", "require_messaging_type"):
            setattr(settings, name, getattr(configured, name))
        self.policy.update(**DeliveryPolicy().to_dict())
        self.policy.update(**self.delivery_defaults)
        if not keep_apps:
            for app_id in [a for a in self.platform.apps if a != PAGE_INBOX_APP_ID]:
                self.platform.remove_app(app_id)
            for app in load_config(self.config.raw).apps:
                self.platform.add_app(app)
        if mode is not None:
            self.set_mode(mode)
        self.journal.record("control", action="reset", detail={"keep_apps": keep_apps, "mode": mode})
        return self.describe()

    # -- configuration ---------------------------------------------------------------------------
    def set_mode(self, mode: str, *, exclusive_send: bool | None = None,
                 default_app_id: str | None | object = ...) -> dict[str, Any]:
        mode = Mode(mode).value
        if default_app_id is ...:
            default_app_id = self.default_app_by_mode.get(mode) if mode == Mode.CONVERSATION_ROUTING.value else None
            if default_app_id is not None and default_app_id not in self.platform.apps:
                default_app_id = None
        elif mode == Mode.CONVERSATION_ROUTING.value:
            self.default_app_by_mode[mode] = default_app_id  # type: ignore[assignment]
        self.platform.set_mode(mode, exclusive_send=exclusive_send, default_app_id=default_app_id)
        return self.platform.describe_mode()

    def upsert_app(self, data: dict[str, Any]) -> App:
        existing = self.platform.apps.get(str(data.get("id")))
        if existing is not None and existing.builtin:
            raise ValueError("the Page Inbox is built in and cannot be replaced")
        app = app_from_dict(data)
        if existing is not None and "fields" not in data:
            app.fields = existing.fields
        self.platform.add_app(app)
        self.journal.record("control", action="app", app_id=app.id, detail=app.public(with_secrets=False))
        if app.webhook:
            self.verify_webhook(app.id)
        return app

    def update_app(self, app_id: str, changes: dict[str, Any]) -> App:
        app = self.platform.app(app_id)
        if app.builtin:
            raise ValueError("the Page Inbox is built in and cannot be changed")
        simple = {"name": str, "secret": str, "page_token": str, "verify_token": str, "can_take": bool,
                  "require_appsecret_proof": bool, "human_agent": bool, "subscribed": bool, "fake_bot": bool}
        for key, value in changes.items():
            if key in simple:
                if simple[key] is bool and not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
                setattr(app, key, simple[key](value))
            elif key == "fields":
                app.fields = normalise_fields(value)
            elif key == "role":
                role = Role(value)
                if role is Role.PRIMARY:
                    self.platform.set_roles(app.id, [a.id for a in self.platform.apps.values()
                                                     if a.role is Role.SECONDARY or a.id != app.id])
                else:
                    app.role = role
            elif key != "webhook":
                raise ValueError(f"unknown app field {key!r}")
        self.journal.record("control", action="app", app_id=app.id, detail=changes)
        if "webhook" in changes:
            app.webhook = changes["webhook"] or None
            app.verified = False
            if app.webhook:
                self.verify_webhook(app.id)
        return app

    def verify_webhook(self, app_id: str) -> dict[str, Any]:
        app = self.platform.app(app_id)
        if not app.webhook:
            raise ValueError(f"app {app_id} has no webhook URL")
        started = time.perf_counter()
        result = verify_webhook(app.webhook, app.verify_token, timeout=self.policy.timeout_s)
        app.verified = result.ok
        return record_verification(self.journal, app.id, app.webhook, app.verify_token, result,
                                   round((time.perf_counter() - started) * 1000, 3))

    def inject_webhook(self, app_id: str, *, signing: str = "valid", psid: str | None = None,
                       text: str = "Hello", page_id: str | None = None) -> dict[str, Any]:
        """Send the app one user message that did not come from the platform (see injection.py)."""
        app = self.platform.app(app_id)
        if not app.webhook:
            raise ValueError(f"app {app_id} has no webhook URL")
        page = str(page_id or self.platform.page_id)
        ts = self.clock.now_ms()
        event = events.user_message(str(psid or new_psid()), page, ts, new_mid(), text=text)
        body = {"object": "page", "entry": [{"id": page, "time": ts, "messaging": [event]}]}
        return inject(self.journal, app_id=app.id, url=app.webhook, secret=app.secret, body=body,
                      signing=signing, timeout=self.policy.timeout_s)

    def _graph_set_webhook(self, app: App, url: str, verify_token: str) -> bool:
        app.webhook, app.verify_token, app.verified = url, verify_token, False
        return bool(self.verify_webhook(app.id).get("ok"))

    # -- users -----------------------------------------------------------------------------------
    def create_user(self, locale: str | None = None, **profile: Any) -> dict[str, Any]:
        user = make_user(locale, **profile)
        self.platform.add_user(user)
        return user.profile() | {"psid": user.psid, "phone_only": user.phone_only}

    def describe(self) -> dict[str, Any]:
        platform = self.platform
        return {"page": {"id": platform.page_id, "name": platform.settings.name},
                **platform.describe_mode(),
                "apps": [a.public() for a in platform.apps.values()],
                "delivery": self.policy.to_dict(), "clock": self.clock_view(),
                "journal": str(self.journal.path) if self.journal.path else None}

    def clock_view(self) -> dict[str, Any]:
        return {"now_ms": self.clock.peek_ms(), "now": self.clock.now().isoformat(timespec="milliseconds"),
                "frozen": self.clock.frozen, "pending_timers": len(self.clock.pending())}

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        self.clock.advance(seconds)
        self.platform.tick()
        self.journal.record("clock", action="advance", seconds=seconds, now_ms=self.clock.peek_ms())
        return self.clock_view()
