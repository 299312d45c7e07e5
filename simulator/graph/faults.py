"""Fault plans: Graph errors and latency injected on chosen edges, for robustness scenarios."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from simulator.domain import errors

MAX_LATENCY_MS = 30_000


@dataclass
class Fault:
    """Answer matching calls with an error (and/or after a delay) `count` times (None = always)."""

    id: int
    app_id: str | None = None
    edge: str | None = None
    method: str | None = None
    code: int | None = None
    error_subcode: int | None = None
    status: int = 400
    message: str | None = None
    type: str = "OAuthException"
    preset: str | None = None
    count: int | None = 1
    latency_ms: int = 0
    hits: int = 0

    def matches(self, app_id: str | None, edge: str, method: str) -> bool:
        return ((self.app_id is None or str(self.app_id) == str(app_id))
                and (self.edge is None or self.edge == edge)
                and (self.method is None or self.method.upper() == method)
                and (self.count is None or self.count > 0))

    def error(self) -> errors.GraphError | None:
        if self.preset:
            return errors.FAULT_PRESETS[self.preset]()
        if self.code is None:
            return None
        transient = self.code in (1, 2, 4, 17, 613, 1200)
        return errors.CustomGraphError(self.code, self.error_subcode, self.status,
                                       self.message or f"(#{self.code}) Injected fault", self.type, transient)


class FaultPlan:
    """The active faults; the first match is consumed per call."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._next = 1

    def add(self, spec: dict[str, Any]) -> Fault:
        allowed = {"app_id", "edge", "method", "code", "error_subcode", "status", "message", "type",
                   "preset", "count", "latency_ms"}
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        if spec.get("preset") is not None and spec["preset"] not in errors.FAULT_PRESETS:
            raise ValueError(f"preset must be one of {sorted(errors.FAULT_PRESETS)}")
        latency = int(spec.get("latency_ms") or 0)
        if not 0 <= latency <= MAX_LATENCY_MS:
            raise ValueError(f"latency_ms must be between 0 and {MAX_LATENCY_MS}")
        status = int(spec.get("status") or 400)
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if spec.get("code") is None and spec.get("preset") is None and not latency:
            raise ValueError("a fault needs a code, a preset or a latency_ms")
        with self._lock:
            fault = Fault(id=self._next, **{k: v for k, v in spec.items() if k in allowed and v is not None})
            fault.status, fault.latency_ms = status, latency
            if fault.app_id is not None:
                fault.app_id = str(fault.app_id)
            self._next += 1
            self._faults.append(fault)
            return fault

    def take(self, app_id: str | None, edge: str, method: str) -> Fault | None:
        if not self._faults:  # the common case: no plan, no lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(app_id, edge, method):
                    if fault.count is not None:
                        fault.count -= 1
                    fault.hits += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]
