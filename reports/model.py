"""The results model: typed loading and validation of results.json, verdicts and groupings."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable, TypedDict


class Verdict(StrEnum):
    """The fixed set of outcomes a scenario can have in one mode."""

    PASS = "PASS"
    FAIL = "FAIL"
    WARNING = "WARNING"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    EXPECTED_FAILURE = "EXPECTED_FAILURE"
    TIMEOUT = "TIMEOUT"
    ERROR = "ERROR"


PASS = Verdict.PASS
FAIL = Verdict.FAIL
WARNING = Verdict.WARNING
NOT_APPLICABLE = Verdict.NOT_APPLICABLE
EXPECTED_FAILURE = Verdict.EXPECTED_FAILURE
TIMEOUT = Verdict.TIMEOUT
ERROR = Verdict.ERROR

# Display order: the ones that need a reader's attention first after PASS.
VERDICTS: tuple[Verdict, ...] = (PASS, FAIL, TIMEOUT, ERROR, WARNING, EXPECTED_FAILURE, NOT_APPLICABLE)
# Verdicts that gate a release; a move into this set is a regression, out of it a fix.
BAD: frozenset[Verdict] = frozenset({FAIL, TIMEOUT, ERROR})

VERDICT_LABELS: dict[str, str] = {
    PASS: "Pass",
    FAIL: "Fail",
    WARNING: "Warning",
    NOT_APPLICABLE: "Not applicable",
    EXPECTED_FAILURE: "Expected failure",
    TIMEOUT: "Timeout",
    ERROR: "Error",
}
VERDICT_SHORT: dict[str, str] = {
    PASS: "PASS",
    FAIL: "FAIL",
    WARNING: "WARN",
    NOT_APPLICABLE: "N/A",
    EXPECTED_FAILURE: "XFAIL",
    TIMEOUT: "TIME",
    ERROR: "ERR",
}


class Versions(TypedDict, total=False):
    handover: str
    python: str
    pytest_bdd: str


class RunInfo(TypedDict):
    sut: str
    role: str
    modes: list[str]
    defect: str | None
    tags: str | None
    started_at: str | None
    finished_at: str | None
    versions: Versions


class Rule(TypedDict):
    id: str
    title: str
    level: str
    source: str
    roles: list[str]
    modes: list[str]
    assumption: bool
    text: str


class NearMiss(TypedDict):
    entry: dict[str, Any]
    why_not: list[str]


class Step(TypedDict):
    keyword: str
    text: str
    status: str
    duration_ms: float
    error: str | None


class Result(TypedDict):
    id: str
    title: str
    feature: str
    area: str
    mode: str
    role: str
    rules: list[str]
    tags: list[str]
    verdict: Verdict
    reason: str | None
    expected: str | None
    observed: str | None
    near_misses: list[NearMiss]
    steps: list[Step]
    duration_ms: float
    psids: list[str]
    apps: dict[str, str]
    journal: list[dict[str, Any]]
    adapter_reported: list[Any]


class Results(TypedDict):
    run: RunInfo
    rules: list[Rule]
    results: list[Result]
    summary: dict[str, int]


class ResultsError(ValueError):
    """results.json does not follow the schema in docs/architecture.md."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        super().__init__(f"invalid results.json: {shown}")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value]


def _normalise_run(raw: Any, problems: list[str]) -> RunInfo:
    if raw is None:
        raw = {}  # a bare list of results still renders; the header just says less
    if not isinstance(raw, dict):
        problems.append("`run` must be an object")
        raw = {}
    versions = raw.get("versions") if isinstance(raw.get("versions"), dict) else {}
    return RunInfo(
        sut=_text(raw.get("sut")) or "unknown",
        role=_text(raw.get("role")),
        modes=_str_list(raw.get("modes")),
        defect=_opt_text(raw.get("defect")),
        tags=_opt_text(raw.get("tags")),
        started_at=_opt_text(raw.get("started_at")),
        finished_at=_opt_text(raw.get("finished_at")),
        versions={str(k): _text(v) for k, v in versions.items()},  # type: ignore[typeddict-item]
    )


