"""Every output format is written, parses with its usual consumer, and escapes hostile text."""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from report_synthetic import IMG, SCRIPT

from reports.cli import register
from reports.model import page_name, validate
from reports.render import render_report

TEMPLATES = Path(__file__).parents[2] / "reports" / "templates"
CUCUMBER_STATUSES = {"passed", "failed", "skipped", "pending", "undefined", "ambiguous"}


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_format_is_written(report_dir: Path, results_data: dict[str, Any]) -> None:
    for name in ("index.html", "junit.xml", "cucumber.json", "summary.md", "results.json"):
        assert (report_dir / name).stat().st_size > 0, name
    pages = {p.name for p in (report_dir / "scenarios").glob("*.html")}
    assert pages == {page_name(r) for r in validate(results_data)["results"]}
    assert len(pages) == 18


def test_results_json_is_copied_unchanged(report_dir: Path, results_data: dict[str, Any]) -> None:
    assert json.loads((report_dir / "results.json").read_text()) == results_data


def test_junit_parses_with_junitparser_and_counts_verdicts(report_dir: Path) -> None:
    xml = JUnitXml.fromfile(str(report_dir / "junit.xml"))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 18
    kinds: dict[str, int] = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
    for case in cases:
        outcome = case.result
        if not outcome:
            kinds["passed"] += 1
        for item in outcome:
            kinds[{Failure: "failure", Error: "error", Skipped: "skipped"}[type(item)]] += 1
    # FAIL x3 + TIMEOUT x1 fail; ERROR x1 errors; NOT_APPLICABLE x2 + EXPECTED_FAILURE x1 skip.
    assert kinds == {"failure": 4, "error": 1, "skipped": 3, "passed": 10}
    xml.update_statistics()
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (18, 4, 1, 3)


def test_junit_testcase_names_classnames_and_properties(report_dir: Path) -> None:
    xml = JUnitXml.fromfile(str(report_dir / "junit.xml"))
    cases = {case.name: case for suite in xml for case in suite}
    case = cases["HOP-CLOSE-001 [hop_v2] The contact centre passes the thread back when the agent closes"]
    assert case.classname == "closure"
    # junitparser reads testcase-level <properties> (pytest writes them too) only as raw XML.
    element = ET.parse(report_dir / "junit.xml").find(f".//testcase[@name='{case.name}']")
    assert element is not None
    props = {p.get("name"): p.get("value") for p in element.iter("property")}
    assert props["verdict"] == "TIMEOUT" and props["rules"] == "HOP-CLOSE-PASSBACK"
    failure = case.result[0]
    assert isinstance(failure, Failure) and "30 s" in failure.message
    warning = next(c for name, c in cases.items() if name.startswith("HOP-PASS-001 [conversation_routing]"))
    assert warning.is_passed and "WARNING" in (warning.system_out or "")
    na = next(c for name, c in cases.items() if name.startswith("HOP-SEND-001 [legacy_hop]"))
    assert na.result[0].message.startswith("legacy_hop allowed")


def test_cucumber_json_has_the_standard_shape(report_dir: Path) -> None:
    features = json.loads((report_dir / "cucumber.json").read_text())
    assert isinstance(features, list) and features
    elements = [e for f in features for e in f["elements"]]
    assert len(elements) == 18
    for feature in features:
        assert {"uri", "id", "keyword", "name", "line", "elements", "tags"} <= set(feature)
        assert feature["keyword"] == "Feature" and feature["uri"].endswith(".feature")
    for element in elements:
        assert {"id", "keyword", "type", "name", "line", "steps", "tags"} <= set(element)
        assert element["type"] == "scenario"
        assert all(tag["name"].startswith("@") for tag in element["tags"])
        for step in element["steps"]:
            assert step["keyword"].endswith(" ") and step["name"]
            assert step["result"]["status"] in CUCUMBER_STATUSES
            assert isinstance(step["result"]["duration"], int)
    timeout = next(e for e in elements if e["name"].startswith("HOP-CLOSE-001 [hop_v2]"))
    assert timeout["steps"][-1]["result"] == {"status": "failed", "duration": 30_000_000_000,
                                              "error_message": "Timeout: waited 30 s for graph pass_thread_control"}
    xfail = next(e for e in elements if e["name"].startswith("HOP-SEND-001 [conversation_routing]"))
    assert xfail["steps"][-1]["result"]["status"] == "pending"


def test_cucumber_marks_a_bad_verdict_without_a_failed_step(results: dict[str, Any], tmp_path: Path) -> None:
    target = next(r for r in results["results"] if r["verdict"] == "PASS")
    target["verdict"] = "ERROR"
    target["reason"] = "the SUT crashed after the last step"
    render_report(results, tmp_path)
    elements = [e for f in json.loads((tmp_path / "cucumber.json").read_text()) for e in f["elements"]]
    element = next(e for e in elements if e["name"].startswith(f"{target['id']} [{target['mode']}]"))
    # A visible last step, not a hook: the HTML reporters ignore hooks, and would show it green.
    verdict = element["steps"][-1]
    assert verdict["keyword"] == "After " and verdict["name"] == "handover verdict: ERROR"
    assert verdict["result"]["status"] == "failed"
    assert "crashed" in verdict["result"]["error_message"]
    assert "after" not in element and not any(step.get("hidden") for step in element["steps"])


def test_summary_md_counts_and_failures(report_dir: Path) -> None:
    text = (report_dir / "summary.md").read_text()
    assert "| ✅ Pass | 9 |" in text and "| **Total** | **18** |" in text
    assert "### Failures (5)" in text
    assert "`HOP-CLOSE-PASSBACK`" in text and "passed to the Page Inbox" in text
    assert "<script" not in text and "<img" not in text


