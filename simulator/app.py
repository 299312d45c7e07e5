"""create_app(): the WSGI application of one simulation: the Graph API in front, the Flask
control API (`/_sim`) behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from simulator.control.blueprint import control_blueprint
from simulator.graph.wsgi import GraphWSGI
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
    app.wsgi_app = GraphWSGI(app.extensions["handover"].graph, app.wsgi_app)  # type: ignore[method-assign]

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return json_response({"error": {"message": exc.description or exc.name}}, exc.code or 400)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # Never a traceback on the wire: a Graph-shaped "unknown error", logged for us.
        app.logger.exception("unexpected error")
        return json_response({"error": {"message": f"An unexpected error happened: {type(exc).__name__}",
                                        "type": "OAuthException", "code": 1, "is_transient": True}}, 500)

    return app
