"""The journal: every Graph call in and every webhook attempt out, durable, queryable, waitable.

It is the single source of truth for verdicts. Each entry is appended to `journal.jsonl` in the
run directory with one `write` system call as it happens, so a killed process loses nothing that
was recorded (the kernel holds the bytes even if Python never gets to flush again).

Entries are plain JSON objects with at least `seq`, `kind`, `ts` (virtual epoch ms) and `wall`
(real ISO time). The kinds and their fields are documented in docs/journal.md.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from simulator.domain.clock import VirtualClock

try:  # orjson serialises a journal line ~5x faster than json; the journal is on every request's path
    import orjson

    def _line(entry: dict) -> bytes:
        return orjson.dumps(entry, default=str, option=orjson.OPT_NON_STR_KEYS) + b"\n"
except ImportError:  # pragma: no cover - orjson is a declared dependency
    def _line(entry: dict) -> bytes:
        return (json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":")) + "\n").encode("utf-8")

JOURNAL_FILE = "journal.jsonl"
_MISSING = object()


def lookup(entry: Any, path: str) -> list[Any]:
    """All values at a dotted `path`; a `*` segment fans out over list items or dict values."""
    values = [entry]
    for part in path.split(".") if path else []:
        found: list[Any] = []
        for value in values:
            if part == "*":
                if isinstance(value, list):
                    found.extend(value)
                elif isinstance(value, dict):
                    found.extend(value.values())
            elif isinstance(value, dict):
                if part in value:
                    found.append(value[part])
            elif isinstance(value, list) and part.isdigit():
                index = int(part)
                if index < len(value):
                    found.append(value[index])
        values = found
    return values


def _same(expected: Any, actual: Any) -> bool:
    """Equality that treats app ids typed as numbers or strings alike (Meta mixes both)."""
    if expected == actual:
        return True
    if isinstance(expected, (str, int)) and isinstance(actual, (str, int)) and not isinstance(expected, bool) and not isinstance(actual, bool):
        return str(expected) == str(actual)
    return False


@dataclass(frozen=True)
class Condition:
    """One `path` must hold `value` (or, with `exists`, merely be present or absent)."""

    path: str
    value: Any = _MISSING
    exists: bool | None = None

    def check(self, entry: dict) -> str | None:
        """None when the condition holds, else a short reason why it does not."""
        values = lookup(entry, self.path)
        if self.exists is not None:
            present = bool(values) and any(v is not None for v in values)
            if present == self.exists:
                return None
            return f"{self.path} is {'absent' if self.exists else 'present'}"
        if self.value is _MISSING:
            return None
        if any(_same(self.value, v) for v in values):
            return None
        if not values:
            return f"{self.path} is absent (wanted {self.value!r})"
        shown = values[0] if len(values) == 1 else values[:5]
        return f"{self.path} is {shown!r}, wanted {self.value!r}"


def conditions_from(match: dict[str, Any] | None, exists: dict[str, bool] | None = None) -> list[Condition]:
    """Build conditions from `{"path": value}` and `{"path": True/False}` (presence) maps."""
    conditions = [Condition(path, value) for path, value in (match or {}).items()]
    conditions += [Condition(path, exists=bool(flag)) for path, flag in (exists or {}).items()]
    return conditions


@dataclass
class WaitResult:
    """Outcome of `Journal.wait`: the matching entry, or the near misses and why they missed."""

    entry: dict | None
    near_misses: list[dict]
    waited_ms: int

    @property
    def matched(self) -> bool:
        return self.entry is not None

    def as_dict(self) -> dict:
        return {"matched": self.matched, "entry": self.entry, "near_misses": self.near_misses,
                "waited_ms": self.waited_ms}


class Journal:
    """Append-only, ordered record of everything that crossed the simulator's wire."""

    def __init__(self, clock: VirtualClock, run_dir: Path | str | None = None) -> None:
        self._clock = clock
        self._entries: list[dict] = []
        self._cond = threading.Condition()
        self._seq = 0
        self._fd: int | None = None
        self.path: Path | None = None
        if run_dir is not None:
            self.open(Path(run_dir))

    def open(self, run_dir: Path) -> None:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.path = run_dir / JOURNAL_FILE
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def close(self) -> None:
        with self._cond:
            if self._fd is not None:
                try:
                    os.fsync(self._fd)
                finally:
                    os.close(self._fd)
                    self._fd = None

    # -- writing -----------------------------------------------------------------------------
    def record(self, kind: str, **fields: Any) -> dict:
        """Append one entry, write it through to disk, wake waiters; returns the entry."""
        entry = {"seq": 0, "kind": kind, "ts": fields.pop("ts", None) or self._clock.peek_ms(),
                 "wall": datetime.now(timezone.utc).isoformat(timespec="milliseconds")}
        entry.update(fields)
        with self._cond:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
            self._cond.notify_all()
        fd = self._fd
        if fd is not None:
            # Outside the lock: the system call releases the GIL, and holding the lock across it
            # made every request thread queue behind it. An O_APPEND write of one line is atomic,
            # so lines never interleave; concurrent writers may land neighbouring lines out of
            # `seq` order, which is why every line carries its `seq`.
            try:
                os.write(fd, _line(entry))
            except OSError:
                if self._fd is not None:
                    raise  # a real I/O error; EBADF after close() at shutdown is the only excuse
        return entry

    # -- reading -----------------------------------------------------------------------------
    @property
    def last_seq(self) -> int:
        with self._cond:
            return self._seq

    def entries(self, since_seq: int = 0) -> list[dict]:
        with self._cond:
            # Entries are appended in seq order, so the first newer one is found by bisection and
            # a query about the last few entries costs nothing for the length of the run before.
            start = bisect.bisect_right(self._entries, since_seq, key=_seq_of)
            return self._entries[start:]

    def query(self, *, kind: str | Iterable[str] | None = None, app_id: str | None = None,
              psid: str | None = None, since_seq: int = 0, until_seq: int | None = None,
              conditions: list[Condition] | None = None, limit: int | None = None) -> list[dict]:
        """Entries matching every filter, oldest first (the last `limit` when limited)."""
        kinds = {kind} if isinstance(kind, str) else (set(kind) if kind else None)
        selected = []
        for entry in self.entries(since_seq):
            if until_seq is not None and entry["seq"] > until_seq:
                break
            if kinds and entry["kind"] not in kinds:
                continue
            if app_id is not None and str(entry.get("app_id")) != str(app_id):
                continue
            if psid is not None and not _mentions_psid(entry, psid):
                continue
            if conditions and any(c.check(entry) for c in conditions):
                continue
            selected.append(entry)
        return selected[-limit:] if limit else selected

    def wait(self, conditions: list[Condition], *, timeout: float, since_seq: int = 0,
             kind: str | Iterable[str] | None = None, app_id: str | None = None,
             psid: str | None = None, near_miss_limit: int = 5,
             on_idle: Callable[[], None] | None = None) -> WaitResult:
        """Block until an entry after `since_seq` matches, or `timeout` wall seconds pass.

        This is a wait on a condition variable (woken by every new entry), not a sleep.
        `on_idle` runs on every wake-up so the caller can let virtual-time timers fire.
        """
        started = time.monotonic()
        deadline = started + timeout
        checked = since_seq
        while True:
            if on_idle is not None:
                on_idle()
            fresh = self.query(kind=kind, app_id=app_id, psid=psid, since_seq=checked)
            for entry in fresh:
                if not any(c.check(entry) for c in conditions):
                    return WaitResult(entry, [], int((time.monotonic() - started) * 1000))
            if fresh:
                checked = fresh[-1]["seq"]
            with self._cond:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                if self._seq == checked or not fresh:
                    self._cond.wait(timeout=min(remaining, 0.05))
        misses = self.near_misses(conditions, since_seq=since_seq, kind=kind, app_id=app_id,
                                  psid=psid, limit=near_miss_limit)
        return WaitResult(None, misses, int((time.monotonic() - started) * 1000))

    def near_misses(self, conditions: list[Condition], *, since_seq: int = 0,
                    kind: str | Iterable[str] | None = None, app_id: str | None = None,
                    psid: str | None = None, limit: int = 5) -> list[dict]:
        """The entries that came closest to matching, each with the reasons it did not."""
        scored = []
        for entry in self.query(kind=kind, app_id=app_id, psid=psid, since_seq=since_seq):
            reasons = [r for r in (c.check(entry) for c in conditions) if r]
            scored.append((len(reasons), -entry["seq"], entry, reasons))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [{"entry": entry, "why_not": reasons} for _, _, entry, reasons in scored[:limit]]

    def clear(self) -> None:
        """Forget entries in memory (the file keeps them); used by a full reset."""
        with self._cond:
            self._entries.clear()


def _seq_of(entry: dict) -> int:
    return entry["seq"]


def _mentions_psid(entry: dict, psid: str) -> bool:
    if str(entry.get("psid")) == psid:
        return True
    psids = entry.get("psids")
    return bool(psids) and psid in {str(p) for p in psids}
