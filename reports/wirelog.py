"""The wire log view: each journal entry as a one-line summary plus its headers and JSON bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode  # C-accelerated; keeps non-ASCII as is
from typing import Any, Mapping

from markupsafe import Markup, escape

from reports.model import Result
from reports.sequence import app_names, format_offset

SIGNATURE_HEADERS = ("X-Hub-Signature-256", "X-Hub-Signature")
# A block larger than this is cut, so one runaway body cannot make a page unreadable.
MAX_BLOCK_CHARS = 20_000


# Marks around the coloured runs of pretty JSON. They are control characters, which JSON
# encoding always escapes inside keys and strings, so no text from a SUT can contain one in
# marked text; the templates escape the whole text once and then turn each mark into a <span>.
KEY, STR, NUM, LIT, END = "\x01k", "\x01s", "\x01n", "\x01l", "\x02"
MARKS = {"key": KEY, "str": STR, "num": NUM, "lit": LIT, "end": END}


@dataclass(frozen=True)
class Block:
    """A titled body: `text` is pretty JSON with MARKS around coloured runs when `marked`,
    otherwise plain text (a body that is not JSON) to be shown exactly as it is."""

    title: str
    text: str
    marked: bool


@dataclass
class WireEntry:
    """One journal entry in the wire log."""

    seq: str
    anchor: str
    kind: str
    time: str
    route: str
    summary: str
    status: str
    latency: str
    error: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def _number(value: int | float) -> str:
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return json.dumps(value)  # NaN and Infinity, as json.dumps writes them
    return repr(value) if isinstance(value, float) else str(int(value))


def _marked(value: Any, limit: int) -> str:
    """Pretty JSON (2-space indent, like json.dumps(indent=2)) with MARKS around coloured runs.

    One walk over the value both indents and classifies, which is several times faster than
    json.dumps(indent=2) (pure Python) followed by a regex pass; the report renders thousands.
    Keys and values count towards `limit`; past it the walk stops and says so once.
    """
    parts: list[str] = []
    add = parts.append
    size = 0
    cut = False

    def walk(value: Any, depth: int) -> None:
        nonlocal size, cut
        if isinstance(value, str):
            text = _encode(value)
            parts.extend((STR, text, END))
            size += len(text)
        elif value is None or value is True or value is False:
            text = "null" if value is None else ("true" if value else "false")
            parts.extend((LIT, text, END))
            size += len(text)
        elif isinstance(value, (int, float)):
            text = _number(value)
            parts.extend((NUM, text, END))
            size += len(text)
        elif isinstance(value, (dict, list, tuple)):
            is_dict = isinstance(value, dict)
            if not value:
                add("{}" if is_dict else "[]")
                return
            inner = "\n" + "  " * (depth + 1)
            add(("{" if is_dict else "[") + inner)
            separator = "," + inner
            first = True
            for key, item in (value.items() if is_dict else enumerate(value)):
                if not first:
                    add(separator)
                first = False
                if is_dict:
                    text = _encode(str(key))
                    parts.extend((KEY, text, END, ": "))
                    size += len(text)
                walk(item, depth + 1)
                if cut:
                    return
                if size > limit:
                    # Said once, at the innermost level; the enclosing levels stop silently.
                    add(f"\n… cut at {limit} characters")
                    cut = True
                    return
            add("\n" + "  " * depth + ("}" if is_dict else "]"))
        else:
            text = _encode(str(value))
            parts.extend((STR, text, END))
            size += len(text)

    walk(value, 0)
    return "".join(parts)


def json_block(value: Any, title: str = "", limit: int = MAX_BLOCK_CHARS) -> Block:
    """Pretty JSON of `value`, marked for colouring (classes key, str, num, lit).

    A string that holds JSON is shown parsed; any other string as it is, unmarked.
    The templates turn the marks into markup, so none is built here.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return _plain_block(title, value, f"\n… cut at {limit} characters", limit)
    return Block(title, _marked(value, limit), True)


def _plain_block(title: str, text: str, notice: str, limit: int = MAX_BLOCK_CHARS) -> Block:
    return Block(title, text if len(text) <= limit else text[:limit] + notice, False)


def json_html(text: str, spans: Mapping[str, Markup]) -> Markup:
    """Marked pretty JSON as HTML: the whole text escaped once, then each mark replaced by its span.

    The spans come from the template (markup stays there); only the marks, which no escaped
    data can contain, are replaced, so nothing from a SUT is ever let through unescaped.
    """
    html = escape(text)
    for mark, span in spans.items():
        html = html.replace(mark, span)
    return html


def pretty_json(value: Any) -> str:
    """Indented JSON text, without the marks."""
    block = json_block(value)
    text = block.text
    if block.marked:
        for mark in MARKS.values():
            text = text.replace(mark, "")
    return text


def _block(title: str, value: Any, *, as_json: bool = True) -> Block:
    if as_json:
        return json_block(value, title)
    return _plain_block(title, str(value), "\n… cut")


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _latency(entry: dict[str, Any]) -> str:
    try:
        return f"{float(entry['latency_ms']):.0f} ms"
    except (KeyError, TypeError, ValueError):
        return ""


