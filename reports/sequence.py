"""Sequence-diagram and ownership-timeline geometry from a scenario's journal entries.

Everything here is plain data (coordinates, labels, CSS class hints); the templates turn it into
inline SVG, so the pages need no JavaScript and the markup stays in templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from reports.model import Result

PAGE_INBOX_APP_ID = "263902037430900"
PALETTE_SIZE = 8  # colour classes c0..c7 in the stylesheet

# Geometry in SVG user units (pixels at 100 % zoom).
TIME_COLUMN = 64
LANE = 210
MIN_LANE = 150
DIAGRAM_WIDTH = 1180  # what fits in a report card on a desktop screen; wider diagrams scroll
HEAD_TOP = 8
HEAD_HEIGHT = 44
ROW = 48
DIVIDER_ROW = 30
CHAR_WIDTH = 6.4  # average width of a 11.5px sans-serif glyph; only used to truncate labels


@dataclass(frozen=True)
class Lifeline:
    """A participant column: a user (one per PSID), the platform, or an app."""

    key: str
    kind: str  # user | platform | app
    label: str
    sublabel: str
    x: float
    color: str  # CSS class: "user", "platform" or c0..c7


@dataclass(frozen=True)
class Arrow:
    """One message between two lifelines (x1 == x2 draws a mark on one lifeline)."""

    seq: str
    kind: str  # user | graph | delivery | verification | handover
    y: float
    x1: float
    x2: float
    label: str
    detail: str
    time: str
    error: bool
    tooltip: str

    @property
    def mid(self) -> float:
        return (self.x1 + self.x2) / 2

    @property
    def rightward(self) -> bool:
        return self.x2 >= self.x1

    @property
    def tip(self) -> float:
        """Where the line stops: 2 units short of the target lifeline, so the arrowhead touches it."""
        return self.x2 - 2 if self.rightward else self.x2 + 2


@dataclass(frozen=True)
class Divider:
    """A full-width note between rows: clock jumps, control actions, alerts."""

    seq: str
    kind: str
    y: float
    label: str
    time: str


@dataclass
class SequenceDiagram:
    """A laid-out sequence diagram, ready for a template to draw."""

    width: float
    height: float
    lane: float
    lifelines: list[Lifeline]
    arrows: list[Arrow]
    dividers: list[Divider]
    top: float
    bottom: float

    @property
    def empty(self) -> bool:
        return not (self.arrows or self.dividers)


@dataclass(frozen=True)
class Segment:
    """A stretch of time during which one app (or nobody) owned the thread."""

    x: float
    width: float
    owner: str | None
    label: str
    color: str
    tooltip: str


@dataclass(frozen=True)
class Tick:
    """An ownership change on a track, at the start of the segment it opens."""

    x: float
    cause: str
    time: str


@dataclass
class Track:
    """The ownership history of one thread (one PSID)."""

    psid: str
    y: float
    segments: list[Segment]
    ticks: list[Tick]


@dataclass
class OwnershipTimeline:
    """Ownership tracks, one per PSID whose ownership changed, on a shared time scale."""

    width: float
    height: float
    label_width: float
    tracks: list[Track]
    start: str
    end: str
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, color class)

    @property
    def empty(self) -> bool:
        return not self.tracks


def _truncate(text: str, width: float) -> str:
    limit = max(4, int(width / CHAR_WIDTH))
    text = " ".join(text.split())  # newlines and runs of blanks would break a one-line label
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_offset(ms: float) -> str:
    """A short relative time: +0 ms, +850 ms, +2.4 s, +5 min, +24 h, +7 d."""
    ms = max(ms, 0)
    if ms < 1000:
        return f"+{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"+{seconds:.1f} s".replace(".0 s", " s")
    if seconds < 3600:
        return f"+{seconds / 60:.1f} min".replace(".0 min", " min")
    if seconds < 86400 * 2:
        return f"+{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"+{seconds / 86400:.1f} d".replace(".0 d", " d")


def _id(value: Any) -> str | None:
    # Meta mixes numeric and string app ids; compare them as strings.
    return None if value is None or value == "" else str(value)


def app_names(result: Result) -> dict[str, str]:
    """Every app the result mentions, id -> display name, in a stable order (result apps first)."""
    names: dict[str, str] = {str(k): v or str(k) for k, v in result["apps"].items()}
    for entry in result["journal"]:
        found = [entry.get("app_id"), entry.get("from_app_id"), entry.get("to_app_id"), entry.get("by_app_id")]
        for app_id in filter(None, map(_id, found)):
            if app_id not in names:
                fallback = "Page Inbox" if app_id == PAGE_INBOX_APP_ID else f"app {app_id}"
                names[app_id] = str(entry.get("app_name") or fallback) if _id(entry.get("app_id")) == app_id else fallback
    return names


def app_colors(names: dict[str, str]) -> dict[str, str]:
    """A colour class per app id, stable within a page and shared by diagram and timeline."""
    return {app_id: f"c{i % PALETTE_SIZE}" for i, app_id in enumerate(names)}


def _sorted(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(entry: dict[str, Any]) -> tuple[float, float]:
        try:
            return (float(entry.get("seq", 0)), float(entry.get("ts", 0)))
        except (TypeError, ValueError):
            return (0.0, 0.0)

    return sorted(entries, key=key)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _latency(entry: dict[str, Any]) -> str:
    latency = _number(entry.get("latency_ms"))
    return "" if latency is None else f"{latency:.0f} ms"


def _quote(text: Any) -> str:
    return f"“{text}”" if text not in (None, "") else ""


def _event_types(entry: dict[str, Any]) -> str:
    seen: dict[str, int] = {}
    for event in entry.get("events") or []:
        if not isinstance(event, dict):
            continue
        name = str(event.get("type") or "event")
        if event.get("channel") == "standby":
            name = f"standby: {name}"
        seen[name] = seen.get(name, 0) + 1
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in seen.items()) or "webhook"


def _message_text(body: Any) -> str:
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, dict) and message.get("text"):
            return str(message["text"])
    return ""


def _describe(entry: dict[str, Any], names: dict[str, str]) -> tuple[str, str, bool]:
    """(label, detail, is_error) of an arrow entry."""
    kind = entry.get("kind")
    if kind == "user":
        action = str(entry.get("action") or "message")
        what = _quote(entry.get("text")) or (_quote(entry.get("payload")) if entry.get("payload") else "")
        return (f"{action} {what}".strip(), "", False)
    if kind == "graph":
        status = _number(entry.get("status"))
        error = entry.get("error")
        edge = entry.get("edge") or entry.get("path") or "graph"
        label = f"{entry.get('method') or 'POST'} {edge} {_quote(_message_text(entry.get('body')))}".strip()
        parts = [str(entry.get("status") or "—")]
        if isinstance(error, dict):
            parts.append(f"error {error.get('code')}/{error.get('error_subcode')}")
        if entry.get("transport") == "internal":
            parts.append("internal")
        parts.append(_latency(entry))
        failed = bool(error) or (status is not None and status >= 400)
        return (label, " · ".join(p for p in parts if p), failed)
    if kind == "delivery":
        status = _number(entry.get("status"))
        outcome = str(entry.get("outcome") or "")
        parts = [str(entry.get("status") if entry.get("status") is not None else "—"), outcome, _latency(entry)]
        attempt = entry.get("attempt")
        if isinstance(attempt, int) and attempt > 1:
            parts.append(f"attempt {attempt}")
        if entry.get("duplicate"):
            parts.append("duplicate")
        failed = outcome not in ("", "ok") or (status is not None and not 200 <= status < 300)
        return (_event_types(entry), " · ".join(p for p in parts if p), failed)
    if kind == "verification":
        ok = bool(entry.get("ok"))
        detail = " · ".join(p for p in (str(entry.get("status") or "—"), "ok" if ok else str(entry.get("reason") or "failed")) if p)
        return ("GET verify (hub.challenge)", detail, not ok)
    if kind == "ownership":
        old, new = _id(entry.get("from_app_id")), _id(entry.get("to_app_id"))
        detail = f"{names.get(old, 'nobody') if old else 'nobody'} → {names.get(new, 'nobody') if new else 'nobody'}"
        return (f"handover · {entry.get('cause') or 'change'}", detail, False)
    return (str(kind), "", False)


def _divider_label(entry: dict[str, Any], names: dict[str, str]) -> str:
    kind = entry.get("kind")
    if kind == "clock":
        seconds = _number(entry.get("seconds"))
        if entry.get("action") == "advance" and seconds is not None:
            return f"clock advanced {format_offset(seconds * 1000)}"
        return f"clock {entry.get('action') or 'set'}"
    if kind == "alert":
        app = _id(entry.get("app_id"))
        return f"alert: {names.get(app, app) if app else 'app'} {entry.get('reason') or ''}".strip()
    if kind == "control":
        return f"control: {entry.get('action') or ''}".strip()
    return str(kind or "entry")


def build_sequence(result: Result) -> SequenceDiagram:
    """Lay out the result's journal as a sequence diagram: users, platform, then every app."""
    entries = _sorted(result["journal"])
    names = app_names(result)
    colors = app_colors(names)
    psids = list(dict.fromkeys(result["psids"]))
    for entry in entries:
        if entry.get("kind") == "user" and _id(entry.get("psid")) and str(entry["psid"]) not in psids:
            psids.append(str(entry["psid"]))
    if not psids:
        psids = ["user"]

    # Lanes narrow (down to MIN_LANE) so that a diagram with many apps still fits a page.
    count = len(psids) + 1 + len(names)
    lane = max(MIN_LANE, min(LANE, (DIAGRAM_WIDTH - TIME_COLUMN) / count))
    lifelines: list[Lifeline] = []
    x = TIME_COLUMN + lane / 2
    for psid in psids:
        label = "User" if len(psids) == 1 else f"User {len(lifelines) + 1}"
        lifelines.append(Lifeline(f"user:{psid}", "user", label, _truncate(f"PSID {psid}", lane - 36), x, "user"))
        x += lane
    lifelines.append(Lifeline("platform", "platform", "Messenger Platform" if lane >= 190 else "Platform",
                              "simulator", x, "platform"))
    x += lane
    for app_id, name in names.items():
        lifelines.append(Lifeline(f"app:{app_id}", "app", _truncate(name, lane - 36), app_id, x, colors[app_id]))
        x += lane
    lanes = {line.key: line.x for line in lifelines}
    platform = lanes["platform"]

    def app_x(value: Any) -> float:
        app_id = _id(value)
        return lanes.get(f"app:{app_id}", platform) if app_id else platform

    t0 = min((t for e in entries if (t := _number(e.get("ts"))) is not None), default=0.0)
    arrows: list[Arrow] = []
    dividers: list[Divider] = []
    top = HEAD_TOP + HEAD_HEIGHT
    y = top + 20
    for entry in entries:
        kind = str(entry.get("kind") or "")
        seq = str(entry.get("seq", ""))
        ts = _number(entry.get("ts"))
        when = format_offset(ts - t0) if ts is not None else ""
        if kind in ("user", "graph", "delivery", "verification", "ownership"):
            if kind == "user":
                x1 = lanes.get(f"user:{_id(entry.get('psid'))}", lifelines[0].x)
                x2 = platform
            elif kind == "graph":
                x1, x2 = app_x(entry.get("app_id")), platform
            elif kind in ("delivery", "verification"):
                x1, x2 = platform, app_x(entry.get("app_id"))
            else:
                x1, x2 = app_x(entry.get("from_app_id")), app_x(entry.get("to_app_id"))
            label, detail, failed = _describe(entry, names)
            # Labels may run a little past the arrow's ends: the text has a halo, and one row
            # holds one arrow, so nothing else competes for the space.
            span = (abs(x2 - x1) if x1 != x2 else lane) + lane * 0.5
            y += ROW / 2
            arrows.append(Arrow(seq, "handover" if kind == "ownership" else kind, y, x1, x2,
                                _truncate(label, span - 16), _truncate(detail, span - 16), when, failed,
                                " ".join(f"#{seq} {label} — {detail}".split())))
            y += ROW / 2
        else:
            y += DIVIDER_ROW / 2
            dividers.append(Divider(seq, kind, y, _truncate(_divider_label(entry, names), 80 * CHAR_WIDTH), when))
            y += DIVIDER_ROW / 2
    bottom = y + 16
    width = x - lane / 2 + 8  # x is one lane past the last lifeline
    return SequenceDiagram(width, bottom + 8, lane, lifelines, arrows, dividers, top, bottom)


