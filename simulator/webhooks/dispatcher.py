"""Per-app webhook delivery: ordered worker threads, retries on the virtual clock, alerts, unsubscribe."""

from __future__ import annotations

import itertools
import logging
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

import requests

from simulator.domain.clock import MS_PER_SECOND, TimerHandle, VirtualClock
from simulator.domain.notifications import Notification
from simulator.journal import Journal
from simulator.webhooks.directory import Directory, Endpoint
from simulator.webhooks.envelope import events_of, make_body, make_entry, psids_of
from simulator.webhooks.policy import DeliveryPolicy
from simulator.webhooks.serialize import meta_json
from simulator.webhooks.signing import sign

logger = logging.getLogger(__name__)

RESPONSE_BODY_LIMIT = 2048
# Assumption: deliveries carry the agent Meta's fetchers use; some receivers log or filter on it.
USER_AGENT = "facebookexternalua"
ALERT_FAILING = "failing_15_min"
ALERT_UNSUBSCRIBED = "unsubscribed"


@dataclass
class _Job:
    """One POST to one app: one entry, or several when batched. Its bytes are fixed once sent."""

    app_id: str
    entries: list[dict[str, Any]]
    delivery_id: str | None = None
    duplicate: bool = False
    raw: bytes | None = None
    body: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    retries_scheduled: int = 0
    passed_over: bool = False   # already swapped behind its neighbour once (reorder)
    duplicated: bool = False    # its duplicate has been queued
    gather_deadline: float | None = None
    timer: TimerHandle | None = None

    @property
    def fresh(self) -> bool:
        """Never sent: may still be merged into a batch or held for company."""
        return self.raw is None and not self.duplicate


@dataclass
class _Check:
    """A virtual-time deadline of a failure period, queued behind the retries that fell due first."""

    period: int
    reason: str


class _Worker:
    """One app's FIFO and its failure state; all fields are guarded by the dispatcher lock."""

    def __init__(self, app_id: str, lock: threading.Lock) -> None:
        self.app_id = app_id
        self.queue: deque[_Job | _Check] = deque()
        self.wake = threading.Condition(lock)
        self.in_flight = False
        self.thread: threading.Thread | None = None
        self.failing_since_ms: int | None = None
        self.period = 0
        self.check_timers: list[TimerHandle] = []
        self.waiting: dict[str, _Job] = {}   # delivery_id -> job waiting for its retry timer


@dataclass
class _Attempt:
    url: str | None
    headers: dict[str, str]
    status: int | None
    outcome: str
    latency_ms: float
    response_body: str | None
    reason: str | None = None


