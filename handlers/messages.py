"""The neutral Message the bot says, whatever the platform: text, fields, buttons, target."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from handlers.grammar import REF_RE


@dataclass(frozen=True)
class Button:
    """A shortcut for a typed command; every platform can also type ``command``."""

    label: str
    command: str
    action: str
    style: str | None = None


# Commands on a request that make buttons moot: once one of them succeeds, the buttons its
# actor was offered for it that would only be refused now go (``moot_now``; a ``SETTLE`` row).
SETTLING = frozenset({"ack", "assign", "wait", "resume", "resolve", "confirm", "reopen",
                      "cancel", "transfer", "rate", "answered", "approve", "reject",
                      "accept", "decline", "counter"})
# Of those, the ones that take the request from its desk (cancelled, answered by the service's
# instructions, transferred): every button anyone was shown for it is moot, whoever holds it.
ENDING = frozenset({"cancel", "answered", "transfer"})
_DECIDED = frozenset({"approve", "reject"})  # refused once the request is past its approval
_ANSWERED = frozenset({"accept", "decline", "counter"})  # a proposal, once answered
_SETTLED = frozenset({"confirm", "reopen", "rate"})  # a resolved or closed request's
_DESK = frozenset({"ack", "assign", "wait", "resume", "resolve", "transfer"})
_OPEN = _DESK | {"cancel", "answered"}  # refused once the request is resolved
# What each command makes moot for whoever did it, as the state it leaves the request in
# refuses (``handlers.requests``' ``require_state``): acknowledged, waiting, resumed, …
MOOT_AFTER: dict[str, frozenset[str]] = {
    "ack": frozenset({"ack", "resume"}) | _SETTLED | _DECIDED,
    "assign": frozenset({"assign"}),
    "wait": frozenset({"ack", "wait"}) | _SETTLED | _DECIDED,
    "resume": frozenset({"ack", "resume"}) | _SETTLED | _DECIDED,
    "resolve": _OPEN | _DECIDED,
    "confirm": _OPEN | _DECIDED | {"confirm"},
    "reopen": frozenset({"ack", "resume", "confirm", "reopen"}) | _DECIDED,
    "rate": frozenset({"rate"}),
    "approve": _DECIDED,
    "reject": _DECIDED,
    **{name: _ANSWERED for name in _ANSWERED},
    **{name: SETTLING for name in ENDING},
}

# Commands answering the one question their message asks (which request a held message goes
# to), as a form's question in chat is answered by words (a choice's ``key=value``, ``cancel``,
# ``answered``: no slash command): once one is done, every button of that message is moot.
ANSWERS_ITS_MESSAGE = frozenset({"add"})


# A row's kind saying that a person's buttons on a request are moot: through their own command
# (``moot_now``) or someone else's act (another approver decided, a proposal was withdrawn or
# lapsed). ``extra[SETTLE]`` lists the commands; a platform greys or drops the buttons offering
# them in messages of that request sent to the targets it reaches (``settled_here``), showing
# the row's text. Others have nothing to do.
SETTLE = "settle"
# A settle row's ``extra`` keys: the targets it reaches (its person and their desks; ``EVERYONE``
# for a command that takes the request from its desk), when not only its person's; and the
# targets it spares (offered those buttons anew by the same command). For one's own command:
# which it was and who did it, so a message with its button names it by its label.
REACH, SPARE, EVERYONE, DONE, BY = "reach", "spare", "*", "done", "by"


def settled_by(command: str) -> tuple[str, str] | None:
    """(command, request ref) a button's command settles, or None. Buttons are ours and all
    read ``/request <command> <REF> …`` (whatever their label or action name)."""
    words = command.split()
    if len(words) >= 3 and words[0] == "/request" and words[1] in SETTLING and \
            REF_RE.match(words[2]):
        return words[1], words[2].upper()
    return None


def settles_message(command: str) -> bool:
    """True when a button running ``command`` settles the whole message it is on."""
    words = command.split()
    if words[:1] == ["/request"]:
        return len(words) > 1 and words[1] in ANSWERS_ITS_MESSAGE
    return bool(words) and not words[0].startswith("/")


def settles(command: str) -> bool:
    """True when using a button running ``command`` makes buttons moot (on its message)."""
    return settles_message(command) or settled_by(command) is not None


def moot_beside(clicked: str, command: str) -> bool:
    """True when a button running ``command`` is moot once the button running ``clicked`` on
    the same message was used: every one, for a button that settles its message; else those
    settling something on the same request."""
    if settles_message(clicked):
        return True
    done, other = settled_by(clicked), settled_by(command)
    return done is not None and other is not None and other[1] == done[1]


def moot_through(commands: Collection[str], ref: str | None, command: str) -> bool:
    """True when a button running ``command`` is moot through someone else's act (a
    ``SETTLE`` row): it runs one of ``commands`` on request ``ref``."""
    settled = settled_by(command)
    return settled is not None and settled[0] in commands and settled[1] == (ref or "").upper()


def moot_now(done: str) -> frozenset[str]:
    """The commands whose buttons on a request are moot for whoever just did ``done`` on it
    (empty for a command that settles nothing)."""
    return MOOT_AFTER.get(done, frozenset())


def settled_here(row: Message, target: str, offered: Iterable[str]) -> bool:
    """True when a message sent to ``target`` offering buttons that run ``offered`` is moot
    through the ``SETTLE`` row ``row``: it went where the row reaches, and offers one of its
    commands on its request."""
    reach = row.extra.get(REACH) or [row.target]
    if target in (row.extra.get(SPARE) or ()) or not (EVERYONE in reach or target in reach):
        return False
    commands = frozenset(row.extra.get(SETTLE) or ())
    return any(moot_through(commands, row.request_ref, command) for command in offered)


def settled_text(row: Message, buttons: Iterable[Button], locale: str) -> str:
    """What a message in ``locale`` with ``buttons``, settled by the ``SETTLE`` row ``row``,
    says instead: for one's own command, who did it and the label of its button for it (else
    that command's label in ``locale``, ``settled_label``); otherwise the row's text (written
    in its person's language, whose message it is)."""
    from handlers.context import settled_label  # context imports this module

    done, by = row.extra.get(DONE), row.extra.get(BY)
    if not done or not by:
        return row.text
    ref = (row.request_ref or "").upper()
    used = next((b for b in buttons if settled_by(b.command) == (str(done), ref)), None)
    return f"{by} · {used.label if used else settled_label(str(done), locale)}"


# A channel message's ``extra`` key naming the thread it goes in when that is not its
# request's current one (a transfer's notice, in the thread the request left).
IN_THREAD = "in_thread"
# A desk message's ``extra`` key: the person ids who heard it already from the command that
# wrote it (its actor, who has the answer; anyone it told in person; of a card, only those
# offered its buttons in person). A platform that copies a desk's messages to each member
# (WeCom, with no group chat, or for a card's buttons) skips them.
TOLD = "told"
# A desk message's ``extra`` key: the same message rendered in each other language its staff
# read ({locale: its words' outbox form}). A platform that copies a desk's messages to each
# member in person (WeCom) gives each reader theirs; one posting in the channel ignores it.
IN_LOCALES = "in_locales"
# With ``IN_THREAD``: the state line that thread's root shows from now on (the request has
# gone on elsewhere: its buttons there no longer apply).
LEFT_STATUS = "left_status"


@dataclass(frozen=True)
class Message:
    """What the bot says to one target: ``person:<id>``, ``dept:<key>`` (its channel) or
    ``channel:<name>`` (a named channel such as the admin channel)."""

    text: str
    target: str = ""
    locale: str = "en"
    title: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    request_ref: str | None = None
    kind: str = "info"
    thread_root: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the outbox."""
        return {
            "text": self.text,
            "target": self.target,
            "locale": self.locale,
            "title": self.title,
            "fields": [list(f) for f in self.fields],
            "buttons": [
                {"label": b.label, "command": b.command, "action": b.action, "style": b.style}
                for b in self.buttons
            ],
            "request_ref": self.request_ref,
            "kind": self.kind,
            "thread_root": self.thread_root,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        """Rebuild a Message from its outbox form."""
        return cls(
            text=data["text"],
            target=data.get("target", ""),
            locale=data.get("locale", "en"),
            title=data.get("title"),
            fields=tuple((str(k), str(v)) for k, v in data.get("fields", [])),
            buttons=tuple(Button(**b) for b in data.get("buttons", [])),
            request_ref=data.get("request_ref"),
            kind=data.get("kind", "info"),
            thread_root=bool(data.get("thread_root", False)),
            extra=dict(data.get("extra") or {}),
        )

    @property
    def target_kind(self) -> str:
        """``person`` or ``dept``."""
        return self.target.split(":", 1)[0]

    @property
    def target_id(self) -> str:
        """The person id or department key."""
        return self.target.split(":", 1)[1] if ":" in self.target else self.target


def person(person_id: str) -> str:
    """The target string for a person."""
    return f"person:{person_id}"


def dept(department_key: str) -> str:
    """The target string for a department's channel."""
    return f"dept:{department_key}"


@dataclass(frozen=True)
class Reply:
    """What a handler answers the speaker, plus how many notifications it queued."""

    messages: tuple[Message, ...]
    ok: bool = True
    queued: int = 0
    request_ref: str | None = None
    command: str | None = None
    repeat: bool = False                 # a delivery seen before: its first answer, not rerun
    answer_rows: tuple[int, ...] = ()    # outbox ids of the answer, when it went there
    request_id: int | None = None        # the request_ref's row, when the answer has its buttons
    root_stale: bool = False             # its state changed, and nothing posted in its thread
                                         # says so: a platform that rewrites roots does it now

    @property
    def text(self) -> str:
        """All reply texts joined, for logs and simple platforms."""
        return "\n".join(m.text for m in self.messages)
