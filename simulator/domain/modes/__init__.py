"""One module per protocol mode; `rules_for` picks the rules a page runs under."""

from __future__ import annotations

from simulator.domain.model import Mode
from simulator.domain.modes.base import Ctx, ModeRules, RequestOutcome
from simulator.domain.modes.conversation_routing import ConversationRoutingRules
from simulator.domain.modes.hop_v2 import HopV2Rules
from simulator.domain.modes.legacy_hop import LegacyHopRules

_RULES: dict[Mode, ModeRules] = {
    Mode.LEGACY_HOP: LegacyHopRules(),
    Mode.HOP_V2: HopV2Rules(),
    Mode.CONVERSATION_ROUTING: ConversationRoutingRules(),
}


def rules_for(mode: Mode | str) -> ModeRules:
    return _RULES[Mode(mode)]


__all__ = ["Ctx", "ModeRules", "RequestOutcome", "rules_for"]
