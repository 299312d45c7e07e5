"""Against each catalogue defect, a scenario tagged with the broken rule FAILs and names that rule.

Per defect only the scenarios tagged with its rule run (the CI budget); the full matrix is the
benchmark's job.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.reference.defects import DEFECTS, Defect
from tests.suite.conftest import SCORE, run_suite


@pytest.mark.integration
@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_defect_is_caught_by_the_rule_it_breaks(tmp_path: Path, defect: Defect) -> None:
    SCORE[defect.name] = "missed"
    code, results, output = run_suite(tmp_path, "--sut", "reference", "--defect", defect.name,
                                      f"--tags=@{defect.rule}")
    failing = [r for r in results["results"] if r["verdict"] == "FAIL" and defect.rule in r["rules"]]
    assert results["results"], f"no scenario is tagged @{defect.rule}\n{output[-2000:]}"
    assert failing, (f"{defect.name} broke {defect.rule} but no scenario failed:\n"
                     + "\n".join(f"{r['id']} {r['mode']} {r['verdict']}" for r in results["results"]))
    assert code != 0
    SCORE[defect.name] = "caught"
