"""A real conformance run with hostile text, rendered and opened in headless chromium.

The user's and the agent's messages carry HTML and script; the run uses a catalogue defect so
one scenario fails. Every output must be written, and in the browser no script may run, no
console error appear and no request leave file://; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, BROWSER_SKIP, Watched

HOSTILE = "<script>alert('user')</script>"


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-run")
    command = [sys.executable, "-m", "scenarios.cli", "run", "--sut", "reference", "--mode", "hop_v2",
               "--defect", "close-without-passback", "--tags=@HOP-ROBUST-TEXT or @HOP-CLOSE-PASSBACK",
               "--out", str(out), "--quiet", "--bundle"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 1, finished.stdout + finished.stderr  # the defect makes it fail
    return out


def test_a_run_with_a_defect_writes_every_format(run_out: Path) -> None:
    for name in ("index.html", "results.json", "junit.xml", "cucumber.json", "summary.md", "evidence.zip"):
        assert (run_out / name).is_file(), name
    results = json.loads((run_out / "results.json").read_text(encoding="utf-8"))
    verdicts = {(r["id"], r["verdict"]) for r in results["results"]}
    assert ("HOP-DELIV-007", "PASS") in verdicts
    assert any(v == "FAIL" for _, v in verdicts)
    suite = ET.parse(run_out / "junit.xml").getroot()
    assert int(suite.get("failures") or suite.find("testsuite").get("failures")) >= 1
    journal_text = json.dumps(next(r for r in results["results"] if r["id"] == "HOP-DELIV-007")["journal"])
    assert "alert('user')" in journal_text  # the payload really crossed the wire


@pytest.mark.browser
@BROWSER_SKIP
def test_hostile_text_from_a_real_run_stays_text_in_the_browser(browser: Any, run_out: Path) -> None:
    pages = {"index": run_out / "index.html",
             "hostile": run_out / "scenarios" / "HOP-DELIV-007--hop_v2.html"}
    results = json.loads((run_out / "results.json").read_text(encoding="utf-8"))
    failed = next(r for r in results["results"] if r["verdict"] == "FAIL")
    pages["failed"] = run_out / "scenarios" / f"{failed['id']}--hop_v2.html"
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in pages.items():
        watched = Watched(browser)
        page = watched.open(path)
        assert page.locator("script").count() == 0
        if name == "hostile":
            for summary in page.locator(".wire details > summary").all():
                summary.click()
            assert page.get_by_text(HOSTILE, exact=False).count() >= 1  # shown as text
        page.screenshot(path=str(ARTIFACTS / f"real-run-{name}.png"), full_page=True)
        watched.assert_quiet()
        page.close()
