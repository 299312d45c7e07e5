"""Render results.json into the report folder: HTML pages, JUnit XML, Cucumber JSON, Markdown."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Mapping

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from reports import bundle as bundle_mod
from reports.cucumber import to_cucumber
from reports.junit import to_junit
from reports.markdown import to_summary
from reports.model import (
    BAD,
    VERDICT_LABELS,
    VERDICT_SHORT,
    VERDICTS,
    Diff,
    Result,
    Results,
    all_modes,
    by_area,
    count_verdicts,
    diff,
    matrix,
    page_name,
    slug,
    rule_coverage,
    validate,
)
from reports.sequence import HEAD_HEIGHT, HEAD_TOP, TIME_COLUMN, Lifeline, build_ownership, build_sequence
from reports.wirelog import MARKS, build_wire_log, json_block, json_html

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.html"
BUNDLE = "evidence.zip"


@dataclass(frozen=True)
class Written:
    """Where each output went."""

    index: Path
    junit: Path
    cucumber: Path
    summary: Path
    results: Path
    bundle: Path | None


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _elapsed(start: str | None, end: str | None) -> str:
    try:
        seconds = (datetime.fromisoformat(str(end).replace("Z", "+00:00"))
                   - datetime.fromisoformat(str(start).replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return ""
    return _ms(seconds * 1000)


def minify_css(css: str) -> str:
    """Comments and layout whitespace removed; the stylesheet is inlined in every page."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    # Around braces, semicolons and commas, and after a declaration's colon; never before a
    # colon, where a space makes a descendant selector (`a :hover` is not `a:hover`).
    css = re.sub(r"\s*([{};,])\s*", r"\1", css)
    return css.replace(": ", ":").strip()