def _normalise_rule(raw: Any, index: int, problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        problems.append(f"rules[{index}] has no `id`")
        return None
    return Rule(
        id=str(raw["id"]),
        title=_text(raw.get("title")),
        level=_text(raw.get("level")) or "MUST",
        source=_text(raw.get("source")),
        roles=_str_list(raw.get("roles")),
        modes=_str_list(raw.get("modes")),
        assumption=bool(raw.get("assumption")),
        text=_text(raw.get("text")),
    )


def _normalise_step(raw: Any) -> Step:
    raw = raw if isinstance(raw, dict) else {"text": _text(raw)}
    status = _text(raw.get("status")) or "skipped"
    return Step(
        keyword=_text(raw.get("keyword")).strip() or "*",
        text=_text(raw.get("text")),
        status=status if status in ("passed", "failed", "skipped") else "skipped",
        duration_ms=_number(raw.get("duration_ms")),
        error=_opt_text(raw.get("error")),
    )


def _normalise_result(raw: Any, index: int, problems: list[str]) -> Result | None:
    where = f"results[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where} must be an object")
        return None
    missing = [key for key in ("id", "mode", "verdict") if not raw.get(key)]
    if missing:
        problems.append(f"{where} lacks {', '.join(missing)}")
        return None
    verdict = str(raw["verdict"]).upper()
    if verdict not in Verdict.__members__:
        problems.append(f"{where} ({raw['id']}) has unknown verdict {raw['verdict']!r}")
        return None
    feature = _text(raw.get("feature"))
    journal = raw.get("journal") or []
    if not isinstance(journal, list):
        problems.append(f"{where} ({raw['id']}): `journal` must be a list")
        journal = []
    near_misses = []
    for miss in raw.get("near_misses") or []:
        if isinstance(miss, dict):
            entry = miss.get("entry")
            near_misses.append(NearMiss(entry=entry if isinstance(entry, dict) else {"value": entry},
                                        why_not=_str_list(miss.get("why_not"))))
    apps = raw.get("apps") if isinstance(raw.get("apps"), dict) else {}
    adapter = raw.get("adapter_reported") or []
    return Result(
        id=str(raw["id"]),
        title=_text(raw.get("title")),
        feature=feature,
        # The area is the feature's folder when the runner did not say.
        area=_text(raw.get("area")) or (feature.split("/")[0] if "/" in feature else "general"),
        mode=str(raw["mode"]),
        role=_text(raw.get("role")),
        rules=_str_list(raw.get("rules")),
        tags=_str_list(raw.get("tags")),
        verdict=Verdict(verdict),
        reason=_opt_text(raw.get("reason")),
        expected=_opt_text(raw.get("expected")),
        observed=_opt_text(raw.get("observed")),
        near_misses=near_misses,
        steps=[_normalise_step(step) for step in raw.get("steps") or []],
        duration_ms=_number(raw.get("duration_ms")),
        psids=_str_list(raw.get("psids")),
        apps={str(k): _text(v) for k, v in apps.items()},
        journal=[e for e in journal if isinstance(e, dict)],
        adapter_reported=adapter if isinstance(adapter, list) else [adapter],
    )


def validate(data: Any) -> Results:
    """A normalised copy of a parsed results.json; raises ResultsError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ResultsError(["top level must be an object"])
    if not isinstance(data.get("results"), list):
        problems.append("`results` must be a list")
    run = _normalise_run(data.get("run"), problems)
    rules = [r for i, raw in enumerate(data.get("rules") or []) if (r := _normalise_rule(raw, i, problems))]
    results = [r for i, raw in enumerate(data.get("results") or []) if (r := _normalise_result(raw, i, problems))]
    if problems:
        raise ResultsError(problems)
    # Counts are recomputed rather than trusted, so the report never disagrees with its rows.
    return Results(run=run, rules=rules, results=results, summary=count_verdicts(results))


def load_results(path: Path) -> Results:
    """Read and validate a results.json file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError([f"{path} is not JSON: {exc}"]) from exc
    return validate(data)


def count_verdicts(results: Iterable[Result]) -> dict[str, int]:
    """Number of results per verdict, every verdict present (zero when unused)."""
    counts = Counter(str(r["verdict"]) for r in results)
    return {str(v): counts.get(str(v), 0) for v in VERDICTS}


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str) -> str:
    """Text reduced to characters safe in a file name, a URL and an HTML id."""
    # Leading dots would make hidden files (or "..") of hostile ids.
    return _UNSAFE.sub("_", str(text)).lstrip(".") or "_"


def page_name(result: Result) -> str:
    """File name of a result's page: `scenarios/<id>--<mode>.html` relative to index.html."""
    return f"{slug(result['id'])}--{slug(result['mode'])}.html"


