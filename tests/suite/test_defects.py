"""Against each catalogue defect, a scenario tagged with the broken rule FAILs and names that rule.

Per defect only the scenarios tagged with its rule run (the CI budget); the full matrix is the
benchmark's job.
"""

from __future__ import annotations

import pytest

from scenarios.reference.defects import DEFECTS, Defect
from tests.suite.conftest import SuiteRuns, handover_run

DEFECT_RUNS = [pytest.param(d, id=d.name, marks=handover_run(f"defect-{d.name}", "--sut", "reference", "--defect",
                                                             d.name, f"--tags=@{d.rule}"))
               for d in DEFECTS]


@pytest.mark.integration
@pytest.mark.parametrize("defect", DEFECT_RUNS)
def test_defect_is_caught_by_the_rule_it_breaks(request: pytest.FixtureRequest, suite_runs: SuiteRuns,
                                               defect_score: dict[str, str], defect: Defect) -> None:
    defect_score[defect.name] = "missed"
    code, results, output = suite_runs.outcome(request.node)
    failing = [r for r in results["results"] if r["verdict"] == "FAIL" and defect.rule in r["rules"]]
    assert results["results"], f"no scenario is tagged @{defect.rule}\n{output[-2000:]}"
    assert failing, (f"{defect.name} broke {defect.rule} but no scenario failed:\n"
                     + "\n".join(f"{r['id']} {r['mode']} {r['verdict']}" for r in results["results"]))
    assert code != 0
    defect_score[defect.name] = "caught"
