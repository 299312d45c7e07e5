"""Virtual clock: every time rule of the platform (windows, expiry, retries) reads this clock.

The clock flows with real time from a chosen start, and can be moved forward by a control
call. Timers registered on it fire when virtual time passes their due time, whether time moved
by flowing or by a jump, so nothing in the product ever needs to sleep for a rule to apply.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

MS_PER_SECOND = 1000


@dataclass(order=True)
class _Timer:
    due_ms: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    name: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)


class TimerHandle:
    """Returned by `VirtualClock.call_at` so a timer can be cancelled."""

    def __init__(self, timer: _Timer) -> None:
        self._timer = timer

    def cancel(self) -> None:
        self._timer.cancelled = True

    @property
    def due_ms(self) -> int:
        return self._timer.due_ms


class VirtualClock:
    """Epoch-millisecond clock = start + real elapsed time + every advance made so far.

    `frozen=True` stops the real-time flow (only `advance` moves it) for deterministic tests;
    even then `now_ms` never returns the same value twice, because Meta's event timestamps are
    strictly ordered and receivers sort on them.
    """

    def __init__(self, start: datetime | float | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.RLock()
        self._frozen = frozen
        self._timers: list[_Timer] = []
        self._seq = itertools.count()
        self._last_ms = 0
        self._firing = False
        self.set(start)

    # -- reading -----------------------------------------------------------------------------
    def now_ms(self) -> int:
        """Current virtual time in epoch milliseconds, strictly increasing across calls."""
        with self._lock:
            raw = self._raw_ms()
            value = raw if raw > self._last_ms else self._last_ms + 1
            self._last_ms = value
            return value

    def peek_ms(self) -> int:
        """Current virtual time without consuming a tick (for display and comparisons)."""
        with self._lock:
            return max(self._raw_ms(), self._last_ms)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.peek_ms() / MS_PER_SECOND, tz=timezone.utc)

    @property
    def frozen(self) -> bool:
        return self._frozen

    # -- moving ------------------------------------------------------------------------------
    def set(self, start: datetime | float | None) -> None:
        """Restart the clock at `start` (a datetime, epoch seconds, or None for real now)."""
        with self._lock:
            if start is None:
                start_ms = int(time.time() * MS_PER_SECOND)
            elif isinstance(start, datetime):
                if start.tzinfo is None:
                    start = start.replace(tzinfo=timezone.utc)
                start_ms = int(start.timestamp() * MS_PER_SECOND)
            else:
                start_ms = int(float(start) * MS_PER_SECOND)
            self._base_ms = start_ms
            self._base_real = time.monotonic()
            self._last_ms = start_ms - 1
        self.fire_due()

    def set_frozen(self, frozen: bool) -> None:
        with self._lock:
            current = self.peek_ms()
            self._frozen = frozen
            self._base_ms = current
            self._base_real = time.monotonic()

    def advance(self, seconds: float) -> int:
        """Jump forward; fires every timer that falls due. Returns the new time (ms)."""
        if seconds < 0:
            raise ValueError("the virtual clock only moves forward")
        with self._lock:
            self._base_ms += int(round(seconds * MS_PER_SECOND))
        self.fire_due()
        return self.peek_ms()

    # -- timers ------------------------------------------------------------------------------
    def call_at(self, due_ms: int, callback: Callable[[], None], name: str = "") -> TimerHandle:
        """Run `callback` once virtual time reaches `due_ms` (checked on every advance/tick)."""
        timer = _Timer(int(due_ms), next(self._seq), callback, name)
        with self._lock:
            heapq.heappush(self._timers, timer)
        return TimerHandle(timer)

    def call_later(self, seconds: float, callback: Callable[[], None], name: str = "") -> TimerHandle:
        return self.call_at(self.peek_ms() + int(seconds * MS_PER_SECOND), callback, name)

    def pending(self) -> list[tuple[int, str]]:
        with self._lock:
            return sorted((t.due_ms, t.name) for t in self._timers if not t.cancelled)

    def fire_due(self) -> int:
        """Fire the timers whose due time has passed, in due order; returns how many fired.

        Callbacks run outside the clock lock (they usually take the platform lock), and a
        re-entrant call made by a callback returns at once: the outer loop picks up any timer
        the callback scheduled.
        """
        fired = 0
        with self._lock:
            if self._firing:
                return 0
            self._firing = True
        try:
            while True:
                with self._lock:
                    now = max(self._raw_ms(), self._last_ms)
                    if not self._timers or self._timers[0].due_ms > now:
                        return fired
                    timer = heapq.heappop(self._timers)
                if timer.cancelled:
                    continue
                timer.callback()
                fired += 1
        finally:
            with self._lock:
                self._firing = False

    def clear_timers(self) -> None:
        with self._lock:
            self._timers.clear()

    # -- internals ---------------------------------------------------------------------------
    def _raw_ms(self) -> int:
        if self._frozen:
            return self._base_ms
        return self._base_ms + int((time.monotonic() - self._base_real) * MS_PER_SECOND)
