"""The App Home tab: my requests, and for department staff the queue, overdue first."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import Session

from bot.adapters.slack.blocks import actions_block, escape, plain
from bot.adapters.slack.people import Actor
from bot.adapters.slack.runtime import SlackDeps
from handlers.actions import requester_actions, staff_actions
from handlers.i18n import t
from storage import people, request_store
from storage.models import Request

log = logging.getLogger(__name__)
NEW_REQUEST_ACTION = "crossdesk_home_new_request"
MAX_BLOCKS = 100
MINE = 8
QUEUE_PAGE = 40

Block = dict[str, Any]


def _text(block_text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": block_text[:3000]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}


def _line(deps: SlackDeps, request: Request, names: dict[str, str], locale: str,
          now: datetime, staff: bool) -> str:
    state = t(locale, f"state.{request.state}")
    owner = f" → {escape(names.get(request.assignee_id, ''))}" if request.assignee_id else ""
    who = f" · {escape(names.get(request.requester_id, ''))}" if staff else ""
    due = ""
    if request.resolution_due and request.state in request_store.OPEN_STATES:
        when = request.resolution_due.astimezone(deps.app.settings.policy.tz)
        due = " · " + t(locale, "slack.home.due", when=when.strftime("%Y-%m-%d %H:%M"))
        if request.resolution_due < now and request.state != "waiting":
            due = f" · :warning: *{t(locale, 'slack.home.overdue')}*" + due
    return (f"*{request.ref}* [{request.priority}] {escape(request.title)} — "
            f"{state}{owner}{who}{due}")


def home_view(deps: SlackDeps, actor: Actor) -> Block:
    """The Home tab for ``actor``, within Slack's 100 blocks."""
    locale, person = actor.locale, actor.person_id
    now = deps.app.clock()
    catalog = deps.catalog
    desks = catalog.departments_of(person)
    with Session(deps.app.desk.engine) as session:
        mine, mine_total = request_store.of_requester(session, person, 1, MINE)
        queues = [(d, *request_store.queue(session, [d.key], 1, QUEUE_PAGE)) for d in desks]
        ids = {r.requester_id for r in mine} | {r.assignee_id for r in mine if r.assignee_id}
        for _dep, rows, _total in queues:
            ids |= {r.requester_id for r in rows} | {r.assignee_id for r in rows if r.assignee_id}
        names = people.names(session, ids)
    blocks: list[Block] = [
        {"type": "header", "text": plain(t(locale, "slack.home.title"), 150)},
        {"type": "actions", "elements": [{
            "type": "button", "action_id": NEW_REQUEST_ACTION, "style": "primary",
            "text": plain(t(locale, "slack.button.new")), "value": "/request"}]},
        _text(t(locale, "slack.home.mine")),
    ]
    shown = [r for r in mine if r.state != "cancelled"]
    for r in shown:
        blocks.append(_text(_line(deps, r, names, locale, now, staff=False)))
        blocks += actions_block(requester_actions(r.ref, r.state, locale), f"mine.{r.ref}")
    if not shown:
        blocks.append(_context(t(locale, "slack.home.mine.empty")))
    elif mine_total > len(mine):
        blocks.append(_context(t(locale, "slack.home.more", shown=len(mine), total=mine_total,
                                   command="/request list")))
    for dep, rows, total in queues:
        if len(blocks) + 4 > MAX_BLOCKS:
            break
        blocks += [{"type": "divider"},
                   _text(t(locale, "slack.home.queue", department=escape(dep.label(locale))))]
        count = 0
        for r in rows:
            if len(blocks) + 3 > MAX_BLOCKS:
                break
            blocks.append(_text(_line(deps, r, names, locale, now, staff=True)))
            blocks += actions_block(staff_actions(r.ref, r.state, r.assignee_id, locale, person),
                                    f"queue.{r.ref}")
            count += 1
        if total == 0:
            blocks.append(_context(t(locale, "slack.home.queue.empty")))
        elif count < total:
            blocks.append(_context(t(locale, "slack.home.more", shown=count, total=total,
                                       command=f"/request queue {dep.key}")))
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def publish(client: WebClient, deps: SlackDeps, actor: Actor, user_id: str) -> None:
    """views.publish the Home tab (failures are logged; Slack shows the last one)."""
    try:
        client.views_publish(user_id=user_id, view=home_view(deps, actor))
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.warning("could not publish App Home for %s: %s", user_id, exc)


def register(bolt: App, deps: SlackDeps) -> None:
    """Publish the Home tab whenever someone opens it."""

    @bolt.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        """Publish the Home tab after the ack."""
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        deps.later(lambda: publish(client, deps, deps.actor(user_id), user_id))
