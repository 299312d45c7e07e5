"""Every Graph edge through the HTTP layer, in the shapes real clients send (spec §2)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

BOT, CC, INBOX, PAGE = "640000000000001", "256859710996832", "263902037430900", "1000000000000001"


def error_of(response) -> tuple[int, int, int | None]:
    error = response.get_json()["error"]
    return response.status_code, error["code"], error.get("error_subcode")


@pytest.mark.parametrize("prefix", ["/v19.0", "/v2.6", "", "/v25.0"])
@pytest.mark.parametrize("page", ["me", PAGE])
def test_send_on_versioned_and_unversioned_paths(client, psid, prefix, page):
    response = client.post(f"{prefix}/{page}/messages?access_token=BOT_TOKEN",
                           json={"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": "Hi"}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["recipient_id"] == psid and body["message_id"].startswith("m_")


def test_token_in_bearer_header_form_and_json(client, psid):
    bearer = client.post("/v19.0/me/messages", headers={"Authorization": "Bearer BOT_TOKEN"},
                         json={"recipient": {"id": psid}, "message": {"text": "a"}})
    form = client.post("/v19.0/me/messages", data={"access_token": "BOT_TOKEN", "recipient": f"{{'id':'{psid}'}}",
                                                   "message": "{'text':'hello, world'}"})
    in_json = client.post("/v19.0/me/messages", json={"access_token": "BOT_TOKEN", "recipient": {"id": int(psid)},
                                                     "message": {"text": "b"}})
    assert [r.status_code for r in (bearer, form, in_json)] == [200, 200, 200]


def test_query_string_only_post_with_unquoted_keys(client, psid):
    response = client.post(f"/v19.0/me/pass_thread_control?access_token=BOT_TOKEN&recipient={{id:{psid}}}"
                           f"&target_app_id={CC}&metadata=hello")
    assert response.get_json() == {"success": True}


def test_appsecret_proof_checked_when_present(client, psid):
    good = hmac.new(b"bot-secret", b"BOT_TOKEN", hashlib.sha256).hexdigest()
    ok = client.post(f"/v19.0/me/pass_thread_control?access_token=BOT_TOKEN&appsecret_proof={good}",
                     json={"recipient": {"id": psid}, "target_app_id": int(CC), "metadata": None})
    assert ok.status_code == 200
    bad = client.post("/v19.0/me/messages?access_token=CC_TOKEN&appsecret_proof=deadbeef",
                      json={"recipient": {"id": psid}, "message": {"text": "x"}})
    assert error_of(bad) == (400, 100, None)
    assert "appsecret_proof" in bad.get_json()["error"]["message"]


def test_appsecret_proof_required_by_configuration(client, simulation, psid):
    simulation.platform.app(CC).require_appsecret_proof = True
    response = client.get(f"/v19.0/me/thread_owner?recipient={psid}&access_token=CC_TOKEN")
    assert error_of(response)[1] == 100


def test_non_owner_send_in_hop_v2_is_2018300(client, psid):
    client.put("/_sim/mode", json={"mode": "hop_v2"})
    client.post(f"/_sim/users/{psid}/messages", json={"text": "again"})
    response = client.post("/v19.0/me/messages?access_token=CC_TOKEN",
                           json={"recipient": {"id": psid}, "message": {"text": "agent here"}})
    assert error_of(response) == (400, 10, 2018300)
    assert response.get_json()["error"]["type"] == "OAuthException"
    assert response.get_json()["error"]["fbtrace_id"]
    assert "WWW-Authenticate" in response.headers


def test_handover_edges_and_thread_owner(client, psid):
    post = lambda edge, token, **body: client.post(f"/v19.0/me/{edge}?access_token={token}",  # noqa: E731
                                                  json={"recipient": {"id": psid}, **body})
    assert post("pass_thread_control", "BOT_TOKEN", target_app_id=CC).get_json() == {"success": True}
    owner = client.get(f"/v19.0/me/thread_owner?recipient={psid}&access_token=CC_TOKEN").get_json()
    assert owner == {"data": [{"thread_owner": {"app_id": CC}}]}
    assert post("take_thread_control", "BOT_TOKEN", metadata="back").get_json() == {"success": True}
    assert post("request_thread_control", "CC_TOKEN").get_json() == {"success": True}
    assert error_of(post("release_thread_control", "BOT_TOKEN"))[1] == 100  # legacy: no release


def test_secondary_receivers_and_fields_with_a_space(client):
    body = client.get("/v19.0/me/secondary_receivers?fields=id, name&access_token=BOT_TOKEN").get_json()
    assert {"id": CC, "name": "Contact centre"} in body["data"]
    assert {"id": INBOX, "name": "Page Inbox"} in body["data"]


def test_profile_and_feature_status(client, psid):
    profile = client.get(f"/v19.0/{psid}?fields=first_name,last_name,locale&access_token=CC_TOKEN").get_json()
    assert profile["locale"] == "pt_BR" and profile["id"] == psid and profile["first_name"]
    status = client.get("/v19.0/me?fields=messaging_feature_status&access_token=CC_TOKEN").get_json()
    assert status == {"messaging_feature_status": {"hop_v2": False, "msgr_multi_app": False, "ig_multi_app": False},
                      "id": PAGE}


def test_subscribed_apps_round_trip(client):
    assert client.post("/v19.0/me/subscribed_apps?access_token=CC_TOKEN&subscribed_fields=messages,standby,"
                       "messaging_handover").get_json() == {"success": True}
    rows = client.get("/v19.0/me/subscribed_apps?access_token=CC_TOKEN").get_json()["data"]
    cc = next(r for r in rows if r["id"] == CC)
    assert cc["subscribed_fields"] == ["messages", "messaging_handovers", "standby"]
    assert client.delete("/v19.0/me/subscribed_apps?access_token=CC_TOKEN").get_json() == {"success": True}
    assert CC not in {r["id"] for r in client.get("/v19.0/me/subscribed_apps?access_token=BOT_TOKEN").get_json()["data"]}


def test_personas_and_messenger_profile(client, psid):
    persona = client.post("/v19.0/me/personas?access_token=CC_TOKEN",
                          json={"name": "Agent Ana", "profile_picture_url": "https://example.invalid/a.png"}).get_json()
    sent = client.post("/v19.0/me/messages?access_token=CC_TOKEN",
                       json={"recipient": {"id": psid}, "message": {"text": "Ana here"}, "persona_id": persona["id"]})
    assert sent.status_code == 200
    assert client.get(f"/v19.0/{persona['id']}?access_token=CC_TOKEN").get_json()["name"] == "Agent Ana"
    assert client.post("/v19.0/me/messenger_profile?access_token=BOT_TOKEN",
                       json={"get_started": {"payload": "GET_STARTED"}}).get_json() == {"result": "success"}
    got = client.get("/v19.0/me/messenger_profile?fields=get_started&access_token=BOT_TOKEN").get_json()
    assert got == {"data": [{"get_started": {"payload": "GET_STARTED"}}]}


def test_missing_messaging_type_and_explicit_nulls_are_accepted(client, psid):
    response = client.post("/v19.0/me/messages?access_token=BOT_TOKEN",
                           json={"recipient": {"id": psid}, "message": {"text": "Hi", "metadata": None},
                                 "tag": None, "persona_id": None, "messaging_type": None})
    assert response.status_code == 200


def test_sender_action_returns_no_message_id(client, psid):
    response = client.post("/v19.0/me/messages?access_token=BOT_TOKEN",
                           json={"recipient": {"id": psid}, "sender_action": "typing_on"})
    assert response.get_json() == {"recipient_id": psid}


def test_every_call_is_journaled_with_caller_and_status(client, simulation, psid):
    client.post("/v19.0/me/messages?access_token=CC_TOKEN", json={"recipient": {"id": "1"}, "message": {"text": "x"}})
    entry = simulation.journal.query(kind="graph")[-1]
    assert entry["app_id"] == CC and entry["status"] == 400 and entry["error"]["error_subcode"] == 2018001
    assert entry["edge"] == "messages" and entry["body"]["message"] == {"text": "x"}
