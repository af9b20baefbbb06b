"""A service's instructions in the requester's confirmation, with the button that says they
answered the question (``/request answered REF``, see handlers/deflection.py)."""

from __future__ import annotations

from handlers.context import Ctx, button
from handlers.i18n import t
from handlers.messages import Button
from storage.models import Request

# the desk has not acted yet: awaiting approval, or open with no first response (may_answer)
ANSWERED_STATES = ("open", "pending_approval")


def may_answer(request: Request) -> bool:
    """Whether the requester may still say the instructions answered them: the desk has not
    acted (awaiting approval, or still open with no first response)."""
    return request.state in ANSWERED_STATES and request.first_response_at is None


def offer(ctx: Ctx, request: Request, locale: str, text: str) -> tuple[str, tuple[Button, ...]]:
    """``text`` followed by the service's instructions in ``locale``, and the "This answered my
    question" button; unchanged, with no button, for a service without instructions."""
    category = ctx.department(request.department).category(request.category)
    said = category.instructions_for(locale).strip() if category else ""
    if not said or not may_answer(request):
        return text, ()
    hint = t(locale, "instructions.hint", ref=request.ref)
    body = f"{text}\n{t(locale, 'instructions.title')}\n{said}\n{hint}"
    answered = button(locale, "button.answered", f"/request answered {request.ref}", "answered",
                      "primary")
    return body, (answered,)
