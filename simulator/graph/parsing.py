"""Turn what real Messenger clients send into parameters: versions, tokens, lenient bodies.

Spec §2.0: tokens arrive in the query, a form field, a JSON field or `Authorization: Bearer`;
bodies arrive as JSON, form fields holding JSON strings (even single-quoted pseudo-JSON), or
query-string-only POSTs with unquoted keys. All of them must work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from simulator.domain import errors

VERSION_RE = re.compile(r"^v\d+\.\d+$")
_UNQUOTED_KEY_RE = re.compile(r'([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:')
_BARE_VALUE_RE = re.compile(r':\s*([A-Za-z_][A-Za-z0-9_\-]*)\s*([,}\]])')


@dataclass
class GraphRequest:
    """A Graph API call reduced to what the edges need."""

    method: str
    path: str
    version: str | None
    segments: list[str]
    params: dict[str, Any]
    token: str | None
    proof: str | None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def object_id(self) -> str:
        return self.segments[0] if self.segments else ""

    @property
    def edge(self) -> str:
        return self.segments[1] if len(self.segments) > 1 else ""


def split_path(path: str) -> tuple[str | None, list[str]]:
    """`/v19.0/me/messages` -> ("v19.0", ["me", "messages"]); no version is fine too."""
    parts = [p for p in path.split("/") if p]
    version = None
    if parts and VERSION_RE.match(parts[0]):
        version = parts.pop(0)
    return version, parts


def lenient_json(text: str) -> Any:
    """Parse JSON, or Meta's curl-style pseudo-JSON (`{'id':'1'}`, `{id:1}`)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    candidate = text.strip()
    if not candidate or candidate[0] not in "{[":
        raise ValueError("not JSON")
    candidate = candidate.replace("'", '"')
    candidate = _UNQUOTED_KEY_RE.sub(r'\1"\2":', candidate)
    candidate = _BARE_VALUE_RE.sub(lambda m: m.group(0) if m.group(1) in ("true", "false", "null")
                                   else f': "{m.group(1)}"{m.group(2)}', candidate)
    return json.loads(candidate)


def _decode_value(value: Any) -> Any:
    """Form and query values holding objects are JSON strings; decode those, keep the rest."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return lenient_json(value)
        except ValueError:
            raise errors.InvalidParameter(f"(#100) Invalid JSON in parameter: {value[:60]}") from None
    return value


def build_request(method: str, path: str, *, query: Mapping[str, Any], headers: Mapping[str, str],
                  json_body: Any = None, form: Mapping[str, Any] | None = None,
                  raw_body: bytes | None = None, content_type: str = "") -> GraphRequest:
    """Merge query, form and JSON parameters (body wins over query) and find the token."""
    version, segments = split_path(path)
    params: dict[str, Any] = {k: _decode_value(v) for k, v in query.items()}
    if form:
        params.update({k: _decode_value(v) for k, v in form.items()})
    body = json_body
    if body is None and raw_body and "json" in content_type:
        try:
            body = lenient_json(raw_body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise errors.InvalidParameter("(#100) The request body is not valid JSON") from None
    if body is not None:
        if not isinstance(body, dict):
            raise errors.InvalidParameter("(#100) The request body must be a JSON object")
        params.update({k: _decode_value(v) for k, v in body.items()})
    header_map = {k.lower(): v for k, v in headers.items()}
    token = params.pop("access_token", None)
    auth = header_map.get("authorization", "")
    if not token and auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and value.strip():
            token = value.strip()
    proof = params.pop("appsecret_proof", None)
    return GraphRequest(method.upper(), path, version, segments, params,
                        str(token) if token else None, str(proof) if proof else None, dict(headers))


def fields_param(value: Any, default: list[str]) -> list[str]:
    """`fields=id, name` (with a space) or a list -> ["id", "name"]."""
    if value is None or value == "":
        return list(default)
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [f.strip() for f in str(value).split(",") if f.strip()]


def psid_of(params: dict[str, Any]) -> str | None:
    """The PSID a call is about: `recipient.id`, or a `recipient` query value."""
    recipient = params.get("recipient")
    if isinstance(recipient, dict):
        value = recipient.get("id")
        return None if value is None else str(value)
    if isinstance(recipient, (str, int)) and not isinstance(recipient, bool):
        return str(recipient)
    return None
