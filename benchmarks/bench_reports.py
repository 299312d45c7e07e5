"""Benchmark: render 1,000 scenario results, against baselines measured in the same run.

Run from the repository root: `python benchmarks/bench_reports.py [COUNT]`.
Machines are noisy, so the numbers that matter are the ratios printed at the end: rendering
1,000 results vs rendering 100 (should be ~10x: linear), and vs json.dumps of the same data (the
cheapest thing one could do with it).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "reports")]  # the realistic synthetic results live with the tests

from report_synthetic import make_many  # noqa: E402

from reports.render import build_outputs, render_report  # noqa: E402
from reports.model import validate  # noqa: E402

TARGET_SECONDS = 2.0


def timed(label: str, func, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best of `repeat` runs, in seconds (the minimum is the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return best


def main(count: int = 1000) -> int:
    big, small = make_many(count), make_many(count // 10)
    entries = sum(len(r["journal"]) for r in big["results"])
    print(f"{count} results, {entries} journal entries, {len(json.dumps(big)) / 1e6:.1f} MB of results.json\n")
    # Every report goes to a fresh folder under one temporary folder, removed at the end
    # (each 1,000-result report is about 40 MB).
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        def fresh() -> Path:
            return Path(tempfile.mkdtemp(dir=tmp))

        validate(big)
        render_report(small, fresh())  # warm the template cache so the first timed run is not a compile

        dumps = timed(f"baseline: json.dumps({count} results, indent=2)", lambda: json.dumps(big, indent=2))
        small_render = timed(f"baseline: render_report({count // 10} results) to disk",
                             lambda: render_report(small, fresh()))
        in_memory = timed(f"build_outputs({count} results) in memory", lambda: build_outputs(validate(big)))
        full = timed(f"render_report({count} results) to disk", lambda: render_report(big, fresh()))

    print()
    print(f"render {count} / json.dumps {count}:      {full / dumps:6.1f}x")
    print(f"render {count} / render {count // 10}:         {full / small_render:6.1f}x  (10x = linear)")
    print(f"disk share of render {count}:          {100 * (full - in_memory) / full:5.0f} %")
    verdict = "under" if full < TARGET_SECONDS else "OVER"
    print(f"render {count}: {full:.2f} s, {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
