"""JUnit XML: one testcase per scenario and mode, one testsuite per area (GitLab, Jenkins)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reports.model import (
    ERROR,
    EXPECTED_FAILURE,
    FAIL,
    NOT_APPLICABLE,
    TIMEOUT,
    WARNING,
    Result,
    Results,
    by_area,
)

# Characters XML 1.0 forbids even when escaped; a webhook body may carry them.
_INVALID_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: object) -> str:
    return _INVALID_XML.sub("\ufffd", "" if text is None else str(text))


def testcase_name(result: Result) -> str:
    """`ID [mode] title`, the name CI shows."""
    return f"{result['id']} [{result['mode']}] {result['title']}".strip()


def _details(result: Result) -> str:
    lines = []
    if result["reason"]:
        lines.append(f"Reason: {result['reason']}")
    if result["expected"]:
        lines.append(f"Expected: {result['expected']}")
    if result["observed"]:
        lines.append(f"Observed: {result['observed']}")
    for step in result["steps"]:
        if step["status"] == "failed":
            lines.append(f"Failed step: {step['keyword']} {step['text']}")
            if step["error"]:
                lines.append(step["error"])
    for miss in result["near_misses"]:
        lines.append("Near miss: " + "; ".join(miss["why_not"]))
    return "\n".join(lines)


def _testcase(result: Result) -> ET.Element:
    case = ET.Element("testcase", classname=_x(result["area"]), name=_x(testcase_name(result)),
                      time=f"{result['duration_ms'] / 1000:.3f}", file=_x(result["feature"]))
    props = ET.SubElement(case, "properties")
    ET.SubElement(props, "property", name="verdict", value=str(result["verdict"]))
    ET.SubElement(props, "property", name="mode", value=_x(result["mode"]))
    ET.SubElement(props, "property", name="rules", value=_x(",".join(result["rules"])))
    for rule_id in result["rules"]:
        ET.SubElement(props, "property", name="rule", value=_x(rule_id))
    verdict = result["verdict"]
    message = _x(result["reason"] or verdict)
    if verdict in (FAIL, TIMEOUT):
        ET.SubElement(case, "failure", message=message, type=str(verdict)).text = _x(_details(result))
    elif verdict == ERROR:
        ET.SubElement(case, "error", message=message, type=str(verdict)).text = _x(_details(result))
    elif verdict == NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_x(result["reason"] or "not applicable"))
    elif verdict == EXPECTED_FAILURE:
        # As pytest reports xfail: skipped, so a declared failure does not gate the build.
        ET.SubElement(case, "skipped", type="expected_failure",
                      message=_x(f"expected failure: {result['reason'] or ''}".strip()))
    elif verdict == WARNING:
        ET.SubElement(case, "system-out").text = _x(f"WARNING: {result['reason'] or 'passed with a warning'}\n{_details(result)}")
    return case


def to_junit(results: Results) -> bytes:
    """The JUnit XML document for a run."""
    root = ET.Element("testsuites", name=f"handover conformance: {_x(results['run']['sut'])}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for area, rows in by_area(results["results"]).items():
        counts = {
            "tests": len(rows),
            "failures": sum(r["verdict"] in (FAIL, TIMEOUT) for r in rows),
            "errors": sum(r["verdict"] == ERROR for r in rows),
            "skipped": sum(r["verdict"] in (NOT_APPLICABLE, EXPECTED_FAILURE) for r in rows),
            "time": sum(r["duration_ms"] for r in rows) / 1000,
        }
        suite = ET.SubElement(root, "testsuite", name=_x(area),
                              **{k: (f"{v:.3f}" if k == "time" else str(v)) for k, v in counts.items()},
                              timestamp=_x(results["run"]["started_at"] or ""))
        props = ET.SubElement(suite, "properties")
        for key in ("sut", "role"):
            ET.SubElement(props, "property", name=key, value=_x(results["run"][key]))  # type: ignore[literal-required]
        ET.SubElement(props, "property", name="modes", value=_x(",".join(results["run"]["modes"])))
        for result in rows:
            suite.append(_testcase(result))
        for key, value in counts.items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(int(value)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
