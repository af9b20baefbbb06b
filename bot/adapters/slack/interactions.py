"""Buttons, modal submissions and the message shortcut: each runs a typed command as the clicker."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.adapters.slack import form as form_mod
from bot.adapters.slack import form_fields, home, modals
from bot.adapters.slack import settled as settled_mod
from bot.adapters.slack.blocks import ACTION_PREFIX, send_reply
from bot.adapters.slack.errors import logged
from bot.adapters.slack.form_values import check, shown_by
from bot.adapters.slack.people import mention_name
from bot.adapters.slack.readable import NameOf, readable
from bot.adapters.slack.runtime import SlackDeps
from handlers import drafts
from handlers.drafts import Draft
from handlers.i18n import t
from handlers.messages import Reply
from handlers.slots import fill, slots

SHORTCUT = "crossdesk_request_from_message"


def _where(body: dict[str, Any]) -> str:
    """Where the click happened: ``home``, ``modal`` or ``message``."""
    view = body.get("view") or {}
    return str(view.get("type")) if view.get("type") in ("home", "modal") else "message"


def show_reply(client: WebClient, deps: SlackDeps, body: dict[str, Any], respond: Respond,
               reply: Reply) -> None:
    """Tell only the clicker: on the click's response_url in a conversation (it works where
    the bot is no member; Slack sends one with every click on a message), a modal from Home
    or a modal."""
    user_id = body["user"]["id"]
    locale = deps.people.locale_of(user_id)
    where = _where(body)
    with logged(f"show the reply to {user_id}"):
        if where == "modal":
            client.views_update(view_id=body["view"]["id"], view=modals.reply_view(reply, locale))
        elif where == "home":
            try:  # the trigger lasts 3 s; the refreshed Home below shows the change anyway
                client.views_open(trigger_id=body["trigger_id"],
                                  view=modals.reply_view(reply, locale))
            finally:
                home.publish(client, deps, deps.actor(user_id), user_id)
        else:
            send_reply(respond, reply, response_type="ephemeral", replace_original=False)
            settled = (reply.ok and settled_mod.only_clicker_sees(body)
                       and settled_mod.without_buttons_of((body.get("message") or {}).get(
                           "blocks"), settled_mod.clicked(body), locale))
            if settled:  # their own copy: the buttons just used leave it
                respond(text=str(body["message"].get("text") or ""), blocks=settled,
                        replace_original=True)


def submitted(deps: SlackDeps, ack: Ack, client: WebClient, body: dict[str, Any], locale: str,
              text: str, error_block: str, fields: Mapping[str, Any] | None = None) -> bool:
    """Run a modal's command as its submitter and ack with the answer: the modal shows it, or
    keeps the refusal on ``error_block``; one still running closes the modal, its answer
    following as a direct message. True when it ran and was accepted."""
    user_id = body["user"]["id"]
    reply = deps.run(user_id, None, text, body.get("trigger_id"), fields=fields,
                     late=lambda answer: send_reply(client.chat_postMessage, answer,
                                                    channel=user_id))
    if reply is None:
        ack()
    elif not reply.ok:
        ack(response_action="errors", errors={error_block: modals.short(reply.text)})
    else:
        ack(response_action="update", view=modals.reply_view(reply, locale))
    return reply is not None and reply.ok


def open_form(client: WebClient, deps: SlackDeps, trigger_id: str, locale: str,
              form: Draft) -> None:
    """Open the new-request form showing ``form`` (a failure is logged)."""
    with logged("open the request form"):
        client.views_open(trigger_id=trigger_id,
                          view=form_mod.new_request_view(deps.catalog, locale, form))


def names(deps: SlackDeps, client: WebClient) -> NameOf:
    """A mentioned Slack user's name: the desk's person, else Slack's profile (None when
    neither can say)."""
    return lambda user_id: mention_name(deps.app.desk.engine, client, user_id)


def message_text(deps: SlackDeps, client: WebClient, message: dict[str, Any]) -> str:
    """A message's text as people read it (mentions as names, links with their labels, as a
    message event's text is stored)."""
    return readable(str(message.get("text") or ""), names(deps, client)).strip()


