"""Where webhooks go: the `Directory` seam the dispatcher reads, its `Endpoint`, and a dict-backed one."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Callable, Protocol

# An in-process receiver: gets the exact bytes and headers, returns an HTTP status.
Handler = Callable[[bytes, dict[str, str]], int]


@dataclass(frozen=True)
class Endpoint:
    """One app's webhook as the platform knows it right now."""

    app_id: str
    secret: str
    url: str | None = None
    handler: Handler | None = None      # used instead of HTTP when set (reference SUTs in-process)
    verified: bool = False              # the hub.challenge handshake succeeded (spec §4.1)
    subscribed: bool = True             # the app is subscribed to the page (spec §2.12, §4.4)
    page_id: str = ""                   # informational; entries take the Notification's page_id


class Directory(Protocol):
    """What the dispatcher needs from the platform.

    Called from worker threads (and never from `Dispatcher.submit`), with no dispatcher lock
    held, so an implementation may take the platform's own lock.
    """

    def endpoint(self, app_id: str) -> Endpoint | None:
        """The app's current endpoint, or None when the app is unknown or has no webhook."""
        ...

    def unsubscribe(self, app_id: str, reason: str) -> None:
        """Unsubscribe the app from the page (after `unsubscribe_after_s` of failure, spec §4.4)."""
        ...


class StaticDirectory:
    """A thread-safe dict of endpoints; enough for tests, benchmarks and simple embeddings."""

    def __init__(self, endpoints: list[Endpoint] | None = None) -> None:
        self._lock = threading.Lock()
        self._endpoints = {e.app_id: e for e in endpoints or []}
        self.unsubscribed: list[tuple[str, str]] = []

    def put(self, endpoint: Endpoint) -> None:
        with self._lock:
            self._endpoints[endpoint.app_id] = endpoint

    def change(self, app_id: str, **changes: object) -> Endpoint:
        with self._lock:
            endpoint = replace(self._endpoints[app_id], **changes)
            self._endpoints[app_id] = endpoint
            return endpoint

    def endpoint(self, app_id: str) -> Endpoint | None:
        with self._lock:
            return self._endpoints.get(app_id)

    def unsubscribe(self, app_id: str, reason: str) -> None:
        with self._lock:
            self.unsubscribed.append((app_id, reason))
            if app_id in self._endpoints:
                self._endpoints[app_id] = replace(self._endpoints[app_id], subscribed=False)