# Ownership timeline geometry.
TRACK_LABEL = 150
TRACK_WIDTH = 1000
TRACK_HEIGHT = 30
TRACK_GAP = 34
MIN_SEGMENT = 56


def _widths(durations: list[float], total_width: float) -> list[float]:
    """Segment widths proportional to time, none narrower than MIN_SEGMENT.

    Virtual time jumps (a 24 h expiry next to 50 ms exchanges) would otherwise make most
    segments invisible.
    """
    count = len(durations)
    minimum = min(MIN_SEGMENT, total_width / count)
    spare = total_width - minimum * count
    total = sum(durations)
    if total <= 0:
        return [total_width / count] * count
    return [minimum + spare * d / total for d in durations]


def build_ownership(result: Result) -> OwnershipTimeline:
    """Who owned each thread when, from the result's `ownership` entries."""
    entries = _sorted(result["journal"])
    names = app_names(result)
    colors = app_colors(names)
    times = [t for e in entries if (t := _number(e.get("ts"))) is not None]
    t0, t1 = (min(times), max(times)) if times else (0.0, 0.0)
    changes: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if entry.get("kind") == "ownership":
            changes.setdefault(str(entry.get("psid") or "thread"), []).append(entry)

    tracks: list[Track] = []
    used: dict[str, str] = {}
    y = 26.0
    for psid, moves in changes.items():
        # (start, end, owner, cause that opened it); the first stretch is owned by the first move's source.
        stretches: list[tuple[float, str | None, str]] = [(t0, _id(moves[0].get("from_app_id")), "start")]
        for move in moves:
            at = _number(move.get("ts"))
            stretches.append((at if at is not None else stretches[-1][0], _id(move.get("to_app_id")),
                              str(move.get("cause") or "change")))
        durations = [max(0.0, (stretches[i + 1][0] if i + 1 < len(stretches) else t1) - start)
                     for i, (start, _, _) in enumerate(stretches)]
        widths = _widths(durations, TRACK_WIDTH)
        segments: list[Segment] = []
        ticks: list[Tick] = []
        x = TRACK_LABEL
        for (start, owner, cause), width, duration in zip(stretches, widths, durations):
            name = names.get(owner, f"app {owner}") if owner else "no owner"
            color = colors.get(owner, "c0") if owner else "none"
            used[name] = color
            tooltip = f"{name}: {format_offset(start - t0)} for {format_offset(duration).lstrip('+')} (from {cause})"
            segments.append(Segment(x, width, owner, _truncate(name, width - 10), color, tooltip))
            if cause != "start":
                ticks.append(Tick(x, _truncate(cause, max(width, 60)), format_offset(start - t0)))
            x += width
        tracks.append(Track(psid, y, segments, ticks))
        y += TRACK_HEIGHT + TRACK_GAP
    return OwnershipTimeline(TRACK_LABEL + TRACK_WIDTH + 10, y + 4, TRACK_LABEL, tracks,
                             format_offset(0), format_offset(t1 - t0), sorted(used.items()))

