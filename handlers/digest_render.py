"""Digest and scorecard as neutral Messages: compact enough to read in 30 seconds."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from handlers import approval_digest, confidential, digest_forms, negotiation_digest
from handlers.desk import Desk
from handlers.digest import CONFIDENTIAL, WEEK, Digest, Figures, median, percentile, week_label
from handlers.digest_overdue import Overdue
from handlers.excerpt import excerpt
from handlers.i18n import join, t
from handlers.messages import Message
from handlers.negotiation_digest import Negotiated
from handlers.rounding import half_up
from handlers.sla import format_business_duration

MAX_LIST = 5
TITLE_LIMIT = 40  # characters of a title in the overdue list


def ranked(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent keys, the most first and ties by key: the same order on every
    database (Counter.most_common keeps the order rows came in)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{half_up(value, scale=100)}%"


def _dur(value: timedelta | None, locale: str, day: timedelta | None = None) -> str:
    """Business time; with ``day`` (the desk's working day) in working days from one up."""
    return "—" if value is None else format_business_duration(value, locale, day)


def arrow(now: float | None, before: float | None) -> str:
    """↑, ↓ or → comparing two figures (nothing when either is missing)."""
    if now is None or before is None:
        return ""
    if abs(now - before) < 1e-9:
        return "→"
    return "↑" if now > before else "↓"


def _delta(locale: str, now: float | None, prev: float | None, avg: float | None) -> str:
    if now is None or (prev is None and avg is None):
        return ""
    return t(locale, "digest.trend", prev=arrow(now, prev) or "·", avg=arrow(now, avg) or "·")


def _tag(desk: Desk, key: str, locale: str) -> str:
    for tag, _en, zh in desk.service.feedback.tags:
        if tag == key:
            return zh if locale == "zh-CN" else tag
    return key


def _stars(desk: Desk, f: Figures, locale: str) -> str:
    if not f.stars:
        return t(locale, "digest.no_ratings")
    dist = " ".join(f"{s}★×{n}" for s, n in f.distribution().items())
    tags = join(locale, [f"#{_tag(desk, tag, locale)}×{n}" for tag, n in ranked(f.tags, 3)])
    text = t(locale, "digest.ratings", avg=half_up(f.rating_avg or 0, 1), n=len(f.stars),
             rate=_pct(f.response_rate), dist=dist)
    return text + (f" · {tags}" if tags else "")


def _comments(f: Figures) -> list[str]:
    ordered = sorted(f.comments)
    picked = ordered[:2] + ordered[-1:] if len(ordered) > 3 else ordered
    return [f"  “{c[:80]}” ({s}★, {ref})" for s, c, ref in dict.fromkeys(picked)]


def _overdue_line(desk: Desk, o: Overdue, d: Digest, locale: str, names: dict[str, str]
                  ) -> str:
    """One request overdue at the digest's moment, as it stood then: how late in the clock
    its targets ran in (as its nudges said it), and its owner then."""
    owner = names.get(o.assignee_id or "", t(locale, "nudge.nobody"))
    return t(locale, "digest.overdue_line", ref=o.request.ref,
             title=excerpt(confidential.title(desk, o.request, locale), TITLE_LIMIT),
             late=_dur(o.late(d.as_of), locale, o.clock.daily_length()), owner=owner)


def render(desk: Desk, d: Digest, locale: str, names: dict[str, str]) -> Message:
    """One department's weekly digest in ``locale``."""
    dep = desk.catalog.department(d.department)
    f, prev, avg = d.week, d.previous, d.average
    end = d.monday + WEEK - timedelta(days=1)
    lines = [t(locale, "digest.title", department=dep.label(locale), week=week_label(d.monday),
               start=d.monday.strftime("%m-%d"), end=end.strftime("%m-%d"))]
    change = f.received - prev.received
    # in working days from one up; in hours when some ran round the clock (no working days)
    day = None if f.wall_timed else desk.calendar_for(d.department).daily_length()
    volume = "digest.volume_week_end" if d.over else "digest.volume"  # not over: so far
    moved = t(locale, "digest.transferred_out", n=f.transferred_out) if f.transferred_out else ""
    cancelled = t(locale, "digest.cancelled", n=f.cancelled) if f.cancelled else ""
    lines.append(t(locale, volume, received=f.received, moved=moved, cancelled=cancelled,
                   change=f"{'+' if change >= 0 else ''}{change}", closed=f.closed,
                   open=f.open_at_end, overdue=len(d.overdue)))
    lines.append(t(locale, "digest.speed",
                   fm=_dur(median(f.first_times), locale, day),
                   f90=_dur(percentile(f.first_times, 0.9), locale, day),
                   rm=_dur(median(f.resolution_times), locale, day),
                   r90=_dur(percentile(f.resolution_times, 0.9), locale, day)))
    lines.append(t(locale, "digest.sla",
                   first=_pct(f.first_attainment),
                   ft=_delta(locale, f.first_attainment, prev.first_attainment,
                             avg.first_attainment),
                   res=_pct(f.resolution_attainment),
                   rt=_delta(locale, f.resolution_attainment, prev.resolution_attainment,
                             avg.resolution_attainment)))
    lines.append(_stars(desk, f, locale) + _delta(locale, f.rating_avg, prev.rating_avg,
                                            avg.rating_avg))
    lines += _comments(f)
    if f.categories:
        tops = [f"{_service(desk, k, locale)} {n}" for k, n in ranked(f.categories, 3)]
        lines.append(t(locale, "digest.top_services", items=join(locale, tops)))
    lines += digest_forms.lines(desk, d, locale)
    lines += negotiation_digest.digest_lines(d.negotiated, locale)
    lines += approval_digest.digest_lines(desk, d.department, d.approvals, locale)
    if f.customers:
        who = [f"{_dept_name(desk, k, locale)} {n}" for k, n in ranked(f.customers, MAX_LIST)]
        lines.append(t(locale, "digest.customers", items=join(locale, who)))
    if d.overdue:
        lines.append(t(locale, "digest.overdue_title_week_end" if d.over
                       else "digest.overdue_title"))
        lines += [_overdue_line(desk, o, d, locale, names) for o in d.overdue[:MAX_LIST]]
    if d.suggestions:
        lines.append(t(locale, "digest.suggestions", n=len(d.suggestions)))
        for idea in d.suggestions[:MAX_LIST]:
            author = t(locale, "suggest.anonymous") if idea.anonymous else names.get(
                idea.author_id, idea.author_id)
            lines.append(f"  #{idea.id} “{idea.text[:80]}” — {author}")
    return Message(text="\n".join(lines), locale=locale, kind="digest",
                   title=lines[0], extra={"week": week_label(d.monday),
                                          "department": d.department})


def _service(desk: Desk, key: str, locale: str) -> str:
    department, _, category = key.partition(":")
    found = desk.catalog.department(department).category(category)
    return found.label(locale) if found else category


def _dept_name(desk: Desk, key: str, locale: str) -> str:
    """A customer department's name: "Confidential" for confidential requests (no department
    shown), "Outside any department" for requesters in none (``-``),
    the key of one no longer in the config (as ``crossdesk report`` names it)."""
    if key == CONFIDENTIAL:
        return t(locale, "digest.confidential_customer")
    return t(locale, "digest.outside") if key == "-" else desk.catalog.department(key).label(locale)


def score(f: Figures, timeliness_weight: float = 0.5) -> float | None:
    """Combined score 0–100: weight × timeliness + (1 − weight) × satisfaction; None (no
    score) unless the desk had both a target due and a rating: on one part alone a desk
    nobody rated would outrank a well-rated one, or the reverse."""
    rates = [r for r in (f.first_attainment, f.resolution_attainment) if r is not None]
    if not rates or f.rating_avg is None:
        return None
    timeliness = sum(rates) / len(rates)
    satisfaction = (f.rating_avg - 1) / 4
    return 100 * (timeliness_weight * timeliness + (1 - timeliness_weight) * satisfaction)


def idle(f: Figures) -> bool:
    """No request received, no target due and no rating: nothing to rank this week."""
    return not (f.received or f.first_total or f.resolution_total or f.stars)


def scorecard(desk: Desk, week: dict[str, Figures], previous: dict[str, Figures],
              label: str, locale: str, weight: float = 0.5,
              negotiated: dict[str, Negotiated] | None = None,
              approvals: approval_digest.Medians | None = None) -> Message:
    """One line per department, best combined score first (one decimal); then the desks with
    no score (no rating, or no target due), with a line saying why, and those with nothing
    to rank on one line."""
    rows = []
    unscored = []
    quiet = []
    for dep in desk.catalog.departments:
        f, p = week[dep.key], previous[dep.key]
        if idle(f):
            quiet.append(dep.label(locale))
            continue
        s, ps = score(f, weight), score(p, weight)
        if s is None:
            unscored.append((dep, f))
        else:
            rows.append((s, dep, f, arrow(s, ps)))
    shown = [Decimal(half_up(r[0], 1)) for r in rows]  # ranks go by the score as shown
    rows = [r for _, r in sorted(zip(shown, rows, strict=True), key=lambda x: (-x[0], x[1][1].key))]
    ranks = [1 + sum(o > s for o in shown) for s in sorted(shown, reverse=True)]
    lines = [t(locale, "scorecard.title", week=label)]

    def figures(f: Figures) -> dict[str, str]:
        rating = f"{half_up(f.rating_avg, 1)}★" if f.rating_avg is not None else "—"
        return {"requests": t(locale, "digest.count_request" if f.received == 1
                              else "digest.count_requests", n=f.received),
                "first": _pct(f.first_attainment), "res": _pct(f.resolution_attainment),
                "rating": rating}

    for rank, (s, dep, f, trend) in zip(ranks, rows, strict=True):  # equal scores: one rank
        line = t(locale, "scorecard.line", rank=rank, department=dep.label(locale),
                 score=half_up(s, 1), trend=trend, **figures(f))
        extra = negotiation_digest.scorecard_suffix((negotiated or {}).get(dep.key), locale)
        lines.append(line.rstrip() + extra if extra else line)
    for dep, f in unscored:  # no rank: a dash, as `crossdesk report` shows them
        line = t(locale, "scorecard.line_unscored", department=dep.label(locale), **figures(f))
        extra = negotiation_digest.scorecard_suffix((negotiated or {}).get(dep.key), locale)
        lines.append(line + extra)
    if unscored:
        lines.append(t(locale, "scorecard.unscored",
                       departments=join(locale, [dep.label(locale) for dep, _ in unscored])))
    if quiet:
        lines.append(t(locale, "scorecard.idle", departments=join(locale, quiet)))
    lines += approval_digest.scorecard_lines(desk, approvals or {}, locale)
    lines.append(t(locale, "scorecard.formula", w=round(weight * 100),
                   s=round((1 - weight) * 100)))
    lines.append(t(locale, "scorecard.formula_rule"))
    return Message(text="\n".join(lines), locale=locale, kind="scorecard", title=lines[0])
