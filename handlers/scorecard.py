"""`/request scorecard`: the company scorecard for the last complete week."""

from __future__ import annotations

from handlers import approval_digest, negotiation_digest
from handlers.context import Ctx
from handlers.digest import WEEK, bounds, company, week_label, week_start
from handlers.digest_render import scorecard as render_scorecard
from handlers.grammar import Command
from handlers.messages import Reply
from handlers.router import Router


def scorecard(ctx: Ctx, cmd: Command) -> Reply:
    """One line per department, best combined score first."""
    monday = week_start(ctx.now.astimezone(ctx.desk.policy.tz).date()) - WEEK
    week, previous = company(ctx.session, ctx.desk, monday)
    weight = ctx.desk.service.timeliness_weight
    agreed = negotiation_digest.figures(ctx.session, ctx.desk, *bounds(ctx.desk, monday))
    approved = approval_digest.figures(ctx.session, ctx.desk, *bounds(ctx.desk, monday))
    message = render_scorecard(ctx.desk, week, previous, week_label(monday), ctx.locale, weight,
                               agreed, approved)
    return Reply((message,))


def register(router: Router) -> None:
    """Wire the scorecard command."""
    router.add("scorecard", scorecard)
