"""create_app(): the Flask application of one simulation (Graph API + control API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from simulator.control.blueprint import control_blueprint
from simulator.domain import errors
from simulator.graph.blueprint import graph_blueprint
from simulator.simulation import Simulation
from simulator.webjson import json_response

MAX_BODY_BYTES = 25 * 1024 * 1024 + 64 * 1024  # 25 MB attachments plus the JSON around them


def create_app(simulation: Simulation | None = None, *, config: Any = None,
               run_dir: str | Path | None = None) -> Flask:
    """A Flask app serving `simulation` (or a new one built from `config`)."""
    app = Flask("handover-simulator")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["handover"] = simulation or Simulation(config, run_dir=run_dir)
    app.register_blueprint(control_blueprint)
    app.register_blueprint(graph_blueprint)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        from flask import request
        if request.path.startswith("/_sim"):
            return json_response({"error": {"message": exc.description or exc.name}}, exc.code or 400)
        if exc.code == 413:
            return json_response(errors.BodyTooLarge().envelope(), 413)
        error = errors.UnsupportedRequest(request.method, request.path.strip("/") or "/")
        return json_response(error.envelope(), exc.code if exc.code and exc.code < 500 else 400)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # Never a traceback on the wire: a Graph-shaped "unknown error", logged for us.
        app.logger.exception("unexpected error")
        return json_response({"error": {"message": f"An unexpected error happened: {type(exc).__name__}",
                                        "type": "OAuthException", "code": 1, "is_transient": True}}, 500)

    return app
