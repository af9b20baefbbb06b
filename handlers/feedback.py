"""Ratings: the people served say how satisfied they are."""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import select

from handlers import confidential
from handlers import lifecycle as lc
from handlers.catalog import norm
from handlers.context import Ctx, Refusal
from handlers.desk import Desk
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Message, Reply
from handlers.router import Router
from storage import people
from storage.models import Event, Rating, Request

HASHES = "#＃"  # a tag's mark, typed half or full width
# Marks after a tag that say something of the words before it ("太慢了＃及时？？"): they stay
# with those words; a comma or a full stop after a tag goes with it.
SAYING = "?？!！…"
_STARS = re.compile(r"(\d)★")  # a ``rated`` event's note: the stars, then the words
TAG = re.compile(r"[#＃](\w[\w-]*)")  # the word runs to a space, a mark or punctuation


def split_tags(ctx: Ctx, comment: str) -> tuple[list[str], str]:
    """Pull configured tags (`#timely`, `#态度好`, `＃及时` …) out of a rating comment."""
    return tags_in(ctx.desk, comment)


def tags_in(desk: Desk, comment: str) -> tuple[list[str], str]:
    """A rating comment as typed → its configured tags and the rest of its words (also for
    a rating the history keeps: the digest of an earlier week). A tag is marked ``#`` or
    ``＃``, spaced, glued (``#timely#solved``) or followed by punctuation (``#及时，#专业``,
    which goes with it, unless it is a ``？`` or ``！`` after the rater's words:
    ``太慢了＃及时？？`` keeps ``太慢了？？``); a word without the mark is the rater's words,
    never a tag."""
    index: dict[str, str] = {}
    for key, en, zh in desk.service.feedback.tags:
        for word in (key, en, zh):
            index[norm(word)] = key
    tags: list[str] = []
    kept: list[str] = []
    start = 0
    for match in TAG.finditer(comment):
        tag = index.get(norm(match.group(1).rstrip("-")))
        if tag is None:  # not one of ours: the rater's words
            continue
        kept.append(comment[start:match.start()])
        said = any(_worded(ch) for piece in kept for ch in piece)
        start = _after_punctuation(comment, match.end(), keep=SAYING if said else "")
        if tag not in tags:
            tags.append(tag)
    rest = " ".join(_joined([*kept, comment[start:]]).split())
    return tags, rest if any(_worded(ch) for ch in rest) else ""


def _after_punctuation(text: str, at: int, keep: str = "") -> int:
    """Where the punctuation right after ``at`` ends (a tag's ``，`` or ``!``; not a mark,
    nor one of ``keep``)."""
    while at < len(text) and text[at] not in HASHES and text[at] not in keep and \
            unicodedata.category(text[at]).startswith("P"):
        at += 1
    return at


def _joined(pieces: list[str]) -> str:
    """The words around the tags taken out, a space where a tag was, none before a
    ``？`` or ``！`` that stays (``太慢了？？``)."""
    out = ""
    for piece in pieces:
        out = out.rstrip() + piece if piece[:1] in SAYING else f"{out} {piece}"
    return out


def _worded(ch: str) -> bool:
    """Whether ``ch`` says something: not punctuation, not a space."""
    return not unicodedata.category(ch).startswith(("P", "Z")) and not ch.isspace()


def rate(ctx: Ctx, cmd: Command) -> Reply:
    """The requester rates a closed request 1–5 with an optional comment; changeable for a
    while, and again after a reopen and a new resolution (the new rating supersedes, the
    old one stays in the history)."""
    request = lc.load(ctx, cmd.ref)
    lc.require_requester(ctx, request, "rate")
    if ctx.actor.id != request.requester_id:  # an admin: a rating is the requester's own
        raise Refusal("err.rate_requester_only", ref=request.ref,
                      requester=ctx.name(request.requester_id))
    if request.state == "resolved":  # closes once confirmed: say how, then rate
        raise Refusal("err.rate_resolved", ref=request.ref, stars=cmd.number,
                      comment=f" {cmd.text}" if cmd.text else "")
    lc.require_state(ctx, request, ("closed",), "rate", hint="hint.rate_after_close")
    if request.resolver_id == ctx.actor.id:
        raise Refusal("err.self_rating", ref=request.ref)
    assert cmd.number is not None and request.id is not None
    tags, comment = split_tags(ctx, cmd.text)
    rating = ctx.session.exec(select(Rating).where(Rating.request_id == request.id)).first()
    changed = rating is not None and rated_this_cycle(rating, request)
    was = rating.stars if rating is not None and changed else None
    alerted = changed and _low_this_cycle(ctx, request)  # before this rating's event
    if rating is None:
        rating = Rating(request_id=request.id, rater_id=ctx.actor.id, stars=cmd.number,
                        created_at=ctx.now, updated_at=ctx.now)
    elif not changed:
        rating.created_at = ctx.now  # a new resolution, a new rating: it supersedes
    elif ctx.now - rating.created_at > ctx.desk.service.feedback.change_window:
        raise Refusal("err.rating_final", ref=request.ref)
    rating.stars = cmd.number
    rating.comment = comment or None
    rating.tags = tags
    rating.updated_at = ctx.now
    ctx.session.add(rating)
    lc.transition(ctx, request, None, "rated", note=f"{cmd.number}★ {cmd.text}".strip())
    _tell_desk(ctx, request, cmd.number, cmd.text, was if alerted else None)
    key = "reply.rating_changed" if changed else "reply.rated"
    text = ctx.say(key, ref=request.ref, stars=cmd.number)
    return Reply((Message(text=text, locale=ctx.locale, request_ref=request.ref),),
                 queued=ctx.queued, request_ref=request.ref)


