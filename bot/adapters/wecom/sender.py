"""Deliver outbox messages through the WeCom API: app messages, cards, group chats, robots;
a digest's chart follows its text as an image message."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.adapters.wecom import cards, images
from bot.adapters.wecom import files as wecom_files
from bot.adapters.wecom.card_update import CARD_UPDATE, grey_settled, update_clicked_card
from bot.adapters.wecom.client import (
    PERMANENT,
    RATE_LIMIT_WAIT,
    RATE_LIMITED,
    WeComClient,
    delivery_errors,
)
from bot.adapters.wecom.pacing import RecipientPacer, Slots
from bot.adapters.wecom.people import Directory
from bot.adapters.wecom.render import ROBOT_MARKDOWN_LIMIT, bodies
from bot.runtime.delivery_progress import SLOTS_TAKEN, keep_progress, resumed
from bot.runtime.dispatch import DeliveryError
from bot.runtime.file_fetch import FileService
from handlers.attachments import FETCH, SHARED, size_text
from handlers.catalog import Catalog
from handlers.i18n import LOCALES, normalize_locale, t
from handlers.messages import IN_LOCALES, SETTLE, TOLD, Message
from storage import wecom_store

log = logging.getLogger(__name__)
CARD_CODE_LIFE = timedelta(hours=72)  # message/send: a card's response_code, usable once
MAX_UNRECORDED_CODES = 1000  # codes of sent cards whose rows are not yet marked delivered


@dataclass(frozen=True)
class Part:
    """One API call: ``app`` (message/send), ``chat`` (appchat/send) or ``robot`` (webhook);
    with ``image`` set, the picture at that path, sent the same way once the text is out;
    with ``file``, that stored attachment."""

    channel: str
    to: str
    body: dict[str, Any]
    pace_keys: tuple[str, ...]
    task_id: str | None = None
    image: str | None = None
    file: int | None = None  # a stored attachment's id: uploaded, then sent the same way
    # a card's copy in another language than its message's (``cards.in_locale``): its task
    # id follows the desk's own, as the first try of its row gave it
    locale: str | None = None


class WeComSender:
    """The Sender for WeCom; a message of several parts resumes where an earlier try of its
    outbox row stopped, whichever process made it (the row's ``progress``)."""

    def __init__(self, client: WeComClient, agent_id: int, catalog: Catalog,
                 directory: Directory, pacer: RecipientPacer, files: FileService,
                 robots: dict[str, str] | None = None, chats: dict[str, str] | None = None,
                 admins: tuple[str, ...] = (), http: httpx.Client | None = None) -> None:
        self.client = client
        self.files = files
        self.agent_id = agent_id
        self.catalog = catalog
        self.directory = directory
        self.pacer = pacer
        self.engine = pacer.engine  # the desk's database: send_log, and each row's progress
        self.robots = robots or {}
        self.chats = chats or {}
        self.admins = admins
        self.http = http or httpx.Client(timeout=client.timeout)
        self._codes: dict[str, str] = {}  # card task id → response_code, until recorded
        self._lock = threading.Lock()

    def reaches_department(self, key: str) -> bool:
        """A department is on WeCom with a group chat, a robot, or members with WeCom ids."""
        dep = self.catalog.department(key)
        ids = {p.id for p in self.catalog.people if p.wecom}
        return bool(dep.wecom_chat or key in self.robots or ids & set(dep.staff()))

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        """Send every part not yet sent; return the card's task id (or the first msgid)."""
        if message.kind == CARD_UPDATE:
            update_clicked_card(self.client, self.directory, self.agent_id, message)
            return None
        if message.kind == SETTLE:
            grey_settled(self.client, self.directory, self.agent_id, message)
            return None
        if message.kind == FETCH:
            self.files.fetch(
                message, lambda media_id, limit: wecom_files.download(self.client, media_id,
                                                                      limit))
            return None
        parts = self.plan(message)
        done, ref = self._resume(message, parts)
        if not message.extra.get(SLOTS_TAKEN):  # else taken with its lease (``pace``)
            self.pacer.take(k for part in parts[done:] for k in part.pace_keys)
        for index in range(done, len(parts)):
            part = parts[index]
            if part.image:
                self._image(part)  # rate limited: the next try sends the chart only
            elif part.file is not None:
                self._file(part)  # failed: the next try sends the file only
            else:
                part = _following(part, ref)
                got = self._deliver(part)
                # a card's task id wins (the desk's own, for a copy in another language):
                # clicks and typed commands look it up
                ref = cards.split_task(part.task_id)[0] if part.task_id else ref or got
            if index + 1 < len(parts):  # stored before the next part is tried
                keep_progress(self.engine, message, "wecom", {"next": index + 1, "ref": ref})
        return ref

    def _resume(self, message: Message, parts: list[Part]) -> tuple[int, str | None]:
        """The part a try starts at and the reference the earlier parts got: after what the
        earlier tries of its row sent (none to resume for a message of one part)."""
        note = resumed(message, "wecom") if len(parts) > 1 else None
        if note is None:
            return 0, None
        ref = note.get("ref")
        return min(int(note.get("next") or 0), len(parts)), str(ref) if ref else None

    def pace(self, session: Session, messages: Sequence[Message],
             now: datetime) -> list[DeliveryError | None]:
        """Take the slots of each message's parts still to send in ``session`` (the lease's
        transaction; ``PacedSender``): None when taken, else the DeliveryError it gets instead
        (paced, or why it cannot be planned). A later message to a target that must wait takes
        none."""
        wanted: list[Counter[str] | DeliveryError] = []
        for message in messages:
            try:
                wanted.append(self._pace_keys(message))
            except DeliveryError as exc:
                wanted.append(exc)
            except Exception as exc:  # noqa: BLE001 - as a crash in send: retried later
                log.exception("could not plan a WeCom message")
                wanted.append(DeliveryError(f"sender crashed: {exc}"))
        recipients = {k for keys in wanted if isinstance(keys, Counter) for k in keys}
        self.pacer.lock(session, recipients)
        slots = Slots(session, now)  # each key counted once, the slots written together
        slots.count(recipients)
        waiting: dict[str, DeliveryError] = {}
        verdicts: list[DeliveryError | None] = []
        for message, keys in zip(messages, wanted, strict=True):
            verdict = keys if isinstance(keys, DeliveryError) else waiting.get(message.target)
            if verdict is None and isinstance(keys, Counter):
                verdict = slots.reserve(keys)
            if verdict is not None and not verdict.permanent:
                waiting.setdefault(message.target, verdict)
            verdicts.append(verdict)
        slots.write()
        return verdicts

    def _pace_keys(self, message: Message) -> Counter[str]:
        """The pacing slots ``send`` would take for ``message`` (none for a card update, a
        settle or a file fetch, which are not paced)."""
        if message.kind in (CARD_UPDATE, SETTLE, FETCH):
            return Counter()
        parts = self.plan(message)
        done = self._resume(message, parts)[0]
        return Counter(k for part in parts[done:] for k in part.pace_keys)

    def plan(self, message: Message) -> list[Part]:
        """The API calls that deliver ``message`` to its target (its chart or file last,
        where the first part went: to a desk's members, to those of each language)."""
        parts = self._text_parts(message)
        if not parts:  # a desk whose every member heard it already: nothing to send
            return parts
        image = message.extra.get("image")
        shared = message.kind == SHARED and message.extra.get("file") is not None
        for first in _first_to_each(parts) if image or shared else ():
            if image:
                parts.append(Part(first.channel, first.to, {"msgtype": "image"},
                                  first.pace_keys, image=str(image)))
            if shared:
                body = {"msgtype": "file"}
                if first.channel == "robot":  # what the robot says when the file is too big
                    note = t(message.locale, "file.robot_too_big", ref=message.request_ref or "",
                             limit=size_text(wecom_files.ROBOT_FILE_LIMIT))
                    body = bodies(replace(message, text=note), ROBOT_MARKDOWN_LIMIT)[0]
                parts.append(Part(first.channel, first.to, body, first.pace_keys,
                                  file=int(message.extra["file"])))
        return parts

    def _file(self, part: Part) -> None:
        """Pass a stored file on after its notice: uploaded as temporary media, then an
        image or file message where the notice went. A group robot takes no app media: an
        image inline, or a file uploaded with its own key; one too big for it gets a line
        saying so and how to see the request's files (the part's body)."""
        assert part.file is not None
        stored = self.files.content(part.file)
        if stored is None:
            log.warning("file %s is not stored; its notice went alone", part.file)
            return
        if part.channel == "robot":
            body = wecom_files.robot_body(self.http, self.robots[part.to], stored) or part.body
        else:
            body = wecom_files.upload(self.client, stored)
        self._deliver(replace(part, body=body, file=None))

    def _text_parts(self, message: Message) -> list[Part]:
        if message.target_kind == "dept":
            return self._department_parts(message)
        if message.target_kind == "channel":
            return self._channel_parts(message)
        userid = self.directory.userid_of(message.target_id)
        if not userid:
            raise DeliveryError(f"{message.target_id} has no WeCom userid")
        return self._app_parts(message, [userid], with_text=True)

    def _app_parts(self, message: Message, userids: list[str], with_text: bool,
                   task_id: str | None = None, locale: str | None = None) -> list[Part]:
        """``message`` to ``userids`` in person: its text, its card (as task ``task_id``, a
        copy in ``locale`` when that is not the message's own)."""
        to = "|".join(userids)
        keys = tuple(f"user:{u}" for u in userids)
        if not message.buttons:
            return [Part("app", to, body, keys) for body in bodies(message)]
        parts = []
        if with_text and cards.clipped(message):
            before = cards.text_before(message)
            parts += [Part("app", to, body, keys) for body in bodies(before)]
            message = cards.after_text(message)
        task_id = task_id or cards.new_task_id(message.request_ref)
        return [*parts, Part("app", to, cards.card_body(message, task_id), keys, task_id,
                             locale=locale)]

    def _department_parts(self, message: Message) -> list[Part]:
        dep = self.catalog.department(message.target_id)
        parts: list[Part] = []
        if dep.wecom_chat:
            key = (f"chat:{dep.wecom_chat}",)
            parts += [Part("chat", dep.wecom_chat, b, key) for b in bodies(message)]
        elif dep.key in self.robots:
            key = (f"robot:{dep.key}",)
            parts += [Part("robot", dep.key, b, key)
                      for b in bodies(message, ROBOT_MARKDOWN_LIMIT)]
        staff = self.directory.staff_userids(dep.key)
        if staff and (message.buttons or not parts):
            members = [u for u in staff if u not in self._told(message)]
            if not members:  # each member heard it already (did it, or was told in person)
                return parts
            parts += self._members_parts(message, members, with_text=not parts)
        if not parts:
            raise DeliveryError(f"department {dep.key} has no WeCom chat, robot or members "
                                "with WeCom ids")
        return parts

    def _members_parts(self, message: Message, members: list[str],
                       with_text: bool) -> list[Part]:
        """A desk's message to its members in person, in each one's language: one send per
        language they read (the desk's own first), each with its card; each card's copy in
        another language has the desk card's task id and that language
        (``cards.in_locale``), so a click or a typed command greys it too."""
        task_id = cards.new_task_id(message.request_ref) if message.buttons else None
        parts: list[Part] = []
        for locale, group in self._by_locale(message, members):
            mine = locale == message.locale
            parts += self._app_parts(
                cards.for_reader(message, locale), group, with_text,
                task_id if mine or task_id is None else cards.in_locale(task_id, locale),
                None if mine else locale)
        return parts

    def _by_locale(self, message: Message, members: list[str]) -> list[tuple[str, list[str]]]:
        """``members`` by the language each reads, the message's own first; all together for
        a message that reads the same in each (no buttons, no rendering in another)."""
        if not message.buttons and not message.extra.get(IN_LOCALES):
            return [(message.locale, members)]
        groups: dict[str, list[str]] = {message.locale: []}
        for userid in members:
            locale = normalize_locale(self.directory.locale_of(userid), message.locale)
            groups.setdefault(locale, []).append(userid)
        return [(locale, group) for locale, group in groups.items() if group]

    def _told(self, message: Message) -> set[str]:
        """The userids a desk's message need not be copied to: who heard it already from
        the command that wrote it (``TOLD``; of a card, only those offered its buttons)."""
        told = message.extra.get(TOLD) or ()
        return {u for u in map(self.directory.userid_of, told) if u}

    def _channel_parts(self, message: Message) -> list[Part]:
        """A named channel (e.g. the admin channel): its group chat, else the admins."""
        chat = self.chats.get(message.target_id.lstrip("#"))
        if chat:
            return [Part("chat", chat, b, (f"chat:{chat}",)) for b in bodies(message)]
        userids = [u for u in map(self.directory.userid_of, self.admins) if u]
        if not userids:
            raise DeliveryError(f"channel {message.target_id} has no WeCom chat ([wecom] chats) "
                                "and no admin has a WeCom id")
        return self._app_parts(message, userids, with_text=True)

    def _deliver(self, part: Part) -> str | None:
        if part.channel == "robot":
            return self._robot(part)
        if part.channel == "chat":
            with delivery_errors(f"appchat/send to {part.to}"):
                self.client.post("appchat/send", data={"chatid": part.to, **part.body})
            return None
        data = {"touser": part.to, "agentid": self.agent_id, **part.body}
        with delivery_errors(f"message/send to {part.to}"):
            result = self.client.post("message/send", data=data)
        if part.task_id and result.get("response_code"):
            with self._lock:
                self._codes[part.task_id] = str(result["response_code"])
                while len(self._codes) > MAX_UNRECORDED_CODES:  # rows that failed for good
                    self._codes.pop(next(iter(self._codes)))
        invalid = {u for u in str(result.get("invaliduser") or "").split("|") if u}
        if invalid and invalid >= set(part.to.split("|")):
            raise DeliveryError(f"WeCom cannot reach {part.to}: not in the app's visible range",
                                permanent=True, code="wecom:invaliduser")
        if invalid:
            log.warning("WeCom skipped some recipients", extra={"invalid": sorted(invalid)})
        return str(result["msgid"]) if result.get("msgid") else None

    def record_sent(self, session: Session, message: Message, ref: str | None,
                    now: datetime) -> None:
        """Keep the response_code of the card sent with ``message`` (72 h, once), in the
        transaction that marks it delivered: a typed command greys its buttons."""
        if not ref:
            return
        with self._lock:  # the card, and its copies in other languages (``_members_parts``)
            codes = [(task, self._codes.pop(task)) for task in
                     (ref, *(cards.in_locale(ref, locale) for locale in LOCALES))
                     if task in self._codes]
        for task, code in codes:
            wecom_store.remember_card(session, task, code, now + CARD_CODE_LIFE)

    def _image(self, part: Part) -> None:
        """Send a chart after its message. The text is already out, so a chart that is missing
        or WeCom refuses is logged, not retried: the digest reads fine without it. A rate
        limit or an outage (network, a gateway's 5xx) is only a wait: DeliveryError, and the
        next try of the message sends the chart only (as Slack's sender does)."""
        assert part.image is not None
        try:
            if part.channel == "robot":
                body = images.robot_body(images.read_image(part.image, images.ROBOT_LIMIT))
            else:
                data = images.read_image(part.image)
                body = images.media_body(images.upload(self.client, part.image, data))
            self._deliver(replace(part, body=body, image=None))
        except images.ImageSkipped as exc:
            log.warning("chart not sent to %s: %s; the message went without it", part.to, exc)
            return
        except DeliveryError as exc:
            if exc.retry_after or not _refused(exc):
                raise
            log.warning("chart not sent to %s: %s; the message went without it", part.to, exc)
            return

    def _robot(self, part: Part) -> str | None:
        with delivery_errors(f"group robot of {part.to}"):
            response = self.http.post(self.robots[part.to], json=part.body)
            response.raise_for_status()
            result = response.json()
        code = int(result.get("errcode", 0))
        if code in RATE_LIMITED:
            raise DeliveryError(f"group robot of {part.to}: rate limit ({code})", RATE_LIMIT_WAIT)
        if code != 0:
            raise DeliveryError(f"group robot of {part.to}: errcode {code}: "
                                f"{result.get('errmsg')}", permanent=code in PERMANENT,
                                code=f"wecom:{code}")
        return None

    def close(self) -> None:
        """Close the robot HTTP client."""
        self.http.close()


def _first_to_each(parts: list[Part]) -> list[Part]:
    """The first part to each recipient reached the way the first part went: a chat or a
    robot, or a desk's members (one send per language they read), not those beside it."""
    firsts: dict[str, Part] = {}
    for part in parts:
        if part.channel == parts[0].channel:
            firsts.setdefault(part.to, part)
    return list(firsts.values())


def _following(part: Part, ref: str | None) -> Part:
    """A card's copy in another language, with the task id of the desk's card its row's
    earlier try sent (``ref``), when this try resumes after it: one task id for them all."""
    if part.locale is None or part.task_id is None or not ref or cards.ref_of_task(ref) is None:
        return part
    task_id = cards.in_locale(cards.split_task(ref)[0], part.locale)
    if task_id == part.task_id:
        return part
    body = {**part.body, "template_card": {**part.body["template_card"], "task_id": task_id}}
    return replace(part, body=body, task_id=task_id)


def _refused(exc: DeliveryError) -> bool:
    """WeCom answered with an error code (a refusal), not a network or gateway failure (an
    HTTP error reaches wechatpy's exception with no errcode)."""
    cause = exc.__cause__
    return isinstance(cause, WeChatClientException) and cause.errcode is not None
