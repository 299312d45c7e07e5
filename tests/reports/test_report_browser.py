"""The rendered report in a real headless chromium: no script runs, no console errors; screenshots saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, BROWSER_SKIP, Watched
from report_synthetic import SCRIPT

from reports.render import render_report

pytestmark = [pytest.mark.browser, BROWSER_SKIP]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, results_data: dict[str, Any]) -> Path:
    return render_report(results_data, tmp_path_factory.mktemp("browser-report"))


def test_index_page_runs_no_script_and_is_clean(browser: Any, report: Path) -> None:
    watched = Watched(browser)
    page = watched.open(report)
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("table.matrix td.cell a").count() == 18
    # The hostile title is shown as text, not parsed as markup.
    assert page.get_by_text('receives pass_thread_control "><img src=x onerror=alert(1)>').count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-index.png"), full_page=True)
    watched.assert_quiet()
    page.close()


def test_failed_scenario_page_runs_no_script_and_is_clean(browser: Any, report: Path) -> None:
    watched = Watched(browser)
    failed = report.parent / "scenarios" / "HOP-PASS-001--hop_v2.html"
    page = watched.open(failed)
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert page.locator(".hero .v.big").inner_text() == "Fail"
    assert page.get_by_text(SCRIPT, exact=False).count() >= 1
    assert page.locator("svg.seq .msg.err").count() == 1
    # Open every wire log entry, so the screenshot shows bodies and signature headers too.
    for summary in page.locator(".wire details > summary").all():
        summary.click()
    assert page.locator(".wire details[open]").count() == page.locator(".wire details").count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-failed-scenario.png"), full_page=True)
    watched.assert_quiet()
    page.close()


def test_an_arrow_leads_to_its_wire_log_entry(browser: Any, report: Path) -> None:
    watched = Watched(browser)
    page = watched.open(report.parent / "scenarios" / "HOP-PASS-001--hop_v2.html")
    # Click the label: the middle of the arrow's bounding box is often empty canvas.
    page.locator("svg.seq .msg.err .al").first.click()
    target = page.url.split("#")[1]
    assert page.locator(f"#{target} .wbody").is_visible(), "the linked entry shows its body without a click"
    watched.assert_quiet()
    page.close()
