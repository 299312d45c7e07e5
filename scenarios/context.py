"""ScenarioContext: one scenario's users, marks, evidence and the wire checks the steps share."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from simulator.client import SimClient

from scenarios.verdicts import WireAssertionError

PAGE_INBOX_APP_ID = "263902037430900"
ACTORS = ("the contact centre", "the bot", "the Page Inbox", "the system under test")
HANDOVER_EDGES = ("pass_thread_control", "take_thread_control", "request_thread_control",
                  "release_thread_control")
DEPRECATED_TAGS = ("ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE")
# Delivery outcomes after which the SUT may still be handling the webhook (the platform gave up
# waiting, the SUT did not): its late actions are only caught by waiting the bounded time.
UNFINISHED_OUTCOMES = ("timeout", "connection_error")


@dataclass
class ScenarioContext:
    """Everything a scenario's steps share; built fresh for every scenario and mode."""

    client: SimClient
    sut: Any
    mode: str
    role: str
    app_ids: dict[str, str]
    tokens: dict[str, str]
    secrets: dict[str, str]
    page_id: str
    start_seq: int = 0
    mark: int = 0
    wait_s: float = 2.0
    settle_s: float = 0.0
    drain_s: float = 10.0
    users: dict[str, str] = field(default_factory=dict)
    locales: dict[str, str] = field(default_factory=dict)
    probes: list[dict[str, Any]] = field(default_factory=list)
    verification: dict[str, Any] | None = None
    adapter_reported: list[dict[str, Any]] = field(default_factory=list)
    hook_calls: list[dict[str, Any]] = field(default_factory=list)
    near_misses: list[dict[str, Any]] = field(default_factory=list)
    last_reply: str | None = None
    prev_step_type: str | None = None
    #: The platform holds deliveries to batch or reorder them with their neighbours.
    gathering: bool = False
    finalizers: list[Callable[[], None]] = field(default_factory=list)
    _settled_at: tuple[int, int] | None = field(default=None, repr=False)

    # -- names -----------------------------------------------------------------------------------
    def psid(self, name: str) -> str:
        try:
            return self.users[name]
        except KeyError:
            raise KeyError(f"no user called {name!r} in this scenario (known: {sorted(self.users)})") from None

    def app(self, actor: str) -> str:
        try:
            return self.app_ids[actor]
        except KeyError:
            raise KeyError(f"unknown actor {actor!r}; known: {', '.join(self.app_ids)}") from None

    def actor_is_sut(self, actor: str) -> bool:
        return self.app(actor) == self.app_ids["the system under test"]

    @property
    def psids(self) -> list[str]:
        return list(self.users.values())

    # -- marks and settling ---------------------------------------------------------------------
    def begin_action(self) -> None:
        """A When block starts: Then steps look at what happened from here on."""
        self.mark = self.client.last_seq()

    def settle(self) -> None:
        """Let every consequence land: drain deliveries, then stay quiet for the SUT's settle time.

        The quiet period is a bounded wait on the journal (new activity restarts the drain), so a
        SUT that acts after acknowledging is still heard, and the reference (settle 0) costs nothing.
        With settle 0, a settle after which neither the harness nor the SUT's hooks acted finds the
        platform as the last one left it (drained), so it asks nothing.
        """
        if self._drained():
            return
        self.drain()
        if self.settle_s <= 0:
            return
        deadline = time.monotonic() + self.settle_s * 4
        while time.monotonic() < deadline:
            before = self.client.last_seq()
            result = self.client.wait({"kind": "graph"}, timeout=self.settle_s, since=before,
                                      app_id=self.app_ids["the system under test"])
            if not result.get("matched"):
                return
            self.client.drain(self.drain_s)

    def drain(self) -> dict[str, Any]:
        """Wait (bounded) until the platform has attempted every queued delivery."""
        acted = self._acted()
        drained = self.client.drain(self.drain_s)
        self._settled_at = acted if drained.get("drained") else None
        return drained

    def _drained(self) -> bool:
        """The last drain emptied the queue and nothing acted since: for a SUT that acts before
        acknowledging (settle 0) no delivery can be queued or in flight now."""
        return self.settle_s <= 0 and self._settled_at is not None and self._acted() == self._settled_at

    def _acted(self) -> tuple[int, int]:
        """Changes only when the harness or the SUT's hooks did something that may cause traffic."""
        return self.client.actions, len(self.hook_calls)

    # -- journal queries -------------------------------------------------------------------------
    def entries(self, *, kind: str | None = None, app_id: str | None = None, since: int | None = None,
                match: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.client.journal(kind=kind, app_id=app_id, since=self.start_seq if since is None else since,
                                   match=match)

    def sends(self, actor: str, name: str, *, since: int | None = None, ok_only: bool = True) -> list[dict[str, Any]]:
        """Send API calls (with a message, not sender actions) by `actor` to `name`."""
        psid = self.psid(name)
        found = []
        for entry in self.entries(kind="graph", app_id=self.app(actor), since=since,
                                  match={"edge": "messages"}):
            body = entry.get("body") or {}
            recipient = str((body.get("recipient") or {}).get("id", entry.get("psid")))
            if recipient != psid or "message" not in body:
                continue
            if ok_only and entry.get("status") != 200:
                continue
            found.append(entry)
        return found

    def expect(self, description: str, find: Callable[[], list[dict[str, Any]]], *,
               match: dict[str, Any] | None = None, kind: str | None = None, app_id: str | None = None,
               since: int | None = None, timeout: float | None = None) -> list[dict[str, Any]]:
        """Wait (bounded) until `find()` returns entries; FAIL with near misses if it never does.

        After a drain, a SUT that acts before acknowledging has done all it will do (see `quiet`),
        so a miss then is final and fails at once; otherwise each round waits on the simulator for
        the next journal entry that could matter, up to `timeout`, so nothing sleeps. `match`
        narrows what wakes us and is what near misses are measured against.
        """
        timeout = self.wait_s if timeout is None else timeout
        deadline = time.monotonic() + timeout
        since = self.mark if since is None else since
        found = find()
        if found:
            return found
        if not self._drained():
            self.drain()
            found = find()
            if found:
                return found
        if not self.quiet():
            cursor = self.client.last_seq()
            while True:
                found = find()  # after taking the cursor, so no entry slips between the two
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                # Wake on any new entry of interest, then re-run the (possibly multi-entry) check.
                woke = self.client.wait({}, exists={"seq": True}, timeout=remaining, kind=kind, app_id=app_id,
                                        since=cursor)
                if woke.get("matched"):
                    cursor = max(cursor, int(woke["entry"]["seq"]))
                    self.client.drain(self.drain_s)
        near: list[dict[str, Any]] = []
        if match:
            near = self.client.wait(match, timeout=0.01, kind=kind, app_id=app_id, since=since).get("near_misses") or []
        self.near_misses.extend(near)
        waited = f"within {timeout:g} s" if time.monotonic() >= deadline else "by the time every webhook was answered"
        raise WireAssertionError(f"expected on the wire {waited}: {description}",
                                 expected=description, observed="no matching journal entry", near_misses=near)

    def quiet(self) -> bool:
        """True when nothing more can reach the journal until the harness acts again.

        That holds when the dispatcher has drained (no delivery queued or in flight), the SUT acts
        before acknowledging a webhook (settle 0: the reference systems; hooks return after their
        Graph calls) and it answered every delivery of this scenario in time: after a timeout or a
        broken connection it may still be working, so only the bounded wait can tell.
        """
        if not self._drained():
            return False
        sut = self.app_ids["the system under test"]
        for outcome in UNFINISHED_OUTCOMES:
            if self.client.journal(kind="delivery", app_id=sut, since=self.start_seq, limit=1,
                                   match={"outcome": outcome}):
                return False
        return True

    # -- evidence --------------------------------------------------------------------------------
    def report(self, check: str, observed: Any, ok: bool) -> None:
        """Record a check that relied on the SUT's own word (never wire evidence)."""
        self.adapter_reported.append({"check": check, "observed": observed, "ok": ok})
        if not ok:
            raise WireAssertionError(f"adapter-reported: {check}", expected=check,
                                     observed=repr(observed), adapter_reported=True)
