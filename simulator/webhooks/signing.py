"""Webhook signatures: `X-Hub-Signature-256` (HMAC-SHA256) and legacy `X-Hub-Signature` (HMAC-SHA1)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Mapping

SHA256_HEADER = "X-Hub-Signature-256"
SHA1_HEADER = "X-Hub-Signature"
_ALGORITHMS = {"sha256": (SHA256_HEADER, hashlib.sha256), "sha1": (SHA1_HEADER, hashlib.sha1)}


def signature(body: bytes, secret: str, algorithm: str = "sha256") -> str:
    """`<algorithm>=<lowercase hex HMAC of body keyed with secret>`, the header value Meta sends."""
    _, digest = _ALGORITHMS[algorithm]
    mac = hmac.new(secret.encode("utf-8"), body, digest).hexdigest()
    return f"{algorithm}={mac}"


def sign(body: bytes, secret: str) -> dict[str, str]:
    """Both signature headers over the exact bytes sent (spec §4.2: many clients still check sha1)."""
    return {SHA256_HEADER: signature(body, secret, "sha256"), SHA1_HEADER: signature(body, secret, "sha1")}


def header(headers: Mapping[str, Any] | Any, name: str) -> str | None:
    """Case-insensitive header lookup that works on dicts, WSGI `EnvironHeaders` and `email.Message`."""
    value = headers.get(name)
    if value is not None:
        return str(value)
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return str(item)
    return None


def check(body: bytes, headers: Mapping[str, Any] | Any, secret: str) -> dict[str, bool | None]:
    """Per algorithm: True (valid), False (present but wrong) or None (header missing)."""
    results: dict[str, bool | None] = {}
    for algorithm, (name, _) in _ALGORITHMS.items():
        sent = header(headers, name)
        if sent is None:
            results[algorithm] = None
        else:
            results[algorithm] = hmac.compare_digest(sent.strip(), signature(body, secret, algorithm))
    return results


def verify(body: bytes, headers: Mapping[str, Any] | Any, secret: str, *,
           require: tuple[str, ...] = ("sha256", "sha1")) -> bool:
    """True when every required signature header is present and matches the raw `body`."""
    results = check(body, headers, secret)
    return all(results.get(algorithm) is True for algorithm in require)
