"""Sequence diagram and ownership timeline geometry built from journal entries."""

from __future__ import annotations

from typing import Any

import pytest
from report_synthetic import BOT, CC, INBOX, PSID, PSID2

from reports.model import Result, validate
from reports.sequence import MIN_SEGMENT, TRACK_WIDTH, build_ownership, build_sequence, format_offset


def one(results: dict[str, Any], sid: str, mode: str) -> Result:
    model = validate(results)
    return next(r for r in model["results"] if r["id"] == sid and r["mode"] == mode)


def test_lifelines_are_user_platform_then_every_app(results: dict[str, Any]) -> None:
    diagram = build_sequence(one(results, "HOP-CLOSE-001", "legacy_hop"))
    assert [line.key for line in diagram.lifelines] == [
        f"user:{PSID}", "platform", f"app:{CC}", f"app:{BOT}", f"app:{INBOX}"]
    xs = [line.x for line in diagram.lifelines]
    assert xs == sorted(xs) and diagram.width >= xs[-1]


def test_arrows_run_in_the_direction_of_the_wire(results: dict[str, Any]) -> None:
    diagram = build_sequence(one(results, "HOP-CLOSE-001", "legacy_hop"))
    lane = {line.key: line.x for line in diagram.lifelines}
    by_kind: dict[str, list] = {}
    for arrow in diagram.arrows:
        by_kind.setdefault(arrow.kind, []).append(arrow)
    user = by_kind["user"][0]
    assert (user.x1, user.x2) == (lane[f"user:{PSID}"], lane["platform"])
    graph = by_kind["graph"][0]
    assert (graph.x1, graph.x2) == (lane[f"app:{BOT}"], lane["platform"]) and "pass_thread_control" in graph.label
    delivery = by_kind["delivery"][0]
    assert (delivery.x1, delivery.x2) == (lane["platform"], lane[f"app:{CC}"])
    assert "200" in delivery.detail and "ms" in delivery.detail
    handovers = by_kind["handover"]
    assert [(h.x1, h.x2) for h in handovers] == [(lane[f"app:{BOT}"], lane[f"app:{CC}"]),
                                                 (lane[f"app:{CC}"], lane[f"app:{INBOX}"])]
    ys = [a.y for a in diagram.arrows]
    assert ys == sorted(ys), "one row per entry, in journal order"


def test_graph_errors_and_failed_deliveries_are_marked(results: dict[str, Any]) -> None:
    graph = build_sequence(one(results, "HOP-PASS-001", "hop_v2"))
    errors = [a for a in graph.arrows if a.error]
    assert len(errors) == 1 and errors[0].kind == "graph" and "2018300" in errors[0].detail
    sig = build_sequence(one(results, "HOP-SIG-001", "hop_v2"))
    failed = [a.detail for a in sig.arrows if a.kind == "delivery" and a.error]
    assert any("403" in d for d in failed) and any("connection_error" in d for d in failed)


def test_clock_and_control_entries_become_dividers(results: dict[str, Any]) -> None:
    diagram = build_sequence(one(results, "HOP-EXPIRE-001", "hop_v2"))
    labels = [d.label for d in diagram.dividers]
    assert "clock advanced +24 h" in labels and "control: mode" in labels


def test_ownership_timeline_follows_the_owner(results: dict[str, Any]) -> None:
    timeline = build_ownership(one(results, "HOP-CLOSE-001", "legacy_hop"))
    (track,) = timeline.tracks
    assert track.psid == PSID
    assert [s.owner for s in track.segments] == [BOT, CC, INBOX]
    assert [t.cause for t in track.ticks] == ["pass", "pass"]
    assert sum(s.width for s in track.segments) == pytest.approx(TRACK_WIDTH)
    assert min(s.width for s in track.segments) >= MIN_SEGMENT - 1e-9


def test_ownership_timeline_has_a_track_per_thread(results: dict[str, Any]) -> None:
    timeline = build_ownership(one(results, "HOP-EXPIRE-001", "hop_v2"))
    assert [t.psid for t in timeline.tracks] == [PSID, PSID2]
    assert [s.owner for s in timeline.tracks[1].segments] == [None, INBOX]
    assert timeline.tracks[1].segments[0].label == "no owner"


def test_a_result_without_journal_draws_nothing(results: dict[str, Any]) -> None:
    result = one(results, "HOP-SEND-001", "legacy_hop")
    result["journal"] = []
    assert build_sequence(result).empty and build_ownership(result).empty


@pytest.mark.parametrize("ms, text", [(0, "+0 ms"), (850, "+850 ms"), (2400, "+2.4 s"), (60_000, "+1 min"),
                                      (86_400_000, "+24 h"), (7 * 86_400_000, "+7 d")])
def test_format_offset(ms: float, text: str) -> None:
    assert format_offset(ms) == text
