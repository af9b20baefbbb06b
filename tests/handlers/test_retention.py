"""Retention: closed requests lose their words after the configured age, kind by kind, and
keep their figures (the digest and the scorecard of a purged week are unchanged)."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.cli.report import build_report, write_text
from handlers import retention
from handlers.digest import bounds, build_all
from handlers.digest_render import render
from handlers.retention_rules import Age, RetentionPolicy, parse_age
from storage import request_store
from storage.models import (
    ApprovalStepRow,
    Attachment,
    Event,
    FileBlob,
    HeldMessage,
    Outbox,
    Proposal,
    Rating,
    Request,
    RequestField,
)
from tests.conftest import Transcript, local
from tests.handlers.test_approval import company
from tests.handlers.test_digest import STORY, W47

THREE_YEARS = parse_age("3y")
EVERYTHING = RetentionPolicy(details=THREE_YEARS, comments=THREE_YEARS, files=THREE_YEARS,
                             rating_comments=THREE_YEARS)
# FIN-1 closes 2026-11-16 10:xx, FIN-2 on 2026-11-18; FIN-3 stays open. Three years after,
# on 2029-11-17: FIN-1 closed 3y + 1d ago, FIN-2 3y − 1d ago.
THEN = local("2029-11-17T10:30")
SCENE = [
    "@now 2026-11-16T09:00",
    "henry> /request finance cash-advance taxi to the airport 86",
    "bob> /request ack FIN-1", "bob> /request assign FIN-1 carol",
    "bob> /request wait FIN-1 which trip?",
    "henry> /request comment FIN-1 the Beijing trip",
    "bob@FIN-1> // looks fine, checked the ledger",
    "henry@dm:FIN-1> the receipt [file {receipt}]",
    "@now 2026-11-16T10:00", "bob> /request resolve FIN-1 paid by transfer",
    "henry> /request confirm FIN-1", "henry> /request rate FIN-1 2 slow reply #timely",
    "@now 2026-11-18T09:00", "alice> /request finance cash-advance hotel in Shanghai",
    "alice@dm:FIN-2> the hotel bill [file {receipt}]",
    "@now 2026-11-18T10:00", "bob> /request resolve FIN-2 paid", "alice> /request confirm FIN-2",
    "alice> /request rate FIN-2 4 fine #timely",
    "dave> /request finance cash-advance still open",
]


@pytest.fixture
def receipt(tmp_path: Path) -> Path:
    path = tmp_path / "receipt.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 2044)  # 2 KB
    return path


@pytest.fixture
def scene(chat: Transcript, receipt: Path) -> Transcript:
    chat(*(line.format(receipt=receipt) for line in SCENE))
    return chat


def request(chat: Transcript, ref: str) -> Request:
    with Session(chat.app.desk.engine) as s:
        found = request_store.by_ref(s, ref)
        assert found is not None
        return found


def notes(chat: Transcript, ref: str) -> dict[str, str | None]:
    """The last note of each event kind."""
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Event).where(Event.request_id == request(chat, ref).id)
                      .order_by(Event.id))
        return {e.kind: e.note for e in rows}


def files(chat: Transcript, ref: str) -> list[tuple[Attachment, bytes | None]]:
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Attachment).where(Attachment.request_id == request(chat, ref).id))
        return [(r, (b.data if (b := s.get(FileBlob, r.id)) else None)) for r in rows]


def rating(chat: Transcript, ref: str) -> Rating:
    with Session(chat.app.desk.engine) as s:
        found = s.exec(select(Rating).where(Rating.request_id == request(chat, ref).id)).one()
        return found


def sent_texts(chat: Transcript, ref: str) -> str:
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Outbox).where(Outbox.request_id == request(chat, ref).id))
        return "\n".join(str(r.payload) for r in rows)


def run(chat: Transcript, policy: RetentionPolicy, now: datetime,
        apply: bool = True, recheck: bool = False) -> retention.Outcome:
    return retention.run(chat.app.desk, policy, now, apply=apply, recheck=recheck)


def test_ages_count_calendar_time_from_closing() -> None:
    moment = datetime(2029, 3, 31, 12, 0)
    assert parse_age("3y") == Age(months=36) and parse_age("18M") == Age(months=18)
    assert parse_age("12w") == Age(days=84) and parse_age(" 90d ") == Age(days=90)
    assert parse_age("never") is None
    assert Age(months=1).before(moment) == datetime(2029, 2, 28, 12, 0)  # no 31 February
    assert Age(months=36).before(moment) == datetime(2026, 3, 31, 12, 0)
    for bad in ("3", "3 years", "0d", "-1y", "1.5y", "", True):
        with pytest.raises(ValueError):
            parse_age(bad)


def test_a_request_closed_3y_and_a_day_ago_is_blanked_and_its_figures_stay(scene) -> None:
    before = request(scene, "FIN-1")
    closed = before.closed_at
    outcome = run(scene, EVERYTHING, THEN)
    after = request(scene, "FIN-1")
    assert (after.title, after.details, after.resolution_note) == ("—", "", None)
    assert after.purged_at == THEN
    # the figures: times, state, department, service, priority, people
    for name in ("state", "department", "category", "priority", "requester_id", "assignee_id",
                 "created_at", "first_response_at", "resolved_at", "closed_at",
                 "resolution_due", "paused_seconds"):
        assert getattr(after, name) == getattr(before, name), name
    history = notes(scene, "FIN-1")
    for kind in ("waiting", "commented", "internal_note", "resolved", "file"):
        assert history[kind] is None, kind
    assert history["rated"] == "2★" and history["assigned"] == "carol"
    stars = rating(scene, "FIN-1")
    assert (stars.stars, stars.tags, stars.comment) == (2, ["timely"], None)
    ((attachment, data),) = files(scene, "FIN-1")
    assert (attachment.state, attachment.name, attachment.size, data) == ("purged", "", 2048,
                                                                          None)
    assert attachment.mime == "image/jpeg"
    sent = sent_texts(scene, "FIN-1")
    for words in ("airport", "Beijing", "ledger", "receipt", "transfer", "slow"):
        assert words not in sent, words
    assert outcome.purged == 1
    assert outcome.kinds["files"].files == 1 and outcome.kinds["files"].bytes == 2048
    assert outcome.kinds["details"].oldest == closed == outcome.kinds["details"].newest


def test_a_request_closed_3y_less_a_day_ago_and_an_open_one_are_untouched(scene) -> None:
    untouched = {ref: (request(scene, ref), notes(scene, ref)) for ref in ("FIN-2", "FIN-3")}
    run(scene, EVERYTHING, THEN)
    for ref, (row, history) in untouched.items():
        now = request(scene, ref)
        assert (now.title, now.details, now.purged_at) == (row.title, row.details, None)
        assert notes(scene, ref) == history
    assert rating(scene, "FIN-2").comment == "fine"
    ((attachment, data),) = files(scene, "FIN-2")
    assert attachment.state == "stored" and attachment.name == "receipt.jpg" and data
    assert "hotel" in sent_texts(scene, "FIN-2")
    # the day after, FIN-2's turn
    run(scene, EVERYTHING, local("2029-11-19T10:30"))
    assert request(scene, "FIN-2").title == "—"
    assert request(scene, "FIN-3").title == "still open"


def test_kinds_have_their_own_ages(scene) -> None:
    files_first = RetentionPolicy(details=THREE_YEARS, files=parse_age("1y"))
    run(scene, files_first, local("2027-11-17T10:30"))
    ((attachment, data),) = files(scene, "FIN-1")
    assert attachment.state == "purged" and data is None
    fin1 = request(scene, "FIN-1")
    assert fin1.details == "taxi to the airport 86" and fin1.purged_at is None, \
        "details are due later: not purged yet"
    assert notes(scene, "FIN-1")["commented"] == "the Beijing trip", "comments: never"
    assert rating(scene, "FIN-1").comment == "slow reply"
    run(scene, files_first, THEN)
    fin1 = request(scene, "FIN-1")
    assert fin1.title == "—" and fin1.purged_at == THEN
    assert notes(scene, "FIN-1")["commented"] == "the Beijing trip"
    assert rating(scene, "FIN-1").comment == "slow reply"
    only_ratings = RetentionPolicy(rating_comments=parse_age("90d"))
    run(scene, only_ratings, THEN)
    assert rating(scene, "FIN-2").comment is None
    assert request(scene, "FIN-2").details == "hotel in Shanghai"


def test_files_in_the_files_folder_are_deleted(chat: Transcript, receipt: Path,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "shared-files"
    chat.app.desk.files = dataclasses.replace(chat.app.desk.files, dir=str(folder))
    chat(*(line.format(receipt=receipt) for line in SCENE))
    assert len(list(folder.iterdir())) == 2
    run(chat, RetentionPolicy(files=THREE_YEARS), THEN)
    ((kept, _),) = files(chat, "FIN-2")
    assert [p.name for p in folder.iterdir()] == [kept.location]
    ((gone, _),) = files(chat, "FIN-1")
    assert gone.state == "purged" and gone.location is None


def test_a_second_run_changes_nothing_and_a_dry_run_counts_what_the_run_does(scene) -> None:
    dry = run(scene, EVERYTHING, local("2029-12-01T03:30"), apply=False)
    assert request(scene, "FIN-1").title != "—", "the dry run changed nothing"
    real = run(scene, EVERYTHING, local("2029-12-01T03:30"))
    assert dry.kinds == real.kinds and dry.copies == real.copies
    assert (dry.purged, real.purged) == (2, 2)
    assert real.kinds["details"].requests == 2 and real.kinds["comments"].rows >= 2
    again = run(scene, EVERYTHING, local("2029-12-02T03:30"))
    assert all(t.rows == 0 for t in again.kinds.values()) and again.copies.rows == 0
    assert again.purged == 0


def test_show_of_a_purged_request_says_its_details_were_removed(scene) -> None:
    run(scene, EVERYTHING, THEN)
    zh = scene("henry> /request show FIN-1")
    assert "FIN-1 · —" in zh and "此请求已超过保留期限，其详情、评论和附件已删除" in zh
    assert "📎 已超过保留期限，已删除" in zh
    en = scene("root> /request show FIN-1")
    assert "The details, comments and files of this request were removed after the retention " \
        "period; its times, states and rating are kept." in en
    assert "Files: 📎 removed after the retention period" in en
    assert "rated: 2★" in en and "slow" not in en


def test_a_purged_request_reopened_is_blanked_again_once_it_closes(scene) -> None:
    run(scene, EVERYTHING, THEN)
    scene("@now 2029-11-19T09:00", "henry> /request reopen FIN-1 no money arrived",
          "henry> /request comment FIN-1 my account is 6222 0000",
          "bob> /request resolve FIN-1 sent again", "henry> /request confirm FIN-1")
    assert request(scene, "FIN-1").purged_at is None
    run(scene, EVERYTHING, local("2032-11-20T03:30"))
    assert notes(scene, "FIN-1")["commented"] is None
    assert request(scene, "FIN-1").purged_at == local("2032-11-20T03:30")


def test_words_added_to_a_purged_closed_request_are_blanked_the_next_night(scene) -> None:
    run(scene, EVERYTHING, THEN)
    scene("@now 2029-11-19T09:00", "henry> /request comment FIN-1 my account is 6222 0000")
    assert request(scene, "FIN-1").purged_at is None  # looked at again, though still closed
    assert notes(scene, "FIN-1")["commented"] == "my account is 6222 0000"
    run(scene, EVERYTHING, local("2029-11-20T03:30"))
    assert notes(scene, "FIN-1")["commented"] is None
    assert request(scene, "FIN-1").state == "closed"


def test_a_kind_added_later_reaches_purged_requests_with_recheck(scene) -> None:
    files_only = RetentionPolicy(files=THREE_YEARS)
    run(scene, files_only, THEN)
    assert request(scene, "FIN-1").purged_at is not None
    assert notes(scene, "FIN-1")["commented"] == "the Beijing trip"
    with_comments = dataclasses.replace(files_only, comments=THREE_YEARS)
    assert run(scene, with_comments, THEN).kinds["comments"].rows == 0  # the nightly job
    assert run(scene, with_comments, THEN, apply=False, recheck=True).kinds["comments"].rows
    run(scene, with_comments, THEN, recheck=True)
    assert notes(scene, "FIN-1")["commented"] is None


@pytest.fixture
def digest_week(chat: Transcript) -> Transcript:
    chat(*STORY)
    return chat


def _digests(chat: Transcript, now: datetime) -> dict[str, str]:
    with Session(chat.app.desk.engine) as s:
        digests = build_all(s, chat.app.desk, W47, now)
    return {key: render(chat.app.desk, d, "en", {}).text for key, d in digests.items()}


def _report(chat: Transcript) -> str:
    out = io.StringIO()
    with Session(chat.app.desk.engine) as s:
        write_text(build_report(s, chat.app.desk, *bounds(chat.app.desk, W47)), out, "en")
    return out.getvalue()


def _without_quotes(text: str) -> str:
    """A digest without the rating comments it quotes (what rating_comments_after blanks)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("  “"))