def all_modes(results: Results) -> list[str]:
    """The run's modes in its order, then any mode only seen in results."""
    modes = list(results["run"]["modes"])
    for result in results["results"]:
        if result["mode"] not in modes:
            modes.append(result["mode"])
    return modes


def by_area(results: Iterable[Result]) -> dict[str, list[Result]]:
    """Results grouped by area, areas in order of first appearance."""
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result["area"], []).append(result)
    return groups


@dataclass
class MatrixRow:
    """One scenario across modes; a cell is None where the scenario did not run in that mode."""

    id: str
    title: str
    area: str
    cells: dict[str, Result | None]


@dataclass
class Matrix:
    """Scenarios x modes, rows grouped by area (as Autobahn shows cases x implementations)."""

    modes: list[str]
    areas: dict[str, list[MatrixRow]]


def matrix(results: Results) -> Matrix:
    """Build the scenario x mode matrix."""
    modes = all_modes(results)
    rows: dict[str, MatrixRow] = {}
    for result in results["results"]:
        row = rows.get(result["id"])
        if row is None:
            row = rows[result["id"]] = MatrixRow(result["id"], result["title"], result["area"],
                                                 {m: None for m in modes})
        row.cells[result["mode"]] = result
    areas: dict[str, list[MatrixRow]] = {}
    for row in rows.values():
        areas.setdefault(row.area, []).append(row)
    return Matrix(modes, areas)


@dataclass
class RuleCoverage:
    """A catalogue rule and the results that exercised it."""

    rule: Rule
    results: list[Result] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        return bool(self.results)

    @property
    def counts(self) -> dict[str, int]:
        return count_verdicts(self.results)

    @property
    def by_scenario(self) -> dict[str, list[Result]]:
        """The results grouped by scenario id (one entry per mode), in order of appearance."""
        groups: dict[str, list[Result]] = {}
        for result in self.results:
            groups.setdefault(result["id"], []).append(result)
        return groups


@dataclass
class Coverage:
    """Rule coverage: every catalogue rule, those never exercised, and ids not in the catalogue."""

    rules: list[RuleCoverage]
    not_exercised: list[Rule]
    unknown: dict[str, list[Result]]


def rule_coverage(results: Results) -> Coverage:
    """Which rules the results exercised, which they never touched, and unknown rule ids."""
    entries = {rule["id"]: RuleCoverage(rule) for rule in results["rules"]}
    unknown: dict[str, list[Result]] = {}
    for result in results["results"]:
        for rule_id in result["rules"]:
            if rule_id in entries:
                entries[rule_id].results.append(result)
            else:
                unknown.setdefault(rule_id, []).append(result)
    covered = list(entries.values())
    return Coverage(covered, [c.rule for c in covered if not c.exercised], unknown)


@dataclass
class Change:
    """One (id, mode) whose verdict differs from the baseline's."""

    id: str
    mode: str
    title: str
    before: Verdict | None
    after: Verdict | None
    result: Result | None


@dataclass
class Diff:
    """Verdict changes against a baseline run, keyed by (id, mode)."""

    regressed: list[Change]
    fixed: list[Change]
    changed: list[Change]
    added: list[Change]
    removed: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.regressed or self.fixed or self.changed or self.added or self.removed)


def diff(baseline: Results, current: Results) -> Diff:
    """Compare verdicts by (id, mode): regressions move into FAIL/TIMEOUT/ERROR, fixes out of it."""
    before = {(r["id"], r["mode"]): r for r in baseline["results"]}
    after = {(r["id"], r["mode"]): r for r in current["results"]}
    out = Diff([], [], [], [], [])
    for key, now in after.items():
        old = before.get(key)
        if old is None:
            out.added.append(Change(key[0], key[1], now["title"], None, now["verdict"], now))
            continue
        if old["verdict"] == now["verdict"]:
            continue
        change = Change(key[0], key[1], now["title"], old["verdict"], now["verdict"], now)
        if now["verdict"] in BAD and old["verdict"] not in BAD:
            out.regressed.append(change)
        elif old["verdict"] in BAD and now["verdict"] not in BAD:
            out.fixed.append(change)
        else:
            out.changed.append(change)
    for key, old in before.items():
        if key not in after:
            out.removed.append(Change(key[0], key[1], old["title"], old["verdict"], None, None))
    return out
