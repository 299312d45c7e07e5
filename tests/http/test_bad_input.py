"""Bad input gets a clear Graph or control error: never a 500, never a traceback."""

from __future__ import annotations

import pytest

GRAPH_CASES = [
    # (method, url, kwargs, expected status, expected code, expected subcode)
    ("POST", "/v19.0/me/messages", {"json": {"recipient": {"id": "1"}}}, 400, 104, None),
    ("POST", "/v19.0/me/messages?access_token=NOPE", {"json": {}}, 400, 190, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"data": "{not json", "content_type": "application/json"}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": ["a", "list"]}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"message": {"text": "x"}}}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "42"}, "message": {"text": "x"}}}, 400, 100, 2018001),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": "not-an-object", "message": {"text": "x"}}}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": ""}}}, 400, 100, 2018034),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": 5}}}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": "x" * 2001}}}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": "x"}, "sender_action": "typing_on"}}, 400, 100, 2018014),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": "x"}, "messaging_type": "SOMETIMES"}}, 400, 100, None),
    ("POST", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "message": {"text": "x"}, "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE"}}, 400, 100, 1893061),
    ("POST", "/v19.0/me/pass_thread_control?access_token=BOT_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "target_app_id": "999"}}, 400, 100, None),
    ("POST", "/v19.0/me/extend_thread_control?access_token=BOT_TOKEN", {"json": {"recipient": {"id": "{psid}"}, "duration": "soon"}}, 400, 100, None),
    ("POST", "/v19.0/me/nonsense?access_token=CC_TOKEN", {"json": {}}, 400, 2500, None),
    ("GET", "/v19.0/me/messages?access_token=CC_TOKEN", {}, 400, 100, 33),
    ("PUT", "/v19.0/me/messages?access_token=CC_TOKEN", {"json": {}}, 400, 100, 33),
    ("GET", "/v19.0/123/456/789?access_token=CC_TOKEN", {}, 400, 2500, None),
    ("GET", "/v19.0/me/thread_owner?access_token=CC_TOKEN", {}, 400, 100, None),
    ("GET", "/v19.0/me?fields=secrets&access_token=CC_TOKEN", {}, 400, 100, None),
    ("POST", "/v19.0/me/subscribed_apps?access_token=CC_TOKEN&subscribed_fields=nope", {}, 400, 100, None),
]


@pytest.mark.parametrize("method,url,kwargs,status,code,subcode", GRAPH_CASES)
def test_graph_bad_input(client, psid, method, url, kwargs, status, code, subcode):
    if "json" in kwargs and isinstance(kwargs["json"], dict):
        kwargs = dict(kwargs, json=_fill(kwargs["json"], psid))
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert (error["code"], error.get("error_subcode")) == (code, subcode)
    assert error["message"] and "Traceback" not in response.get_data(as_text=True)


def test_body_over_25_mb_is_refused_cleanly(client):
    response = client.post("/v19.0/me/messages?access_token=CC_TOKEN", data=b"x" * (26 * 1024 * 1024),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["error_subcode"] == 2018109


CONTROL_CASES = [
    ("POST", "/_sim/users", {"json": {"locale": "xx_XX"}}, 400),
    ("POST", "/_sim/users", {"data": "nope", "content_type": "application/json"}, 400),
    ("POST", "/_sim/users/123/messages", {"json": {"text": "hi"}}, 404),
    ("POST", "/_sim/users/{psid}/messages", {"json": {}}, 400),
    ("POST", "/_sim/users/{psid}/messages", {"json": {"text": 5}}, 400),
    ("POST", "/_sim/users/{psid}/postbacks", {"json": {"title": "no payload"}}, 400),
    ("POST", "/_sim/clock/advance", {"json": {"seconds": -5}}, 400),
    ("POST", "/_sim/clock/advance", {"json": {"seconds": "soon"}}, 400),
    ("POST", "/_sim/clock/advance", {"json": {"seconds": True}}, 400),
    ("PUT", "/_sim/clock", {"json": {"now": "yesterday"}}, 400),
    ("PUT", "/_sim/mode", {"json": {"mode": "v3"}}, 400),
    ("PUT", "/_sim/mode", {"json": {}}, 400),
    ("PATCH", "/_sim/apps/404", {"json": {"name": "x"}}, 404),
    ("PATCH", "/_sim/apps/256859710996832", {"json": {"colour": "red"}}, 400),
    ("POST", "/_sim/apps", {"json": {"id": "abc", "name": "x"}}, 400),
    ("POST", "/_sim/faults", {"json": {"code": 1200, "status": 200}}, 400),
    ("POST", "/_sim/faults", {"json": {"preset": "meteor"}}, 400),
    ("PATCH", "/_sim/delivery", {"json": {"timeout_s": -1}}, 400),
    ("POST", "/_sim/wait", {"json": {"timeout": 0.1}}, 400),
    ("POST", "/_sim/wait", {"json": {"match": "kind=graph"}}, 400),
    ("GET", "/_sim/journal?limit=zero", {}, 400),
    ("POST", "/_sim/inbox/{psid}/done", {}, 409),
    ("GET", "/_sim/no/such/thing", {}, 404),
    ("DELETE", "/_sim/apps/263902037430900", {}, 400),
]


@pytest.mark.parametrize("method,url,kwargs,status", CONTROL_CASES)
def test_control_bad_input(client, psid, method, url, kwargs, status):
    response = client.open(url.replace("{psid}", psid), method=method, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["message"]


def _fill(value, psid):
    if isinstance(value, dict):
        return {k: _fill(v, psid) for k, v in value.items()}
    return psid if value == "{psid}" else value
