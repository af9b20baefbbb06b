"""Per-command context: who is acting, when, in which language; refusals; notifications."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers import confidential
from handlers.catalog import Department
from handlers.command_words import word_for
from handlers.desk import Desk
from handlers.i18n import join, normalize_locale, t
from handlers.i18n.texts import TEXTS
from handlers.inbound import IncomingFile
from handlers.messages import (
    BY,
    DONE,
    ENDING,
    EVERYONE,
    IN_LOCALES,
    REACH,
    SETTLE,
    SPARE,
    TOLD,
    Button,
    Message,
    dept,
    moot_now,
    person,
    settled_by,
)
from storage import outbox, people
from storage.models import Person, Request


class Refusal(Exception):
    """A polite no: the transaction rolls back and the speaker gets ``t(key, **params)``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Ctx:
    """One command being handled: desk, open transaction, actor, time and language."""

    desk: Desk
    session: Session
    actor: Person
    now: datetime
    locale: str
    queued: int = 0
    # Files shared with the command and not yet kept: an open whose form takes them (its file
    # fields) attaches them with the request and empties this; the rest go afterwards.
    files: tuple[IncomingFile, ...] = ()
    # The details typed in a form's box (``Inbound.details``): an open takes them as typed
    details: str | None = None
    # Where the answer is delivered as a message (WeCom: the speaker's chat with the app);
    # None when the platform shows it in place (a Slack ack, the console).
    answer_to: str | None = None
    _names: dict[str, str] = field(default_factory=dict)
    _texts: dict[Hashable, str] = field(default_factory=dict, init=False, repr=False)
    _batch: list[dict[str, Any]] | None = field(default=None, init=False, repr=False)
    # Notified in person, per request (a sweep tells of many): who, and the commands of the
    # buttons they were offered
    _told: dict[int | None, dict[str, set[str]]] = field(default_factory=dict, init=False,
                                                         repr=False)
    # Offered anew by this command, per request ref: target → the settling commands of the
    # buttons it was sent; and the requests notified of, by ref
    _offered: dict[str, dict[str, set[str]]] = field(default_factory=dict, init=False,
                                                     repr=False)
    _requests: dict[str, Request] = field(default_factory=dict, init=False, repr=False)
    # Rows to write after the answer, when it goes to the outbox (``answer_to``)
    after_answer: list[Message] = field(default_factory=list, init=False, repr=False)

    def say(self, key: str, **params: object) -> str:
        """A text in the actor's language."""
        return t(self.locale, key, **params)

    def name(self, person_id: str | None) -> str:
        """A person's display name (cached for this command)."""
        if not person_id:
            return "—"
        if person_id not in self._names:
            self._names[person_id] = (self.actor.name if self._is_stored_actor(person_id)
                                      else people.name_of(self.session, person_id))
        return self._names[person_id]

    def once(self, key: Hashable, make: Callable[[], str]) -> str:
        """``make()``, worked out once for this command (``now`` stays put: e.g. a due time's
        text in one language, told to the requester and the channel alike)."""
        if key not in self._texts:
            self._texts[key] = make()
        return self._texts[key]

    def prefetch_names(self, ids: Iterable[str | None]) -> None:
        """Load many display names in one query (for lists and queues)."""
        wanted = {i for i in ids if i and i not in self._names}
        self._names.update(people.names(self.session, wanted))

    def locale_of(self, person_id: str) -> str:
        """The language a person reads."""
        row = (self.actor if self._is_stored_actor(person_id)
               else people.get(self.session, person_id))
        return normalize_locale(row.locale if row else None, self.desk.policy.locale)

    def _is_stored_actor(self, person_id: str) -> bool:
        """Whether ``person_id`` is the actor, as loaded in this session (what a lookup would
        return; the sweep's stand-in actor is not stored, and is looked up as before)."""
        return person_id == self.actor.id and self.actor in self.session

    def answers_in_chat_of(self, person_id: str) -> bool:
        """Whether the answer reaches ``person_id`` as a message in their own chat, where a
        notice to them would arrive beside it: then one message says both."""
        return self.answer_to == person(person_id)

    def department(self, key: str) -> Department:
        """A department by key."""
        return self.desk.catalog.department(key)

    def dept_label(self, key: str, locale: str | None = None) -> str:
        """A department's name in ``locale`` (the actor's by default)."""
        return self.department(key).label(locale or self.locale)

    def local(self, moment: datetime | None) -> str:
        """A UTC moment as local wall time, e.g. 2026-11-23 09:00."""
        if moment is None:
            return "—"
        return moment.astimezone(self.desk.policy.tz).strftime("%Y-%m-%d %H:%M")

    def notify_person(
        self,
        person_id: str,
        render: Callable[[str], Message],
        request: Request | None = None,
        *,
        dedupe_key: str | None = None,
        due_at: datetime | None = None,
    ) -> None:
        """Queue a message to a person, written in their language."""
        message = render(self.locale_of(person_id))
        told = self._told.setdefault(request.id if request else None, {})
        told.setdefault(person_id, set()).update(b.command for b in message.buttons)
        self._enqueue(person(person_id), message, request, dedupe_key, due_at)

    def settle(self, person_id: str, request: Request, commands: Iterable[str], key: str,
               **params: object) -> None:
        """Queue word that ``person_id``'s buttons for ``commands`` on ``request`` are moot
        now (``key``: what happened, in their language). Not a notice: they are not counted
        as told."""
        locale = self.locale_of(person_id)
        message = Message(text=t(locale, key, **params), locale=locale, kind=SETTLE,
                          request_ref=request.ref, extra={SETTLE: sorted(commands)})
        self._enqueue(person(person_id), message, request, None, None)

    def settle_own(self, done: str, ref: str) -> None:
        """The actor's own ``done`` on request ``ref`` succeeded: queue word that the buttons
        it made moot (``moot_now``) are, in what reached them (in person or at their desks;
        anyone's, for a command that takes the request from its desk), less those this
        command offered anew. With ``answer_to`` it goes after the answer (a clicked card's
        own update first), else with the command's notifications."""
        ref = ref.upper()
        commands, offered = set(moot_now(done)), self._offered.get(ref, {})
        reach, spare = [person(self.actor.id)], []
        if done in ENDING:
            reach = [EVERYONE]
            spare = sorted(target for target, got in offered.items() if got & commands)
        else:
            reach += [dept(d.key) for d in self.desk.catalog.departments_of(self.actor.id)]
            for target in reach:
                commands -= offered.get(target, set())
        if not commands:
            return
        by = self.name(self.actor.id)  # the text in the actor's words, for their own messages;
        # a platform greying another reader's card says it in that card's (``settled_label``)
        message = Message(text=f"{by} · {settled_label(done, self.locale)}", locale=self.locale,
                          target=person(self.actor.id), kind=SETTLE, request_ref=ref, extra={
                              SETTLE: sorted(commands), REACH: reach, DONE: done, BY: by,
                              **({SPARE: spare} if spare else {})})
        if self.answer_to is not None:
            self.after_answer.append(message)
        else:
            self._enqueue(message.target, message, self._requests.get(ref), None, None)

    def notify_channel(
        self,
        department: str,
        render: Callable[[str], Message],
        request: Request | None = None,
        *,
        dedupe_key: str | None = None,
        due_at: datetime | None = None,
    ) -> None:
        """Queue a message to a department's channel, in the channel's language, with its
        rendering in each other language its staff read (``IN_LOCALES``: a platform copying it
        to each member in person gives each theirs); none for a department no longer in the
        config: it has no channel."""
        dep = self.department(department)
        if dep.gone:
            return
        secret = request if request is not None and confidential.of(self.desk, request) else None

        def channel_form(locale: str) -> Message:  # of a confidential request, the id only
            message = render(locale)
            return message if secret is None else confidential.for_channel(self.desk, secret,
                                                                           message)

        message = channel_form(self.desk.channel_locale(dep))
        extra = {**message.extra, TOLD: self._heard(message, request)}
        others = self.desk.other_staff_locales(dep)
        if others:
            extra[IN_LOCALES] = {locale: _words(channel_form(locale)) for locale in others}
        self._enqueue(dept(department), replace(message, extra=extra), request, dedupe_key,
                      due_at)

    def _heard(self, message: Message, request: Request | None) -> list[str]:
        """Who needs no copy of a desk's message: its actor (who has the answer) and whoever
        this command told in person of the same request. Of a card, only those offered all
        its buttons in person: the others still need them (a card about several requests,
        such as a nudge, says more than any one notice: everyone gets it)."""
        offered = {b.command for b in message.buttons}
        told = self._told.get(request.id if request else None, {})
        if not offered:
            actor = {self.actor.id} if self._is_stored_actor(self.actor.id) else set()
            return sorted(actor | told.keys())
        if request is None:
            return []
        return sorted(p for p, got in told.items() if offered <= got)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Within the block, notifications without a dedupe key are written together in one
        statement when it ends (in order; one with a key writes those before it first). An
        exception drops them: the attempt or savepoint around it is rolled back anyway."""
        if self._batch is not None:  # already batching: the outer block writes them
            yield
            return
        self._batch = []
        try:
            yield
            self._flush()
        finally:
            self._batch = None

    def _flush(self) -> None:
        """Write the batched notifications (one statement)."""
        if self._batch:
            rows, self._batch = self._batch, []
            outbox.enqueue_many(self.session, rows)

    def _enqueue(
        self,
        target: str,
        message: Message,
        request: Request | None,
        dedupe_key: str | None,
        due_at: datetime | None,
    ) -> None:
        if outbox.unreachable(self.session, target):  # an erased person: never sent
            return
        payload = Message(
            text=message.text,
            target=target,
            locale=message.locale,
            title=message.title,
            fields=message.fields,
            buttons=message.buttons,
            request_ref=request.ref if request else message.request_ref,
            kind=message.kind,
            thread_root=message.thread_root,
            extra=message.extra,
        ).to_dict()
        request_id = request.id if request else None
        self.note_offered(target, message, request)
        if self._batch is not None and dedupe_key is None:
            self._batch.append(outbox.row(target, payload, self.now, due_at=due_at,
                                          request_id=request_id))
            self.queued += 1
            return
        self._flush()
        added = outbox.enqueue(self.session, target, payload, self.now, due_at=due_at,
                               dedupe_key=dedupe_key, request_id=request_id)
        self.queued += int(added)

    def note_offered(self, target: str, message: Message, request: Request | None = None) -> None:
        """Remember the request and the settling buttons ``target`` is offered anew by this
        command (``settle_own`` spares them)."""
        if request is not None:
            self._requests[request.ref.upper()] = request
        for b in message.buttons:
            settled = settled_by(b.command)
            if settled is not None:
                self._offered.setdefault(settled[1], {}).setdefault(target, set()).add(
                    settled[0])


def _words(message: Message) -> dict[str, Any]:
    """What ``IN_LOCALES`` keeps of a desk message in another language: its words and
    buttons (where it goes, what it is about and its marks are the desk message's)."""
    form = message.to_dict()
    return {key: form[key] for key in ("text", "locale", "title", "fields", "buttons")}


def settled_label(done: str, locale: str) -> str:
    """What a message says its ``done`` command was, in ``locale``: the label of the button
    standing for it, as a click shows it (``settle.label.<done>``: "Cancel", "取消"), never
    the bare command word."""
    key = f"settle.label.{done}"
    return t(locale, key) if key in TEXTS else word_for(done, locale)


def button(locale: str, key: str, command: str, action: str, style: str | None = None) -> Button:
    """A localized button that stands for ``command``."""
    return Button(label=t(locale, key), command=command, action=action, style=style)


def names_list(ctx: Ctx, ids: tuple[str, ...] | list[str], locale: str) -> str:
    """Display names joined in the locale's way."""
    return join(locale, [ctx.name(i) for i in ids]) or "—"
