"""A Message with buttons as a WeCom template card (button_interaction), and back again
(the EventKeys and task ids: ``card_keys``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

# card_update, inbound and sender use these as cards.*
from bot.adapters.wecom.card_keys import button_for as button_for
from bot.adapters.wecom.card_keys import button_key
from bot.adapters.wecom.card_keys import command_of_key as command_of_key
from bot.adapters.wecom.card_keys import in_locale as in_locale
from bot.adapters.wecom.card_keys import new_task_id as new_task_id
from bot.adapters.wecom.card_keys import ref_of_task as ref_of_task
from bot.adapters.wecom.card_keys import split_task as split_task
from bot.adapters.wecom.render import command_lines
from handlers import field_lines
from handlers.actions import within
from handlers.grammar import REF_RE
from handlers.i18n import LOCALES, t
from handlers.i18n.texts import TEXTS
from handlers.messages import IN_LOCALES, Button, Message
from handlers.slots import as_typed, missing

# WeCom's limits for a button_interaction card sent with message/send (发送应用消息 ›
# 模板卡片消息): at most 6 buttons and 6 fields; recommended lengths in characters (建议不超过
# …个字: a recommendation, no errcode for more; the client may cut a longer text short).
MAX_BUTTONS = 6
MAX_FIELDS = 6
TITLE_CHARS = 36      # main_title.title
BODY_CHARS = 160      # sub_title_text (the text and the commands to type)
KEYNAME_CHARS = 5     # horizontal_content_list.keyname (字: a Latin letter is half as wide)
VALUE_CHARS = 30      # horizontal_content_list.value
BUTTON_CHARS = 10     # button_list.text (按钮文案，建议不超过10个字)
MIN_BODY = 12         # the least of the text worth keeping beside the commands
CHOICE = "choose_request"  # the kind of the message asking which request a message is about
INLINE_CODE = re.compile(r"`([^`\n]+)`")  # markdown a card's plain text shows as typed
# WeCom documents styles 1-4 without naming colours; 1 is its default.
STYLES = {"primary": 1, "danger": 2}


def for_reader(message: Message, locale: str) -> Message:
    """``message`` as a card to a reader of ``locale``: the message itself in its own
    language; else its rendering in that one (``IN_LOCALES``), else with its buttons in that
    language (a label the texts hold, "受理" → "Acknowledge") so its commands to type are
    too; its words stay as written."""
    if locale == message.locale:
        return message
    rendered = (message.extra.get(IN_LOCALES) or {}).get(locale)
    if rendered:
        other = Message.from_dict(rendered)
        return replace(other, target=message.target, request_ref=message.request_ref,
                       kind=message.kind, thread_root=message.thread_root, extra=message.extra)
    return replace(message, locale=locale, buttons=tuple(
        _label_in(b, message.locale, locale) for b in message.buttons))


def _label_in(button: Button, source: str, locale: str) -> Button:
    """``button`` with its label in ``locale``, when the texts hold its label in ``source``
    (a trailing ``…``, asking for words, kept)."""
    keys, label, ref = _button_keys(source), button.label, _ref_shown(button)
    if ref and label.endswith(f" {ref}"):  # "受理 MKT-1": the words before the id
        words = _label_in(replace(button, label=label[: -len(ref) - 1]), source, locale)
        return replace(button, label=f"{words.label} {ref}")
    bare = label.removesuffix("…")
    if label in keys:
        return replace(button, label=t(locale, keys[label]))
    if bare in keys:
        return replace(button, label=t(locale, keys[bare]) + label[len(bare):])
    return button


@cache
def _button_keys(locale: str) -> dict[str, str]:
    """Each button label of the texts in ``locale`` (those without placeholders) → its key."""
    index = LOCALES.index(locale) if locale in LOCALES else 0
    out: dict[str, str] = {}
    for key, texts in TEXTS.items():
        if ("button." in key and not key.startswith("button.short.")
                and "{" not in texts[index]):
            out.setdefault(texts[index], key)
    return out


def clip(text: str, chars: int) -> str:
    """At most ``chars`` characters, with an ellipsis when cut (at a word's end when one is
    near, so "Assign to me" becomes "Assign to…", not "Assign to …")."""
    if len(text) <= chars:
        return text
    head = text[: chars - 1]
    space = head.rstrip().rfind(" ")
    if space >= chars // 2:
        head = head[:space]
    return head.rstrip(" ,;:，") + "…"


def width(text: str) -> float:
    """How many 字 ``text`` takes, as WeCom's recommendations count them: a Chinese (wide)
    character is one, a Latin letter, digit or space half of one."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


