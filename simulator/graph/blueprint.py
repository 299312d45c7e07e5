"""Flask blueprint of the fake Graph API: hand the request to GraphService, write its answer."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from simulator.graph.service import GraphService
from simulator.webjson import json_response

graph_blueprint = Blueprint("graph", __name__)
METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH"]


def _service() -> GraphService:
    return current_app.extensions["handover"].graph


def _auth_header() -> dict[str, str]:
    """Only `Authorization` matters to the Graph layer; copying every header costs time per call."""
    value = request.headers.get("Authorization")
    return {"Authorization": value} if value else {}


@graph_blueprint.route("/", defaults={"path": ""}, methods=METHODS)
@graph_blueprint.route("/<path:path>", methods=METHODS)
def graph(path: str) -> Response:
    content_type = request.content_type or ""
    form = None
    if "form" in content_type:  # urlencoded and multipart: object params are JSON strings
        form = request.form.to_dict()
        for name, upload in request.files.items():
            form[name] = f"<file {upload.filename or name}>"
    answer = _service().handle(request.method, "/" + path, query=request.args.to_dict(),
                               headers=_auth_header(), form=form,
                               raw_body=None if form is not None else request.get_data(cache=False),
                               content_type=content_type)
    return json_response(answer.body, answer.status, answer.headers)
