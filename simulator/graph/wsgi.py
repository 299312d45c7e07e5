"""The fake Graph API's HTTP layer: a thin WSGI app in front of Flask.

It only parses the request (werkzeug, as Flask does) and writes GraphService's answer. It sits
in front of the Flask control API instead of inside it as a blueprint because Flask's per-request
dispatch doubled the cost of a Send API call (benchmarks/bench_simulator.py: 0.4x a bare Flask
endpoint as a blueprint; about 1x this way), and the Graph API is the hot path.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import orjson
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from simulator.domain import errors
from simulator.graph.service import GraphService

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class _GraphRequest(Request):
    max_content_length = 25 * 1024 * 1024 + 64 * 1024  # 25 MB attachments plus the JSON around them
    max_form_memory_size = max_content_length


def json_bytes(body: Any) -> bytes:
    return orjson.dumps(body, default=str)


class GraphWSGI:
    """Route `/_sim/...` to the control app and everything else to the Graph API."""

    def __init__(self, service: GraphService, control_app: WSGIApp) -> None:
        self.service = service
        self.control_app = control_app

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/_sim" or path.startswith("/_sim/"):
            return self.control_app(environ, start_response)
        return self.graph(_GraphRequest(environ))(environ, start_response)

    def graph(self, request: _GraphRequest) -> Response:
        content_type = request.content_type or ""
        form: dict[str, Any] | None = None
        raw: bytes | None = None
        try:
            if "form" in content_type:  # urlencoded and multipart: object params are JSON strings
                form = request.form.to_dict()
                for name, upload in request.files.items():
                    form[name] = f"<file {upload.filename or name}>"
            else:
                raw = request.get_data(cache=False)
        except RequestEntityTooLarge:
            error = errors.BodyTooLarge()
            return Response(json_bytes(error.envelope()), status=413, mimetype="application/json")
        auth = request.headers.get("Authorization")
        answer = self.service.handle(request.method, request.path, query=request.args.to_dict(),
                                     headers={"Authorization": auth} if auth else {}, form=form, raw_body=raw,
                                     content_type=content_type)
        response = Response(json_bytes(answer.body), status=answer.status, mimetype="application/json")
        for key, value in answer.headers.items():
            response.headers[key] = value
        return response
