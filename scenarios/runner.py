"""`handover run`: the conformance features against a SUT, in-process with pytest-bdd, to results.json."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

from scenarios.catalogue import MODES
from scenarios.verdicts import BAD_VERDICTS, Verdict

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SUITE_MODULE = Path(__file__).resolve().parent / "suite.py"
VERDICT_ORDER = [v.value for v in Verdict]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sut", required=True,
                        help="reference | http://BASE (control hooks) | python:MODULE:FACTORY | manual")
    parser.add_argument("--role", choices=("secondary", "primary"), help="role of the SUT (default: from the SUT)")
    parser.add_argument("--mode", default="all", help="all | legacy_hop | hop_v2 | conversation_routing (comma-separated)")
    parser.add_argument("--defect", help="start the reference SUT with a catalogue defect (handover reference-sut --list-defects)")
    parser.add_argument("--tags", help='Cucumber tag expression, e.g. "@HOP-CLOSE-PASSBACK and not @adapter-reported"')
    parser.add_argument("--expected-failures", help="file listing scenario ids (optionally with a mode) known to fail")
    parser.add_argument("--out", default="handover-report", help="output directory (default ./handover-report)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="parallel workers, each with its own simulator and SUT")
    parser.add_argument("--sut-config", help="TOML describing the vendor system: app id, secret, tokens, webhook, role, hooks")
    parser.add_argument("--sim-port", type=int, default=0, help="fix the simulator's port so the SUT can point its Graph base URL at it")
    parser.add_argument("--sim-config", help="simulator TOML config (default: the documented default page)")
    parser.add_argument("--platform-timeout", type=float, default=1.0,
                        help="the platform's webhook response timeout for this run, in seconds (Meta: 5)")
    parser.add_argument("--quiet", action="store_true", help="no per-scenario progress lines")
    parser.add_argument("--no-report", action="store_true", help="write only results.json")
    parser.add_argument("--run-dir", help="where the simulator's durable journal is written (default OUT/run)")
    parser.add_argument("--bundle", action="store_true",
                        help="also write evidence.zip: every output plus the redacted journal and a SHA-256 manifest")


def register(subparsers: Any) -> None:
    """Add `run` to the `handover` command."""
    parser = subparsers.add_parser("run", help="run the conformance suite against a system under test",
                                   description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(func=run)


def pytest_args(args: argparse.Namespace, results_path: Path, ini_path: Path) -> list[str]:
    argv = [str(SUITE_MODULE), "-c", str(ini_path), "--rootdir", str(PACKAGE_ROOT), "-p", "no:cacheprovider",
            "-q", "--tb=no", "--no-header", "--assert=plain", "-W", "ignore::pytest.PytestUnknownMarkWarning",
            f"--handover-sut={args.sut}", f"--handover-mode={args.mode}", f"--handover-results={results_path}",
            f"--handover-platform-timeout={args.platform_timeout}",
            f"--handover-run-dir={run_dir_of(args)}"]
    optional = (("role", "--handover-role"), ("defect", "--handover-defect"), ("tags", "--handover-tags"),
                ("expected_failures", "--handover-expected-failures"), ("sut_config", "--handover-sut-config"),
                ("sim_config", "--handover-sim-config"))
    for attribute, flag in optional:
        value = getattr(args, attribute, None)
        if value:
            argv.append(f"{flag}={value}")  # `=` form: pytest reads a leading "@" as a file of arguments
    if args.sim_port:
        argv.append(f"--handover-sim-port={args.sim_port}")
    if not args.quiet:
        argv.append("--handover-progress")
    if args.jobs > 1:
        if args.sim_port:
            raise SystemExit("--sim-port fixes one simulator's port: it cannot be combined with -j > 1")
        if importlib.util.find_spec("xdist") is None:
            raise SystemExit("-j needs pytest-xdist (pip install pytest-xdist)")
        argv += ["-n", str(args.jobs)]
    return argv


def summary_lines(results: dict[str, Any]) -> list[str]:
    """One line per mode and a total: scenario counts and verdict counts (the README quotes these)."""
    lines = []
    run = results["run"]
    defect = f" defect={run['defect']}" if run.get("defect") else ""
    lines.append(f"handover run: sut={run['sut']} role={run['role']}{defect} modes={','.join(run['modes'])}")
    for mode in run["modes"]:
        rows = [r for r in results["results"] if r["mode"] == mode]
        counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICT_ORDER}
        lines.append(f"  {mode:<21} {len(rows):>3} scenarios  " +
                     "  ".join(f"{v} {n}" for v, n in counts.items() if n))
    total = results["summary"]
    lines.append(f"  {'total':<21} {len(results['results']):>3} results    " +
                 "  ".join(f"{v} {total.get(v, 0)}" for v in VERDICT_ORDER))
    return lines


def run_dir_of(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "run_dir", None) or Path(args.out) / "run")


def journal_files(run_dir: Path) -> list[Path]:
    """The journal of each worker's simulator (one per worker with -j)."""
    return sorted(run_dir.glob("**/journal.jsonl"))


def write_reports(results: dict[str, Any], out_dir: Path, *, run_dir: Path | None = None,
                  bundle: bool = False) -> str | None:
    """Render HTML, JUnit, Cucumber and Markdown if the reports package is there; None if not."""
    for module_name in ("reports.cli", "reports.render"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        writer = getattr(module, "write_all", None)
        if writer is not None:
            journals = journal_files(run_dir) if run_dir else []
            writer(results, out_dir, journal_path=journals[0] if len(journals) == 1 else None, bundle=bundle)
            return module_name
    return None


def exit_code(results: dict[str, Any]) -> int:
    """Non-zero on any FAIL, ERROR or TIMEOUT (an unexpected pass is already a FAIL)."""
    return 1 if any(r["verdict"] in BAD_VERDICTS for r in results["results"]) else 0


def run(args: argparse.Namespace) -> int:
    import pytest

    if args.mode != "all" and any(m not in MODES for m in args.mode.split(",")):
        print(f"--mode must be all or one of {', '.join(MODES)}", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / "results.json"
    if results_path.exists():
        results_path.unlink()
    for stale in journal_files(run_dir_of(args)):
        stale.unlink()  # a journal is appended to; a new run starts a new one
    ini_path = out_dir / ".handover-pytest.ini"
    ini_path.write_text("[pytest]\n", encoding="utf-8")  # keep a caller's pytest.ini out of the run
    started = time.perf_counter()
    code = pytest.main(pytest_args(args, results_path, ini_path))
    if not results_path.exists():
        print(f"handover run: no results (pytest exited with {int(code)})", file=sys.stderr)
        return 3
    results = json.loads(results_path.read_text(encoding="utf-8"))
    for line in summary_lines(results):
        print(line)
    print(f"  wall time {time.perf_counter() - started:.1f} s; results: {results_path}")
    if not args.no_report:
        try:
            writer = write_reports(results, out_dir, run_dir=run_dir_of(args), bundle=args.bundle)
            if writer:
                print(f"  report: {(out_dir / 'index.html').resolve()}")
                if args.bundle:
                    print(f"  evidence bundle: {(out_dir / 'evidence.zip').resolve()}")
        except Exception as exc:  # a broken renderer must not hide the verdicts
            print(f"  report not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    if not results["results"]:
        print("handover run: no scenario matched the role, modes and tags", file=sys.stderr)
        return 4
    return exit_code(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="handover run", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
