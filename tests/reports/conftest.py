"""Fixtures for the report tests: a synthetic results.json and a report rendered from it once."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import browser  # noqa: F401 - a fixture shared by the browser tests
from report_synthetic import make_results

from reports.render import render_report


@pytest.fixture(scope="session")
def results_data() -> dict[str, Any]:
    return make_results()


@pytest.fixture
def results(results_data: dict[str, Any]) -> dict[str, Any]:
    """A private copy a test may change."""
    return copy.deepcopy(results_data)


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory: pytest.TempPathFactory, results_data: dict[str, Any]) -> Path:
    out = tmp_path_factory.mktemp("report")
    render_report(results_data, out)
    return out


@pytest.fixture(scope="session")
def journal_file(tmp_path_factory: pytest.TempPathFactory, results_data: dict[str, Any]) -> Path:
    """A JSONL journal holding every result's entries, plus one line that is not JSON."""
    path = tmp_path_factory.mktemp("run") / "journal.jsonl"
    entries = [e for r in results_data["results"] for e in r["journal"]]
    lines = [json.dumps(e, separators=(",", ":")) for e in entries]
    lines.append("not json: GET https://graph.facebook.com/v19.0/me?access_token=EAAGtruncatedlinetoken1234567890")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