# Words a cut field name does not end on ("Date of…" is "Date…")
_TRAILING = frozenset({"of", "the", "for", "to", "a", "an", "and", "or", "in", "on", "by"})


def keyname(name: str) -> str:
    """A field's name as a card's key name: whole when it is at most ``KEYNAME_CHARS`` 字
    wide (an English "Requester" is, as 提单人 is), else its first whole words that fit with
    an ellipsis ("Date of expense": "Date…"), letters cut only when its first word is
    too long."""
    if width(name) <= KEYNAME_CHARS:
        return name
    words, kept = name.split(), list[str]()
    for word in words:
        if width(" ".join([*kept, word]) + "…") > KEYNAME_CHARS:
            break
        kept.append(word)
    while kept and kept[-1].lower() in _TRAILING:
        kept.pop()
    if kept:
        return " ".join(kept).rstrip(" ,;:，") + "…"
    head = ""
    for c in name:
        if width(head + c + "…") > KEYNAME_CHARS:
            break
        head += c
    return head.rstrip() + "…"


def plain(text: str, locale: str) -> str:
    """A card's text is plain (no markdown): a command the text quotes as inline code reads
    as typed, in the reader's words (`` `/request show HR-1` `` → ``/request 查看 HR-1``)."""
    def typed(match: re.Match[str]) -> str:
        quoted = match.group(1)
        return as_typed(quoted, locale) if quoted.startswith("/request ") else quoted

    return INLINE_CODE.sub(typed, text)


def _title_and_body(message: Message) -> tuple[str, str]:
    text = plain(message.text, message.locale).strip()
    lines = text.splitlines() or [""]
    title = plain(message.title, message.locale) if message.title else lines[0]
    if message.title or len(title) > TITLE_CHARS:
        return title, text
    return title, "\n".join(lines[1:]).strip()


@dataclass(frozen=True)
class _SubTitle:
    """A card's text: what it says, whether the message's text is in it whole, and whether
    it lists every line of its tail (each command, or each choice)."""

    text: str
    body_whole: bool
    every_line: bool


def _fit(body: str, lines: list[str]) -> _SubTitle | None:
    """``body`` and ``lines`` within ``BODY_CHARS``, the body cut to make room (keeping at
    least ``MIN_BODY`` characters of it), or None when the lines leave too little."""
    tail = "\n".join(lines)
    room = BODY_CHARS - len(tail) - (1 if tail and body else 0)
    if len(body) <= room:
        return _SubTitle("\n".join(filter(None, [body, tail])), True, True)
    if room >= MIN_BODY:
        return _SubTitle(f"{clip(body, room)}\n{tail}", False, True)
    return None


def _sub_title(body: str, message: Message) -> _SubTitle:
    """The text and the commands to type within ``BODY_CHARS``. The text gives way first,
    then the labels (the buttons show them: ``▸ /request ack FIN-1``), then the text
    altogether (it went just before the card, ``clipped``); when even the bare commands do
    not fit, the first ones and a line saying how many more the text message lists."""
    sets = [_choices(message)] if message.kind == CHOICE else [
        command_lines(message, False), _bare_commands(message)]
    for lines in sets:
        if (fitted := _fit(body, lines)) is not None:
            return fitted
    last = sets[-1]
    if (fitted := _fit("", last)) is not None:
        return _SubTitle(fitted.text, not body, True)
    for shown in range(len(last) - 1, -1, -1):
        lines = [*last[:shown], t(message.locale, "wecom.card.more", n=len(last) - shown)]
        if len("\n".join(lines)) <= BODY_CHARS:
            break
    return _SubTitle(clip("\n".join(lines), BODY_CHARS), not body, False)


