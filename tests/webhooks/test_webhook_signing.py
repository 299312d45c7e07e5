"""Signatures checked against an independent hmac computation (spec §4.2)."""

from __future__ import annotations

import hashlib
import hmac

from simulator.webhooks.signing import check, sign, verify

BODY = b'{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"message":{"text":"\\u00e4"}}]}]}'
SECRET = "cc-secret"


def test_both_headers_with_lowercase_hex() -> None:
    headers = sign(BODY, SECRET)
    assert headers == {
        "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest(),
        "X-Hub-Signature": "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
    }
    assert all(v == v.lower() for v in headers.values())


def test_known_vector() -> None:
    # Computed once with `openssl dgst -sha256 -hmac key` over the bytes `hello`.
    assert sign(b"hello", "key")["X-Hub-Signature-256"] == (
        "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b")


def test_verify_accepts_any_header_case() -> None:
    headers = {k.lower(): v for k, v in sign(BODY, SECRET).items()}
    assert verify(BODY, headers, SECRET)


def test_verify_rejects_other_bytes_wrong_secret_and_missing_header() -> None:
    headers = sign(BODY, SECRET)
    assert not verify(BODY + b" ", headers, SECRET)
    assert not verify(BODY, headers, "other")
    only_256 = {"X-Hub-Signature-256": headers["X-Hub-Signature-256"]}
    assert not verify(BODY, only_256, SECRET)
    assert verify(BODY, only_256, SECRET, require=("sha256",))


def test_check_reports_each_algorithm() -> None:
    headers = sign(BODY, SECRET)
    headers["X-Hub-Signature"] = "sha1=" + "0" * 40
    assert check(BODY, headers, SECRET) == {"sha256": True, "sha1": False}
    assert check(BODY, {}, SECRET) == {"sha256": None, "sha1": None}
