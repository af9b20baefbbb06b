"""Which buttons stay where a platform has room for fewer (``handlers.actions.within``): the
first ones, as the handlers order them, and Cancel, last; and the field order a compact view
shows (``handlers.field_lines.form_first``)."""

from __future__ import annotations

from handlers.actions import request_actions, within
from handlers.field_lines import form_first, marker
from handlers.messages import Button


def actions(buttons: tuple[Button, ...]) -> list[str]:
    return [b.action for b in buttons]


def both(pending: str) -> tuple[Button, ...]:
    """What a desk member who opened FIN-1 themselves may press on it, a proposal pending."""
    return request_actions("FIN-1", "open", None, "en", viewer="u1", staff=True,
                           requester=True, pending=pending)


def test_buttons_that_fit_are_all_kept_as_they_are() -> None:
    buttons = both("requester")
    assert within(buttons, len(buttons)) is buttons
    assert within((), 6) == ()


def test_a_cut_keeps_the_first_buttons_and_cancel_last() -> None:
    buttons = both("requester")
    assert actions(buttons) == ["ack", "assign_me", "wait", "resolve",
                                "neg_accept", "neg_decline", "neg_counter", "cancel"]
    assert actions(within(buttons, 6)) == ["ack", "assign_me", "wait", "resolve",
                                           "neg_accept", "cancel"]


def test_a_cut_keeps_the_answer_a_counter_waits_for() -> None:
    """The desk's Accept / Propose… come first (``staff_actions``), so a cut keeps them."""
    buttons = both("desk")
    assert actions(within(buttons, 6)) == ["neg_accept", "neg_propose", "ack", "assign_me",
                                           "wait", "cancel"]
    assert actions(within(buttons, 3)) == ["neg_accept", "neg_propose", "cancel"]


def test_without_cancel_a_cut_keeps_the_first_ones() -> None:
    buttons = tuple(Button(f"b{i}", f"/request show X-{i}", "show") for i in range(30))
    assert within(buttons, 25) == buttons[:25]


def test_cancel_stays_once_and_last_even_in_the_least_room() -> None:
    cancel = Button("Cancel", "/request cancel FIN-1", "cancel", "danger")
    buttons = (cancel, *(Button(f"b{i}", f"/request show X-{i}", "show") for i in range(30)))
    assert within(buttons, 25) == (*buttons[1:25], cancel)
    assert within((*buttons, cancel), 25) == (*buttons[1:25], cancel)
    assert within(buttons, 1) == (cancel,)
    assert within(buttons, 0) == ()


def test_a_compact_view_shows_the_form_values_first() -> None:
    standard = (("State", "open"), ("Priority", "P3"))
    form = (("Amount", "86.00 CNY"), ("Trip", "Shanghai"))
    assert form_first(standard + form, marker(form)) == form + standard
    assert form_first(standard, marker(())) == standard
    assert form_first(standard, {"form_fields": 5}) == standard  # not that many: as they are
