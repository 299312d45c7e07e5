"""Virtual clock timers and the journal's durability, matching and waits."""

from __future__ import annotations

import json
import threading

from simulator.domain.clock import VirtualClock
from simulator.journal import Condition, Journal, conditions_from


def test_timers_fire_on_advance_in_due_order():
    clock = VirtualClock(frozen=True)
    fired = []
    clock.call_later(60, lambda: fired.append("b"))
    clock.call_later(30, lambda: fired.append("a"))
    clock.advance(29)
    assert fired == []
    clock.advance(31)
    assert fired == ["a", "b"]


def test_now_ms_is_strictly_increasing_even_when_frozen():
    clock = VirtualClock(frozen=True)
    values = [clock.now_ms() for _ in range(5)]
    assert values == sorted(set(values))


def test_journal_writes_each_entry_through(tmp_path):
    journal = Journal(VirtualClock(), tmp_path)
    journal.record("graph", app_id="1", status=200)
    # Read the file while the journal is still open: the entry must already be on disk.
    lines = (tmp_path / "journal.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["kind"] == "graph"
    journal.close()


def test_wildcard_conditions_and_numeric_string_equality():
    journal = Journal(VirtualClock())
    journal.record("delivery", events=[{"type": "message"}, {"type": "pass_thread_control",
                                                              "event": {"pass_thread_control": {"new_owner_app_id": 42}}}])
    conditions = conditions_from({"events.*.type": "pass_thread_control",
                                  "events.*.event.pass_thread_control.new_owner_app_id": "42"})
    assert len(journal.query(conditions=conditions)) == 1
    assert Condition("events.*.type", "take_thread_control").check(journal.entries()[0])


def test_wait_wakes_on_a_new_entry_and_reports_near_misses():
    journal = Journal(VirtualClock())
    journal.record("graph", edge="messages", status=400)
    threading.Timer(0.05, lambda: journal.record("graph", edge="messages", status=200)).start()
    result = journal.wait(conditions_from({"edge": "messages", "status": 200}), timeout=5)
    assert result.matched and result.entry["status"] == 200
    miss = journal.wait(conditions_from({"edge": "take_thread_control"}), timeout=0.1)
    assert not miss.matched
    assert miss.near_misses and "edge is 'messages'" in miss.near_misses[0]["why_not"][0]
