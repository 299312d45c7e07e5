"""`handover reference-sut`: run a reference contact centre or bot, or list the defect catalogue."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from scenarios.reference import defects as catalogue
from scenarios.reference.runner import READY_PREFIX, ROLES, StartError, role_for, start_reference_sut


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list-defects", action="store_true",
                        help="print every defect of both roles, one per line, and exit")
    parser.add_argument("--role", choices=ROLES, help="secondary (contact centre) or primary (bot); "
                        "implied by --defect")
    parser.add_argument("--sim-url", help="base URL of the simulator, e.g. http://127.0.0.1:8080")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: any free port)")
    parser.add_argument("--defect", choices=[d.name for d in catalogue.DEFECTS], metavar="NAME",
                        help="start with one catalogue defect (see --list-defects)")
    parser.add_argument("--app-id", help="app id (default: the simulator's app of this role)")
    parser.add_argument("--secret", help="app secret (default: from the simulator's config)")
    parser.add_argument("--page-token", help="page access token (default: from the simulator's config)")
    parser.add_argument("--verify-token", help="webhook verify token (default: from the simulator's config)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting, e.g. business_hours='mon-fri 08:00-18:00', "
                             "slow_seconds=2, grant_requests=false (JSON values are parsed)")
    parser.add_argument("--no-register", action="store_true",
                        help="do not set the webhook or subscribe the page at start")
    parser.add_argument("--announce", action="store_true", help=argparse.SUPPRESS)


def register(subparsers: Any) -> None:
    """Add `reference-sut` to the `handover` command."""
    parser = subparsers.add_parser("reference-sut", help="run a reference contact centre or bot (with a defect)",
                                   description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.set_defaults(func=run)


def parse_options(pairs: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--option needs KEY=VALUE, not {pair!r}")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


def list_defects() -> str:
    return "\n".join(d.line() for d in catalogue.DEFECTS)


def run(args: argparse.Namespace) -> int:
    """Run until SIGINT/SIGTERM; prints where the hooks and the webhook are."""
    if args.list_defects:
        print(list_defects())
        return 0
    try:
        role = role_for(args.role, args.defect)
        options = parse_options(args.option)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.sim_url:
        print("error: --sim-url is required", file=sys.stderr)
        return 2
    try:
        sut = start_reference_sut(role, args.sim_url, port=args.port, defect=args.defect, app_id=args.app_id,
                                  secret=args.secret, page_token=args.page_token,
                                  verify_token=args.verify_token, host=args.host,
                                  register=not args.no_register, options=options)
    except (StartError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.announce:
        print(f"{READY_PREFIX} {sut.base_url} {sut.app_id}", flush=True)
    else:
        label = "contact centre" if role == "secondary" else "bot"
        print(f"reference {label} ({role}, app {sut.app_id}{', defect ' + args.defect if args.defect else ''})",
              flush=True)
        print(f"  hooks:   {sut.base_url}/hooks/capabilities", flush=True)
        print(f"  webhook: {sut.webhook_url}", flush=True)
    try:
        while not stop.wait(3600):
            pass
    finally:
        sut.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenarios.reference", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))
