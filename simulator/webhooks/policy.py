"""Delivery policy: the knobs of webhook delivery (timeout, retries, faults, alerting, app-id typing)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

APP_ID_TYPES = ("meta", "string", "number")
# The webhook fields that carry an app id; `message.app_id` is the echo's sending app.
APP_ID_FIELDS = ("new_owner_app_id", "previous_owner_app_id", "requested_owner_app_id", "message.app_id")
# Assumption: what `app_id_type = "meta"` gives each field, following the typing of Meta's own examples:
# handover owner ids are quoted strings (spec §3.7), `requested_owner_app_id` is a number in the
# legacy example and Bottender's types (spec §3.7: "number by default"), and the echo `app_id`
# is a number in Meta's example and in real captures (spec §3.3).
META_APP_ID_TYPES: dict[str, str] = {
    "new_owner_app_id": "string",
    "previous_owner_app_id": "string",
    "requested_owner_app_id": "number",
    "message.app_id": "number",
}
MAX_BATCH = 1000  # Meta's generic webhooks batch up to 1000 updates (spec §4.4)


def _number(name: str, value: Any, *, minimum: float, maximum: float, allow_zero: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    if value < minimum or value > maximum or (not allow_zero and value == 0):
        low = f"> {minimum}" if not allow_zero else f">= {minimum}"
        raise ValueError(f"{name} must be {low} and <= {maximum}, got {value!r}")
    return float(value)


def _integer(name: str, value: Any, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value!r}")
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def _optional_period(name: str, value: Any) -> float | None:
    if value is None:
        return None
    return _number(name, value, minimum=0, maximum=365 * 86400, allow_zero=False)


def _backoff(value: Any) -> list[float]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"backoff_s must be a list of seconds, got {value!r}")
    return [_number(f"backoff_s[{i}]", item, minimum=0, maximum=7 * 86400, allow_zero=False)
            for i, item in enumerate(value)]


def _app_id_type(value: Any) -> str:
    if value not in APP_ID_TYPES:
        raise ValueError(f"app_id_type must be one of {', '.join(APP_ID_TYPES)}, got {value!r}")
    return value


def _app_id_fields(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"app_id_fields must map a field to 'string' or 'number', got {value!r}")
    result = {}
    for key, kind in value.items():
        if key not in APP_ID_FIELDS:
            raise ValueError(f"app_id_fields: unknown field {key!r}; known: {', '.join(APP_ID_FIELDS)}")
        if kind not in ("string", "number"):
            raise ValueError(f"app_id_fields[{key!r}] must be 'string' or 'number', got {kind!r}")
        result[key] = kind
    return result


_VALIDATORS = {
    "timeout_s": lambda v: _number("timeout_s", v, minimum=0, maximum=120, allow_zero=False),
    "immediate_retries": lambda v: _integer("immediate_retries", v, minimum=0, maximum=10),
    "backoff_s": _backoff,
    "duplicate": lambda v: _flag("duplicate", v),
    "batch": lambda v: _integer("batch", v, minimum=1, maximum=MAX_BATCH),
    "reorder": lambda v: _flag("reorder", v),
    "gather_s": lambda v: _number("gather_s", v, minimum=0, maximum=10),
    "alert_after_s": lambda v: _optional_period("alert_after_s", v),
    "unsubscribe_after_s": lambda v: _optional_period("unsubscribe_after_s", v),
    "app_id_type": _app_id_type,
    "app_id_fields": _app_id_fields,
}


@dataclass
class DeliveryPolicy:
    """How webhooks go out. Live: the dispatcher reads it on every delivery, so `update` applies at once.

    Periods other than `timeout_s` and `gather_s` are virtual seconds (they pass when the
    virtual clock moves); `timeout_s` and `gather_s` are the only wall-clock waits.
    """

    timeout_s: float = 5.0              # spec §4.3: respond "within 5 or less seconds"
    immediate_retries: int = 2          # spec §4.4: retried "immediately ... a few more times"
    backoff_s: list[float] = field(default_factory=lambda: [15.0, 60.0, 300.0, 900.0, 1800.0])
    duplicate: bool = False
    batch: int = 1                      # max entries per POST; 1 = one event per POST (spec §3.1)
    reorder: bool = False
    # Assumption: batching/reordering wait this long (wall clock) for neighbours, since events
    # reach the dispatcher one control call at a time and Meta's "under load" has no equivalent.
    gather_s: float = 0.2
    alert_after_s: float | None = 900.0        # spec §4.4: developer alert after 15 min
    unsubscribe_after_s: float | None = 3600.0  # spec §4.4: unsubscribed after 1 h
    app_id_type: str = "meta"           # "meta" (per-field defaults) | "string" | "number"
    app_id_fields: dict[str, str] = field(default_factory=dict)  # per-field override

    def __post_init__(self) -> None:
        for item in fields(self):
            setattr(self, item.name, _VALIDATORS[item.name](getattr(self, item.name)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "DeliveryPolicy":
        """A policy from a config table or control-API body; unknown keys are an error."""
        policy = cls()
        policy.update(**dict(data or {}))
        return policy

    def to_dict(self) -> dict[str, Any]:
        return {
            "timeout_s": self.timeout_s, "immediate_retries": self.immediate_retries,
            "backoff_s": list(self.backoff_s), "duplicate": self.duplicate, "batch": self.batch,
            "reorder": self.reorder, "gather_s": self.gather_s, "alert_after_s": self.alert_after_s,
            "unsubscribe_after_s": self.unsubscribe_after_s, "app_id_type": self.app_id_type,
            "app_id_fields": dict(self.app_id_fields),
        }

    def update(self, **changes: Any) -> "DeliveryPolicy":
        """Validate every change first, then apply them all (a bad value changes nothing)."""
        unknown = sorted(set(changes) - set(_VALIDATORS))
        if unknown:
            raise ValueError(f"unknown delivery policy field(s) {', '.join(unknown)}; "
                             f"known: {', '.join(_VALIDATORS)}")
        checked = {name: _VALIDATORS[name](value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)
        return self

    def app_id_types(self) -> dict[str, str]:
        """The resolved type ("string" or "number") of every app-id field."""
        if self.app_id_type == "meta":
            resolved = dict(META_APP_ID_TYPES)
        else:
            resolved = {name: self.app_id_type for name in APP_ID_FIELDS}
        resolved.update(self.app_id_fields)
        return resolved
