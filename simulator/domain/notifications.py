"""Notifications: what the platform decided to tell one app, before any envelope or network.

The domain produces these; `simulator.webhooks` wraps them in Meta's envelope, signs and
delivers them. Keeping the decision (who hears what, on which channel) apart from the transport
lets the routing rules be tested without a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notification:
    """One webhook event for one app.

    `channel` is the entry key it travels under (`messaging` or `standby`); `field` is the
    subscription field that must be on for the app to get it (spec §2.12); `event` is the
    messaging object exactly as Meta shapes it (spec §3).
    """

    app_id: str
    channel: str
    field: str
    event: dict[str, Any]
    event_type: str
    psid: str | None = None
    page_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
