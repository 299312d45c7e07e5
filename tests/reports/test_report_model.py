"""The results model: validation, verdict counts, matrix, rule coverage and the baseline diff."""

from __future__ import annotations

from typing import Any

import pytest
from report_synthetic import MODES

from reports.model import (
    FAIL,
    PASS,
    VERDICTS,
    ResultsError,
    diff,
    matrix,
    page_name,
    rule_coverage,
    validate,
)


def test_validate_recounts_every_verdict(results: dict[str, Any]) -> None:
    results["summary"] = {"PASS": 999}  # a stale summary must not leak into the report
    model = validate(results)
    assert set(model["summary"]) == {str(v) for v in VERDICTS}
    assert sum(model["summary"].values()) == len(results["results"])
    assert all(model["summary"][str(v)] >= 1 for v in VERDICTS), "the fixture covers every verdict"


def test_validate_fills_optional_fields() -> None:
    model = validate({"run": {"sut": "x"}, "results": [{"id": "A-1", "mode": "hop_v2", "verdict": "pass",
                                                         "feature": "closure/a.feature"}]})
    result = model["results"][0]
    assert result["verdict"] == PASS
    assert result["area"] == "closure"
    assert result["steps"] == [] and result["journal"] == [] and result["near_misses"] == []


@pytest.mark.parametrize("bad, problem", [
    ({"results": [{"mode": "hop_v2", "verdict": "PASS"}]}, "lacks id"),
    ({"results": [{"id": "A", "mode": "hop_v2", "verdict": "MAYBE"}]}, "unknown verdict"),
    ({"results": {}}, "`results` must be a list"),
    ({"results": [], "rules": [{"title": "no id"}]}, "rules[0] has no `id`"),
])
def test_validate_lists_problems(bad: dict[str, Any], problem: str) -> None:
    with pytest.raises(ResultsError) as caught:
        validate(bad)
    assert any(problem in p for p in caught.value.problems)


def test_matrix_has_one_row_per_scenario_and_a_cell_per_mode(results: dict[str, Any]) -> None:
    grid = matrix(validate(results))
    assert grid.modes == MODES
    rows = [row for rows in grid.areas.values() for row in rows]
    assert len(rows) == 6
    assert all(row.cells[m] is not None for row in rows for m in MODES)
    assert list(grid.areas) == ["routing", "handover", "closure", "webhooks"]


def test_matrix_leaves_a_hole_where_a_scenario_did_not_run(results: dict[str, Any]) -> None:
    results["results"] = [r for r in results["results"] if not (r["id"] == "HOP-ROUTE-001" and r["mode"] == "hop_v2")]
    row = matrix(validate(results)).areas["routing"][0]
    assert row.cells["hop_v2"] is None


def test_rule_coverage_lists_rules_never_exercised_and_unknown_ids(results: dict[str, Any]) -> None:
    coverage = rule_coverage(validate(results))
    assert [r["id"] for r in coverage.not_exercised] == ["HOP-REQ-INBOX"]
    assert list(coverage.unknown) == ["HOP-UNKNOWN-RULE"]
    pass_notify = next(c for c in coverage.rules if c.rule["id"] == "HOP-PASS-NOTIFY")
    assert pass_notify.counts["FAIL"] == 1 and len(pass_notify.results) == 3


def test_diff_sorts_changes_into_regressed_fixed_and_other(results: dict[str, Any]) -> None:
    baseline = validate(results)
    current_raw = {**results, "results": [dict(r) for r in results["results"]]}
    for r in current_raw["results"]:
        key = (r["id"], r["mode"])
        if key == ("HOP-ROUTE-001", "hop_v2"):
            r["verdict"] = "TIMEOUT"  # PASS -> TIMEOUT: regressed
        elif key == ("HOP-CLOSE-001", "legacy_hop"):
            r["verdict"] = "PASS"  # FAIL -> PASS: fixed
        elif key == ("HOP-SEND-001", "hop_v2"):
            r["verdict"] = "WARNING"  # PASS -> WARNING: neither
    current_raw["results"] = [r for r in current_raw["results"] if (r["id"], r["mode"]) != ("HOP-SIG-001", "hop_v2")]
    changes = diff(baseline, validate(current_raw))
    assert [(c.id, c.mode, c.before, c.after) for c in changes.regressed] == [("HOP-ROUTE-001", "hop_v2", PASS, "TIMEOUT")]
    assert [(c.id, c.before, c.after) for c in changes.fixed] == [("HOP-CLOSE-001", FAIL, PASS)]
    assert [c.id for c in changes.changed] == ["HOP-SEND-001"]
    assert [(c.id, c.mode) for c in changes.removed] == [("HOP-SIG-001", "hop_v2")]
    assert not changes.added


def test_page_name_is_safe_for_files_and_urls() -> None:
    result = validate({"results": [{"id": '../x"><script>', "mode": "hop v2", "verdict": "PASS"}]})["results"][0]
    assert page_name(result) == "_x_script_--hop_v2.html"
