"""Wall time of the whole conformance suite x 3 modes against the reference systems (aim: < 30 s)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 30.0


def run(role: str, jobs: int, out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scenarios.runner", "--sut", "reference", "--role", role, "--quiet",
                    "--no-report", "--out", str(out), "-j", str(jobs)], cwd=ROOT, capture_output=True, text=True,
                   timeout=900)
    wall = time.perf_counter() - started
    return wall, json.loads((out / "results.json").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    total_wall, total_results = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for role in ("secondary", "primary"):
            wall, results = run(role, args.jobs, Path(tmp) / role)
            count = len(results["results"])
            total_wall += wall
            total_results += count
            summary = ", ".join(f"{k} {v}" for k, v in results["summary"].items() if v)
            print(f"{role:<10} {count:>4} scenario runs (3 modes) in {wall:6.1f} s "
                  f"({wall / max(count, 1) * 1000:.0f} ms each; {summary})")
    print(f"whole suite x 3 modes: {total_results} scenario runs in {total_wall:.1f} s "
          f"(target < {TARGET_S:.0f} s: {'met' if total_wall < TARGET_S else 'missed'}; -j {args.jobs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
