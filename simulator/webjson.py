"""JSON responses shared by the HTTP layers (Graph API and control API)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise compactly with UTF-8 kept readable (Graph answers are not signed)."""
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    response = Response(payload, status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
