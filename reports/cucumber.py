"""Cucumber JSON (the cucumber-jvm/cucumber-js `json` formatter shape) for Cucumber report tools."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from reports.model import BAD, EXPECTED_FAILURE, NOT_APPLICABLE, WARNING, Result, Results


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _tag(name: str, line: int) -> dict[str, Any]:
    return {"name": name if name.startswith("@") else f"@{name}", "line": line}


def _feature_name(path: str, area: str) -> str:
    stem = PurePosixPath(path).stem.replace("_", " ").replace("-", " ").strip() or area
    return f"{area}: {stem[:1].upper()}{stem[1:]}"


def _ns(ms: float) -> int:
    return int(round(ms * 1_000_000))


def _steps(result: Result, uri: str, first_line: int) -> list[dict[str, Any]]:
    steps = []
    for offset, step in enumerate(result["steps"]):
        line = first_line + offset
        status = step["status"]
        outcome: dict[str, Any] = {"status": status, "duration": _ns(step["duration_ms"])}
        if result["verdict"] == EXPECTED_FAILURE and status == "failed":
            # Cucumber has no xfail; "pending" is its non-failing "known not to work yet".
            outcome["status"] = "pending"
            outcome["error_message"] = f"expected failure: {step['error'] or result['reason'] or ''}".strip()
        elif step["error"]:
            outcome["error_message"] = step["error"]
        steps.append({"keyword": f"{step['keyword']} ", "name": step["text"], "line": line,
                      "match": {"location": f"{uri}:{line}"}, "result": outcome})
    if not steps and result["verdict"] == NOT_APPLICABLE:
        # A scenario with no steps counts as passed in most tools; say it was skipped instead.
        steps.append({"keyword": "* ", "name": f"not applicable: {result['reason'] or ''}".strip(),
                      "line": first_line, "match": {"location": f"{uri}:{first_line}"},
                      "result": {"status": "skipped", "duration": 0}})
    return steps


def _after(result: Result) -> list[dict[str, Any]]:
    """A verdict the steps alone do not show (e.g. a failure found after the last step)."""
    verdict = result["verdict"]
    failed_step = any(step["status"] == "failed" for step in result["steps"])
    if verdict in BAD and not failed_step:
        message = f"{verdict}: {result['reason'] or ''}".strip()
        return [{"match": {"location": "handover verdict"},
                 "result": {"status": "failed", "duration": 0, "error_message": message}}]
    if verdict == WARNING:
        return [{"match": {"location": "handover verdict"}, "output": [f"WARNING: {result['reason'] or ''}"],
                 "result": {"status": "passed", "duration": 0}}]
    return []


def to_cucumber(results: Results) -> list[dict[str, Any]]:
    """Features (one per feature file) with one element per scenario and mode."""
    features: dict[str, dict[str, Any]] = {}
    for result in results["results"]:
        uri = f"features/{result['feature']}" if result["feature"] else f"features/{result['area']}.feature"
        feature = features.get(uri)
        if feature is None:
            feature = features[uri] = {
                "uri": uri, "id": _slug(result["feature"] or result["area"]), "keyword": "Feature",
                "name": _feature_name(result["feature"], result["area"]), "description": "", "line": 1,
                "tags": [_tag(result["area"], 1)], "elements": [],
            }
        # Line numbers are synthetic (results.json has none) but unique, which some tools need.
        line = 3 + sum(len(e["steps"]) + 3 for e in feature["elements"])
        tags = list(dict.fromkeys([*result["tags"], result["mode"], result["id"]]))
        element: dict[str, Any] = {
            "id": f"{feature['id']};{_slug(result['id'])}-{_slug(result['mode'])}",
            "keyword": "Scenario", "type": "scenario",
            "name": f"{result['id']} [{result['mode']}] {result['title']}",
            "description": result["reason"] or "", "line": line,
            "tags": [_tag(t, line - 1) for t in tags],
            "steps": _steps(result, uri, line + 1),
        }
        after = _after(result)
        if after:
            element["after"] = after
        feature["elements"].append(element)
    return list(features.values())
