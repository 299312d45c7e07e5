"""Simulator configuration: a TOML file (or dict) -> page settings, apps, delivery, clock, bot.

With no file the documented default page is used (docs/configuration.md): one bot app as the
Primary Receiver answered by the in-process fake bot, one contact-centre app as a Secondary
Receiver, and the built-in Page Inbox.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.domain.model import App, Mode, PageSettings, Role, normalise_fields

DEFAULT_FIELDS = ["messages", "messaging_postbacks", "message_echoes", "message_deliveries", "message_reads",
                  "message_reactions", "messaging_referrals", "messaging_handovers", "standby"]

DEFAULT_CONFIG: dict[str, Any] = {
    "mode": "legacy_hop",
    "exclusive_send": False,
    "page": {"id": "1000000000000001", "name": "Acme Support"},
    "apps": [
        {"id": "640000000000001", "name": "Acme Bot", "secret": "bot-secret", "page_token": "BOT_TOKEN",
         "verify_token": "bot-verify", "role": "primary", "fake_bot": True, "fields": DEFAULT_FIELDS},
        {"id": "256859710996832", "name": "Contact centre", "secret": "cc-secret", "page_token": "CC_TOKEN",
         "verify_token": "cc-verify", "role": "secondary", "fields": DEFAULT_FIELDS},
    ],
    "conversation_routing": {"default_app_id": "640000000000001"},
}

APP_KEYS = {"id", "name", "secret", "page_token", "webhook", "verify_token", "role", "fields", "can_take",
            "require_appsecret_proof", "human_agent", "subscribed", "fake_bot"}


@dataclass
class SimConfig:
    settings: PageSettings
    apps: list[App]
    default_app_by_mode: dict[str, str | None] = field(default_factory=dict)
    delivery: dict[str, Any] = field(default_factory=dict)
    bot: dict[str, Any] = field(default_factory=dict)
    clock_start: datetime | float | None = None
    frozen_clock: bool = False
    human_handoff_app_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def load_config(source: str | Path | dict[str, Any] | None = None) -> SimConfig:
    """Read a TOML path or a dict; None gives the default page. Raises ValueError on bad input."""
    if source is None:
        raw = DEFAULT_CONFIG
    elif isinstance(source, dict):
        raw = source
    else:
        try:
            raw = tomllib.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read config {source}: {exc}") from exc
    return parse_config(raw)


def app_from_dict(data: dict[str, Any]) -> App:
    unknown = set(data) - APP_KEYS
    if unknown:
        raise ValueError(f"unknown app keys: {sorted(unknown)}")
    for key in ("id", "name"):
        if not data.get(key):
            raise ValueError(f"every app needs {key!r}")
    try:
        role = Role(data.get("role", "none"))
    except ValueError:
        raise ValueError(f"app {data['id']}: role must be primary, secondary or none") from None
    app = App(id=str(data["id"]), name=str(data["name"]), secret=str(data.get("secret", "")),
              page_token=str(data.get("page_token", "")), webhook=data.get("webhook") or None,
              verify_token=str(data.get("verify_token", "")), role=role,
              can_take=bool(data.get("can_take", True)),
              require_appsecret_proof=bool(data.get("require_appsecret_proof", False)),
              human_agent=bool(data.get("human_agent", True)), subscribed=bool(data.get("subscribed", True)),
              fake_bot=bool(data.get("fake_bot", False)))
    if "fields" in data:
        app.fields = normalise_fields(data["fields"])
    if not app.id.isdigit():
        raise ValueError(f"app id {app.id!r} must be numeric")
    return app


def parse_config(raw: dict[str, Any]) -> SimConfig:
    page = raw.get("page", {})
    try:
        mode = Mode(raw.get("mode", "legacy_hop"))
    except ValueError:
        raise ValueError("mode must be legacy_hop, hop_v2 or conversation_routing") from None
    cr = raw.get("conversation_routing", {})
    settings = PageSettings(id=str(page.get("id", "1000000000000001")), name=str(page.get("name", "Acme Support")),
                            mode=mode, exclusive_send=bool(raw.get("exclusive_send", False)),
                            default_app_id=cr.get("default_app_id"),
                            idle_expiry_s=int(raw.get("idle_expiry_s", 24 * 3600)),
                            auto_deliveries=bool(raw.get("auto_deliveries", True)),
                            require_messaging_type=bool(raw.get("require_messaging_type", False)))
    if not settings.id.isdigit():
        raise ValueError("page id must be numeric")
    apps = [app_from_dict(a) for a in raw.get("apps", [])]
    ids = [a.id for a in apps]
    if len(ids) != len(set(ids)):
        raise ValueError("app ids must be unique")
    if sum(a.role is Role.PRIMARY for a in apps) > 1:
        raise ValueError("only one app can be the Primary Receiver")
    clock = raw.get("clock", {})
    start = clock.get("start")
    if isinstance(start, str):
        start = datetime.fromisoformat(start.replace("Z", "+00:00"))
    return SimConfig(settings=settings, apps=apps, delivery=dict(raw.get("delivery", {})),
                     bot=dict(raw.get("bot", {})), clock_start=start, frozen_clock=bool(clock.get("frozen", False)),
                     human_handoff_app_id=raw.get("human_handoff_app_id"), raw=raw)
