"""A file on a confidential request (an HR complaint) through WeCom: the desk hears that a
file was added and who may open the request, never the file itself; nothing is left stuck."""

from __future__ import annotations

from tests.adapters.wecom.conftest import WeCom, outbox_rows
from tests.adapters.wecom.test_files import AMR, send_media


def test_a_confidential_requests_file_stays_out_of_the_desks_messages(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 人事 投诉 经理每天对我大吼")
    wecom.dispatch()
    wecom.api.serve("MEDIA-VOICE-HR", AMR, "audio/amr", "MEDIA-VOICE-HR.amr")
    send_media(wecom, "voice", "MEDIA-VOICE-HR", "<Format><![CDATA[amr]]></Format>")
    wecom.dispatch()  # media/get
    wecom.dispatch()  # the desk hears of it
    assert not [r for r in outbox_rows(wecom.app)
                if r.delivered_at is None and r.failed_at is None]
    assert not wecom.api.media, "the file is uploaded nowhere"
    desk = [b for who in ("linna", "hetao") for b in wecom.api.received(who)]
    assert not [b for b in desk if b["msgtype"] in ("file", "voice", "image")]
    texts = [str(b[b["msgtype"]].get("content", "")) for b in desk]
    told = [text for text in texts if "HR-1（保密）新增了一个文件" in text]
    assert told and all("提单人" in text for text in told)


def test_a_confidential_requests_file_reaches_its_assignee_in_person(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 人事 投诉 经理每天对我大吼")
    wecom.say("hetao", "受理 HR-1")
    wecom.dispatch()
    wecom.api.serve("MEDIA-VOICE-HR2", AMR, "audio/amr", "MEDIA-VOICE-HR2.amr")
    send_media(wecom, "voice", "MEDIA-VOICE-HR2", "<Format><![CDATA[amr]]></Format>")
    wecom.dispatch()  # media/get
    wecom.dispatch()  # the file goes on
    got = [b for b in wecom.api.received("hetao") if b["msgtype"] in ("file", "voice")]
    assert len(got) == 1, "the assignee gets the recording itself"
    assert not [b for b in wecom.api.received("linna") if b["msgtype"] in ("file", "voice")]
