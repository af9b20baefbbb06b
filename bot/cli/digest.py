"""`crossdesk digest`: print (or post) weekly department digests."""

from __future__ import annotations

from datetime import datetime

import typer
from sqlmodel import Session

from bot.cli import progress
from bot.runtime import app as app_mod
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from handlers.digest import WEEK, Digest, bounds, build_all, parse_week, week_label, week_start
from handlers.digest_post import claim_post, queue_digest
from handlers.digest_render import render
from handlers.i18n import normalize_locale, t
from storage import people
from storage.engine import BATCH_LIMITS, make_engine, transaction


def run_digest(settings: Settings, department: str | None, week: str | None, post: bool,
               now: datetime | None = None) -> None:
    """Print each department's digest for ``week`` (default: last week), or queue it; a
    department with nothing to report gets one line saying so, printed or posted."""
    clock = SystemClock()
    moment = now or clock()
    engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
    app = app_mod.build(settings, lambda: moment, engine=engine)
    desk = app.desk
    if week:
        try:
            monday = parse_week(week)
        except ValueError:
            raise typer.BadParameter(f"{week!r} is not an ISO week such as 2026-W47",
                                     param_hint="--week") from None
    else:
        monday = week_start(moment.astimezone(desk.policy.tz).date()) - WEEK
    keys = [d.key for d in desk.catalog.departments]
    if department:
        found = desk.catalog.find_department(department)
        if found is None:
            raise typer.BadParameter(f"no department {department!r}; one of {', '.join(keys)}",
                                     param_hint="--department")
        keys = [found.key]
    label = week_label(monday)
    this_week = week_start(moment.astimezone(desk.policy.tz).date())
    if monday > this_week:
        typer.echo(f"{label} has not started yet: ask for {week_label(this_week)} (this week, "
                   f"so far) or an earlier one; --post takes {week_label(this_week - WEEK)} or "
                   "an earlier one", err=True)
        raise typer.Exit(2)
    if post and moment < bounds(desk, monday)[1]:
        raise typer.BadParameter(
            f"{label} is not over yet: its digest is posted once it is (run without --post "
            "to see it so far)", param_hint="--week")
    lines: list[str] = []
    with progress.bar(f"Digests for {label}", len(keys) + 1) as steps:
        steps.describe(f"Figures for {label}")
        if post:
            with transaction(desk.engine) as session:
                digests = build_all(session, desk, monday, moment)
                for key in keys:
                    steps.advance(description=f"Posting {key}")
                    if digests[key].is_quiet():  # as on Mondays: nothing to a quiet channel
                        lines.append(f"nothing happened at {key} in {label}: no digest")
                    elif claim_post(session, f"digest:{key}:{label}", moment):
                        queue_digest(session, desk, digests[key], moment, app.attach_chart)
                        lines.append(f"queued the {label} digest for {key}")
                    else:
                        lines.append(f"the {label} digest for {key} was already posted; not again")
        else:
            with Session(desk.engine) as session:
                digests = build_all(session, desk, monday, moment)
                for key in keys:
                    steps.advance(description=f"Writing {key}")
                    if digests[key].is_quiet():  # a preview of what would be posted: nothing
                        lines.append(f"nothing happened at {key} in {label}: no digest")
                    else:
                        lines.append(_text(session, app, digests[key], moment))
        steps.advance()
    for line in lines:  # after the bar: it never mixes with what is printed
        typer.echo(line)


def _text(session: Session, app: app_mod.DeskApp, digest: Digest, moment: datetime) -> str:
    """One digest as console text, headed by the channel it belongs to: a week not over says
    its figures are so far; with charts configured, the chart is drawn and its path shown,
    as the console shows a posted digest's."""
    desk = app.desk
    dep = desk.catalog.department(digest.department)
    locale = normalize_locale(dep.locale, desk.policy.locale)
    ids = [r.assignee_id for r in digest.overdue if r.assignee_id]
    ids += [s.author_id for s in digest.suggestions if not s.anonymous]
    message = render(desk, digest, locale, people.names(session, ids))
    lines = [f"[to #{dep.channel}] {message.text}"]
    if moment < bounds(desk, digest.monday)[1]:
        at = moment.astimezone(desk.policy.tz).strftime("%Y-%m-%d %H:%M")
        lines.insert(0, "(" + t(locale, "report.digest_so_far", week=week_label(digest.monday),
                                moment=at) + ")")
    image = app.attach_chart(session, desk, digest) if app.attach_chart else None
    if image:
        lines.append(f"  (image) {image}")
    return "\n".join(lines) + "\n"