def test_the_digest_and_the_scorecard_of_a_purged_week_are_unchanged(digest_week) -> None:
    now = local("2029-12-03T09:30")
    digests, report = _digests(digest_week, now), _report(digest_week)
    assert "“slow”" in digests["finance"], "the week quotes a rating comment"
    outcome = run(digest_week, EVERYTHING, now)
    assert outcome.purged == 6 and outcome.kinds["details"].requests == 6
    after = _digests(digest_week, now)
    assert after["finance"] == _without_quotes(digests["finance"]) != digests["finance"]
    assert {k: _without_quotes(v) for k, v in after.items()} == \
        {k: _without_quotes(v) for k, v in digests.items()}
    assert _report(digest_week) == report
    with Session(digest_week.app.desk.engine) as s:
        amounts = s.exec(select(RequestField).where(RequestField.type == "amount")).all()
    assert len(amounts) == 3, "amounts are figures: kept"


def test_details_cover_form_text_proposals_and_held_messages(chat: Transcript) -> None:
    chat("@now 2026-11-16T09:00",
         'henry> /request it laptop model=x1 reason="screen broken after the flight"',
         "henry> /request finance cost accounting codes for the fair",
         "henry@dm> my employee card is 0042",  # two open: held until he picks one
         "henry> /request add IT-1 1",
         "dave> /request propose IT-1 2026-11-20 a new one arrives on Friday",
         "henry> /request decline IT-1 too late for my trip",
         "dave> /request resolve IT-1 swapped", "henry> /request confirm IT-1")
    with Session(chat.app.desk.engine) as s:
        fields = {f.key: f for f in s.exec(select(RequestField))}
        assert fields["reason"].text == "screen broken after the flight"
        held = s.exec(select(HeldMessage)).one()
        assert held.text == "my employee card is 0042" and held.attached_ref == "IT-1"
        assert s.exec(select(Proposal)).one().reason == "too late for my trip"
    run(chat, RetentionPolicy(details=THREE_YEARS), THEN)
    with Session(chat.app.desk.engine) as s:
        kept = {f.key: f.text for f in s.exec(select(RequestField))}
        assert kept == {"model": "x1"}, "the choice is a figure, the reason is words"
        assert s.exec(select(HeldMessage)).one().text == ""
        proposal = s.exec(select(Proposal)).one()
        assert (proposal.text, proposal.reason, proposal.state) == ("", None, "declined")
    assert notes(chat, "IT-1")["dm_reply"] == "my employee card is 0042", "comments: never"
    assert request(chat, "FIN-1").details == "codes for the fair", "still open"


def test_details_cover_approval_reasons(tmp_path: Path, engine, clock) -> None:
    approving = company(tmp_path, engine, clock)
    approving("@now 2026-11-16T09:00", "alice> /request finance reimbursement 金额=860 dinner",
              "henry> approve FIN-1", "carol> 驳回 FIN-1 dinners need the invitation list")
    with Session(engine) as s:
        assert any(st.reason for st in s.exec(select(ApprovalStepRow)))
    retention.run(approving.app.desk, RetentionPolicy(details=THREE_YEARS), THEN)
    with Session(engine) as s:
        steps = list(s.exec(select(ApprovalStepRow)))
        assert [st.reason for st in steps] == [None] * len(steps)
        assert "rejected" in [st.state for st in steps]
    assert notes(approving, "FIN-1")["rejected"] is None
