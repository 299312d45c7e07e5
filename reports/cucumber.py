"""Cucumber JSON (the shape of cucumber-js's `json` formatter) for Cucumber report tools."""

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


def _step(keyword: str, name: str, line: int, uri: str, result: dict[str, Any]) -> dict[str, Any]:
    # cucumber-js writes `arguments` on every step; its schema in @cucumber/cucumber-json-converter
    # requires it, so a strict reader accepts the file.
    return {"arguments": [], "keyword": keyword, "name": name, "line": line,
            "match": {"location": f"{uri}:{line}"}, "result": result}


def _steps(result: Result, uri: str, first_line: int) -> list[dict[str, Any]]:
    steps = []
    for offset, step in enumerate(result["steps"]):
        status = step["status"]
        outcome: dict[str, Any] = {"status": status, "duration": _ns(step["duration_ms"])}
        if result["verdict"] == EXPECTED_FAILURE and status == "failed":
            # Cucumber has no xfail; "pending" is its non-failing "known not to work yet".
            outcome["status"] = "pending"
            outcome["error_message"] = f"expected failure: {step['error'] or result['reason'] or ''}".strip()
        elif step["error"]:
            outcome["error_message"] = step["error"]
        steps.append(_step(f"{step['keyword']} ", step["text"], first_line + offset, uri, outcome))
    if not steps and result["verdict"] == NOT_APPLICABLE:
        # A scenario with no steps counts as passed in most tools; say it was skipped instead.
        steps.append(_step("* ", f"not applicable: {result['reason'] or ''}".strip(), first_line, uri,
                           {"status": "skipped", "duration": 0}))
    verdict = _verdict_step(result, uri, first_line + len(steps))
    if verdict is not None:
        steps.append(verdict)
    return steps


def _verdict_step(result: Result, uri: str, line: int) -> dict[str, Any] | None:
    """A last step for a verdict the steps alone do not show (e.g. a failure found after the last step).

    It is a visible step, not a hook: cucumber-html-reporter ignores hidden hook steps without an
    attachment and both HTML reporters ignore element-level `after` hooks, so a hook would show
    such a scenario green.
    """
    verdict = result["verdict"]
    failed_step = any(step["status"] == "failed" for step in result["steps"])
    if verdict in BAD and not failed_step:
        return _step("After ", f"handover verdict: {verdict}", line, uri,
                     {"status": "failed", "duration": 0,
                      "error_message": f"{verdict}: {result['reason'] or ''}".strip()})
    if verdict == WARNING:
        return _step("After ", f"handover verdict: WARNING: {result['reason'] or ''}".strip(), line, uri,
                     {"status": "passed", "duration": 0})
    return None


def to_cucumber(results: Results) -> list[dict[str, Any]]:
    """Features (one per feature file) with one element per scenario and mode."""
    features: dict[str, dict[str, Any]] = {}
    next_line: dict[str, int] = {}
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
        line = next_line.get(uri, 3)
        tags = list(dict.fromkeys([*result["tags"], result["mode"], result["id"]]))
        element: dict[str, Any] = {
            "id": f"{feature['id']};{_slug(result['id'])}-{_slug(result['mode'])}",
            "keyword": "Scenario", "type": "scenario",
            "name": f"{result['id']} [{result['mode']}] {result['title']}",
            "description": result["reason"] or "", "line": line,
            "tags": [_tag(t, line - 1) for t in tags],
            "steps": _steps(result, uri, line + 1),
        }
        feature["elements"].append(element)
        next_line[uri] = line + len(element["steps"]) + 3
    return list(features.values())
