"""The `handover report` subcommand: re-render a results.json without running anything."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reports.bundle import JOURNAL
from reports.model import ResultsError, load_results
from reports.render import Written, write_all

__all__ = ["register", "run", "write_all", "Written"]

DEFAULT_OUT = Path("handover-report")


def register(subparsers: Any) -> None:
    """Add `report` to the `handover` command's subparsers."""
    parser = subparsers.add_parser(
        "report",
        help="render HTML, JUnit XML, Cucumber JSON and Markdown from a results.json",
        description="Render every report format from a results.json, optionally against a baseline.",
    )
    parser.add_argument("results", type=Path, metavar="RESULTS", help="results.json written by `handover run`")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"output folder (default: {DEFAULT_OUT})")
    parser.add_argument("--baseline", type=Path, metavar="OLD_RESULTS",
                        help="an earlier results.json: show what regressed and what was fixed")
    parser.add_argument("--bundle", action="store_true",
                        help="also write evidence.zip: every output and the journal, secrets redacted, "
                             "with MANIFEST.sha256")
    parser.add_argument("--journal", type=Path, metavar="JOURNAL.jsonl",
                        help=f"journal to put in the bundle (default: {JOURNAL} beside RESULTS, if present)")
    parser.set_defaults(func=run)


def _load(path: Path) -> dict[str, Any]:
    # The raw dict is kept (not the normalised model) so results.json is copied as it was.
    data = json.loads(path.read_text(encoding="utf-8"))
    load_results(path)  # validates; raises ResultsError with every problem found
    return data


def run(args: argparse.Namespace) -> int:
    """Render the report; print the path of index.html; 0 on success, 2 on bad input."""
    try:
        results = _load(args.results)
        baseline = _load(args.baseline) if args.baseline else None
    except (OSError, ValueError) as exc:
        # ResultsError and JSONDecodeError are both ValueErrors.
        print(f"handover report: {exc}", file=sys.stderr)
        return 2
    journal = args.journal
    if journal is None and args.bundle and (args.results.parent / JOURNAL).is_file():
        journal = args.results.parent / JOURNAL
    try:
        written = write_all(results, args.out, baseline=baseline, journal_path=journal, bundle=args.bundle)
    except (OSError, ResultsError) as exc:
        print(f"handover report: {exc}", file=sys.stderr)
        return 2
    if written.bundle is not None:
        print(f"evidence bundle: {written.bundle}", file=sys.stderr)
    print(written.index)
    return 0