def _bare_commands(message: Message) -> list[str]:
    """Each button's command to type, without its label (``▸ /request ack FIN-1``)."""
    return [f"▸ {as_typed(b.command, message.locale)}" for b in message.buttons]


def _choices(message: Message) -> list[str]:
    """A choice card (``choose_request``) lists each button's whole label ("FIN-12 taxi 86")
    in its text; its buttons show the request ids, within ``BUTTON_CHARS``."""
    return [f"▸ {clip(b.label, VALUE_CHARS)}" for b in shown_buttons(message)]


def shown_buttons(message: Message) -> tuple[Button, ...]:
    """The buttons a card has room for (``MAX_BUTTONS``), as ``handlers.actions.within``
    keeps them (every command is listed to type)."""
    return within(message.buttons, MAX_BUTTONS)


def button_texts(message: Message) -> list[str]:
    """The text of each shown button, within ``BUTTON_CHARS``, keeping what tells the
    buttons apart. A label naming a request ("Acknowledge MKT-1") becomes a short verb and the
    id ("Ack MKT-1", ``button.short.<action>``), or the id alone when that is too long for
    one of the buttons doing the same (the card's text lists each command); any other label
    is clipped, and labels clipped alike keep the words that differ instead."""
    buttons = shown_buttons(message)
    if message.kind == CHOICE:  # "FIN-12 taxi 86": the id, the text lists the rest
        return [clip(b.label.split()[0] if b.label else b.label, BUTTON_CHARS) for b in buttons]
    texts: list[str | None] = [b.label if len(b.label) <= BUTTON_CHARS else None
                               for b in buttons]
    refs = [_ref_shown(b) for b in buttons]
    by_action: dict[str, list[int]] = {}
    for i, (button, ref) in enumerate(zip(buttons, refs, strict=True)):
        if ref:
            by_action.setdefault(button.action, []).append(i)
    for group in by_action.values():
        if all(texts[i] is not None for i in group):
            continue  # every label of this kind fits whole
        short = [f"{_verb(message.locale, buttons[i], refs[i] or '')} {refs[i]}" for i in group]
        if not all(len(text) <= BUTTON_CHARS for text in short):
            short = [_ref_text(refs[i] or "") for i in group]
        for i, text in zip(group, short, strict=True):
            texts[i] = text
    shown = [text if text is not None else _shortened(message.locale, b)
             for b, text in zip(buttons, texts, strict=True)]
    return [_marked(b, text) for b, text in zip(buttons, _told_apart(buttons, shown),
                                                strict=True)]


def needs_words(button: Button) -> bool:
    """True when a button's command asks for words it cannot run without (a reopen's
    reason): its text ends in ``…``, as on Slack, where a click asks for them first."""
    return missing(button.command, {}) is not None


def _marked(button: Button, text: str) -> str:
    """``text`` ending in ``…`` exactly when its button needs words (a label cut short is
    never marked as one asking for more)."""
    bare = text.rstrip("…").rstrip()
    if not needs_words(button):
        return bare or text
    return bare + "…" if len(bare) < BUTTON_CHARS else clip(bare, BUTTON_CHARS)


def _shortened(locale: str, button: Button) -> str:
    """A label too long for a button: the short form of what the button does when there is
    one (``button.short.<action>``: "Confirm, it's solved" is "Solved", never "Confirm…",
    which reads as asking for words), else the label cut at a word."""
    key = f"button.short.{button.action}"
    if key in TEXTS and len(t(locale, key)) <= BUTTON_CHARS:
        return t(locale, key)
    return clip(button.label, BUTTON_CHARS)


def _ref_shown(button: Button) -> str | None:
    """The request id a button acts on, when its label shows it (as the label spells it)."""
    words = {w.upper() for w in button.command.split()}
    return next((w for w in button.label.split() if REF_RE.match(w) and w.upper() in words),
                None)


