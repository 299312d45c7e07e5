"""The catalogue of realistic defects the reference systems can be started with (`--defect`)."""

from __future__ import annotations

from dataclasses import dataclass

SECONDARY = "secondary"
PRIMARY = "primary"


@dataclass(frozen=True)
class Defect:
    """One switchable mistake: its name, the role it belongs to, what it does, the rule it breaks."""

    name: str
    role: str
    description: str
    rule: str

    def line(self) -> str:
        return f"{self.name}: {self.description} ({self.role}; breaks {self.rule})"


DEFECTS: tuple[Defect, ...] = (
    # -- the contact centre (secondary receiver) ------------------------------------------------
    Defect("accepts-unsigned", SECONDARY,
           "processes webhooks with missing or forged signatures", "HOP-SIG-SHA256"),
    Defect("sha1-only", SECONDARY,
           "checks only X-Hub-Signature (SHA-1) and ignores a wrong or missing X-Hub-Signature-256",
           "HOP-SIG-SHA256"),
    Defect("reserialized-body-signature", SECONDARY,
           "verifies the signature over JSON re-serialised from the parsed body, not the raw bytes",
           "HOP-SIG-RAW"),
    Defect("accepts-wrong-verify-token", SECONDARY,
           "answers the hub.challenge whatever hub.verify_token says", "HOP-VERIFY-TOKEN"),
    Defect("replies-while-not-owner", SECONDARY,
           "sends agent replies without take/request in hop_v2 and conversation_routing and gives up on 2018300",
           "HOP-SEND-OWNER"),
    Defect("close-without-passback", SECONDARY,
           "closing with pass_to_bot only updates its own inbox and never calls pass_thread_control",
           "HOP-CLOSE-PASSBACK"),
    Defect("pass-to-wrong-app", SECONDARY,
           "passes control back to the Page Inbox id instead of the primary (bot) app", "HOP-PASS-TARGET"),
    Defect("replies-after-take", SECONDARY,
           "ignores take_thread_control and keeps replying as if it still owned the thread", "HOP-TAKE-STOP"),
    Defect("no-reopen", SECONDARY,
           "a new user message leaves a closed conversation in Closed instead of reopening it in New",
           "HOP-REOPEN-NEW"),
    Defect("answers-standby", SECONDARY,
           "treats standby messages as its own: routes them to an agent and sends its greeting",
           "HOP-ROUTE-STANDBY-SILENT"),
    Defect("crash-on-standby", SECONDARY,
           "reads entry['messaging'] unconditionally and answers 500 to a standby-only entry",
           "HOP-ROBUST-STANDBY"),
    Defect("not-idempotent", SECONDARY,
           "does not deduplicate by mid, watermark or handover timestamp: duplicates are processed twice",
           "HOP-IDEMPOTENT-MID"),
    Defect("no-human-agent-tag", SECONDARY,
           "replies more than 24 h after the user's last message without the HUMAN_AGENT tag",
           "HOP-WINDOW-HUMAN-AGENT"),
    Defect("deprecated-tag", SECONDARY,
           "replies after 24 h with MESSAGE_TAG ACCOUNT_UPDATE (deprecated) instead of HUMAN_AGENT",
           "HOP-TAG-DEPRECATED"),
    Defect("answers-own-echoes", SECONDARY,
           "feeds message echoes into its user-message pipeline (auto-replies to and reopens on its own echoes)",
           "HOP-ECHO-LOOP"),
    Defect("slow-webhook", SECONDARY,
           "acknowledges each webhook only after a real delay longer than the platform timeout",
           "HOP-DELIVERY-TIMEOUT"),
    Defect("other-page-entries", SECONDARY,
           "processes entries of a page it is not installed for as if they were its own page's",
           "HOP-PAGE-SCOPE"),
    # -- the bot (primary receiver) -------------------------------------------------------------
    Defect("bot-no-greeting-on-return", PRIMARY,
           "does not greet the user again when control is passed back to it", "HOP-BOT-GREET-RETURN"),
    Defect("bot-ignores-request", PRIMARY,
           "never answers request_thread_control (no handler for the event)", "HOP-BOT-REQUEST"),
    Defect("bot-escalates-to-inbox", PRIMARY,
           "escalates to the Page Inbox (263902037430900) instead of the contact centre",
           "HOP-BOT-ESCALATE-TARGET"),
    Defect("bot-crash-on-standby", PRIMARY,
           "reads entry['messaging'] unconditionally and answers 500 to a standby-only entry",
           "HOP-ROBUST-STANDBY"),
    Defect("bot-answers-echoes", PRIMARY,
           "treats its own echoes as user messages and answers them (an echo loop)", "HOP-ECHO-LOOP"),
    Defect("bot-answers-standby", PRIMARY,
           "answers user messages that arrive on standby while the contact centre owns the thread",
           "HOP-ROUTE-STANDBY-SILENT"),
)

BY_NAME: dict[str, Defect] = {d.name: d for d in DEFECTS}


def get(name: str | None) -> Defect | None:
    """The defect called `name` (None for None); unknown names raise KeyError listing the known."""
    if name is None:
        return None
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown defect {name!r}; known: {', '.join(BY_NAME)}") from None


def for_role(role: str) -> tuple[Defect, ...]:
    return tuple(d for d in DEFECTS if d.role == role)
