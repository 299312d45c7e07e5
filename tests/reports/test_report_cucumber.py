"""cucumber.json follows the schema written from what its consumers require (see docs/reports.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reports.render import render_report

SCHEMA = json.loads((Path(__file__).parent / "cucumber_json.schema.json").read_text())


def _cucumber(results: dict[str, Any], out: Path) -> list[dict[str, Any]]:
    render_report(results, out)
    return json.loads((out / "cucumber.json").read_text())


def _element(features: list[dict[str, Any]], result: dict[str, Any]) -> dict[str, Any]:
    prefix = f"{result['id']} [{result['mode']}]"
    return next(e for f in features for e in f["elements"] if e["name"].startswith(prefix))


def test_every_verdict_gives_a_valid_file(report_dir: Path) -> None:
    jsonschema.validate(json.loads((report_dir / "cucumber.json").read_text()), SCHEMA)


@pytest.mark.parametrize("verdict, status", [("ERROR", "failed"), ("TIMEOUT", "failed"), ("FAIL", "failed"),
                                             ("WARNING", "passed")])
def test_a_verdict_after_the_last_step_is_a_visible_step(results: dict[str, Any], tmp_path: Path,
                                                         verdict: str, status: str) -> None:
    target = next(r for r in results["results"] if r["verdict"] == "PASS")
    target["verdict"], target["reason"] = verdict, "said <b>after</b> the last step"
    features = _cucumber(results, tmp_path)
    jsonschema.validate(features, SCHEMA)
    last = _element(features, target)["steps"][-1]
    assert last["name"].startswith(f"handover verdict: {verdict}")
    assert last["result"]["status"] == status
    assert "said <b>after</b> the last step" in (last["result"].get("error_message") or last["name"])


def test_a_failure_in_a_step_adds_no_verdict_step(results: dict[str, Any], tmp_path: Path) -> None:
    target = next(r for r in results["results"] if any(s["status"] == "failed" for s in r["steps"])
                  and r["verdict"] == "FAIL")
    steps = _element(_cucumber(results, tmp_path), target)["steps"]
    assert len(steps) == len(target["steps"])
    assert not any(s["name"].startswith("handover verdict") for s in steps)


def test_line_numbers_are_unique_within_a_feature(report_dir: Path) -> None:
    for feature in json.loads((report_dir / "cucumber.json").read_text()):
        lines = [e["line"] for e in feature["elements"]] + [s["line"] for e in feature["elements"] for s in e["steps"]]
        assert len(lines) == len(set(lines)), feature["uri"]


def test_the_schema_rejects_what_the_consumers_reject() -> None:
    """The two shapes the previous writer produced and a consumer refused or misread."""
    step = {"arguments": [], "keyword": "Given ", "line": 4, "name": "a user", "result": {"status": "passed", "duration": 1}}
    element = {"id": "f;s", "keyword": "Scenario", "type": "scenario", "name": "s", "line": 3, "tags": [], "steps": [step]}
    feature = {"uri": "features/a.feature", "id": "f", "keyword": "Feature", "name": "f", "line": 1, "tags": [],
               "elements": [element]}
    jsonschema.validate([feature], SCHEMA)
    # An element-level after hook: cucumber-html-reporter ignores it (the scenario shows green).
    hooked = {**element, "after": [{"match": {"location": "x"}, "result": {"status": "failed", "duration": 0}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**feature, "elements": [hooked]}], SCHEMA)
    # A hidden hook step: cucumber-html-reporter skips it unless it carries an attachment.
    hidden = {"hidden": True, "keyword": "After", "result": {"status": "failed", "duration": 0}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**feature, "elements": [{**element, "steps": [step, hidden]}]}], SCHEMA)
