"""The reference bot as its own process (the primary-role SUT): BotBrain behind a real webhook."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify, request

from scenarios.reference import defects as catalogue
from scenarios.reference.common import (
    DEFAULT_BOT_APP_ID, DEFAULT_PAGE_ID, GRAPH_VERSION, PAGE_INBOX_APP_ID, WEBHOOK_FIELDS, GraphClient,
    GraphResult, HookError, VirtualTime, add_webhook_routes, install_error_handlers, json_body, run_calls,
    signature_problem,
)
from simulator.actors.bot_brain import BotBrain, BotSettings, BotThread, GraphCall

ECHO_LOOP_CUT = 3  # bot-answers-echoes: rounds per user before the loop is cut, so a test run survives


@dataclass(frozen=True)
class BotProcessSettings:
    """Credentials and page of the bot app, plus the brain's settings and an optional defect."""

    app_id: str = DEFAULT_BOT_APP_ID
    secret: str = "bot-secret"
    page_token: str = "BOT_TOKEN"
    verify_token: str = "bot-verify"
    page_id: str = DEFAULT_PAGE_ID
    graph_url: str = f"http://127.0.0.1:8080/{GRAPH_VERSION}"
    clock_url: str | None = None
    defect: str | None = None
    bot: BotSettings = field(default_factory=BotSettings)
    name: str = "Reference bot"


class DefectiveBotBrain(BotBrain):
    """BotBrain with one catalogue defect wired into the step it breaks."""

    def __init__(self, app_id: str, settings: BotSettings, defect: str) -> None:
        super().__init__(app_id, settings)
        self.defect = defect
        self._echo_rounds: dict[str, int] = {}

    def ignores(self, channel: str, kind: str, event: dict[str, Any]) -> bool:
        if self.defect == "bot-answers-echoes" and kind == "echo":
            psid = self._psid(event, kind) or ""
            self._echo_rounds[psid] = self._echo_rounds.get(psid, 0) + 1
            return self._echo_rounds[psid] > ECHO_LOOP_CUT
        if self.defect == "bot-answers-standby" and channel == "standby" and kind in ("message", "postback"):
            return False
        return super().ignores(channel, kind, event)

    def dispatch(self, thread: BotThread, kind: str, event: dict[str, Any]) -> list[GraphCall]:
        if kind == "echo" and self.defect == "bot-answers-echoes":
            return self.on_message(thread, event)  # no is_echo check: its own words look like the user's
        return super().dispatch(thread, kind, event)

    def on_pass(self, thread: BotThread, handover: dict[str, Any], ts: int | None) -> list[GraphCall]:
        calls = super().on_pass(thread, handover, ts)
        if self.defect == "bot-no-greeting-on-return":
            return []  # ownership is tracked, but nobody wrote the "welcome back" branch
        return calls

    def on_request(self, thread: BotThread, request: dict[str, Any]) -> list[GraphCall]:
        if self.defect == "bot-ignores-request":
            return []
        return super().on_request(thread, request)

    def escalation_target(self) -> str:
        if self.defect == "bot-escalates-to-inbox":
            return PAGE_INBOX_APP_ID
        return super().escalation_target()


