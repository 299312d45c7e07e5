"""Request shapes real clients send (spec §2.0)."""

from __future__ import annotations

import pytest

from simulator.domain import errors
from simulator.graph.parsing import build_request, fields_param, lenient_json, split_path


@pytest.mark.parametrize("path,version,segments", [
    ("/v19.0/me/messages", "v19.0", ["me", "messages"]),
    ("/me/messages", None, ["me", "messages"]),
    ("/v2.6/1000000000000001/pass_thread_control", "v2.6", ["1000000000000001", "pass_thread_control"]),
])
def test_split_path(path, version, segments):
    assert split_path(path) == (version, segments)


@pytest.mark.parametrize("text,expected", [
    ('{"id":"1"}', {"id": "1"}),
    ("{'id':'1'}", {"id": "1"}),
    ("{id:1}", {"id": 1}),
    ("{id:PSID}", {"id": "PSID"}),
    ("{'text':'hello, world'}", {"text": "hello, world"}),
])
def test_lenient_json(text, expected):
    assert lenient_json(text) == expected


def test_token_sources():
    q = build_request("POST", "/me/messages", query={"access_token": "Q"}, headers={})
    assert q.token == "Q"
    form = build_request("POST", "/me/messages", query={}, headers={}, form={"access_token": "F", "recipient": "{'id':'1'}"})
    assert form.token == "F" and form.params["recipient"] == {"id": "1"}
    body = build_request("POST", "/me/messages", query={}, headers={}, json_body={"access_token": "J"})
    assert body.token == "J"
    bearer = build_request("POST", "/me/messages", query={}, headers={"Authorization": "Bearer B"})
    assert bearer.token == "B"


def test_bad_json_body_is_a_graph_error():
    with pytest.raises(errors.InvalidParameter):
        build_request("POST", "/me/messages", query={}, headers={}, raw_body=b"{nope", content_type="application/json")


def test_fields_with_spaces():
    assert fields_param("id, name", []) == ["id", "name"]
