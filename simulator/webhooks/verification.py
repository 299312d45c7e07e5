"""The webhook verification handshake (spec §4.1): GET with hub.* parameters, expect the challenge back."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from simulator.journal import Journal

BODY_LIMIT = 2048


@dataclass(frozen=True)
class VerificationResult:
    """What the handshake saw; `ok` only when the endpoint echoed the challenge with 200."""

    ok: bool
    status: int | None
    body: str | None
    challenge: str
    reason: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def new_challenge() -> str:
    """A random positive integer as Meta sends it (10 digits, e.g. `1158201444`)."""
    return str(10**9 + secrets.randbelow(9 * 10**9))


def handshake_url(url: str, verify_token: str, challenge: str) -> str:
    """`url` with hub.mode/hub.verify_token/hub.challenge added to any query it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("hub.mode", "subscribe"), ("hub.verify_token", verify_token), ("hub.challenge", challenge)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), parts.fragment))


def verify_webhook(url: str, verify_token: str, *, timeout: float = 5.0, challenge: str | None = None,
                   session: requests.Session | None = None) -> VerificationResult:
    """Perform the handshake against `url`; never raises for network or HTTP problems."""
    challenge = challenge or new_challenge()
    own = session is None
    http = session or requests.Session()
    if own:
        # A loopback callback must not be routed through a proxy taken from the environment.
        http.trust_env = False
    try:
        # Assumption: redirects are not followed; Meta needs the callback URL itself to answer.
        response = http.get(handshake_url(url, verify_token, challenge), timeout=timeout,
                            allow_redirects=False)
    except requests.Timeout:
        return VerificationResult(False, None, None, challenge, f"no response within {timeout:g} s")
    except requests.RequestException as exc:
        return VerificationResult(False, None, None, challenge,
                                  f"connection error: {type(exc).__name__}: {exc}")
    finally:
        if own:
            http.close()
    body = response.content[:BODY_LIMIT].decode("utf-8", errors="replace")
    if response.status_code != 200:
        # Assumption: exactly 200 is required (spec §4.1 "answer 200"); 204/201 fail.
        return VerificationResult(False, response.status_code, body, challenge,
                                  f"status {response.status_code}, wanted 200")
    # Assumption: the body must be the challenge exactly; one trailing newline ("\n" or "\r\n",
    # as `print`/`echo` add) is tolerated, nothing else (no spaces, quotes or JSON wrapping).
    echoed = body[:-2] if body.endswith("\r\n") else body[:-1] if body.endswith("\n") else body
    if echoed != challenge:
        return VerificationResult(False, 200, body, challenge,
                                  f"body {body[:80]!r} is not the challenge {challenge!r}")
    return VerificationResult(True, 200, body, challenge, None)


def record_verification(journal: Journal, app_id: str, url: str, verify_token: str,
                        result: VerificationResult, latency_ms: float | None = None) -> dict:
    """Journal one handshake as a `verification` entry (docs/architecture.md)."""
    return journal.record("verification", app_id=app_id, url=url, verify_token=verify_token,
                          challenge=result.challenge, status=result.status, body=result.body,
                          ok=result.ok, reason=result.reason, latency_ms=latency_ms)


def verify_and_record(journal: Journal, app_id: str, url: str, verify_token: str, *,
                      timeout: float = 5.0) -> VerificationResult:
    """Handshake and journal it; the caller marks the endpoint verified when `result.ok`."""
    started = time.perf_counter()
    result = verify_webhook(url, verify_token, timeout=timeout)
    record_verification(journal, app_id, url, verify_token, result,
                        round((time.perf_counter() - started) * 1000, 3))
    return result
