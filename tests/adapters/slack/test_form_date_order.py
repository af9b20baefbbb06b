"""Slack's request form refuses a last day before the first (the service's ``not_before``),
on the field, as the chat form does, and takes an ordered pair."""

from __future__ import annotations

from datetime import date

from bot.adapters.slack.form_fields import block_id
from bot.adapters.slack.form_values import check
from bot.runtime.config import Settings


def test_a_last_day_before_the_first_is_an_error_on_that_field(settings: Settings) -> None:
    leave = settings.catalog.department("hr").category("leave-certificate")
    assert leave is not None
    last = leave.field("last_day")
    assert last is not None

    def checked(first: str, last_day: str):
        return check(leave, {"first_day": first, "last_day": last_day},
                     catalog=settings.catalog, locale="en", today=date(2026, 11, 23),
                     person_of=lambda _u: None)

    wrong = checked("2026-12-10", "2026-12-05")
    assert list(wrong.errors) == [block_id(last)]
    assert "before First day (2026-12-10)" in wrong.errors[block_id(last)]
    right = checked("2026-12-10", "2026-12-12")
    assert right.errors == {} and right.values["last_day"] == "2026-12-12"
