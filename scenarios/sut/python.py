"""`--sut python:MODULE:FACTORY`: an adapter object built in-process by the vendor's factory."""

from __future__ import annotations

import importlib
from typing import Any

from scenarios.sut.base import SutAdapter, SutConfig


class PythonAdapter:
    """Wraps the factory's object; missing optional methods mean missing capabilities."""

    name = "python"

    def __init__(self, target: Any, spec: str, role: str | None, config: SutConfig) -> None:
        self.target = target
        self.spec = spec
        self.config = config
        self.role = getattr(target, "role", None) or role or config.role or "secondary"
        self.app_id = getattr(target, "app_id", None) or config.app.get("id")
        self.settle_s = float(getattr(target, "settle_s", 0.3))
        self.wait_s = float(getattr(target, "wait_s", 5.0))

    def start(self, sim_url: str, sim_config: dict[str, Any]) -> None:
        if hasattr(self.target, "start"):
            self.target.start(sim_url, sim_config)
        self.app_id = getattr(self.target, "app_id", None) or self.app_id

    def stop(self) -> None:
        if hasattr(self.target, "stop"):
            self.target.stop()

    def capabilities(self) -> set[str]:
        caps = self.target.capabilities() if hasattr(self.target, "capabilities") else set()
        if isinstance(caps, dict):
            caps = caps.get("actions") or []
        return set(caps)

    def opening_hours(self) -> str | None:
        return getattr(self.target, "opening_hours", None) or self.config.opening_hours

    def action(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.target.action(name, payload)

    def conversation(self, psid: str) -> dict[str, Any]:
        return self.target.conversation(psid)

    def describe(self) -> dict[str, Any]:
        return {"adapter": self.name, "spec": self.spec, "role": self.role, "app_id": self.app_id}


def load_python_adapter(spec: str, *, role: str | None, config: SutConfig) -> SutAdapter:
    """`python:package.module:factory` -> factory(role=..., config=...) wrapped as an adapter."""
    try:
        _, module_name, factory_name = spec.split(":", 2)
    except ValueError:
        raise ValueError(f"--sut {spec!r}: expected python:MODULE:FACTORY") from None
    module = importlib.import_module(module_name)
    factory = getattr(module, factory_name, None)
    if factory is None:
        raise ValueError(f"--sut {spec!r}: {module_name} has no {factory_name}")
    return PythonAdapter(factory(role=role, config=config), spec, role, config)
