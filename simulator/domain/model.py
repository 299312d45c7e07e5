"""The page, its connected apps, its users and their threads: plain state, no rules.

Rules that read or change this state live in `modes/` (ownership), `window.py` (send policy)
and `platform.py` (orchestration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PAGE_INBOX_APP_ID = "263902037430900"
INSTAGRAM_INBOX_APP_ID = "1217981644879628"

ALL_FIELDS = (
    "messages", "messaging_postbacks", "message_echoes", "message_deliveries", "message_reads",
    "message_reactions", "messaging_referrals", "messaging_optins", "messaging_handovers",
    "messaging_policy_enforcement", "standby",
)
# The CR doc spells the field in the singular; the webhook reference and clients use the plural.
FIELD_ALIASES = {"messaging_handover": "messaging_handovers"}


class Mode(StrEnum):
    LEGACY_HOP = "legacy_hop"
    HOP_V2 = "hop_v2"
    CONVERSATION_ROUTING = "conversation_routing"


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    NONE = "none"


def normalise_fields(fields: Any) -> set[str]:
    """Accept a list or a comma-separated string; fold aliases; reject unknown names."""
    if fields is None:
        return set()
    if isinstance(fields, str):
        items = [f.strip() for f in fields.split(",")]
    else:
        items = [str(f).strip() for f in fields]
    result = set()
    for item in items:
        if not item:
            continue
        item = FIELD_ALIASES.get(item, item)
        if item not in ALL_FIELDS:
            raise ValueError(f"unknown webhook field {item!r}")
        result.add(item)
    return result


@dataclass
class App:
    """An app connected to the page, as the platform knows it."""

    id: str
    name: str
    secret: str = ""
    page_token: str = ""
    webhook: str | None = None
    verify_token: str = ""
    role: Role = Role.NONE
    fields: set[str] = field(default_factory=lambda: set(ALL_FIELDS))
    can_take: bool = True
    require_appsecret_proof: bool = False
    human_agent: bool = True
    subscribed: bool = True
    verified: bool = False
    builtin: bool = False  # the Page Inbox: no webhook, driven by the control API
    fake_bot: bool = False  # answered by the in-process fake bot while no external webhook is set

    def public(self, *, with_secrets: bool = True) -> dict[str, Any]:
        data = {"id": self.id, "name": self.name, "webhook": self.webhook, "role": str(self.role),
                "fields": sorted(self.fields), "can_take": self.can_take,
                "require_appsecret_proof": self.require_appsecret_proof, "human_agent": self.human_agent,
                "subscribed": self.subscribed, "verified": self.verified, "builtin": self.builtin,
                "fake_bot": self.fake_bot}
        if with_secrets:
            data.update(secret=self.secret, page_token=self.page_token, verify_token=self.verify_token)
        return data

    @property
    def app_token(self) -> str:
        return f"{self.id}|{self.secret}"


@dataclass
class User:
    """A Messenger user of this page, with a page-scoped id and a profile."""

    psid: str
    first_name: str
    last_name: str
    locale: str = "en_US"
    timezone: int = 0
    gender: str = "unknown"
    profile_pic: str = ""
    phone_only: bool = False
    last_input_ms: int | None = None  # last user action that opens the messaging window (spec §5.1)

    def profile(self) -> dict[str, Any]:
        return {"id": self.psid, "name": f"{self.first_name} {self.last_name}", "first_name": self.first_name,
                "last_name": self.last_name, "profile_pic": self.profile_pic, "locale": self.locale,
                "timezone": self.timezone, "gender": self.gender}


@dataclass
class OwnershipChange:
    ts: int
    from_app_id: str | None
    to_app_id: str | None
    cause: str
    by_app_id: str | None = None


@dataclass
class Thread:
    """One conversation between the page and a user, with its owner (None = idle)."""

    psid: str
    owner_app_id: str | None = None
    expires_at_ms: int | None = None
    inbox_folder: str = "done"  # Page Inbox folder: "main" while humans handle it (spec §1.6)
    history: list[OwnershipChange] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    watermark_read: int = 0

    @property
    def state(self) -> str:
        return "active" if self.owner_app_id else "idle"


@dataclass
class PageSettings:
    """Page-level handover configuration (mode and the switches each mode reads)."""

    id: str = "1000000000000001"
    name: str = "Acme Support"
    mode: Mode = Mode.LEGACY_HOP
    # legacy_hop only: may a non-owner send? Early docs said yes (issue #2 default: false).
    exclusive_send: bool = False
    # conversation_routing: the default application (None = zero-config).
    default_app_id: str | None = None
    idle_expiry_s: int = 24 * 3600
    max_extend_s: int = 7 * 24 * 3600
    auto_deliveries: bool = True  # the user's device acknowledges each page message
    require_messaging_type: bool = False
