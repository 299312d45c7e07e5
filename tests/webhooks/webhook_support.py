"""Shared helpers of the webhook tests: ids, a message Notification, a free port, the Harness."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field

from simulator.domain.clock import VirtualClock
from simulator.domain.notifications import Notification
from simulator.journal import Journal
from simulator.webhooks import Dispatcher, Endpoint, StaticDirectory
from simulator.webhooks.receiver import WebhookReceiver

PAGE_ID = "1000000000000001"
APP_A = "256859710996832"
APP_B = "444444444444444"
PSID = "7000000000000001"
START = 1_700_000_000  # epoch seconds; frozen so only `advance` moves time


def message(text: str, *, app_id: str = APP_A, psid: str = PSID, ts: int = 1_700_000_000_000,
            channel: str = "messaging") -> Notification:
    event = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": ts,
             "message": {"mid": f"m_{text}", "text": text}}
    return Notification(app_id=app_id, channel=channel, field="messages", event=event,
                        event_type="message", psid=psid, page_id=PAGE_ID)


def free_port() -> int:
    """A loopback port with nothing listening (bound then released), for refused connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Harness:
    clock: VirtualClock
    journal: Journal
    receiver: WebhookReceiver
    directory: StaticDirectory
    dispatcher: Dispatcher
    paths: dict[str, str] = field(default_factory=dict)

    def add_app(self, app_id: str, *, secret: str | None = None, verified: bool = True) -> str:
        path = f"/hook/{app_id}"
        secret = secret or f"secret-{app_id}"
        url = self.receiver.route(path, secret=secret, verify_token=f"verify-{app_id}")
        self.directory.put(Endpoint(app_id=app_id, secret=secret, url=url, verified=verified,
                                    page_id=PAGE_ID))
        self.paths[app_id] = path
        return path

    def deliveries(self, app_id: str | None = None, **match: object) -> list[dict]:
        entries = self.journal.query(kind="delivery", app_id=app_id)
        return [e for e in entries if all(e.get(k) == v for k, v in match.items())]

    def texts(self, app_id: str) -> list[str]:
        """Message texts in the order the receiver got them (one per event)."""
        texts = []
        for item in self.receiver.received(self.paths[app_id]):
            for entry in json.loads(item.raw)["entry"]:
                for event in entry.get("messaging", []) + entry.get("standby", []):
                    texts.append(event["message"]["text"])
        return texts

    def drain(self) -> None:
        assert self.dispatcher.drain(timeout=10), "dispatcher did not go idle within 10 s"
