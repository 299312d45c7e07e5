"""Deliveries that did not come from Meta: unsigned, forged or for another page.

A conformance suite must show that a receiver refuses them, and the evidence must be in the
journal like any other delivery; so the simulator sends them itself, once, synchronously, and
journals the attempt with `injected: true` and how it was signed.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from simulator.journal import Journal
from simulator.webhooks.envelope import events_of, psids_of
from simulator.webhooks.serialize import meta_json
from simulator.webhooks.signing import signature

SIGNINGS = ("valid", "none", "forged-sha256", "sha1-only", "sha256-only", "wrong-secret")


def signed_headers(raw: bytes, secret: str, signing: str) -> dict[str, str]:
    """Headers for one of `SIGNINGS`: what a forger (or a broken proxy) would send."""
    if signing not in SIGNINGS:
        raise ValueError(f"signing must be one of {', '.join(SIGNINGS)}")
    headers = {"Content-Type": "application/json"}
    if signing == "none":
        return headers
    key = "another-apps-secret" if signing == "wrong-secret" else secret
    sha256 = signature(raw, "forged-" + secret if signing == "forged-sha256" else key, "sha256")
    sha1 = signature(raw, key, "sha1")
    if signing != "sha1-only":
        headers["X-Hub-Signature-256"] = sha256
    if signing != "sha256-only":
        headers["X-Hub-Signature"] = sha1
    return headers


def inject(journal: Journal, *, app_id: str, url: str, secret: str, body: dict[str, Any], signing: str,
           timeout: float) -> dict[str, Any]:
    """POST `body` to `url` signed as `signing`; journal and return the `delivery` entry."""
    raw = meta_json(body)
    headers = signed_headers(raw, secret, signing)
    started = time.perf_counter()
    status, outcome, answer = None, "ok", ""
    session = requests.Session()
    session.trust_env = False
    try:
        response = session.post(url, data=raw, headers=headers, timeout=timeout, allow_redirects=False)
        status, answer = response.status_code, response.text[:2048]
        outcome = "ok" if 200 <= status < 300 else "http_error"
    except requests.Timeout:
        outcome = "timeout"
    except requests.RequestException as exc:
        outcome, answer = "connection_error", str(exc)[:300]
    finally:
        session.close()
    events = events_of(body)
    return journal.record("delivery", app_id=app_id, url=url, delivery_id=None, attempt=1, body=body,
                          raw=raw.decode("ascii"), headers=headers, status=status, outcome=outcome,
                          latency_ms=round((time.perf_counter() - started) * 1000, 3), psids=psids_of(events),
                          events=events, duplicate=False, response_body=answer, injected=True, signing=signing)
