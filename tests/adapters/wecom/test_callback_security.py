"""/wecom/callback over a real socket: URL verification, and every forged or stale callback
refused with 403 before anything is stored."""

from __future__ import annotations

from datetime import timedelta

from wechatpy.crypto import _get_signature
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from tests.adapters.wecom.conftest import CORP_ID, counts, text_xml

OPEN = "提单 财务 报销 出租车 86元"


def verification_params(wecom, plain: str, ts: int, nonce: str) -> dict[str, str]:
    echostr = PrpCrypto(wecom.crypto.key).encrypt(plain, CORP_ID).decode()
    signature = _get_signature(wecom.crypto.token, str(ts), nonce, echostr)
    return {"msg_signature": signature, "timestamp": str(ts), "nonce": nonce, "echostr": echostr}


def test_url_verification_answers_the_plain_echostr(wecom):
    ts = int(wecom.clock().timestamp())
    response = wecom.http.get("/wecom/callback",
                              params=verification_params(wecom, "8123456789", ts, "n-verify"))
    assert response.status_code == 200
    assert response.text == "8123456789"


def test_url_verification_with_a_bad_signature_is_403(wecom):
    ts = int(wecom.clock().timestamp())
    params = verification_params(wecom, "8123456789", ts, "n-verify")
    params["msg_signature"] = "0" * 40
    response = wecom.http.get("/wecom/callback", params=params)
    assert response.status_code == 403
    assert "8123456789" not in response.text


def test_a_genuine_callback_is_answered_at_once_with_an_empty_200(wecom):
    response = wecom.say("lihua", OPEN)
    assert (response.status_code, response.text) == (200, "")
    assert counts(wecom.app)["Request"] == 1


def test_bad_signature_is_403_and_nothing_is_stored(wecom):
    before = counts(wecom.app)
    response = wecom.say("lihua", OPEN, signature="f" * 40)
    assert response.status_code == 403
    assert counts(wecom.app) == before
    assert wecom.api.calls == [] and wecom.kicks == []


def test_stale_timestamp_is_403_and_nothing_is_stored(wecom):
    before = counts(wecom.app)
    stale = int((wecom.clock() - timedelta(minutes=5, seconds=1)).timestamp())
    assert wecom.say("lihua", OPEN, timestamp=stale).status_code == 403
    future = int((wecom.clock() + timedelta(minutes=6)).timestamp())
    assert wecom.say("lihua", OPEN, timestamp=future).status_code == 403
    assert counts(wecom.app) == before


def test_timestamp_checked_against_the_desk_clock_not_the_wall_clock(wecom):
    """The desk clock says 2026-11-23; four minutes behind it is still fresh."""
    recent = int((wecom.clock() - timedelta(minutes=4)).timestamp())
    assert wecom.say("lihua", OPEN, timestamp=recent).status_code == 200
    assert counts(wecom.app)["Request"] == 1


def test_replayed_nonce_is_403_and_opens_nothing_twice(wecom):
    assert wecom.say("lihua", OPEN, nonce="1234567890").status_code == 200
    after_first = counts(wecom.app)
    assert wecom.say("lihua", OPEN, nonce="1234567890").status_code == 403
    assert counts(wecom.app) == after_first
    assert after_first["Request"] == 1


def test_message_for_another_corp_is_403_and_nothing_is_stored(wecom):
    before = counts(wecom.app)
    other = WeChatCrypto(wecom.crypto.token, wecom.platform.config.secrets.aes_key,
                         "wwsomeothercorp00")
    assert wecom.say("lihua", OPEN, crypto=other).status_code == 403
    assert counts(wecom.app) == before


def test_message_encrypted_with_another_key_is_403(wecom):
    before = counts(wecom.app)
    other = WeChatCrypto(wecom.crypto.token, "a" * 43, CORP_ID)
    assert wecom.say("lihua", OPEN, crypto=other).status_code == 403
    assert counts(wecom.app) == before


def test_missing_query_parameters_are_403(wecom):
    xml = text_xml("lihua", OPEN, int(wecom.clock().timestamp()))
    response = wecom.http.post("/wecom/callback", content=xml.encode())
    assert response.status_code == 403
    assert counts(wecom.app)["Request"] == 0


def test_body_over_one_megabyte_is_413(wecom):
    ts = str(int(wecom.clock().timestamp()))
    response = wecom.http.post("/wecom/callback", content=b"<xml>" + b"x" * (1024 * 1024 + 1),
                               params={"msg_signature": "x", "timestamp": ts, "nonce": "n"})
    assert response.status_code == 413
    assert counts(wecom.app)["SeenNonce"] == 0


def test_callbacks_for_another_app_are_ignored(wecom):
    xml = text_xml("lihua", OPEN, int(wecom.clock().timestamp())).replace(
        "<AgentID>1000002</AgentID>", "<AgentID>1000099</AgentID>")
    assert wecom.post(xml).status_code == 200
    assert counts(wecom.app)["Request"] == 0


def test_a_replayed_callback_that_ran_nothing_is_403_too(wecom):
    xml = text_xml("lihua", OPEN, int(wecom.clock().timestamp())).replace(
        "<AgentID>1000002</AgentID>", "<AgentID>1000099</AgentID>")
    assert wecom.post(xml, nonce="other01").status_code == 200
    assert wecom.post(xml, nonce="other01").status_code == 403
    assert counts(wecom.app)["Request"] == 0