def build_wire_log(result: Result) -> list[WireEntry]:
    """Every journal entry of the result, in order, with the parts a reader wants to open."""
    names = app_names(result)

    def app(value: Any) -> str:
        return names.get(str(value), str(value)) if value not in (None, "") else "nobody"

    entries = sorted(result["journal"], key=lambda e: (e.get("seq") if isinstance(e.get("seq"), (int, float)) else 0))
    times = [e["ts"] for e in entries if isinstance(e.get("ts"), (int, float))]
    t0 = min(times) if times else 0
    log: list[WireEntry] = []
    for entry in entries:
        kind = _s(entry.get("kind")) or "entry"
        seq = _s(entry.get("seq"))
        when = format_offset(entry["ts"] - t0) if isinstance(entry.get("ts"), (int, float)) else ""
        item = WireEntry(seq, f"e{seq}", kind, when, "", "", "", _latency(entry), False)
        if kind == "graph":
            error = entry.get("error")
            status = entry.get("status")
            item.route = f"{app(entry.get('app_id'))} → platform"
            item.summary = f"{_s(entry.get('method')) or 'POST'} {_s(entry.get('path')) or _s(entry.get('edge'))}"
            item.status = _s(status)
            item.error = bool(error) or (isinstance(status, int) and status >= 400)
            item.fields = [("edge", _s(entry.get("edge"))), ("transport", _s(entry.get("transport"))),
                           ("app", f"{app(entry.get('app_id'))} ({_s(entry.get('app_id'))})"),
                           ("psid", _s(entry.get("psid")))]
            if isinstance(error, dict):
                item.fields.append(("error", f"code {error.get('code')} / subcode {error.get('error_subcode')}"))
            if entry.get("query"):
                item.blocks.append(_block("query", entry["query"]))
            if entry.get("body") is not None:
                item.blocks.append(_block("request body", entry["body"]))
            item.blocks.append(_block("response", entry.get("response")))
        elif kind == "delivery":
            status = entry.get("status")
            outcome = _s(entry.get("outcome"))
            item.route = f"platform → {app(entry.get('app_id'))}"
            types = [f"{'standby: ' if e.get('channel') == 'standby' else ''}{_s(e.get('type'))}"
                     for e in entry.get("events") or [] if isinstance(e, dict)]
            item.summary = f"POST webhook: {', '.join(types) or 'event'}"
            item.status = " ".join(p for p in (_s(status), outcome) if p) or "—"
            item.error = outcome not in ("", "ok") or (isinstance(status, int) and not 200 <= status < 300)
            item.fields = [("url", _s(entry.get("url"))), ("delivery id", _s(entry.get("delivery_id"))),
                           ("attempt", _s(entry.get("attempt"))), ("outcome", outcome),
                           ("duplicate", "yes" if entry.get("duplicate") else "no"),
                           ("psids", ", ".join(map(str, entry.get("psids") or [])))]
            headers = entry.get("headers") if isinstance(entry.get("headers"), dict) else {}
            # Signature headers first: they are what a reader checks against the raw body.
            ordered = [h for h in SIGNATURE_HEADERS if h in headers] + [h for h in headers if h not in SIGNATURE_HEADERS]
            item.headers = [(h, _s(headers[h])) for h in ordered]
            item.blocks.append(_block("body", entry.get("body")))
            if entry.get("raw") is not None:
                item.blocks.append(_block("raw body, exactly as signed and sent", entry["raw"], as_json=False))
            if entry.get("response_body") not in (None, ""):
                item.blocks.append(_block("response body", entry["response_body"]))
        elif kind == "ownership":
            item.route = f"{app(entry.get('from_app_id'))} → {app(entry.get('to_app_id'))}"
            item.summary = f"thread ownership: {_s(entry.get('cause'))}"
            item.fields = [("psid", _s(entry.get("psid"))), ("from", app(entry.get("from_app_id"))),
                           ("to", app(entry.get("to_app_id"))), ("by", app(entry.get("by_app_id"))),
                           ("cause", _s(entry.get("cause")))]
        elif kind == "user":
            item.route = "user → platform"
            item.summary = f"{_s(entry.get('action'))}: {_s(entry.get('text')) or _s(entry.get('payload'))}".rstrip(": ")
            item.fields = [("psid", _s(entry.get("psid"))), ("mid", _s(entry.get("mid"))),
                           ("text", _s(entry.get("text"))), ("payload", _s(entry.get("payload")))]
        elif kind == "verification":
            item.route = f"platform → {app(entry.get('app_id'))}"
            item.summary = "GET verification handshake"
            item.status = _s(entry.get("status"))
            item.error = not entry.get("ok")
            item.fields = [("url", _s(entry.get("url"))), ("verify token", _s(entry.get("verify_token"))),
                           ("challenge", _s(entry.get("challenge"))), ("ok", _s(entry.get("ok"))),
                           ("reason", _s(entry.get("reason")))]
            if entry.get("body") is not None:
                item.blocks.append(_block("response body", entry["body"]))
        elif kind == "control":
            item.route = "harness → simulator"
            detail = entry.get("detail")
            compact = json.dumps(detail, ensure_ascii=False, separators=(", ", ": "), default=str)
            item.summary = f"{_s(entry.get('action'))}: {compact}" if detail is not None else _s(entry.get("action"))
            item.blocks.append(_block("detail", detail))
        elif kind == "clock":
            item.route = "harness → clock"
            seconds = entry.get("seconds")
            item.summary = f"{_s(entry.get('action'))} {seconds} s" if seconds is not None else _s(entry.get("action"))
            item.fields = [("now (virtual epoch ms)", _s(entry.get("now_ms")))]
        else:
            item.route = f"platform → {app(entry.get('app_id'))}" if entry.get("app_id") else kind
            item.summary = " ".join(f"{k}={_s(entry.get(k))}" for k in ("action", "reason", "seconds") if k in entry)
            item.error = kind == "alert"
            item.blocks.append(_block("entry", entry))
        item.fields = [(k, v) for k, v in item.fields if v]
        log.append(item)
    return log
