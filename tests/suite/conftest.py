"""Collects the defect self-test's outcomes and prints the score at the end of the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCORE: dict[str, str] = {}
RUN_TIMEOUT_S = 600


def run_suite(out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """`handover run` in a fresh interpreter (pytest cannot nest in-process); results.json parsed."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run([sys.executable, "-m", "scenarios.runner", "--out", str(out), "--quiet",
                                "--no-report", *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                               env=env, cwd=Path(__file__).resolve().parents[2])
    results_path = out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"results": [], "summary": {}}
    return completed.returncode, results, completed.stdout + completed.stderr


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SCORE:
        return
    caught = sum(1 for v in SCORE.values() if v == "caught")
    terminalreporter.write_sep("=", "defect self-test score")
    for name, outcome in sorted(SCORE.items()):
        terminalreporter.write_line(f"  {name:<32} {outcome}")
    terminalreporter.write_line(f"defect self-test score: {caught}/{len(SCORE)} defects caught by the rule they break")
