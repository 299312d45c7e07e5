"""Golden cases for Meta's JSON serialisation (spec §3.1, §4.2)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from simulator.webhooks.serialize import meta_json

GOLDEN = [
    ("compact separators, key order kept", {"b": [1, 2], "a": {"c": None, "d": True}},
     b'{"b":[1,2],"a":{"c":null,"d":true}}'),
    ("slashes escaped", {"url": "https://www.facebook.com/x/y"},
     b'{"url":"https:\\/\\/www.facebook.com\\/x\\/y"}'),
    ("backslash before slash", {"s": "a\\/b"}, b'{"s":"a\\\\\\/b"}'),
    ("slash in a key", {"a/b": 1}, b'{"a\\/b":1}'),
    ("latin-1 lowercase hex", {"text": "\u00e4\u00f6\u00e5"}, b'{"text":"\\u00e4\\u00f6\\u00e5"}'),
    ("polish", {"text": "Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144"},
     b'{"text":"Za\\u017c\\u00f3\\u0142\\u0107 g\\u0119\\u015bl\\u0105 ja\\u017a\\u0144"}'),
    ("russian", {"text": "\u041f\u0440\u0438\u0432\u0435\u0442"},
     b'{"text":"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442"}'),
    ("portuguese", {"text": "Ol\u00e1, a\u00e7\u00e3o"}, b'{"text":"Ol\\u00e1, a\\u00e7\\u00e3o"}'),
    ("emoji outside the BMP as a surrogate pair", {"text": "\U0001F44D"}, b'{"text":"\\ud83d\\udc4d"}'),
    ("heart with variation selector", {"emoji": "\u2764\ufe0f"}, b'{"emoji":"\\u2764\\ufe0f"}'),
    ("control characters and quotes", {"t": "a\n\"b\"\t"}, b'{"t":"a\\n\\"b\\"\\t"}'),
    ("html characters untouched", {"t": "<a&b>"}, b'{"t":"<a&b>"}'),
    ("numbers and big ids", {"id": 256859710996832, "f": 1.5}, b'{"id":256859710996832,"f":1.5}'),
]


@pytest.mark.parametrize("obj, expected", [(o, e) for _, o, e in GOLDEN], ids=[n for n, _, _ in GOLDEN])
def test_golden_bytes(obj: object, expected: bytes) -> None:
    assert meta_json(obj) == expected


@pytest.mark.parametrize("obj", [o for _, o, _ in GOLDEN], ids=[n for n, _, _ in GOLDEN])
def test_output_is_ascii_json_that_parses_back(obj: object) -> None:
    raw = meta_json(obj)
    raw.decode("ascii")
    assert json.loads(raw) == obj


def test_reserialised_body_no_longer_matches_the_signature() -> None:
    """The trap of spec §6.15: verifying `json.dumps(json.loads(raw))` instead of the raw bytes."""
    raw = meta_json({"text": "Cze\u015b\u0107 https://example.com/a"})
    secret = b"s3cret"
    sent = hmac.new(secret, raw, hashlib.sha256).hexdigest()
    reserialised = json.dumps(json.loads(raw)).encode("utf-8")
    assert hmac.new(secret, reserialised, hashlib.sha256).hexdigest() != sent


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        meta_json({"x": float("nan")})
