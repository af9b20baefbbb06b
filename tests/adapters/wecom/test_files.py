"""Images, voice and files in the WeCom app chat, through encrypted callbacks and the API
stand-in: fetched with media/get (promptly, retried, given up with the reason once WeCom's
three days pass), kept, and passed on (media/upload, then an image or file message); a
file the desk shares reaches the requester the same way.

Callback shapes as in wechatpy's tests and WeCom's 接收消息 docs (MediaId, Format, Title)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import Session, select

from handlers.inbound import Inbound, IncomingFile
from storage.models import Attachment
from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID, FINANCE_CHAT, WeCom

JPEG = b"\xff\xd8\xff\xe0" + b"receipt-pixels" * 100
AMR = b"#!AMR\n" + b"\x00" * 300
PDF = b"%PDF-1.7\n" + b"form" * 100


def media_xml(userid: str, kind: str, media_id: str, ts: int, extra: str = "") -> str:
    """An image / voice / file message callback body, before encryption."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType><MediaId><![CDATA[{media_id}]]></MediaId>"
            f"{extra}<MsgId>{uuid.uuid4().int % 10**18}</MsgId><AgentID>{AGENT_ID}</AgentID>"
            "</xml>")


def opened(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()


def send_media(wecom: WeCom, kind: str, media_id: str, extra: str = "") -> None:
    ts = int(wecom.clock().timestamp())
    assert wecom.post(media_xml("lihua", kind, media_id, ts, extra)).status_code == 200


def rows(wecom: WeCom) -> list[Attachment]:
    with Session(wecom.app.desk.engine) as session:
        return list(session.exec(select(Attachment)))


def show(wecom: WeCom) -> str:
    return wecom.app.handle("henry", "/request show FIN-1").text


def chat_bodies(wecom: WeCom) -> list[dict]:
    return [b for b in wecom.api.delivered("appchat/send") if b.get("chatid") == FINANCE_CHAT]


def test_an_image_in_the_app_chat_reaches_the_desk_chat(wecom: WeCom) -> None:
    opened(wecom)
    wecom.api.serve("MEDIA-IMG-1", JPEG, "image/jpeg", "MEDIA-IMG-1.jpg")
    send_media(wecom, "image", "MEDIA-IMG-1", "<PicUrl><![CDATA[http://p.qpic.cn/x]]></PicUrl>")
    assert "获取" in wecom.replies_to("lihua")[-1], "the answer says it is being fetched"
    assert "image.jpg (获取中…)" in show(wecom)
    wecom.dispatch()  # media/get
    wecom.dispatch()  # passed on to the desk's chat
    (get,) = wecom.api.to("media/get")
    assert get.query["media_id"] == "MEDIA-IMG-1" and get.ok
    (media,) = wecom.api.media
    assert media.type == "image" and media.file.data == JPEG, "the same bytes go on"
    bodies = chat_bodies(wecom)
    assert "📎 image.jpg (1 KB)" in bodies[-2]["text"]["content"]
    assert bodies[-1] == {"chatid": FINANCE_CHAT, "msgtype": "image",
                          "image": {"media_id": media.media_id}}
    assert "附件: 📎 image.jpg (1 KB)" in show(wecom)


def test_voice_and_files_go_on_as_files(wecom: WeCom) -> None:
    opened(wecom)
    wecom.api.serve("MEDIA-VOICE", AMR, "audio/amr", "MEDIA-VOICE.amr")
    send_media(wecom, "voice", "MEDIA-VOICE", "<Format><![CDATA[amr]]></Format>")
    wecom.api.serve("MEDIA-FILE", PDF, "application/pdf", "MEDIA-FILE.pdf")
    send_media(wecom, "file", "MEDIA-FILE", "<Title><![CDATA[发票.pdf]]></Title>")
    wecom.dispatch()
    wecom.dispatch()
    assert sorted(a.name for a in rows(wecom)) == ["voice.amr", "发票.pdf"]
    assert {(m.type, m.file.filename) for m in wecom.api.media} == {
        ("file", "voice.amr"), ("file", "发票.pdf")}
    assert [b["msgtype"] for b in chat_bodies(wecom)].count("file") == 2


def test_a_failed_media_get_is_retried_and_the_request_shows_fetching(wecom: WeCom) -> None:
    opened(wecom)
    wecom.api.serve("MEDIA-IMG-2", JPEG, "image/jpeg", "MEDIA-IMG-2.jpg")
    wecom.api.fail_http("media/get", 502, times=1)
    send_media(wecom, "image", "MEDIA-IMG-2")
    wecom.dispatch()
    assert "image.jpg (获取中…)" in show(wecom) and not wecom.api.media
    wecom.clock.set(wecom.clock() + timedelta(seconds=31))
    wecom.dispatch()
    wecom.dispatch()
    (row,) = rows(wecom)
    assert row.state == "stored" and row.size == len(JPEG)
    assert chat_bodies(wecom)[-1]["msgtype"] == "image"


def test_after_three_days_a_failing_fetch_is_marked_failed_with_the_reason(
        wecom: WeCom) -> None:
    opened(wecom)
    wecom.api.fail_http("media/get", 503, times=100)
    send_media(wecom, "image", "MEDIA-IMG-3")
    wecom.dispatch()
    wecom.clock.set(wecom.clock() + timedelta(days=3, hours=1))
    wecom.dispatch()
    (row,) = rows(wecom)
    assert row.state == "failed"
    assert "失败：平台只保留 3 天，期间未能获取" in show(wecom)
    wecom.dispatch()  # the notice to the person who sent it
    told = [r for r in wecom.replies_to("lihua") if "未能添加到 FIN-1" in r]
    assert len(told) == 1 and "请重新发送" in told[0]


def test_an_expired_media_id_fails_at_once_saying_so(wecom: WeCom) -> None:
    opened(wecom)
    send_media(wecom, "image", "MEDIA-GONE")  # WeCom answers 40007: invalid media_id
    wecom.dispatch()
    (row,) = rows(wecom)
    assert row.state == "failed" and "wecom:40007" in (row.failed_reason or "")
    assert "平台上已没有这个文件" in show(wecom)


def test_a_file_the_desk_shares_in_the_thread_reaches_the_requester_on_wecom(
        wecom: WeCom) -> None:
    opened(wecom)
    form = IncomingFile(name="form.pdf", mime="application/pdf", size=len(PDF),
                        source="console:form.pdf", data=PDF)
    wecom.app.run(Inbound(platform="console", person_id="bob", text="please fill this in",
                          thread_of="FIN-1", files=(form,)))
    wecom.dispatch()
    (media,) = wecom.api.media
    assert media.type == "file" and media.file.data == PDF
    to_henry = [b for b in wecom.api.delivered("message/send") if b["touser"] == "lihua"]
    assert to_henry[-1]["msgtype"] == "file"
    assert to_henry[-1]["file"] == {"media_id": media.media_id}
    assert any("📎 form.pdf" in b.get("text", {}).get("content", "") for b in to_henry)
