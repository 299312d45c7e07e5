"""Against the reference systems every scenario is PASS or NOT_APPLICABLE, in every mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suite.conftest import run_suite

GOOD = {"PASS", "NOT_APPLICABLE"}


@pytest.mark.integration
@pytest.mark.parametrize("role", ["secondary", "primary"])
def test_reference_sut_passes_every_scenario(tmp_path: Path, role: str) -> None:
    code, results, output = run_suite(tmp_path, "--sut", "reference", "--role", role)
    bad = [f"{r['id']} {r['mode']}: {r['verdict']} {r['reason']}" for r in results["results"] if r["verdict"] not in GOOD]
    assert not bad, "\n".join(bad) + "\n" + output[-3000:]
    assert code == 0, output[-3000:]
    modes = results["run"]["modes"]
    assert modes == ["legacy_hop", "hop_v2", "conversation_routing"]
    per_mode = {m: sum(1 for r in results["results"] if r["mode"] == m) for m in modes}
    minimum = 40 if role == "secondary" else 10
    assert all(count >= minimum for count in per_mode.values()), per_mode
