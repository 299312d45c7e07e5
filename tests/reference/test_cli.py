"""`handover reference-sut`: listing, role rules, and a real subprocess start."""

from __future__ import annotations

import pytest
import requests

from scenarios.cli import build_parser
from scenarios.reference import defects as catalogue
from scenarios.reference import start_reference_sut
from scenarios.reference.cli import parse_options, run


def test_handover_command_lists_defects(capsys):
    args = build_parser().parse_args(["reference-sut", "--list-defects"])
    assert args.func(args) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(catalogue.DEFECTS)


def test_conflicting_role_is_an_error(capsys):
    args = build_parser().parse_args(["reference-sut", "--role", "secondary", "--defect", "bot-ignores-request",
                                      "--sim-url", "http://127.0.0.1:9"])
    assert run(args) == 2
    assert "belongs to the primary role" in capsys.readouterr().err


def test_sim_url_is_required(capsys):
    args = build_parser().parse_args(["reference-sut", "--role", "secondary"])
    assert run(args) == 2


def test_unknown_defect_is_rejected_by_argparse():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["reference-sut", "--defect", "nope"])


def test_options_parse_json_values():
    assert parse_options(["slow_seconds=2", "grant_requests=false", "business_hours=mon-fri 08:00-18:00"]) == {
        "slow_seconds": 2, "grant_requests": False, "business_hours": "mon-fri 08:00-18:00"}
    with pytest.raises(ValueError):
        parse_options(["novalue"])


def test_registration_failure_is_reported(graph_stub):
    from scenarios.reference.runner import StartError
    graph_stub.script("subscribed_apps", 400, {"error": {"message": "(#190) Invalid OAuth access token", "code": 190}})
    with pytest.raises(StartError, match="registration failed"):
        start_reference_sut("secondary", graph_stub.url)


def test_subprocess_start_registers_and_answers_hooks(graph_stub):
    sut = start_reference_sut("primary", graph_stub.url, in_thread=False)
    try:
        capabilities = requests.get(f"{sut.base_url}/hooks/capabilities", timeout=10).json()
        assert capabilities["roles"] == ["primary"] and sut.app_id == "640000000000001"
        assert sut.process is not None and sut.process.poll() is None
        assert [c["path"] for c in graph_stub.of("subscriptions")] == ["640000000000001/subscriptions"]
    finally:
        sut.stop()
    assert sut.process.poll() is not None
