"""Meta's JSON serialisation: compact separators, `\\/` for slashes, `\\uXXXX` for all non-ASCII."""

from __future__ import annotations

import json
from typing import Any


def meta_json(obj: Any) -> bytes:
    """Serialise `obj` byte-for-byte the way Meta's webhooks look on the wire (spec §3.1, §4.2).

    Python's `ensure_ascii` already writes `\\uXXXX` with lowercase hex and surrogate pairs
    outside the BMP, as PHP's `json_encode` does; PHP also escapes `/`, which Python does not.
    A `/` can only occur inside a JSON string (never in the syntax, never inside an escape that
    Python writes), so escaping every one in the output text is exact.
    """
    # Key order is kept as built (no sort_keys): Meta's field order is part of the byte stream.
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/").encode("ascii")
