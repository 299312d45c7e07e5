"""`--sut reference`: the reference contact centre or bot, started in-process, optionally with a defect."""

from __future__ import annotations

from typing import Any

from scenarios.sut.base import SutConfig
from scenarios.sut.http import HttpHooksAdapter

# The reference systems' working hours for the out-of-hours scenarios (Tactium seed), in UTC.
REFERENCE_OPENING_HOURS = "mon-fri 08:00-18:00"


class ReferenceAdapter(HttpHooksAdapter):
    """Starts `scenarios.reference` against the simulator and drives it through its hooks."""

    name = "reference"
    # The reference systems act before acknowledging a webhook and hooks return after their Graph
    # calls, so once the simulator has drained, everything they will do is in the journal.
    settle_s = 0.0
    wait_s = 2.0

    def __init__(self, *, role: str | None = None, defect: str | None = None, config: SutConfig | None = None) -> None:
        from scenarios.reference.runner import role_for
        self.defect = defect
        super().__init__(None, role=role_for(role or ("secondary" if defect is None else None), defect),
                         config=config)
        if not self.config.opening_hours and self.role == "secondary":
            self.config.opening_hours = REFERENCE_OPENING_HOURS
        self.running: Any = None

    def start(self, sim_url: str, sim_config: dict[str, Any]) -> None:
        from scenarios.reference.runner import start_reference_sut
        options = dict(self.config.options)
        if self.role == "secondary":
            options.setdefault("business_hours", self.config.opening_hours)
            # Twice the run's platform timeout (1 s by default): late, yet bounded for CI.
            options.setdefault("slow_seconds", 2.0)
        self.running = start_reference_sut(self.role, sim_url, defect=self.defect, options=options)
        self.base_url = self.running.base_url
        self.app_id = self.running.app_id

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None
        super().stop()

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "defect": self.defect}