def message_details(client: WebClient, channel: str, ts: str, text: str) -> str:
    """The details a request made from a message starts with: its whole text, then a link
    back to it (the form shows what one box cannot hold in a second one)."""
    link = ""
    with logged("link to the message", logging.INFO):
        link = str(client.chat_getPermalink(channel=channel, message_ts=ts)
                   .get("permalink") or "")
    return f"{text}\n{link}".strip()


def register(bolt: App, deps: SlackDeps) -> None:
    """Wire buttons, the two modal callbacks, the form's department and service pickers, its
    "this answered my question" button and the shortcut.

    A click or a submission that runs a command is acked after the command is stored (the
    trigger id is its delivery key)."""

    @bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    def button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Run the button's command as the clicker, then ack and show the reply; or first ask
        for the command's text."""
        user = body["user"]
        command = str(body["actions"][0].get("value") or "")
        if slots(command):
            ack()
            actor = deps.actor(user["id"], user.get("username") or user.get("name"))
            meta = {"channel": (body.get("channel") or {}).get("id"), "where": _where(body),
                    "settle": settled_mod.for_later(body)}
            view = modals.input_view(command, actor.locale, meta)
            with logged("open the input modal"):
                if meta["where"] == "modal":
                    client.views_push(trigger_id=body["trigger_id"], view=view)
                else:
                    client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        def show(reply: Reply) -> None:
            show_reply(client, deps, body, respond, reply)

        reply = deps.run(user["id"], user.get("username") or user.get("name"), command,
                         body.get("trigger_id"), late=show)
        ack()
        if reply is not None:  # showing it is display only: the change is stored already
            deps.later(lambda: show(reply))

    def with_defaults(form: Draft, requester: str, locale: str) -> Draft:
        """``form`` with its service's defaults in its empty fields."""
        return drafts.with_defaults(form, deps.catalog, requester=requester, locale=locale,
                                    today=deps.today(), show=shown_by(deps.people.slack_id_of))

    def refresh(client: WebClient, view: dict[str, Any], locale: str, form: Draft) -> None:
        """Show ``form`` in place of ``view`` (unless a newer update came first)."""
        with logged("refresh the form", logging.INFO):  # a newer update won, or Slack is away
            client.views_update(view_id=view["id"], hash=view.get("hash"),
                                view=form_mod.new_request_view(deps.catalog, locale, form))

    @bolt.action(form_mod.DEPARTMENT_ACTION)
    def department_changed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Offer the chosen department's services."""
        ack()
        view = body["view"]
        actor = deps.actor(body["user"]["id"])
        chosen = (body["actions"][0].get("selected_option") or {}).get("value")
        form = drafts.with_department(form_mod.read_form(view, deps.catalog), chosen)
        refresh(client, view, actor.locale, form)

    @bolt.action(form_mod.CATEGORY_ACTION)
    def service_changed(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Show the chosen service's instructions and fields (what was typed stays)."""
        ack()
        view = body["view"]
        actor = deps.actor(body["user"]["id"])
        chosen = (body["actions"][0].get("selected_option") or {}).get("value")
        department, _, category = str(chosen or "").partition("/")
        form = drafts.with_service(form_mod.read_form(view, deps.catalog), deps.catalog,
                                   department, category)
        refresh(client, view, actor.locale, with_defaults(form, actor.person_id, actor.locale))

    @bolt.action(form_fields.ANSWERED_ACTION)
    def instructions_answered(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The instructions answered the question: count a deflection, close politely; no
        request is opened."""
        ack()
        view = body["view"]
        actor = deps.actor(body["user"]["id"])
        department, _, category = str(body["actions"][0].get("value") or "").partition("/")
        if not drafts.answered(deps.app.desk, actor.person_id, department, category,
                               deps.app.clock(), f"slack:answered:{view['id']}"):
            return  # the service left the config meanwhile: the form stays as it is
        with logged("close the answered form", logging.INFO):
            client.views_update(view_id=view["id"], view=form_mod.answered_view(actor.locale))

    @bolt.options(re.compile(
        f"^({re.escape(form_mod.DEPARTMENT_ACTION)}|{re.escape(form_mod.CATEGORY_ACTION)}"
        f"|{re.escape(form_fields.FIELD_DEPARTMENT_ACTION)}"
        f"|{re.escape(form_fields.FIELD_CHOICE_ACTION)})$"))
    def form_suggestions(ack: Ack, body: dict[str, Any]) -> None:
        """A large catalog's department or service select, or a choice field's over 100
        choices: what matches the typed text."""
        actor = deps.actor(body["user"]["id"])
        ack(**form_mod.suggestions(deps.catalog, actor.locale, str(body.get("action_id")),
                                   str(body.get("block_id") or ""), str(body.get("value") or ""),
                                   body.get("view") or {}))

    @bolt.view(form_mod.CALLBACK)
    def form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                       client: WebClient) -> None:
        """Open the request, or show what to fix on the fields."""
        actor = deps.actor(body["user"]["id"])
        form = form_mod.read_form(view, deps.catalog)
        chosen = drafts.picked(deps.catalog, form)
        checked = check(chosen[1] if chosen else None, dict(form.values), catalog=deps.catalog,
                        locale=actor.locale, today=deps.today(),
                        person_of=deps.people.person_of, has_file=bool(form.files))
        errors = {**checked.errors,
                  **form_mod.choice_errors(view, form, deps.catalog, actor.locale)}
        if chosen and not form_fields.all_shown(view, chosen[1],
                                                form_mod.fields_room(view)):  # never refreshed
            form = with_defaults(form, actor.person_id, actor.locale)
            ack(response_action="update",
                view=form_mod.new_request_view(deps.catalog, actor.locale, form))
            return
        if errors:
            ack(response_action="errors", errors=errors)
            return
        details = drafts.form_details(form, deps.catalog, attachment_label=t(
            actor.locale, "slack.form.attachment.prefix"))  # as typed: never read for fields
        submitted(deps, ack, client, body, actor.locale,
                  drafts.form_command(form, checked.values), "details",
                  fields={"files": form.files, "details": details})  # uploads open with it

    @bolt.view(modals.CALLBACK)
    def input_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                        client: WebClient) -> None:
        """Run the command with the typed text, or keep the modal open with the refusal."""
        user_id = body["user"]["id"]
        actor = deps.actor(user_id)
        command, meta, values = modals.read_input(view)
        empty = modals.missing(command, values)
        if empty:
            ack(response_action="errors", errors={empty: t(actor.locale, "form.err.required")})
            return
        if not submitted(deps, ack, client, body, actor.locale, fill(command, values),
                         modals.error_block(command)):
            return
        if meta.get("settle"):  # the DM message whose button asked: its buttons leave it
            deps.later(lambda: settled_mod.after_modal(client, **meta["settle"],
                                                       locale=actor.locale))
        if meta.get("where") == "home":
            deps.later(lambda: home.publish(client, deps, actor, user_id))

    @bolt.shortcut(SHORTCUT)
    def from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the form with the message's text and a link back to it."""
        ack()
        actor = deps.actor(body["user"]["id"])
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        text = message_text(deps, client, message)
        details = (message_details(client, channel, str(message["ts"]), text)
                   if message.get("ts") else text)
        open_form(client, deps, body["trigger_id"], actor.locale, Draft(details=details))

    @bolt.action(home.NEW_REQUEST_ACTION)
    def new_request_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open an empty form from the Home tab."""
        ack()
        actor = deps.actor(body["user"]["id"])
        open_form(client, deps, body["trigger_id"], actor.locale, Draft())
