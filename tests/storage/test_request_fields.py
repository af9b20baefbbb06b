"""A request's form values read once per transaction, never stale after a change."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from storage import request_fields
from storage.engine import transaction
from storage.request_fields import FieldValue
from tests.conftest import Transcript


def _amount(n: str) -> FieldValue:
    return FieldValue(key="amount", type="amount", number=Decimal(n), currency="CNY")


def test_a_change_is_read_back_at_once_and_by_the_next_transaction(chat: Transcript) -> None:
    chat("@now 2026-11-23T09:00", "alice> /request finance reimbursement taxi 86 CNY")
    engine = chat.app.desk.engine
    with transaction(engine) as session:
        request_id = 1
        assert request_fields.of_request(session, request_id)["amount"].number == Decimal("86")
        request_fields.replace(session, request_id, [_amount("80")])
        assert request_fields.of_request(session, request_id)["amount"].number == Decimal("80")
    with Session(engine) as session:  # a long-lived session: one transaction, then another
        assert request_fields.of_request(session, request_id)["amount"].number == Decimal("80")
        session.commit()
        with transaction(engine) as other:
            request_fields.replace(other, request_id, [_amount("70")])
        assert request_fields.of_request(session, request_id)["amount"].number == Decimal("70")
