"""summary.md: a short Markdown digest of a run for pull-request comments."""

from __future__ import annotations

from typing import Any, Callable

from reports.model import BAD, VERDICT_LABELS, VERDICTS, Change, Diff, Results

# GitHub caps a comment at 65,536 characters; long lists are cut well before that.
MAX_ROWS = 50
MAX_CELL = 300
ICONS = {"PASS": "✅", "FAIL": "❌", "TIMEOUT": "⏱️", "ERROR": "💥", "WARNING": "⚠️",
         "EXPECTED_FAILURE": "🔶", "NOT_APPLICABLE": "➖"}


def cell(text: object) -> str:
    """Text made safe for one Markdown table cell: no HTML, no pipes, no line breaks."""
    value = " ".join(("" if text is None else str(text)).split())
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - 1] + "…"
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "\\`"),
                         ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        value = value.replace(raw, escaped)
    return value


def code(text: object) -> str:
    """Text as an inline code span inside a table cell."""
    value = " ".join(str(text).replace("`", "'").split()).replace("|", "\\|")
    return f"`{value}`"


def _verdict(value: object) -> str:
    return f"{ICONS.get(str(value), '')} {VERDICT_LABELS.get(str(value), str(value))}".strip() if value else "—"


def _grouped(items: list[Any], key: Callable[[Any], tuple[Any, ...]]) -> list[tuple[Any, list[str]]]:
    """Items that differ only by mode merged into one row: (first item, its modes)."""
    groups: dict[tuple[Any, ...], tuple[Any, list[str]]] = {}
    for item in items:
        mode = item.mode if isinstance(item, Change) else item["mode"]
        groups.setdefault(key(item), (item, []))[1].append(mode)
    return list(groups.values())


def _capped(rows: list[str], where: str = "") -> list[str]:
    if len(rows) > MAX_ROWS:
        return [*rows[:MAX_ROWS], f"| … | {len(rows) - MAX_ROWS} more rows{where} | | | |"]
    return rows


def _change_rows(changes: list[Change]) -> list[str]:
    rows = [f"| {code(c.id)} | {cell(', '.join(modes))} | {_verdict(c.before)} | {_verdict(c.after)} | {cell(c.title)} |"
            for c, modes in _grouped(changes, lambda c: (c.id, c.before, c.after, c.title))]
    return ["| Scenario | Modes | Before | After | Title |", "|---|---|---|---|---|", *_capped(rows)]


def to_summary(results: Results, changes: Diff | None = None) -> str:
    """The Markdown text of summary.md."""
    run = results["run"]
    counts = results["summary"]
    total = sum(counts.values())
    bad = sum(counts[v] for v in BAD)
    status = "❌ failing" if bad else "✅ passing"
    lines = [
        f"## Handover conformance: {cell(run['sut'])} ({cell(run['role'])}) — {status}",
        "",
        f"{total} results across {len(run['modes'])} modes ({cell(', '.join(run['modes']))}); "
        f"handover {cell(run['versions'].get('handover', '?'))}"
        + (f"; defect {code(run['defect'])}" if run["defect"] else "") + ".",
        "",
        "| Verdict | Count |",
        "|---|---:|",
        *[f"| {_verdict(v)} | {counts[str(v)]} |" for v in VERDICTS if counts[str(v)]],
        f"| **Total** | **{total}** |",
    ]
    if changes is not None:
        lines += ["", "### Against the baseline", ""]
        if changes.empty:
            lines.append("No verdict changed.")
        for title, group in (("Regressed", changes.regressed), ("Fixed", changes.fixed),
                             ("Other changes", changes.changed), ("New", changes.added),
                             ("Gone", changes.removed)):
            if group:
                lines += [f"**{title}** ({len(group)})", "", *_change_rows(group), ""]
    failures = [r for r in results["results"] if r["verdict"] in BAD]
    if failures:
        lines += ["", f"### Failures ({len(failures)})", "",
                  "| Scenario | Modes | Verdict | Rules | Reason |", "|---|---|---|---|---|"]
        rows = []
        # The same failure in several modes is one row: a PR comment should be read, not scrolled.
        for r, modes in _grouped(failures, lambda r: (r["id"], r["verdict"], tuple(r["rules"]),
                                                      r["reason"] or r["observed"] or "")):
            rules = ", ".join(code(rule) for rule in r["rules"])
            rows.append(f"| {code(r['id'])} {cell(r['title'])} | {cell(', '.join(modes))} | {_verdict(r['verdict'])} "
                        f"| {rules} | {cell(r['reason'] or r['observed'] or '')} |")
        lines += _capped(rows, " in the HTML report")
    lines += ["", "_Full report: `index.html`; machine outputs: `junit.xml`, `cucumber.json`, `results.json`._", ""]
    return "\n".join(lines)
