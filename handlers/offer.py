"""A desk action offered as its button, for a gesture that cannot ask for text itself (a Slack
reaction: ✅ resolves, which needs the note): the button the person finds on the request now,
or a word that it is not theirs to press."""

from __future__ import annotations

from collections.abc import Callable

from handlers.i18n import t
from handlers.messages import Message, Reply


def offer(run: Callable[[str], Reply], ref: str, action: str, locale: str) -> Reply:
    """The button for ``action`` on request ``ref`` as ``/request show`` gives it to the
    person (``run``: a command typed as them), with a line asking to press it; refused
    (``ok`` False) with show's own refusal, or with a word that nothing changed when the
    action is not open to them now."""
    shown = run(f"/request show {ref}")
    if not shown.ok:
        return shown
    button = next((b for m in shown.messages for b in m.buttons if b.action == action), None)
    if button is None:
        text = t(locale, "slack.reaction.not_now", ref=ref, action=t(locale, f"button.{action}"))
        return Reply((Message(text=text, locale=locale, kind="error"),), ok=False)
    text = t(locale, "slack.reaction.ask", ref=ref, action=button.label)
    return Reply((Message(text=text, locale=locale, buttons=(button,)),))