def rating_closed(ctx: Ctx, requests: list[Request]) -> set[int]:
    """The ids among ``requests`` (closed ones are looked at) that their requester may no
    longer rate, as ``rate`` would refuse: they resolved it themselves, or this cycle's
    rating is older than the change window. One query, for a list of them."""
    closed = {r.id: r for r in requests if r.state == "closed" and r.id is not None}
    if not closed:
        return set()
    out = {i for i, r in closed.items() if r.resolver_id == r.requester_id}
    window = ctx.desk.service.feedback.change_window
    for rating in ctx.session.exec(select(Rating).where(
            Rating.request_id.in_(list(closed)))):  # type: ignore[attr-defined]
        request = closed[rating.request_id]
        if rated_this_cycle(rating, request) and ctx.now - rating.created_at > window:
            out.add(rating.request_id)
    return out


def rated_this_cycle(rating: Rating, request: Request) -> bool:
    """Whether ``rating`` was given after the request's latest resolution."""
    return request.resolved_at is None or rating.updated_at >= request.resolved_at


def _low_this_cycle(ctx: Ctx, request: Request) -> bool:
    """Whether a low rating was given since the request's latest resolution (its leads were
    alerted then), as the history's ``rated`` events say (``2★ slow``)."""
    low = ctx.desk.service.feedback.low_rating
    query = select(Event).where(Event.request_id == request.id, Event.kind == "rated")
    if request.resolved_at is not None:
        query = query.where(Event.at >= request.resolved_at)
    for event in ctx.session.exec(query):
        given = _STARS.match(event.note or "")
        if given and int(given.group(1)) <= low:
            return True
    return False


def _tell_desk(ctx: Ctx, request: Request, stars: int, comment: str,
               was: int | None = None) -> None:
    """The assignee hears the rating; a low one goes to the department's leads too, and,
    when a lead handled the request, to that lead's manager: once a cycle. Once they were
    alerted, a change (``was``: the stars it replaces) goes to them as an update."""
    by, ref = ctx.name(ctx.actor.id), request.ref
    assignee = request.assignee_id

    def render(locale: str) -> Message:
        text = t(locale, "note.rated", ref=ref, by=by, stars="★" * stars, comment=comment)
        return Message(text=text, locale=locale, kind="rating", request_ref=ref)

    if assignee:
        ctx.notify_person(assignee, render)
    low = ctx.desk.service.feedback.low_rating
    update = was is not None
    if stars > low and not update or update and stars == was:
        return

    def render_low(locale: str) -> Message:
        if update:
            text = t(locale, "note.rating_update", ref=ref, by=by, was=was, stars=stars,
                     comment=comment)
        else:
            text = t(locale, "note.low_rating", ref=ref, by=by, stars=stars, comment=comment)
        return Message(text=text, locale=locale, kind="low_rating", request_ref=ref)

    leads = ctx.department(request.department).leads
    told = {assignee, request.requester_id}
    for lead in leads:
        if lead not in told:
            told.add(lead)
            ctx.notify_person(lead, render_low)
    for helper in dict.fromkeys(h for h in (request.resolver_id, assignee) if h in leads):
        row = people.get(ctx.session, helper)
        manager = row.manager_id if row else None
        if manager and manager not in told:
            told.add(manager)
            lead = ctx.name(helper)

            private = confidential.is_confidential(ctx.desk, request.department,
                                                   request.category) and \
                not confidential.may_open(ctx.desk, manager, request)

            def render_manager(locale: str, lead: str = lead, private: bool = private) -> Message:
                if private and update:  # a confidential request: who rated it, and
                    text = t(locale, "note.rating_update_confidential", ref=ref,  # their
                             was=was, stars=stars)  # words, stay at the desk
                elif private:
                    text = t(locale, "note.low_rating_lead_confidential", ref=ref,
                             stars=stars, lead=lead)
                elif update:
                    text = t(locale, "note.rating_update", ref=ref, by=by, was=was,
                             stars=stars, comment=comment)
                else:
                    text = t(locale, "note.low_rating_lead", ref=ref, by=by, stars=stars,
                             lead=lead, comment=comment)
                return Message(text=text, locale=locale, kind="low_rating", request_ref=ref)

            ctx.notify_person(manager, render_manager)


def register(router: Router) -> None:
    """Wire the rating command."""
    router.add("rate", rate)
