"""A realistic synthetic results.json: several scenarios x 3 modes, every verdict, hostile payloads."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from typing import Any, Callable

PAGE_ID = "106385432211234"
BOT = "1441283716070514"  # primary receiver: the Page's bot
CC = "256859710996832"  # the SUT: a contact centre, secondary receiver
INBOX = "263902037430900"  # Meta's Page Inbox
PSID = "7319040211546652"
PSID2 = "6023951182930417"
MODES = ["legacy_hop", "hop_v2", "conversation_routing"]
T0 = 1_767_225_600_000  # virtual epoch ms: 2026-01-01T00:00:00Z

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

# Everything the evidence bundle must not leak. Tests look for each one in every bundled file.
PAGE_TOKEN = "EAAGm0PX4ZCpsBAKZBdZCw1lY0pZAZAF8c2hZBqkeYyq4ZCXnZB2fLZCZAT7wQZD"
APP_SECRETS = {BOT: "3b1f0c9e5d2a4b6c8e0f1a2b3c4d5e6f", CC: "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a49"}
APPSECRET_PROOF = "5f0d2a9c7b3e1f4a6c8d0b2e4f6a8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a1b"
VERIFY_TOKEN = "vt-7Hq2-secret-verify"
SECRETS = [PAGE_TOKEN, APPSECRET_PROOF, VERIFY_TOKEN, *APP_SECRETS.values()]

RULES: list[dict[str, Any]] = [
    {"id": "HOP-ROUTE-STANDBY", "title": "Events for a thread an app does not own arrive on standby",
     "level": "MUST", "source": "spec §1.5", "roles": ["secondary", "primary"], "modes": MODES,
     "assumption": False,
     "text": "Every subscribed app that does not own the thread receives the user's messages in "
             "`entry[].standby[]`, and only if subscribed to the `standby` field."},
    {"id": "HOP-PASS-NOTIFY", "title": "The new owner receives pass_thread_control",
     "level": "MUST", "source": "spec §2.3", "roles": ["secondary"], "modes": MODES, "assumption": False,
     "text": "After `POST /{PAGE_ID}/pass_thread_control`, the target app becomes owner and receives a "
             "`pass_thread_control` webhook with `previous_owner_app_id`, `new_owner_app_id` and `metadata`."},
    {"id": "HOP-PASS-METADATA", "title": "Metadata is passed through unchanged", "level": "SHOULD",
     "source": "spec §3.5", "roles": ["secondary"], "modes": MODES, "assumption": False,
     "text": "The `metadata` string given to pass_thread_control reaches the new owner unchanged."},
    {"id": "HOP-SEND-NONOWNER", "title": "A non-owner's send is rejected with 10/2018300",
     "level": "MUST", "source": "spec §2.1, field note 6", "roles": ["secondary"],
     "modes": ["hop_v2", "conversation_routing"], "assumption": False,
     "text": "A send by an app that does not own the thread fails with HTTP 400, code 10, subcode "
             "2018300: \"another app is controlling this thread now\"."},
    {"id": "HOP-CLOSE-PASSBACK", "title": "The contact centre passes the thread back on close",
     "level": "MUST", "source": "spec §2.3, Chatwoot practice", "roles": ["secondary"], "modes": MODES,
     "assumption": False,
     "text": "When the agent closes the conversation, the contact centre passes control back to the "
             "Primary Receiver (legacy) or to the previous owner."},
    {"id": "HOP-SIG-256", "title": "Webhook requests are authenticated with X-Hub-Signature-256",
     "level": "MUST", "source": "spec §4.2", "roles": ["secondary", "primary"], "modes": MODES,
     "assumption": False,
     "text": "An app rejects a webhook whose `X-Hub-Signature-256` is not the HMAC-SHA256 of the raw "
             "body keyed with its app secret."},
    {"id": "HOP-EXPIRY-RETURN", "title": "Idle threads return to the Primary after expiry", "level": "MAY",
     "source": "spec §1.7", "roles": ["secondary"], "modes": ["hop_v2", "conversation_routing"],
     "assumption": True,
     "text": "Assumption: after the idle expiry, control returns to the Primary and the former owner "
             "receives take_thread_control."},
    {"id": "HOP-REQ-INBOX", "title": "Move to Main sends request_thread_control", "level": "SHOULD",
     "source": "spec field note 4", "roles": ["primary"], "modes": MODES, "assumption": False,
     "text": "\"Move to Main\" sends request_thread_control with requested_owner_app_id 263902037430900 "
             "and no metadata."},
]


def sign(raw: str, secret: str) -> dict[str, str]:
    """Meta's two signature headers over the exact raw body."""
    data = raw.encode()
    return {
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest(),
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), data, hashlib.sha1).hexdigest(),
        "Content-Type": "application/json",
    }