class ReferenceBot:
    """Verifies and parses webhooks, feeds the brain, and makes its Graph calls in order."""

    def __init__(self, settings: BotProcessSettings) -> None:
        catalogue.get(settings.defect)
        self.settings = settings
        self.defect = settings.defect
        if settings.defect:
            self.brain: BotBrain = DefectiveBotBrain(settings.app_id, settings.bot, settings.defect)
        else:
            self.brain = BotBrain(settings.app_id, settings.bot)
        self.graph = GraphClient(settings.graph_url, settings.page_token, settings.secret)
        self.clock = VirtualTime(settings.clock_url)
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.rejected_webhooks = 0
        self.ignored_entries = 0

    def _log(self, call: GraphCall, result: GraphResult) -> None:
        with self._lock:
            self.calls.append({"edge": call.edge, "body": call.body, **result.summary()})

    def execute(self, calls: list[GraphCall]) -> list[GraphResult]:
        return run_calls(calls, self.graph, on_result=self._log)

    def handle_webhook(self, raw: bytes, headers: Any) -> tuple[Any, int]:
        problem = signature_problem(raw, headers, self.settings.secret)
        if problem:
            self.rejected_webhooks += 1
            return {"error": {"message": problem}}, 403
        try:
            payload = json.loads(raw)
        except ValueError:
            return {"error": {"message": "body is not JSON"}}, 400
        if not isinstance(payload, dict) or payload.get("object") != "page":
            return "EVENT_RECEIVED", 200
        for entry in payload.get("entry") or []:
            if str(entry.get("id")) != self.settings.page_id:
                self.ignored_entries += 1
                continue
            if self.defect == "bot-crash-on-standby":
                events = [("messaging", e) for e in entry["messaging"]]  # the defect: KeyError -> 500
            else:
                events = [(channel, e) for channel in ("messaging", "standby") for e in entry.get(channel) or []]
            for channel, event in events:
                if not isinstance(event, dict):
                    continue
                self.clock.observe(event.get("timestamp"))
                calls = self.brain.on_tick(self.clock.seen_ms()) + self.brain.on_event(channel, event)
                self.execute(calls)
        return "EVENT_RECEIVED", 200

    def escalate(self, psid: str) -> dict[str, Any]:
        with self.brain._lock:
            calls = self.brain.escalate(self.brain.thread(psid))
        results = self.execute(calls)
        return {"ok": all(r.ok for r in results), "graph": [r.summary() for r in results]}

    def take(self, psid: str) -> dict[str, Any]:
        result = self.graph.post("take_thread_control", {"recipient": {"id": psid},
                                                         "metadata": "The bot takes the conversation back"})
        if result.ok:
            with self.brain._lock:
                thread = self.brain.thread(psid)
                thread.owner, thread.escalated_at_ms = self.settings.app_id, None
        return {"ok": result.ok, "graph": [result.summary()]}

    def tick(self, now_ms: int | None) -> dict[str, Any]:
        results = self.execute(self.brain.on_tick(now_ms if now_ms is not None else self.clock.now_ms()))
        return {"ok": all(r.ok for r in results), "graph": [r.summary() for r in results]}

    def register(self, webhook_url: str) -> list[GraphResult]:
        fields_csv = ",".join(WEBHOOK_FIELDS)
        s = self.settings
        subscription = self.graph.call("POST", f"{s.app_id}/subscriptions", {
            "object": "page", "callback_url": webhook_url, "verify_token": s.verify_token,
            "fields": fields_csv, "include_values": True}, token=f"{s.app_id}|{s.secret}", edge="subscriptions")
        page = self.graph.post("subscribed_apps", {"subscribed_fields": fields_csv})
        return [subscription, page]


def create_bot_app(settings: BotProcessSettings) -> Flask:
    """The reference bot as a Flask app: `/webhook` plus the bot-role `/hooks/...`."""
    bot = ReferenceBot(settings)
    app = Flask("reference_bot")
    app.extensions["reference_sut"] = bot
    install_error_handlers(app)

    add_webhook_routes(app, bot, settings.verify_token)

    @app.get("/hooks/capabilities")
    def capabilities():  # type: ignore[no-untyped-def]
        return jsonify({"roles": ["primary"], "name": settings.name, "app_id": settings.app_id,
                        "actions": ["bot_state", "escalate", "bot_take", "bot_settings", "tick", "reset"]})

    @app.get("/hooks/health")
    def health():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True, "role": "primary", "app_id": settings.app_id,
                        "rejected_webhooks": bot.rejected_webhooks, "ignored_entries": bot.ignored_entries})

    @app.get("/hooks/bot/state/<psid>")
    def state(psid: str):  # type: ignore[no-untyped-def]
        return jsonify(bot.brain.state(psid))

    @app.post("/hooks/bot/escalate")
    def escalate():  # type: ignore[no-untyped-def]
        return jsonify(bot.escalate(json_body("psid")["psid"]))

    @app.post("/hooks/bot/take")
    def take():  # type: ignore[no-untyped-def]
        return jsonify(bot.take(json_body("psid")["psid"]))

    @app.route("/hooks/bot/settings", methods=["GET", "PATCH"])
    def bot_settings():  # type: ignore[no-untyped-def]
        if request.method == "PATCH":
            try:
                bot.brain.update_settings(**json_body())
            except (ValueError, TypeError, KeyError) as exc:
                raise HookError(str(exc)) from None
        return jsonify(bot.brain.settings.to_dict())

    @app.post("/hooks/bot/tick")
    def tick():  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True)
        now_ms = body.get("now_ms") if isinstance(body, dict) else None
        if now_ms is not None and (isinstance(now_ms, bool) or not isinstance(now_ms, int)):
            raise HookError("'now_ms' must be an integer (epoch milliseconds)")
        return jsonify(bot.tick(now_ms))

    @app.get("/hooks/bot/calls")
    def calls():  # type: ignore[no-untyped-def]
        return jsonify({"data": list(bot.calls)})

    @app.post("/hooks/reset")
    def reset():  # type: ignore[no-untyped-def]
        bot.brain.reset()
        return jsonify({"ok": True})

    return app