@cache
def environment() -> Environment:
    """The Jinja2 environment; autoescape is on for every template, whatever its name."""
    # style.css is served minified through its own loader entry (it is static text, not data).
    style = DictLoader({"style.css": minify_css((TEMPLATES / "style.css").read_text(encoding="utf-8"))})
    env = Environment(
        loader=ChoiceLoader([style, FileSystemLoader(TEMPLATES)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package; no stat() per page to see if they changed
    )
    env.filters.update(ms=_ms, when=_when, label=lambda v: VERDICT_LABELS.get(str(v), str(v)),
                       short=lambda v: VERDICT_SHORT.get(str(v), str(v)), page=page_name, slug=slug,
                       json_block=json_block, json_html=json_html, code_runs=code_runs)
    env.globals.update(J=MARKS, VERDICTS=[str(v) for v in VERDICTS], BAD={str(v) for v in BAD},
                       G={"TIME_COLUMN": TIME_COLUMN, "HEAD_TOP": HEAD_TOP, "HEAD_HEIGHT": HEAD_HEIGHT})
    return env


def code_runs(text: str) -> list[tuple[bool, str]]:
    """Split Markdown-ish text on backticks: (is_code, text) runs for the template to mark up."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as it is
        return [(False, str(text))]
    return [(i % 2 == 1, part) for i, part in enumerate(parts) if part]


def _percent(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values()) or 1
    return {k: 100 * v / total for k, v in counts.items()}


def _index_html(results: Results, changes: Diff | None, outputs: list[str]) -> str:
    run = results["run"]
    counts = results["summary"]
    areas = [(area, rows, count_verdicts(rows), _percent(count_verdicts(rows)))
             for area, rows in by_area(results["results"]).items()]
    return environment().get_template("index.html").render(
        run=run, counts=counts, percents=_percent(counts), total=len(results["results"]),
        matrix=matrix(results), areas=areas, coverage=rule_coverage(results), diff=changes,
        started=_when(run["started_at"]), elapsed=_elapsed(run["started_at"], run["finished_at"]),
        outputs=outputs, root="",
    )


@lru_cache(maxsize=64)
def _seq_heads(lifelines: tuple[Lifeline, ...], lane: float) -> Markup:
    """The `seq_heads` macro's output (escaped by the template), drawn once per set of lifelines.

    Most pages of a run show the same participants, and these heads were a fifth of the
    escaping work of a scenario page.
    """
    return environment().get_template("macros.html").module.seq_heads(lifelines, lane)  # type: ignore[attr-defined]


def _scenario_html(template: Template, result: Result, rules: dict[str, Any], siblings: list[Result],
                   run: Mapping[str, Any]) -> str:
    longest = max((s["duration_ms"] for s in result["steps"]), default=0) or 1
    seq = build_sequence(result)
    return template.render(
        r=result, run=run, rules=[(rule_id, rules.get(rule_id)) for rule_id in result["rules"]],
        siblings=siblings, longest_step=longest, seq=seq, seq_heads=_seq_heads(tuple(seq.lifelines), seq.lane),
        ownership=build_ownership(result), wire=build_wire_log(result), root="../",
    )


def build_outputs(results: Results, baseline: Results | None = None) -> dict[str, bytes]:
    """Every output file, relative path -> bytes, without touching the disk."""
    changes = diff(baseline, results) if baseline is not None else None
    files: dict[str, bytes] = {}
    files["junit.xml"] = to_junit(results)
    files["cucumber.json"] = json.dumps(to_cucumber(results), ensure_ascii=False, separators=(",", ":")).encode()
    files["summary.md"] = to_summary(results, changes).encode()
    rules = {rule["id"]: rule for rule in results["rules"]}
    by_id: dict[str, list[Result]] = {}
    for result in results["results"]:
        by_id.setdefault(result["id"], []).append(result)
    modes = all_modes(results)
    template = environment().get_template("scenario.html")
    for result in results["results"]:
        siblings = sorted(by_id[result["id"]], key=lambda r: modes.index(r["mode"]))
        files[f"scenarios/{page_name(result)}"] = _scenario_html(template, result, rules, siblings, results["run"]).encode()
    outputs = ["results.json", "junit.xml", "cucumber.json", "summary.md"]
    files[INDEX] = _index_html(results, changes, outputs).encode()
    return files


def _results_json(data: Mapping[str, Any]) -> bytes:
    # Compact on purpose: json.dumps with indent runs in pure Python and took a fifth of the
    # time of a 1,000-result report; `python -m json.tool` pretty-prints it when a person reads it.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode() + b"\n"


def _as_results(data: Mapping[str, Any]) -> Results:
    return validate(dict(data))


def write_all(
    results: Mapping[str, Any],
    out_dir: Path,
    *,
    baseline: Mapping[str, Any] | None = None,
    journal_path: Path | None = None,
    bundle: bool = False,
) -> Written:
    """Write every format into out_dir (and the evidence bundle if asked); what the runner calls."""
    out_dir = Path(out_dir)
    model = _as_results(results)
    base = _as_results(baseline) if baseline is not None else None
    files = build_outputs(model, base)
    # The results.json beside index.html is the input as given, so extra fields survive.
    files["results.json"] = _results_json(results)
    for folder in {(out_dir / rel).parent for rel in files}:
        folder.mkdir(parents=True, exist_ok=True)  # once per folder, not once per page
    for rel, data in files.items():
        (out_dir / rel).write_bytes(data)
    zip_path = None
    if bundle:
        # Secrets found anywhere (results, baseline, journal) are removed everywhere, so a token
        # seen under a key in one place cannot survive in free text in another.
        literals = bundle_mod.secrets_in(results, baseline) | bundle_mod.journal_secrets(journal_path)
        redacted = bundle_mod.redact(results, literals)
        redacted_base = bundle_mod.redact(baseline, literals) if baseline is not None else None
        redacted_files = build_outputs(_as_results(redacted),
                                       _as_results(redacted_base) if redacted_base is not None else None)
        redacted_files["results.json"] = _results_json(redacted)
        zip_path = bundle_mod.write_bundle(out_dir / BUNDLE, redacted_files, journal_path=journal_path,
                                           stamp=model["run"]["finished_at"], literals=literals)
    return Written(out_dir / INDEX, out_dir / "junit.xml", out_dir / "cucumber.json", out_dir / "summary.md",
                   out_dir / "results.json", zip_path)


def render_report(
    results: Mapping[str, Any],
    out_dir: Path,
    *,
    baseline: Mapping[str, Any] | None = None,
    journal_path: Path | None = None,
    bundle: bool = False,
) -> Path:
    """Render every output into out_dir and return the path of index.html."""
    return write_all(results, out_dir, baseline=baseline, journal_path=journal_path, bundle=bundle).index
