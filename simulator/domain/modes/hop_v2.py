"""`hop_v2` (2021-2025): threads start idle, the owner sends exclusively, control expires (spec §1.3)."""

from __future__ import annotations

from simulator.domain.model import Mode
from simulator.domain.modes.base import ModeRules


class HopV2Rules(ModeRules):
    """HOP v2 is the base behaviour; this module only names it."""

    mode = Mode.HOP_V2