def meta_dumps(value: Any) -> str:
    """Meta's serialisation: no spaces, escaped slashes, non-ASCII as \\uXXXX."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


class Journal:
    """Builds journal entries with increasing seq and virtual time."""

    def __init__(self, start_seq: int = 1) -> None:
        self.seq = start_seq
        self.ts = T0
        self.entries: list[dict[str, Any]] = []

    def add(self, kind: str, after_ms: int = 40, **fields: Any) -> dict[str, Any]:
        self.ts += after_ms
        entry = {"seq": self.seq, "kind": kind, "ts": self.ts,
                 "wall": f"2026-11-23T12:40:{(self.seq % 60):02d}.{self.seq % 1000:03d}Z", **fields}
        self.seq += 1
        self.entries.append(entry)
        return entry

    def control(self, action: str, detail: Any) -> None:
        self.add("control", 0, action=action, detail=detail)

    def user(self, text: str, psid: str = PSID, action: str = "message") -> str:
        mid = f"m_{self.seq:04d}AbXkq7Yt3Jc9" + psid[-4:]
        self.add("user", 120, psid=psid, action=action, mid=mid, text=text if action == "message" else None,
                 payload=text if action == "postback" else None)
        return mid

    def deliver(self, app_id: str, channel: str, event_type: str, event: dict[str, Any], *,
                psid: str = PSID, status: int | None = 200, outcome: str = "ok", attempt: int = 1,
                latency: float = 38.0, response_body: str = "EVENT_RECEIVED") -> None:
        body = {"object": "page", "entry": [{"id": PAGE_ID, "time": self.ts, channel: [event]}]}
        raw = meta_dumps(body)
        url = "https://cc.example.test/webhooks/messenger" if app_id == CC else "https://bot.example.test/fb"
        self.add("delivery", int(latency), app_id=app_id, url=url,
                 delivery_id=f"d-{self.seq:05d}", attempt=attempt, body=body, raw=raw,
                 headers=sign(raw, APP_SECRETS.get(app_id, "inbox-secret-0000")), status=status,
                 outcome=outcome, latency_ms=latency, psids=[psid],
                 events=[{"channel": channel, "type": event_type, "psid": psid, "event": event}],
                 duplicate=False, response_body=response_body)

    def message_event(self, mid: str, text: str, psid: str = PSID) -> dict[str, Any]:
        return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": self.ts,
                "message": {"mid": mid, "text": text}}

    def graph(self, app_id: str, edge: str, body: dict[str, Any] | None, *, status: int = 200,
              response: Any = None, error: dict[str, Any] | None = None, psid: str = PSID,
              method: str = "POST", latency: float = 14.0, app_name: str | None = None) -> None:
        path = f"/v19.0/{'me' if edge == 'messages' else PAGE_ID}/{edge}"
        self.add("graph", int(latency), app_id=app_id, app_name=app_name or APP_NAMES[app_id],
                 transport="http", method=method, path=path, edge=edge,
                 query={"access_token": PAGE_TOKEN, "appsecret_proof": APPSECRET_PROOF},
                 body=body, status=status, response=response if response is not None else {"success": True},
                 error=error, psid=psid, latency_ms=latency)

    def send(self, app_id: str, text: str, *, ok: bool = True, psid: str = PSID) -> None:
        body = {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": text}}
        if ok:
            self.graph(app_id, "messages", body, response={"recipient_id": psid, "message_id": f"m_sent{self.seq}"},
                       psid=psid)
        else:
            self.graph(app_id, "messages", body, status=400, error={"code": 10, "error_subcode": 2018300},
                       response={"error": {"message": "(#10) This message is sent outside of allowed window. "
                                           "Another app is controlling this thread now.",
                                           "type": "OAuthException", "code": 10, "error_subcode": 2018300,
                                           "fbtrace_id": "AXq1B2c3D4e5F6g7H8i9"}}, psid=psid)

    def pass_control(self, by: str, to: str, metadata: str, *, deliver: bool = True, psid: str = PSID) -> None:
        self.graph(by, "pass_thread_control", {"recipient": {"id": psid}, "target_app_id": int(to),
                                               "metadata": metadata}, psid=psid)
        self.add("ownership", 2, psid=psid, from_app_id=by, to_app_id=to, cause="pass", by_app_id=by)
        if deliver:
            event = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": self.ts,
                     "pass_thread_control": {"previous_owner_app_id": by, "new_owner_app_id": to,
                                             "metadata": metadata}}
            self.deliver(to, "messaging", "pass_thread_control", event, psid=psid)


APP_NAMES = {BOT: "Acme Support Bot", CC: "Contact centre", INBOX: "Page Inbox"}


def _setup(j: Journal, mode: str) -> None:
    j.control("mode", {"mode": mode})
    j.control("roles", {"primary": BOT, "secondary": [CC], "apps": [
        {"app_id": BOT, "secret": APP_SECRETS[BOT], "page_token": PAGE_TOKEN},
        {"app_id": CC, "app_secret": APP_SECRETS[CC], "verify_token": VERIFY_TOKEN}]})


def _steps(*specs: tuple[str, str, str, float], error: str | None = None) -> list[dict[str, Any]]:
    steps = []
    for keyword, text, status, ms in specs:
        steps.append({"keyword": keyword, "text": text, "status": status, "duration_ms": ms,
                      "error": error if status == "failed" else None})
    return steps


# Each scenario builder returns the result fields that vary with the mode's verdict.
def route_standby(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    mid = j.user(f"Hi, my order never arrived {SCRIPT}")
    ev = j.message_event(mid, f"Hi, my order never arrived {SCRIPT}")
    j.deliver(BOT, "messaging", "message", ev)
    j.deliver(CC, "standby", "message", ev, latency=52.0)
    return {"steps": _steps(("Given", "the bot owns the thread", "passed", 3.1),
                            ("When", f'the user sends "Hi, my order never arrived {SCRIPT}"', "passed", 160.4),
                            ("Then", "the contact centre receives the message on standby", "passed", 2.2))}


def pass_notify(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    j.user("I want to talk to a human")
    j.pass_control(BOT, CC, f"escalation {IMG}")
    if verdict == "FAIL":
        # The SUT replied from standby before it acknowledged the pass: a non-owner send.
        j.send(CC, f"Agent joined {SCRIPT}", ok=False)
        return {"reason": "The contact centre sent while the bot still owned the thread (2018300).",
                "expected": "POST /me/messages from the contact centre only after it owns the thread",
                "observed": f"POST /me/messages with text \"Agent joined {SCRIPT}\" answered 400 (#10/2018300)",
                "near_misses": [{"entry": j.entries[-1], "why_not": [
                    "status is 400, wanted 200", "error.error_subcode is 2018300, wanted absent"]}],
                "steps": _steps(("Given", "the bot owns the thread", "passed", 2.0),
                                ("When", "the bot passes the thread to the contact centre", "passed", 40.5),
                                ("Then", "the contact centre replies as the new owner", "failed", 5003.0),
                                error="AssertionError: no successful send by 256859710996832 within 5 s")}
    j.send(CC, f"Hello, this is Dana {IMG}")
    extra: dict[str, Any] = {}
    if verdict == "WARNING":
        extra = {"reason": f"metadata arrived trimmed: \"escalation {IMG}\" → \"escalation\" (SHOULD)"}
    return {**extra, "steps": _steps(("Given", "the bot owns the thread", "passed", 2.0),
                                     ("When", "the bot passes the thread to the contact centre", "passed", 40.5),
                                     ("Then", "the contact centre replies as the new owner", "passed", 22.7),
                                     ("And", "the pass_thread_control metadata is unchanged", "passed", 0.4))}


def send_nonowner(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    if verdict == "NOT_APPLICABLE":
        return {"reason": "legacy_hop allowed non-owner sends; the rule is for hop_v2 and conversation_routing",
                "steps": _steps(("Given", "the bot owns the thread", "skipped", 0),
                                ("When", "the contact centre sends a message", "skipped", 0),
                                ("Then", "the send is rejected with 10/2018300", "skipped", 0))}
    j.user("Still there?")
    j.send(CC, "We are looking into it", ok=False)
    reason = ("declared expected failure: the reference contact centre retries without taking control "
              "(defect no_take_before_send)") if verdict == "EXPECTED_FAILURE" else None
    if verdict == "EXPECTED_FAILURE":
        j.send(CC, "We are looking into it", ok=False)
    return {"reason": reason, "steps": _steps(
        ("Given", "the bot owns the thread", "passed", 1.0),
        ("When", "the contact centre sends a message", "passed", 15.2),
        ("Then", "the send is rejected with 10/2018300", "passed", 0.8),
        ("And", "the contact centre takes control before retrying",
         "failed" if verdict == "EXPECTED_FAILURE" else "passed", 2.0),
        error="retried the send without take_thread_control")}


def close_passback(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    j.user("Thanks!")
    j.pass_control(BOT, CC, "escalation")
    j.send(CC, "You're welcome. Closing this chat.")
    steps = [("Given", "the contact centre owns the thread", "passed", 44.0),
             ("When", "the agent closes the conversation", "passed", 12.0)]
    if verdict == "PASS":
        j.pass_control(CC, BOT, "closed by agent")
        return {"steps": _steps(*steps, ("Then", "the contact centre passes the thread back to the bot", "passed", 18.0))}
    if verdict == "TIMEOUT":
        return {"reason": "no pass_thread_control from the contact centre within 30 s (virtual)",
                "expected": "POST /{PAGE_ID}/pass_thread_control by 256859710996832 with target_app_id 1441283716070514",
                "observed": "no Graph call from the contact centre after the close",
                "steps": _steps(*steps, ("Then", "the contact centre passes the thread back to the bot", "failed", 30000.0),
                                error="Timeout: waited 30 s for graph pass_thread_control")}
    # FAIL: passes to the Inbox instead of the bot.
    j.pass_control(CC, INBOX, "closed by agent")
    return {"reason": "the thread was passed to the Page Inbox, not back to the bot",
            "expected": "target_app_id 1441283716070514 (Acme Support Bot)",
            "observed": "target_app_id 263902037430900 (Page Inbox)",
            "near_misses": [{"entry": j.entries[-3], "why_not": [
                "body.target_app_id is 263902037430900, wanted 1441283716070514"]}],
            "steps": _steps(*steps, ("Then", "the contact centre passes the thread back to the bot", "failed", 31.0),
                            error="AssertionError: target_app_id 263902037430900 != 1441283716070514")}


def webhook_signature(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    mid = j.user("Order #1234")
    ev = j.message_event(mid, "Order #1234")
    j.deliver(CC, "standby", "message", ev)
    # A forged delivery: the body is changed after signing, so the SUT must answer 403.
    j.deliver(CC, "standby", "message", j.message_event(mid, f"forged {SCRIPT}"), status=403,
              outcome="http_error", response_body=f"bad signature {IMG}")
    if verdict == "ERROR":
        j.deliver(CC, "standby", "message", ev, status=None, outcome="connection_error", latency=3.0,
                  response_body="")
        return {"reason": "harness error: the contact centre's webhook endpoint refused connections",
                "steps": _steps(("Given", "the contact centre subscribes to standby", "passed", 4.0),
                                ("When", "the platform delivers a message with a forged signature", "failed", 3.0),
                                error="ConnectionRefusedError: [Errno 111] Connection refused"),
                "adapter_reported": [{"check": "webhook endpoint up", "said": True}]}
    return {"steps": _steps(("Given", "the contact centre subscribes to standby", "passed", 4.0),
                            ("When", "the platform delivers a message with a forged signature", "passed", 51.0),
                            ("Then", "the contact centre answers 403", "passed", 0.3))}


def idle_expiry(j: Journal, mode: str, verdict: str) -> dict[str, Any]:
    if verdict == "NOT_APPLICABLE":
        return {"reason": "legacy_hop has no idle expiry", "steps": []}
    j.pass_control(BOT, CC, "escalation")
    j.add("clock", 0, action="advance", seconds=86400, now_ms=j.ts + 86_400_000)
    j.ts += 86_400_000
    j.add("ownership", 0, psid=PSID, from_app_id=CC, to_app_id=BOT, cause="expiry", by_app_id=None)
    j.deliver(CC, "messaging", "take_thread_control", {
        "sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": j.ts,
        "take_thread_control": {"previous_owner_app_id": CC, "new_owner_app_id": BOT, "metadata": "idle"}})
    j.user("hello again", psid=PSID2)
    j.add("ownership", 5, psid=PSID2, from_app_id=None, to_app_id=INBOX, cause="inbox_reply", by_app_id=INBOX)
    if verdict == "FAIL":
        j.send(CC, "Are you still there?", ok=False)
        return {"reason": "after expiry the contact centre still sent as if it owned the thread",
                "expected": "no send from the contact centre after take_thread_control",
                "observed": "POST /me/messages → 400 (#10/2018300)",
                "steps": _steps(("Given", "the contact centre owns the thread", "passed", 50.0),
                                ("When", "the clock advances 24 h", "passed", 1.0),
                                ("Then", "the contact centre stops sending", "failed", 20.0),
                                error="a send by the contact centre after it lost control")}
    return {"steps": _steps(("Given", "the contact centre owns the thread", "passed", 50.0),
                            ("When", "the clock advances 24 h", "passed", 1.0),
                            ("Then", "the contact centre stops sending", "passed", 2.0))}


# (id, title, feature, area, rules, builder, verdict per mode)
SCENARIOS: list[tuple[str, str, str, str, list[str], Callable[..., dict[str, Any]], list[str]]] = [
    ("HOP-ROUTE-001", "Messages for a thread the contact centre does not own arrive on standby",
     "routing/standby.feature", "routing", ["HOP-ROUTE-STANDBY"], route_standby, ["PASS", "PASS", "PASS"]),
    ("HOP-PASS-001", f"The contact centre receives pass_thread_control {IMG}", "handover/pass.feature",
     "handover", ["HOP-PASS-NOTIFY", "HOP-PASS-METADATA"], pass_notify, ["PASS", "FAIL", "WARNING"]),
    ("HOP-SEND-001", "A send from a non-owner is rejected with 10/2018300", "handover/send.feature",
     "handover", ["HOP-SEND-NONOWNER"], send_nonowner, ["NOT_APPLICABLE", "PASS", "EXPECTED_FAILURE"]),
    ("HOP-CLOSE-001", "The contact centre passes the thread back when the agent closes",
     "closure/pass_back.feature", "closure", ["HOP-CLOSE-PASSBACK"], close_passback, ["FAIL", "TIMEOUT", "PASS"]),
    ("HOP-SIG-001", "Webhooks with a bad X-Hub-Signature-256 are rejected", "webhooks/signature.feature",
     "webhooks", ["HOP-SIG-256", "HOP-UNKNOWN-RULE"], webhook_signature, ["PASS", "ERROR", "PASS"]),
    ("HOP-EXPIRE-001", "Control returns to the bot after the idle expiry", "closure/expiry.feature",
     "closure", ["HOP-EXPIRY-RETURN"], idle_expiry, ["NOT_APPLICABLE", "PASS", "FAIL"]),
]


def make_result(index: int, mode_index: int, start_seq: int = 1, suffix: str = "") -> dict[str, Any]:
    """One result of scenario SCENARIOS[index] in MODES[mode_index]."""
    sid, title, feature, area, rules, builder, verdicts = SCENARIOS[index]
    mode, verdict = MODES[mode_index], verdicts[mode_index]
    j = Journal(start_seq)
    _setup(j, mode)
    fields = builder(j, mode, verdict)
    steps = fields.pop("steps")
    result = {
        "id": sid + suffix, "title": title, "feature": feature, "area": area, "mode": mode,
        "role": "secondary", "rules": rules,
        "tags": [sid + suffix, *rules, mode, "secondary"] + (["xfail"] if verdict == "EXPECTED_FAILURE" else []),
        "verdict": verdict, "reason": None, "expected": None, "observed": None, "near_misses": [],
        "steps": steps, "duration_ms": round(sum(s["duration_ms"] for s in steps) + 7.5, 1),
        "psids": [PSID], "apps": {CC: "Contact centre", BOT: "Acme Support Bot"},
        "journal": j.entries, "adapter_reported": [],
    }
    result.update(fields)
    return result


def make_results(copies: int = 1, *, sut: str = "reference", verdict_override: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """A whole results.json: `copies` x 6 scenarios x 3 modes (ids get a -N suffix after the first copy)."""
    results = []
    seq = 1
    for copy_index in range(copies):
        suffix = "" if copy_index == 0 else f"-{copy_index + 1}"
        for index in range(len(SCENARIOS)):
            for mode_index in range(len(MODES)):
                result = make_result(index, mode_index, seq, suffix)
                seq = result["journal"][-1]["seq"] + 1 if result["journal"] else seq
                results.append(result)
    for result in results:
        key = (result["id"], result["mode"])
        if verdict_override and key in verdict_override:
            result["verdict"] = verdict_override[key]
    summary = {v: 0 for v in ("PASS", "FAIL", "WARNING", "NOT_APPLICABLE", "EXPECTED_FAILURE", "TIMEOUT", "ERROR")}
    for result in results:
        summary[result["verdict"]] += 1
    return {
        "run": {"sut": sut, "role": "secondary", "modes": list(MODES), "defect": None, "tags": None,
                "started_at": "2026-11-23T12:40:00Z", "finished_at": "2026-11-23T12:41:12Z",
                "versions": {"handover": "0.1.0", "python": "3.11.7", "pytest_bdd": "9.0.1"}},
        "rules": copy.deepcopy(RULES),
        "results": results,
        "summary": summary,
    }


def make_many(count: int) -> dict[str, Any]:
    """At least `count` results (for the benchmark), cut to exactly `count`."""
    per_copy = len(SCENARIOS) * len(MODES)
    data = make_results(-(-count // per_copy))
    data["results"] = data["results"][:count]
    return data
