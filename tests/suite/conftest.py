"""Runs the self-test's `handover run`s ahead, a few at a time, and prints the defect score at the end.

Each run is a fresh interpreter with its own simulator and SUT (pytest cannot nest in-process),
so runs are independent and can overlap: a test marked `handover_run` gets its run's outcome
from `suite_runs`, which starts every selected run when the first of them is needed. Most of a
run is interpreter start-up and waiting on loopback HTTP, so two at a time on a 2-core machine
take about half the wall time; verdicts rest on drained deliveries, not on timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest

SCORE: dict[str, str] = {}
RUN_TIMEOUT_S = 600
# Runs at a time: one per core, at most 4 (each run is mostly one busy interpreter).
JOBS = max(1, min(4, os.cpu_count() or 1))
MARK = "handover_run"


def run_suite(out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """`handover run` in a fresh interpreter (pytest cannot nest in-process); results.json parsed."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run([sys.executable, "-m", "scenarios.runner", "--out", str(out), "--quiet",
                                "--no-report", *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                               env=env, cwd=Path(__file__).resolve().parents[2])
    results_path = out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"results": [], "summary": {}}
    return completed.returncode, results, completed.stdout + completed.stderr


def handover_run(key: str, *args: str, weight: int = 1) -> pytest.MarkDecorator:
    """Mark a test (or one parameter of it) as needing `handover run ARGS`; `key` names its output
    folder, `weight` is its rough cost (heavier runs start first, so the pool finishes together)."""
    return getattr(pytest.mark, MARK)(key, *args, weight=weight)


class SuiteRuns:
    """The selected tests' runs, started in a small pool; a test waits (bounded) for its own."""

    def __init__(self, out: Path, jobs: int) -> None:
        self.out = out
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="handover-run")
        self._futures: dict[str, Future[tuple[int, dict[str, Any], str]]] = {}

    def start(self, item: pytest.Item) -> None:
        mark = item.get_closest_marker(MARK)
        if mark is not None and mark.args[0] not in self._futures:
            key, *args = mark.args
            self._futures[key] = self._pool.submit(run_suite, self.out / key, *args)

    def outcome(self, item: pytest.Item) -> tuple[int, dict[str, Any], str]:
        self.start(item)
        mark = item.get_closest_marker(MARK)
        return self._futures[mark.args[0]].result(timeout=RUN_TIMEOUT_S + 30)

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARK}(key, *args): the test judges the outcome of `handover run ARGS`")


@pytest.fixture(scope="session")
def suite_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteRuns]:
    parallel = not hasattr(request.config, "workerinput")  # under xdist, each worker runs its own tests
    runs = SuiteRuns(tmp_path_factory.mktemp("handover-runs"), JOBS if parallel else 1)
    if parallel:
        marked = [i for i in request.session.items if i.get_closest_marker(MARK) is not None]
        for item in sorted(marked, key=lambda i: -i.get_closest_marker(MARK).kwargs.get("weight", 1)):
            runs.start(item)
    yield runs
    runs.close()


@pytest.fixture(scope="session")
def defect_score() -> dict[str, str]:
    """Defect name -> caught / missed. A fixture, because a test module that imported SCORE would
    get another copy of this module than the one pytest registered (tests/ is not a package)."""
    return SCORE


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SCORE:
        return
    caught = sum(1 for v in SCORE.values() if v == "caught")
    terminalreporter.write_sep("=", "defect self-test score")
    for name, outcome in sorted(SCORE.items()):
        terminalreporter.write_line(f"  {name:<32} {outcome}")
    terminalreporter.write_line(f"defect self-test score: {caught}/{len(SCORE)} defects caught by the rule they break")