def _verb(locale: str, button: Button, ref: str) -> str:
    """What a button naming ``ref`` does, in few letters: ``button.short.<action>``, else its
    label without the id."""
    key = f"button.short.{button.action}"
    if key in TEXTS:
        return t(locale, key)
    return " ".join(w for w in button.label.split() if w != ref)


def _ref_text(ref: str) -> str:
    """A request id as a button's whole text; a very long one keeps its number."""
    return ref if len(ref) <= BUTTON_CHARS else "…" + ref[1 - BUTTON_CHARS:]


def _told_apart(buttons: tuple[Button, ...], texts: list[str]) -> list[str]:
    """``texts``, where different labels clipped to the same text show the words after
    those they all begin with ("Laptop (14 inch)", "Laptop (16 inch)": "(14 inch)")."""
    out = list(texts)
    for text in set(texts):
        alike = [i for i, seen in enumerate(texts) if seen == text]
        labels = [buttons[i].label.split() for i in alike]
        if len(alike) < 2 or len({tuple(words) for words in labels}) < 2:
            continue
        same = 0
        while all(len(words) > same + 1 and words[same] == labels[0][same] for words in labels):
            same += 1
        rest = [clip(" ".join(words[same:]), BUTTON_CHARS) for words in labels]
        if same and len(set(rest)) == len(rest):
            for i, text_apart in zip(alike, rest, strict=True):
                out[i] = text_apart
    return out


def clipped(message: Message) -> bool:
    """True when the card cannot show the whole text, or cannot list every command (send
    the text on its own as well: ``text_before``). A first line too long for the title is not
    lost: the card's text then holds all of it."""
    title, body = _title_and_body(message)
    sub = _sub_title(body, message)
    values = [v for _, v in message.fields]
    return (len(message.title or "") > TITLE_CHARS or not sub.body_whole or not sub.every_line
            or len(message.fields) > MAX_FIELDS or any(len(v) > VALUE_CHARS for v in values))


def lists_every_command(message: Message) -> bool:
    """True when the card's text lists every command to type (with or without its label)."""
    return _sub_title(_title_and_body(message)[1], message).every_line


def text_before(message: Message) -> Message:
    """The text sent just before a ``clipped`` card: the whole text and fields, and the
    commands to type when the card (``after_text``) has no room for all of them."""
    if lists_every_command(after_text(message)):
        return replace(message, buttons=())
    return message


def after_text(message: Message) -> Message:
    """What a card says when the whole text went just before it (``clipped``): its first
    line as the title, then the commands, fields and buttons; not the text cut short again."""
    lines = message.text.strip().splitlines() or [""]
    return replace(message, text=message.title or lines[0], title=None)


def card(message: Message, task_id: str, replace_text: str | None = None) -> dict[str, Any]:
    """The ``template_card`` object, every text within WeCom's recommended length; with
    ``replace_text`` its buttons show that, greyed."""
    title, body = _title_and_body(message)
    sub = _sub_title(body, message).text
    template: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": clip(title, TITLE_CHARS)},
        "task_id": task_id,
        "button_list": [
            {"text": text, "style": STYLES.get(b.style or "", 3), "key": button_key(b)}
            for b, text in zip(shown_buttons(message), button_texts(message), strict=True)
        ],
    }
    if sub:
        template["sub_title_text"] = sub
    if message.fields:  # the form's values first (what the request is about): field_lines
        fields = field_lines.form_first(message.fields, message.extra)[:MAX_FIELDS]
        template["horizontal_content_list"] = [
            {"keyname": keyname(name), "value": clip(value, VALUE_CHARS)}
            for name, value in fields
        ]
    if replace_text:
        template["replace_text"] = replace_text
    return template


def card_body(message: Message, task_id: str) -> dict[str, Any]:
    """A ``message/send`` body (without recipients) carrying the card."""
    return {"msgtype": "template_card", "template_card": card(message, task_id)}
