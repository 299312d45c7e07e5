"""Configuration: the documented example parses, and bad configs say what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.config import load_config
from simulator.simulation import Simulation

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_documented_example_builds_a_simulation(tmp_path):
    example = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    path = tmp_path / "page.toml"
    path.write_text(example, encoding="utf-8")
    sim = Simulation(path)
    try:
        assert sim.clock_view()["now"].startswith("2026-11-23T09:00")
        assert {a["id"] for a in sim.describe()["apps"]} >= {"640000000000001", "256859710996832", "263902037430900"}
    finally:
        sim.close()


@pytest.mark.parametrize("raw,message", [
    ({"mode": "v3"}, "mode must be"),
    ({"apps": [{"id": "x1", "name": "A"}]}, "numeric"),
    ({"apps": [{"id": "1", "name": "A", "colour": "red"}]}, "unknown app keys"),
    ({"apps": [{"id": "1", "name": "A", "role": "boss"}]}, "role must be"),
    ({"apps": [{"id": "1", "name": "A", "fields": ["telepathy"]}]}, "unknown webhook field"),
    ({"apps": [{"id": "1", "name": "A", "role": "primary"}, {"id": "2", "name": "B", "role": "primary"}]}, "only one"),
])
def test_bad_configs_are_explained(raw, message):
    with pytest.raises(ValueError, match=message):
        load_config(raw)
