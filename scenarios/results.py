"""Turns a finished scenario run into a results.json record (docs/results.md) and a pytest outcome."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from scenarios.catalogue import FEATURES_DIR, level_of
from scenarios.verdicts import (
    NOT_APPLICABLE_PREFIX, HarnessTimeout, SutActionError, Verdict, WireAssertionError, summarise,
)

MAX_JOURNAL_ENTRIES = 400
MAX_RAW_CHARS = 4000
EVIDENCE_KINDS = {"graph", "delivery", "ownership", "user", "verification", "alert", "clock", "control"}


def _skip_reason(excinfo: Any) -> str:
    value = excinfo.value
    text = getattr(value, "msg", None) or str(value)
    return text[len(NOT_APPLICABLE_PREFIX):] if text.startswith(NOT_APPLICABLE_PREFIX) else text


def classify_exception(excinfo: Any) -> tuple[Verdict, str, dict[str, Any]]:
    """Verdict, reason and extra fields (expected, observed, near misses) for an exception."""
    value = excinfo.value
    if excinfo.errisinstance(pytest.skip.Exception):
        return Verdict.NOT_APPLICABLE, _skip_reason(excinfo), {}
    if isinstance(value, WireAssertionError):
        return Verdict.FAIL, str(value), {"expected": value.expected, "observed": value.observed,
                                          "near_misses": value.near_misses}
    if isinstance(value, AssertionError):
        return Verdict.FAIL, str(value) or "assertion failed", {}
    if isinstance(value, SutActionError):
        return Verdict.FAIL, f"the SUT refused an action it offers: {value}", {"observed": str(value.body)[:500]}
    if isinstance(value, (HarnessTimeout, requests.Timeout)):
        return Verdict.TIMEOUT, f"{type(value).__name__}: {value}", {}
    return Verdict.ERROR, f"{type(value).__name__}: {value}"[:2000], {}


def _trim(entry: dict[str, Any]) -> dict[str, Any]:
    entry = dict(entry)
    for key in ("raw", "response_body"):
        if isinstance(entry.get(key), str) and len(entry[key]) > MAX_RAW_CHARS:
            entry[key] = entry[key][:MAX_RAW_CHARS] + "…(truncated)"
    return entry


def evidence(ctx: Any) -> list[dict[str, Any]]:
    """The journal entries of the scenario's seq range that concern its users (or no user)."""
    psids = set(ctx.psids)
    try:
        entries = ctx.client.journal(since=ctx.start_seq)
    except Exception as exc:  # the evidence is best effort: a dead simulator is reported, not raised
        return [{"kind": "harness", "error": f"journal unavailable: {exc}"}]
    kept = []
    for entry in entries:
        if entry.get("kind") not in EVIDENCE_KINDS:
            continue
        related = {str(p) for p in (entry.get("psids") or [])} | ({str(entry["psid"])} if entry.get("psid") else set())
        if related and not related & psids:
            continue
        kept.append(_trim(entry))
    return kept[-MAX_JOURNAL_ENTRIES:]


def build_record(item: pytest.Item, info: Any, call: pytest.CallInfo | None, state: Any) -> dict[str, Any]:
    from scenarios.fixtures import CONTEXT_KEY, SESSION_KEY

    template, tags = info.template, info.tags
    ctx = item.stash.get(CONTEXT_KEY, None)
    verdict, reason, extra = Verdict.PASS, None, {}
    if call is not None and call.excinfo is not None:
        verdict, reason, extra = classify_exception(call.excinfo)
        if call.when == "setup" and verdict is Verdict.FAIL:
            verdict = Verdict.ERROR  # a set-up that could not be done says nothing about a rule
    if verdict is Verdict.FAIL and level_of(tags.rules, state.rules) == "SHOULD":
        verdict, reason = Verdict.WARNING, f"SHOULD rule not met: {reason}"
    expected_reason = state.expected.reason(tags.id, info.mode)
    if expected_reason is not None:
        if verdict in (Verdict.FAIL, Verdict.WARNING):
            verdict, reason = Verdict.EXPECTED_FAILURE, f"{reason} (expected: {expected_reason})"
        elif verdict is Verdict.PASS:
            verdict, reason = Verdict.FAIL, f"unexpected pass: listed as an expected failure ({expected_reason})"
    if not info.steps:
        info.steps = [{"keyword": s.keyword.strip(), "text": s.name, "status": "skipped", "duration_ms": 0.0,
                       "error": None} for s in template.steps]
    session = item.config.stash.get(SESSION_KEY, None)
    apps = {str(a["id"]): a.get("name") for a in (session.sim_config["apps"] if session else [])}
    feature_path = Path(template.feature.filename).resolve()
    try:
        feature = feature_path.relative_to(FEATURES_DIR).as_posix()
    except ValueError:
        feature = template.feature.rel_filename
    return {
        "id": tags.id, "title": template.name, "feature": feature, "area": feature.split("/")[0] if "/" in feature else None,
        "mode": info.mode, "role": state.role, "rules": list(tags.rules), "tags": list(tags.all),
        "verdict": verdict.value, "reason": reason, "expected": extra.get("expected"),
        "observed": extra.get("observed"), "near_misses": extra.get("near_misses") or [],
        "steps": info.steps, "psids": ctx.psids if ctx else [], "apps": apps,
        "journal": evidence(ctx) if ctx is not None and verdict is not Verdict.NOT_APPLICABLE else [],
        "adapter_reported": list(ctx.adapter_reported) if ctx else [],
        "hooks": list(ctx.hook_calls) if ctx else [],
        "duration_ms": round((time.perf_counter() - info.started) * 1000, 1),
    }


def apply_to_report(report: pytest.TestReport, record: dict[str, Any]) -> None:
    """Make pytest's own outcome agree with the verdict (so a plain pytest run fails when it should)."""
    verdict = record["verdict"]
    if verdict in ("PASS", "WARNING"):
        report.outcome = "passed"
        report.longrepr = None
        if verdict == "WARNING":
            report.sections.append(("handover", f"WARNING: {record['reason']}"))
    elif verdict == "NOT_APPLICABLE":
        report.outcome = "skipped"
        report.longrepr = (str(report.location[0]), report.location[1] or 0, f"NOT_APPLICABLE: {record['reason']}")
    elif verdict == "EXPECTED_FAILURE":
        report.outcome = "skipped"
        report.wasxfail = record["reason"] or "expected failure"
    else:
        report.outcome = "failed"
        if report.longrepr is None:
            report.longrepr = f"{verdict}: {record['reason']}"


def document(config: pytest.Config, state: Any) -> dict[str, Any]:
    from scenarios.plugin import versions

    mode_order = {m: i for i, m in enumerate(("legacy_hop", "hop_v2", "conversation_routing"))}
    results = sorted(state.results, key=lambda r: (r["feature"] or "", r["id"] or "", mode_order.get(r["mode"], 9)))
    return {
        "run": {"sut": config.getoption("handover_sut"), "role": state.role, "modes": state.modes,
                "defect": config.getoption("handover_defect"), "tags": config.getoption("handover_tags"),
                "expected_failures": config.getoption("handover_expected_failures"),
                "started_at": state.started.isoformat(timespec="seconds"),
                "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "versions": versions()},
        "rules": [rule.as_dict() for rule in state.rules.values()],
        "results": results,
        "summary": summarise(results),
    }
