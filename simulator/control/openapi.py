"""The control API's OpenAPI 3.1 document, built from the routes as they are declared."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    body: dict[str, str] = field(default_factory=dict)


ROUTES: list[Route] = []


def route(method: str, path: str, summary: str, body: dict[str, str] | None = None) -> Callable[[F], F]:
    """Declare a control route for the document (the Flask decorator does the routing)."""

    def decorate(function: F) -> F:
        ROUTES.append(Route(method, path, summary, body or {}))
        return function

    return decorate


ERROR_SCHEMA = {"type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["message"],
                                         "properties": {"message": {"type": "string"}}}}}


def openapi_document(server_url: str = "") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for item in ROUTES:
        operation: dict[str, Any] = {
            "summary": item.summary,
            "operationId": (item.method.lower() + re.sub(r"[^A-Za-z0-9]+", "_", item.path)).rstrip("_"),
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                          "4XX": {"description": "Bad request", "content": {"application/json": {"schema": ERROR_SCHEMA}}}},
        }
        params = re.findall(r"{(\w+)}", item.path)
        if params:
            operation["parameters"] = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                                       for p in params]
        if item.method in ("POST", "PUT", "PATCH"):
            properties = {name: {"type": kind} for name, kind in item.body.items()}
            operation["requestBody"] = {"required": False, "content": {"application/json": {
                "schema": {"type": "object", "properties": properties, "additionalProperties": True}}}}
        paths.setdefault("/_sim" + item.path, {})[item.method.lower()] = operation
    return {"openapi": "3.1.0",
            "info": {"title": "Handover simulator control API", "version": "1",
                     "description": "Drive the fake Messenger Platform: users, threads, clock, apps, faults, journal."},
            "servers": [{"url": server_url}] if server_url else [],
            "paths": paths}
