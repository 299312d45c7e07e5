"""The adapter Protocol, the --sut-config TOML file and `make_adapter` (the --sut spec parser)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

# Hook actions of the contract (docs/sut-contract.md) and the capability names scenarios use.
AGENT_ACTIONS = ("reply", "assign", "close", "pass_to_bot", "take")
ROLE_NAMES = ("secondary", "primary")


@runtime_checkable
class SutAdapter(Protocol):
    """What the steps may ask of a system under test; verdicts never rest on its answers."""

    name: str
    role: str
    app_id: str | None
    #: Wall seconds to keep listening after the simulator drained, before a negative check
    #: ("sends nothing"): 0 for SUTs that act before acknowledging a webhook.
    settle_s: float
    #: Wall seconds a positive wire check may wait for the SUT to act.
    wait_s: float

    def start(self, sim_url: str, sim_config: dict[str, Any]) -> None: ...

    def stop(self) -> None: ...

    def capabilities(self) -> set[str]: ...

    def action(self, name: str, payload: dict[str, Any]) -> dict[str, Any]: ...

    def conversation(self, psid: str) -> dict[str, Any]: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass
class SutConfig:
    """A vendor system as described by `--sut-config FILE` (TOML).

    ```toml
    role = "secondary"                 # or "primary"
    hooks = "http://127.0.0.1:9100"   # control-hook base URL (optional)
    opening_hours = "mon-fri 08:00-18:00"   # optional, UTC
    [app]
    id = "256859710996832"
    secret = "..."
    page_token = "..."
    verify_token = "..."
    webhook = "https://vendor.example/webhook"
    ```
    """

    role: str | None = None
    hooks: str | None = None
    app: dict[str, Any] = field(default_factory=dict)
    opening_hours: str | None = None
    settle_s: float | None = None
    wait_s: float | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> SutConfig:
        if path is None:
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read --sut-config {path}: {exc}") from exc
        known = {"role", "hooks", "app", "opening_hours", "settle_s", "wait_s", "options"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"--sut-config {path}: unknown keys {unknown}; known: {sorted(known)}")
        role = data.get("role")
        if role is not None and role not in ROLE_NAMES:
            raise ValueError(f"--sut-config {path}: role must be secondary or primary")
        app = dict(data.get("app", {}))
        if "id" in app:
            app["id"] = str(app["id"])
        return cls(role=role, hooks=data.get("hooks"), app=app, opening_hours=data.get("opening_hours"),
                   settle_s=data.get("settle_s"), wait_s=data.get("wait_s"), options=dict(data.get("options", {})))


def make_adapter(spec: str, *, role: str | None = None, defect: str | None = None,
                 config: SutConfig | None = None) -> SutAdapter:
    """`reference` | `http://BASE` (or https) | `python:MODULE:FACTORY` | `manual`."""
    config = config or SutConfig()
    if spec == "reference":
        from scenarios.sut.reference import ReferenceAdapter
        return ReferenceAdapter(role=role or config.role, defect=defect, config=config)
    if defect:
        raise ValueError("--defect applies only to --sut reference")
    if spec.startswith(("http://", "https://")):
        from scenarios.sut.http import HttpHooksAdapter
        return HttpHooksAdapter(spec, role=role or config.role, config=config)
    if spec.startswith("python:"):
        from scenarios.sut.python import load_python_adapter
        return load_python_adapter(spec, role=role or config.role, config=config)
    if spec == "manual":
        from scenarios.sut.manual import ManualAdapter
        return ManualAdapter(role=role or config.role, config=config)
    raise ValueError(f"unknown --sut {spec!r}: use reference, http://BASE, python:MODULE:FACTORY or manual")