class Dispatcher:
    """Delivers Notifications to each app's webhook in order, one daemon worker thread per app.

    A slow or failing receiver only ever holds up its own app. Retries after the immediate ones
    wait on the virtual clock (`clock.call_at`), so advancing the clock is what makes them
    happen; while one delivery waits, later ones for the same app proceed, which is how
    reordering arises on Meta (spec §4.4).
    """

    def __init__(self, journal: Journal, clock: VirtualClock, directory: Directory,
                 policy: DeliveryPolicy | None = None, *, page_id: str = "") -> None:
        self._journal = journal
        self._clock = clock
        self._directory = directory
        self.policy = policy if policy is not None else DeliveryPolicy()
        self._page_id = page_id
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._workers: dict[str, _Worker] = {}
        self._ids = itertools.count(1)
        self._epoch = 0
        self._closed = False
        self.errors: list[BaseException] = []

    # -- public ------------------------------------------------------------------------------
    def submit(self, notifications: Iterable[Notification]) -> int:
        """Queue each notification as its own entry for its app; returns how many were queued."""
        types = self.policy.app_id_types()
        jobs = []
        for notification in notifications:
            # No directory call here: the platform may submit while holding its own lock.
            entry = make_entry(notification, time_ms=self._clock.now_ms(), page_id=self._page_id,
                               types=types)
            jobs.append(_Job(app_id=str(notification.app_id), entries=[entry]))
        with self._lock:
            if self._closed:
                raise RuntimeError("dispatcher is closed")
            for job in jobs:
                worker = self._worker(job.app_id)
                worker.queue.append(job)
                worker.wake.notify()
        return len(jobs)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait (bounded, on a condition) until no delivery is queued or in flight.

        Deliveries waiting for a retry on the virtual clock do not count: only moving the clock
        can make them due.
        """
        with self._idle:
            return self._idle.wait_for(self._is_idle, timeout=timeout)

    def pending_retries(self) -> dict[str, int]:
        """How many deliveries wait on the virtual clock, per app."""
        with self._lock:
            return {app: len(w.waiting) for app, w in self._workers.items() if w.waiting}

    def reset(self) -> None:
        """Drop every queued delivery, pending retry and failure period (workers keep running)."""
        with self._lock:
            self._epoch += 1
            for worker in self._workers.values():
                self._forget(worker)
                worker.wake.notify_all()
            self._idle.notify_all()

    def close(self, timeout: float = 5.0) -> None:
        """Stop accepting work, drop what is queued and stop the workers (bounded join)."""
        with self._lock:
            self._closed = True
            self._epoch += 1
            for worker in self._workers.values():
                self._forget(worker)
                worker.wake.notify_all()
            threads = [w.thread for w in self._workers.values() if w.thread is not None]
            self._idle.notify_all()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def check(self) -> None:
        """Raise, in the caller's thread, the first error a worker caught (tests call this)."""
        if self.errors:
            raise self.errors[0]

    # -- worker ------------------------------------------------------------------------------
    def _worker(self, app_id: str) -> _Worker:
        worker = self._workers.get(app_id)
        if worker is None:
            worker = _Worker(app_id, self._lock)
            worker.thread = threading.Thread(target=self._run, args=(worker,),
                                             name=f"webhook-{app_id}", daemon=True)
            self._workers[app_id] = worker
            worker.thread.start()
        return worker

    def _run(self, worker: _Worker) -> None:
        session = requests.Session()
        # Loopback receivers must not be routed through a proxy taken from the environment.
        session.trust_env = False
        try:
            while True:
                taken = self._take(worker)
                if taken is None:
                    return
                item, epoch = taken
                try:
                    if isinstance(item, _Check):
                        self._run_check(worker, item, epoch)
                    else:
                        self._deliver(worker, item, epoch, session)
                except Exception as exc:  # a worker must survive anything a delivery throws
                    self._record_error(worker, item, exc)
                finally:
                    with self._lock:
                        worker.in_flight = False
                        self._idle.notify_all()
        finally:
            session.close()

    def _take(self, worker: _Worker) -> tuple[_Job | _Check, int] | None:
        """Next item for this worker, applying the gather window, reorder and batching."""
        with self._lock:
            while True:
                if self._closed:
                    return None
                if not worker.queue:
                    worker.wake.wait()
                    continue
                front = worker.queue[0]
                if isinstance(front, _Check):
                    worker.queue.popleft()
                    worker.in_flight = True
                    return front, self._epoch
                policy = self.policy
                wanted = max(policy.batch, 2 if policy.reorder else 1)
                if wanted > 1 and front.fresh and not front.passed_over and policy.gather_s > 0:
                    # Wait a moment (bounded, wall clock) for neighbours to batch with or swap
                    # with; events normally arrive one control call at a time.
                    now = time.monotonic()
                    if front.gather_deadline is None:
                        front.gather_deadline = now + policy.gather_s
                    if self._fresh_prefix(worker) < wanted and now < front.gather_deadline:
                        worker.wake.wait(front.gather_deadline - now)
                        continue
                job = worker.queue.popleft()
                if (policy.reorder and not job.passed_over and worker.queue
                        and isinstance(worker.queue[0], _Job)):
                    # Send the neighbour first; the passed-over job goes next and is never
                    # passed over twice, so deliveries come out pairwise swapped.
                    job.passed_over = True
                    neighbour = worker.queue.popleft()
                    worker.queue.appendleft(job)
                    job = neighbour
                if policy.batch > 1 and job.fresh:
                    while (len(job.entries) < policy.batch and worker.queue
                           and isinstance(worker.queue[0], _Job) and worker.queue[0].fresh):
                        job.entries.extend(worker.queue.popleft().entries)
                worker.in_flight = True
                return job, self._epoch

    @staticmethod
    def _fresh_prefix(worker: _Worker) -> int:
        count = 0
        for item in worker.queue:
            if not isinstance(item, _Job) or not item.fresh:
                break
            count += len(item.entries)
        return count

    # -- one delivery ------------------------------------------------------------------------
    def _deliver(self, worker: _Worker, job: _Job, epoch: int, session: requests.Session) -> None:
        if job.delivery_id is None:
            job.delivery_id = f"dlv-{next(self._ids)}"
        if job.raw is None:
            job.body = make_body(job.entries)
            job.raw = meta_json(job.body)
            job.events = events_of(job.body)
        tries = 1 + self.policy.immediate_retries if job.attempts == 0 else 1
        for number in range(tries):
            endpoint = self._directory.endpoint(job.app_id)
            reason = _drop_reason(endpoint)
            if reason is not None:
                self._record(job, _Attempt(endpoint.url if endpoint else None,
                                           self._headers(job, endpoint), None, "dropped", 0.0,
                                           None, reason), attempt_no=job.attempts + 1)
                return
            assert endpoint is not None
            job.attempts += 1
            attempt = self._attempt(session, endpoint, job)
            if attempt.outcome == "ok":
                self._record(job, attempt, attempt_no=job.attempts)
                self._succeeded(worker, job, epoch)
                return
            if number < tries - 1:
                self._record(job, attempt, attempt_no=job.attempts, next_attempt="immediate",
                             next_attempt_ms=None)
        next_ms = self._failed(worker, job, epoch)
        self._record(job, attempt, attempt_no=job.attempts,
                     next_attempt="none" if next_ms is None else "scheduled", next_attempt_ms=next_ms)

    def _headers(self, job: _Job, endpoint: Endpoint | None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if endpoint is not None and job.raw is not None:
            # Signed per attempt with the secret current now, over the exact bytes sent.
            headers.update(sign(job.raw, endpoint.secret))
        return headers

    def _attempt(self, session: requests.Session, endpoint: Endpoint, job: _Job) -> _Attempt:
        assert job.raw is not None
        headers = self._headers(job, endpoint)
        timeout = self.policy.timeout_s
        started = time.perf_counter()
        if endpoint.handler is not None:
            return self._call_handler(endpoint, job.raw, headers, timeout, started)
        try:
            response = session.post(endpoint.url, data=job.raw, headers=headers, timeout=timeout,
                                    allow_redirects=False)
        except requests.Timeout as exc:
            return _Attempt(endpoint.url, headers, None, "timeout", _ms(started), None,
                            f"no response within {timeout:g} s ({type(exc).__name__})")
        except requests.RequestException as exc:
            return _Attempt(endpoint.url, headers, None, "connection_error", _ms(started), None,
                            f"{type(exc).__name__}: {exc}")
        latency = _ms(started)
        text = response.content[:RESPONSE_BODY_LIMIT].decode("utf-8", errors="replace")
        status = response.status_code
        # Assumption: only 2xx is success; a redirect is not followed and counts as a failure.
        outcome = "ok" if 200 <= status < 300 else "http_error"
        return _Attempt(endpoint.url, headers, status, outcome, latency, text,
                        None if outcome == "ok" else f"HTTP {status}")

    def _call_handler(self, endpoint: Endpoint, raw: bytes, headers: dict[str, str],
                      timeout: float, started: float) -> _Attempt:
        assert endpoint.handler is not None
        url = endpoint.url or f"inprocess://{endpoint.app_id}"
        try:
            status = int(endpoint.handler(raw, dict(headers)))
        except Exception as exc:
            # Assumption: an in-process receiver that raises behaves like a web server that
            # answers 500: it is the receiver's failure, retried like any other.
            return _Attempt(url, headers, 500, "http_error", _ms(started),
                            f"{type(exc).__name__}: {exc}"[:RESPONSE_BODY_LIMIT],
                            "in-process handler raised")
        latency = _ms(started)
        if latency > timeout * 1000:
            # Assumption: an in-process handler cannot be interrupted, so one that overruns the
            # timeout is judged a timeout after it returns, as Meta would have given up on it.
            return _Attempt(url, headers, status, "timeout", latency, None,
                            f"handler took longer than {timeout:g} s")
        outcome = "ok" if 200 <= status < 300 else "http_error"
        return _Attempt(url, headers, status, outcome, latency, None,
                        None if outcome == "ok" else f"HTTP {status}")

    # -- outcomes ----------------------------------------------------------------------------
    def _succeeded(self, worker: _Worker, job: _Job, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch:
                return
            self._end_failure_period(worker)
            if self.policy.duplicate and not job.duplicate and not job.duplicated:
                job.duplicated = True
                # The same bytes again, next in line: what a receiver sees when Meta re-sends an
                # event it believes failed (spec §4.4, §6.14).
                # Assumption: only after a success; an event that never succeeds is not doubled.
                copy = _Job(app_id=job.app_id, entries=job.entries, duplicate=True, raw=job.raw,
                            body=job.body, events=job.events)
                worker.queue.appendleft(copy)
                worker.wake.notify()

    def _failed(self, worker: _Worker, job: _Job, epoch: int) -> int | None:
        """Start or continue the failure period and schedule the next retry; its due time (ms)."""
        with self._lock:
            if epoch != self._epoch or self._closed:
                return None
            now = self._clock.peek_ms()
            # Assumption: the failure period starts once an attempt's immediate retries are
            # exhausted and ends at any success (or the unsubscribe) for this app.
            if worker.failing_since_ms is None:
                worker.failing_since_ms = now
                worker.period += 1
                self._schedule_checks(worker, now)
            backoff = self.policy.backoff_s
            if job.retries_scheduled >= len(backoff):
                # Assumption: once the backoff schedule is used up the event is given up (Meta
                # drops unacknowledged events eventually, spec §4.4); the journal shows
                # `next_attempt_ms: null` on its last attempt.
                return None
            due = now + int(round(backoff[job.retries_scheduled] * MS_PER_SECOND))
            job.retries_scheduled += 1
            assert job.delivery_id is not None
            worker.waiting[job.delivery_id] = job
            job.timer = self._clock.call_at(
                due, lambda: self._retry_due(worker, job, epoch),
                name=f"webhook-retry:{job.app_id}:{job.delivery_id}")
            return due

    def _schedule_checks(self, worker: _Worker, since_ms: int) -> None:
        period, epoch = worker.period, self._epoch
        for seconds, reason in ((self.policy.alert_after_s, ALERT_FAILING),
                                (self.policy.unsubscribe_after_s, ALERT_UNSUBSCRIBED)):
            if seconds is None:
                continue
            due = since_ms + int(round(seconds * MS_PER_SECOND))
            worker.check_timers.append(self._clock.call_at(
                due, lambda r=reason: self._check_due(worker, period, r, epoch),
                name=f"webhook-{reason}:{worker.app_id}"))

    def _end_failure_period(self, worker: _Worker) -> None:
        worker.failing_since_ms = None
        worker.period += 1
        for timer in worker.check_timers:
            timer.cancel()
        worker.check_timers.clear()

    # Timer callbacks run on whichever thread moves the clock: they only queue work, so a jump
    # never waits on the network and deadlines are handled in order behind due retries.
    def _retry_due(self, worker: _Worker, job: _Job, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch or self._closed or job.delivery_id not in worker.waiting:
                return
            del worker.waiting[job.delivery_id]
            job.timer = None
            worker.queue.append(job)
            worker.wake.notify()

    def _check_due(self, worker: _Worker, period: int, reason: str, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch or self._closed or period != worker.period:
                return
            worker.queue.append(_Check(period, reason))
            worker.wake.notify()

    def _run_check(self, worker: _Worker, check: _Check, epoch: int) -> None:
        with self._lock:
            if epoch != self._epoch or check.period != worker.period or worker.failing_since_ms is None:
                return  # the app recovered (or was reset) before the deadline was handled
            since = worker.failing_since_ms
            abandoned: list[_Job] = []
            if check.reason == ALERT_UNSUBSCRIBED:
                abandoned = list(worker.waiting.values())
                for job in abandoned:
                    if job.timer is not None:
                        job.timer.cancel()
                worker.waiting.clear()
                # A re-subscribed app starts with a clean record.
                self._end_failure_period(worker)
        failing_s = (self._clock.peek_ms() - since) / MS_PER_SECOND
        endpoint = self._directory.endpoint(worker.app_id)
        url = endpoint.url if endpoint else None
        if check.reason == ALERT_UNSUBSCRIBED:
            self._directory.unsubscribe(worker.app_id, f"webhook failing for {failing_s:g} s")
        self._journal.record("alert", app_id=worker.app_id, reason=check.reason, url=url,
                             failing_since_ms=since, failing_s=failing_s)
        for job in abandoned:
            self._record(job, _Attempt(url, self._headers(job, endpoint), None, "dropped", 0.0,
                                       None, "unsubscribed"), attempt_no=job.attempts + 1)

    # -- journal -----------------------------------------------------------------------------
    def _record(self, job: _Job, attempt: _Attempt, *, attempt_no: int, **extra: Any) -> None:
        self._journal.record(
            "delivery", app_id=job.app_id, url=attempt.url, delivery_id=job.delivery_id,
            attempt=attempt_no, body=job.body, raw=job.raw.decode("ascii") if job.raw else None,
            headers=attempt.headers, status=attempt.status, outcome=attempt.outcome,
            latency_ms=attempt.latency_ms, psids=psids_of(job.events), events=job.events,
            duplicate=job.duplicate, response_body=attempt.response_body, reason=attempt.reason,
            entries=len(job.entries), **extra)

    def _record_error(self, worker: _Worker, item: _Job | _Check, exc: Exception) -> None:
        self.errors.append(exc)
        try:
            fields: dict[str, Any] = {"app_id": worker.app_id, "outcome": "error",
                                      "reason": f"{type(exc).__name__}: {exc}",
                                      "traceback": traceback.format_exc(limit=8)}
            if isinstance(item, _Job):
                fields.update(delivery_id=item.delivery_id, attempt=item.attempts,
                              psids=psids_of(item.events), events=item.events,
                              duplicate=item.duplicate)
            self._journal.record("delivery", **fields)
        except Exception:  # the journal itself failed; keep the worker alive regardless
            logger.exception("webhook worker for %s could not journal an error", worker.app_id)

    # -- helpers -----------------------------------------------------------------------------
    def _is_idle(self) -> bool:
        return all(not w.queue and not w.in_flight for w in self._workers.values())

    def _forget(self, worker: _Worker) -> None:
        worker.queue.clear()
        for job in worker.waiting.values():
            if job.timer is not None:
                job.timer.cancel()
        worker.waiting.clear()
        self._end_failure_period(worker)


def _drop_reason(endpoint: Endpoint | None) -> str | None:
    if endpoint is None:
        return "no_endpoint"
    if endpoint.url is None and endpoint.handler is None:
        return "no_webhook"
    if not endpoint.verified:
        return "not_verified"
    if not endpoint.subscribed:
        return "not_subscribed"
    return None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
