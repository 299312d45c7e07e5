"""Steps that move the simulator's virtual clock (nothing sleeps: timers fire as time jumps)."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from scenarios.context import ScenarioContext

SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@given(parsers.re(r"(?P<count>\d+) (?P<unit>minute|hour|day)s? (?:have )?pass(?:ed)?"))
@when(parsers.re(r"(?P<count>\d+) (?P<unit>minute|hour|day)s? pass(?:es)?"))
def _(scenario_context: ScenarioContext, count: str, unit: str) -> None:
    scenario_context.client.advance_clock(int(count) * SECONDS[unit])
    scenario_context.settle()
