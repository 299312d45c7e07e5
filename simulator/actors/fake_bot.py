"""Runs the fake bot inside the simulator for every app marked `fake_bot` that has no webhook.

The bot's decisions come from `BotBrain` (pure logic, shared with the separately-run reference
bot); this runner receives its webhooks in-process and makes its Graph calls through the same
GraphService as HTTP clients, so they are validated and journaled (transport `internal`).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any, Callable

from simulator.actors.bot_brain import BotBrain, BotSettings, GraphCall

if TYPE_CHECKING:
    from simulator.simulation import Simulation

class FakeBotRunner:
    """One brain per fake-bot app; settings shared and changeable through the control API."""

    def __init__(self, simulation: "Simulation", settings: dict[str, Any] | None = None) -> None:
        self.simulation = simulation
        self._initial = dict(settings or {})
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.enabled = bool(self._initial.get("enabled", True))
            self.settings = BotSettings.from_dict({k: v for k, v in self._initial.items() if k != "enabled"})
            self._brains: dict[str, BotBrain] = {}

    def describe(self) -> dict[str, Any]:
        return self.settings.to_dict() | {"enabled": self.enabled}

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        changes = dict(changes)
        with self._lock:
            if "enabled" in changes:
                self.enabled = bool(changes.pop("enabled"))
            self.settings = BotSettings.from_dict(changes, self.settings)
            for brain in self._brains.values():
                brain.update_settings(**changes)
        self.simulation.journal.record("control", action="bot", detail=self.describe())
        return self.describe()

    def _brain(self, app_id: str) -> BotBrain:
        with self._lock:
            if app_id not in self._brains:
                self._brains[app_id] = BotBrain(app_id, self.settings)
            return self._brains[app_id]

    def handler_for(self, app_id: str) -> Callable[[bytes, dict[str, str]], int]:
        """The in-process 'webhook' of a fake-bot app: returns the HTTP status it answers."""

        def handle(body: bytes, headers: dict[str, str]) -> int:
            if not self.enabled:
                return 200
            payload = json.loads(body)
            brain = self._brain(app_id)
            for entry in payload.get("entry", []):
                for channel in ("messaging", "standby"):
                    for event in entry.get(channel, []) or []:
                        for call in brain.on_event(channel, event):
                            self._execute(app_id, call)
            return 200

        return handle

    def _execute(self, app_id: str, call: GraphCall) -> None:
        sim = self.simulation
        app = sim.platform.apps.get(app_id)
        if app is None:
            return
        answer = sim.graph.handle(call.method, f"/v19.0/me/{call.edge}", query={"access_token": app.page_token},
                                  json_body=call.body, transport="internal")
        seconds = self.settings.take_back_after_seconds
        if call.edge == "pass_thread_control" and answer.status == 200 and seconds:
            sim.clock.call_later(seconds, lambda: self._take_back(app_id), name=f"bot-take-back:{call.psid}")

    def _take_back(self, app_id: str) -> None:
        """Optional take-back after an idle period on the virtual clock (issue #3)."""
        for call in self._brain(app_id).on_tick(self.simulation.clock.peek_ms()):
            self._execute(app_id, call)
