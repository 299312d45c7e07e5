"""Against the reference systems every scenario is PASS or NOT_APPLICABLE, in every mode."""

from __future__ import annotations

import pytest

from tests.suite.conftest import SuiteRuns, handover_run

GOOD = {"PASS", "NOT_APPLICABLE"}
# The whole matrix: far heavier than one defect's scenarios (weights are rough run costs).
ROLE_RUNS = [pytest.param(role, id=role, marks=handover_run(f"reference-{role}", "--sut", "reference", "--role", role,
                                                            weight=weight))
             for role, weight in (("secondary", 8), ("primary", 2))]


@pytest.mark.integration
@pytest.mark.parametrize("role", ROLE_RUNS)
def test_reference_sut_passes_every_scenario(request: pytest.FixtureRequest, suite_runs: SuiteRuns, role: str) -> None:
    code, results, output = suite_runs.outcome(request.node)
    bad = [f"{r['id']} {r['mode']}: {r['verdict']} {r['reason']}" for r in results["results"] if r["verdict"] not in GOOD]
    assert not bad, "\n".join(bad) + "\n" + output[-3000:]
    assert code == 0, output[-3000:]
    modes = results["run"]["modes"]
    assert modes == ["legacy_hop", "hop_v2", "conversation_routing"]
    per_mode = {m: sum(1 for r in results["results"] if r["mode"] == m) for m in modes}
    minimum = 40 if role == "secondary" else 10
    assert all(count >= minimum for count in per_mode.values()), per_mode
