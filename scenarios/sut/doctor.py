"""`handover doctor --sut ...`: check an adapter and the SUT's webhook set-up before a run."""

from __future__ import annotations

import argparse
from typing import Any

from scenarios.sut.base import SutConfig, make_adapter


def register(subparsers: Any) -> None:
    """Add `doctor` to the `handover` command."""
    parser = subparsers.add_parser("doctor", help="check a SUT adapter and its webhook set-up")
    parser.add_argument("--sut", required=True, help="reference | http://BASE | python:MODULE:FACTORY | manual")
    parser.add_argument("--role", choices=("secondary", "primary"))
    parser.add_argument("--defect")
    parser.add_argument("--sut-config")
    parser.add_argument("--sim-port", type=int, default=0)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from simulator.server import start_simulator

    checks: list[tuple[str, bool, str]] = []
    simulator = start_simulator(port=args.sim_port)
    adapter = None
    try:
        adapter = make_adapter(args.sut, role=args.role, defect=args.defect, config=SutConfig.load(args.sut_config))
        client = simulator.client
        try:
            adapter.start(simulator.url, client.config())
            checks.append(("adapter starts", True, f"{adapter.describe()}"))
        except Exception as exc:
            checks.append(("adapter starts", False, f"{type(exc).__name__}: {exc}"))
            return _print(checks)
        caps = sorted(adapter.capabilities())
        checks.append(("capabilities", bool(caps) or args.sut == "manual", ", ".join(caps) or "none"))
        app = next((a for a in client.config()["apps"] if str(a["id"]) == str(adapter.app_id)), None)
        checks.append(("SUT app known to the simulator", app is not None, f"app id {adapter.app_id}"))
        if app is not None:
            checks.append(("webhook URL set", bool(app.get("webhook")), str(app.get("webhook"))))
            if app.get("webhook"):
                entry = client.verify_webhook(str(app["id"]))
                checks.append(("verification handshake", bool(entry.get("ok")),
                               f"status {entry.get('status')} {entry.get('reason') or ''}".strip()))
            fields = app.get("fields") or []
            needed = {"messages", "messaging_handovers", "standby", "message_echoes"}
            missing = sorted(needed - set(fields))
            checks.append(("subscribed fields", not missing, "missing " + ", ".join(missing) if missing else ", ".join(fields)))
        return _print(checks)
    finally:
        if adapter is not None:
            adapter.stop()
        simulator.stop()


def _print(checks: list[tuple[str, bool, str]]) -> int:
    for name, ok, detail in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    failed = sum(1 for _, ok, _ in checks if not ok)
    print(f"doctor: {len(checks) - failed}/{len(checks)} checks passed")
    return 1 if failed else 0
