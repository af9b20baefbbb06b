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
    wecom.say("lihua", "提单 财务 借支 出租车 86元")
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


def robot_bodies(wecom: WeCom) -> list[dict]:
    return [c.body or {} for c in wecom.api.to("webhook/send") if c.ok]


def test_a_group_robot_gets_the_file_itself_within_its_limits(wecom: WeCom) -> None:
    """IT's desk is a group robot: a small JPG goes inline (base64), anything else through
    the robot's own webhook/upload_media, a file over 20 MB as a line saying how to see it;
    the stand-in refuses what WeCom refuses (image over 2 MB, file over 20 MB)."""
    import base64
    import dataclasses

    desk = wecom.app.desk
    desk.files = dataclasses.replace(desk.files, max_bytes=30 * 1024 * 1024)
    wecom.say("lihua", "/request it account-access vpn for the trip")
    wecom.dispatch()
    big_jpeg = b"\xff\xd8\xff\xe0" + b"x" * (3 * 1024 * 1024)
    huge_pdf = b"%PDF-1.7\n" + b"y" * (21 * 1024 * 1024)
    for media_id, data, mime, kind in (("M-IMG", JPEG, "image/jpeg", "image"),
                                       ("M-PDF", PDF, "application/pdf", "file"),
                                       ("M-BIGIMG", big_jpeg, "image/jpeg", "image"),
                                       ("M-HUGE", huge_pdf, "application/pdf", "file")):
        wecom.api.serve(media_id, data, mime, f"{media_id}.{mime.rsplit('/', 1)[1]}")
        send_media(wecom, kind, media_id)
        wecom.dispatch()  # media/get
        wecom.dispatch()  # to the robot
    sent = robot_bodies(wecom)
    images = [b for b in sent if b["msgtype"] == "image"]
    assert len(images) == 1 and base64.b64decode(images[0]["image"]["base64"]) == JPEG
    uploads = [c for c in wecom.api.to("webhook/upload_media") if c.ok]
    assert [(c.query["key"], c.query["type"], c.files["media"].data[:4]) for c in uploads] == [
        ("robot-it", "file", b"%PDF"), ("robot-it", "file", b"\xff\xd8\xff\xe0")], \
        "the PDF and the 3 MB image (too big inline) go as files, with the robot's key"
    files = [b["file"]["media_id"] for b in sent if b["msgtype"] == "file"]
    assert len(files) == 2 and all(m.startswith("robot-media-") for m in files)
    assert not wecom.api.media, "no app media/upload for a robot"
    too_big = [b["markdown"]["content"] for b in sent if b["msgtype"] == "markdown"
               and "20 MB" in b["markdown"]["content"]]
    assert len(too_big) == 1 and "/request 查看 IT-1" in too_big[0]
    assert all(c.ok for c in wecom.api.to("webhook/send")), "nothing the robot refuses"


def test_the_robot_stand_in_is_as_strict_as_wecom(wecom: WeCom) -> None:
    import base64
    import hashlib

    import httpx

    url = wecom.platform.sender.robots["it"]
    big = b"\xff\xd8" + b"z" * (2 * 1024 * 1024)
    body = {"msgtype": "image", "image": {"base64": base64.b64encode(big).decode(),
                                          "md5": hashlib.md5(big).hexdigest()}}
    assert httpx.post(url, json=body).json()["errcode"] == 40009
    unknown = {"msgtype": "file", "file": {"media_id": "media-1"}}
    assert httpx.post(url, json=unknown).json()["errcode"] == 40007
    upload = url.replace("webhook/send", "webhook/upload_media") + "&type=file"
    huge = {"media": ("x.bin", b"0" * (20 * 1024 * 1024 + 1), "application/octet-stream")}
    assert httpx.post(upload, files=huge).json()["errcode"] == 40006


def test_a_video_in_the_app_chat_is_fetched_and_attached(wecom: WeCom) -> None:
    opened(wecom)
    clip = b"\x00\x00\x00\x18ftypmp42" + b"v" * 500
    wecom.api.serve("MEDIA-VIDEO", clip, "video/mp4", "MEDIA-VIDEO.mp4")
    send_media(wecom, "video", "MEDIA-VIDEO",
               "<ThumbMediaId><![CDATA[THUMB-1]]></ThumbMediaId>")
    wecom.dispatch()
    wecom.dispatch()
    assert [(a.name, a.mime, a.state) for a in rows(wecom)] == [("video.mp4", "video/mp4",
                                                                 "stored")]
    assert [b["msgtype"] for b in chat_bodies(wecom)][-1] == "file"