def test_baseline_shows_regressions_and_fixes(results: dict[str, Any], tmp_path: Path) -> None:
    baseline = json.loads(json.dumps(results))
    for r in baseline["results"]:
        if (r["id"], r["mode"]) == ("HOP-CLOSE-001", "legacy_hop"):
            r["verdict"] = "PASS"  # now FAIL: regressed
        if (r["id"], r["mode"]) == ("HOP-SIG-001", "hop_v2"):
            r["verdict"] = "PASS"  # now ERROR: regressed
        if (r["id"], r["mode"]) == ("HOP-ROUTE-001", "legacy_hop"):
            r["verdict"] = "FAIL"  # now PASS: fixed
    index = render_report(results, tmp_path, baseline=baseline)
    html = index.read_text()
    assert "Against the baseline" in html
    regressed = html.split("Regressed (2)")[1].split("</ul>")[0]
    assert "HOP-CLOSE-001" in regressed and "HOP-SIG-001" in regressed
    fixed = html.split("Fixed (1)")[1].split("</ul>")[0]
    assert "HOP-ROUTE-001" in fixed
    summary = (tmp_path / "summary.md").read_text()
    assert "**Regressed** (2)" in summary and "**Fixed** (1)" in summary
    assert "| `HOP-ROUTE-001` | legacy\\_hop | ❌ Fail | ✅ Pass |" in summary


def test_no_baseline_no_diff_section(report_dir: Path) -> None:
    assert "Against the baseline" not in (report_dir / "index.html").read_text()
    assert "Against the baseline" not in (report_dir / "summary.md").read_text()


def test_hostile_text_is_escaped_in_every_page(report_dir: Path) -> None:
    pages = html_files(report_dir)
    assert len(pages) == 19
    seen_escaped = False
    for page in pages:
        html = page.read_text()
        lowered = html.lower()
        assert "<script" not in lowered, page.name
        assert "<img" not in lowered, page.name
        assert SCRIPT not in html and IMG not in html, page.name
        seen_escaped = seen_escaped or "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert seen_escaped, "the payloads are shown, as text"


def test_pages_are_self_contained(report_dir: Path) -> None:
    for page in html_files(report_dir):
        html = page.read_text()
        assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I), page.name
        assert "<link" not in html and "@import" not in html and "url(http" not in html
        assert "Content-Security-Policy" in html


def test_templates_never_mark_text_safe() -> None:
    for template in TEMPLATES.iterdir():
        text = template.read_text()
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, template.name
    sources = (Path(__file__).parents[2] / "reports").glob("*.py")
    assert not any("Markup(" in p.read_text() for p in sources)


def test_scenario_page_shows_the_evidence(report_dir: Path) -> None:
    html = (report_dir / "scenarios" / "HOP-CLOSE-001--legacy_hop.html").read_text()
    for expected in ("Expected vs observed", "target_app_id 1441283716070514", "Near misses (1)",
                     "HOP-CLOSE-PASSBACK", "spec §2.3", "<svg class=\"seq\"", "<svg class=\"own\"",
                     "X-Hub-Signature-256", "sha256=", "handover · pass", "Wire log"):
        assert expected in html, expected
    assert html.count("<details id=\"e") == 10


def test_cli_renders_and_prints_index(results_data: dict[str, Any], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "run" / "results.json"
    source.parent.mkdir()
    source.write_text(json.dumps(results_data))
    parser = argparse.ArgumentParser(prog="handover")
    register(parser.add_subparsers())
    args = parser.parse_args(["report", str(source), "--out", str(tmp_path / "out"), "--baseline", str(source)])
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "out" / "index.html")
    assert (tmp_path / "out" / "junit.xml").exists()


def test_cli_rejects_a_broken_results_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "results.json"
    source.write_text(json.dumps({"results": [{"id": "X", "mode": "hop_v2", "verdict": "SORT_OF"}]}))
    parser = argparse.ArgumentParser(prog="handover")
    register(parser.add_subparsers())
    args = parser.parse_args(["report", str(source), "--out", str(tmp_path / "out")])
    assert args.func(args) == 2
    assert "unknown verdict" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_minimal_results_file_renders(tmp_path: Path) -> None:
    minimal = {"results": [{"id": "X-1", "mode": "hop_v2", "verdict": "FAIL"},
                           {"id": "X-2", "mode": "hop_v2", "verdict": "NOT_APPLICABLE"}]}
    index = render_report(minimal, tmp_path)
    assert "X-1" in index.read_text()
    page = (tmp_path / "scenarios" / "X-1--hop_v2.html").read_text()
    assert "The journal holds no evidence" in page and "No steps ran." in page
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    xml.update_statistics()
    assert (xml.tests, xml.failures, xml.skipped) == (2, 1, 1)


def test_summary_md_merges_the_same_failure_across_modes(results: dict[str, Any], tmp_path: Path) -> None:
    legacy = next(r for r in results["results"] if (r["id"], r["mode"]) == ("HOP-CLOSE-001", "legacy_hop"))
    for r in results["results"]:
        if r["id"] == "HOP-CLOSE-001":
            r["verdict"], r["reason"] = "FAIL", legacy["reason"]
    render_report(results, tmp_path)
    text = (tmp_path / "summary.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `HOP-CLOSE-001`")]
    assert len(rows) == 1
    assert "legacy\\_hop, hop\\_v2, conversation\\_routing" in rows[0]
