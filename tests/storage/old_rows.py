"""Rows for a database at an older schema revision: a story in every table we know (requests
in every state with their events, ratings, breaches, outbox rows pending and sent, tokens,
people …), cut to the columns that revision has; and, for a table with no story, one row
filled by column type, so a new table cannot be skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from handlers.messages import Message

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 16 November 2026, 09:00 in Shanghai
W47 = date(2026, 11, 16)  # the week of the old data (2026-W47)
M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

Row = dict[str, Any]
Columns = dict[str, set[str]]  # each table of the revision → its columns

# Every state a request can be in at head; the approval ones need the approval tables (0012).
STATES = ("open", "acknowledged", "in_progress", "waiting", "resolved", "closed", "closed",
          "cancelled", "pending_approval", "rejected")
APPROVAL_STATES = ("pending_approval", "rejected")
KIND = {"acknowledged": "acknowledged", "in_progress": "resumed", "waiting": "waiting",
        "resolved": "resolved", "closed": "confirmed", "cancelled": "cancelled",
        "rejected": "rejected"}
RATED = {6: (5, ["timely"], "quick, thanks"), 7: (2, [], "slow")}  # the two closed ones
LATE = 7  # closed a day after its resolution target: a breach row
PROPOSED = 3  # in progress, with a desk proposal waiting for the requester (0013)
PENDING_TEXT = "FIN-3: Bob proposes a new date"  # the outbox row still to send
DONE_TEXTS = ("FIN-3 acknowledged by Bob", "FIN-1 new")  # sent, and refused for good


def requests_at(columns: Columns) -> list[tuple[int, str]]:
    """(number, state) of the requests written at a revision: FIN-1, FIN-2, …"""
    states = [s for s in STATES if "approval_step" in columns or s not in APPROVAL_STATES]
    return list(enumerate(states, start=1))


def _request(number: int, state: str) -> Row:
    created = T0 + number * 10 * M
    row: Row = {
        "id": number, "ref": f"FIN-{number}", "number": number, "origin_department": "finance",
        "department": "finance", "category": "reimbursement", "requester_id": "henry",
        "requester_department": "sales", "assignee_id": None, "resolver_id": None,
        "priority": "P3", "state": state, "title": f"taxi {number}",
        "details": f"taxi to the airport, trip {number} 出租车", "resolution_note": None,
        "created_at": created, "updated_at": created, "first_response_at": None,
        "resolved_at": None, "closed_at": None, "first_response_due": created + 4 * H,
        "resolution_due": created + 3 * D, "paused_at": None, "paused_seconds": 0,
        "thread_ref": f"1763254800.{number:06d}", "clock_started_at": created,
        "snoozed_until": None, "next_sweep_at": created + 3 * H, "swept_until": created,
        "cycle": 0, "original_resolution_due": None, "agreed_at": None, "agreements": 0,
        "proposed_at": None, "purged_at": None,
    }
    if state not in ("open", "pending_approval", "cancelled", "rejected"):
        row.update(assignee_id="bob", first_response_at=created + H, updated_at=created + H)
    if state == "waiting":
        row.update(paused_at=created + 2 * H, updated_at=created + 2 * H)
    if state in ("resolved", "closed"):
        done = created + (4 * D if number == LATE else D)
        row.update(resolver_id="bob", resolution_note="paid", resolved_at=done,
                   updated_at=done, paused_seconds=1800)
    if state == "closed":
        row.update(closed_at=row["resolved_at"] + H, updated_at=row["resolved_at"] + H,
                   next_sweep_at=None)
    if state in ("cancelled", "rejected"):
        row.update(closed_at=created + 2 * H, updated_at=created + 2 * H, next_sweep_at=None)
    if state == "pending_approval":
        row.update(first_response_due=None, resolution_due=None, clock_started_at=None)
    if number == PROPOSED:
        row.update(proposed_at=created + 3 * H)
    return row


def _events(number: int, state: str) -> list[Row]:
    request = _request(number, state)
    first = "pending_approval" if state in APPROVAL_STATES else "open"
    rows = [{"id": 2 * number - 1, "request_id": number, "actor_id": "henry",
             "at": request["created_at"], "kind": "opened", "from_state": None,
             "to_state": first, "note": None}]
    if state != first:
        rows.append({"id": 2 * number, "request_id": number,
                     "actor_id": "grace" if state == "rejected" else "bob",
                     "at": request["updated_at"], "kind": KIND[state], "from_state": first,
                     "to_state": state, "note": "请补发票" if state == "waiting" else None})
    return rows


def _people() -> list[Row]:
    return [
        {"id": pid, "name": name, "locale": locale, "slack_id": slack, "wecom_id": wecom,
         "manager_id": manager, "source": source, "created_at": T0 - 30 * D}
        for pid, name, locale, slack, wecom, manager, source in (
            ("grace", "陈静 Grace Chen", None, "U0GRACE", "chenjing", None, "config"),
            ("carol", "刘芳 Carol Liu", None, "U0CAROL", "liufang", "grace", "config"),
            ("bob", "张伟 Bob Zhang", None, "U0BOB", "zhangwei", "carol", "config"),
            ("henry", "李华 Henry Li", None, "U0HENRY", "lihua", "grace", "config"),
            ("alice", "王丽 Alice Wang", "en", "U0ALICE", "wangli", "henry", "config"),
            ("u0walkin", "Walk-in Wu", None, "U0WALKIN", None, None, "slack"),
        )
    ]


def _outbox(columns: Columns) -> list[Row]:
    def message(text: str, target: str) -> dict[str, Any]:
        return Message(text=text, target=target, request_ref="FIN-3", kind="notice").to_dict()

    rows: list[Row] = [
        {"id": 1, "dedupe_key": "FIN-3:acknowledged", "target": "person:henry",
         "request_id": 3, "payload": message(DONE_TEXTS[0], "person:henry"),
         "created_at": T0 + 90 * M, "due_at": T0 + 90 * M, "attempts": 1, "last_error": None,
         "delivered_at": T0 + 91 * M, "platform_ref": "1763256660.000100"},
        {"id": 2, "dedupe_key": None, "target": "person:henry", "request_id": 3,
         "payload": message(PENDING_TEXT, "person:henry"), "created_at": T0 + 4 * H,
         "due_at": T0 + 4 * H, "attempts": 2, "last_error": "ratelimited",
         "delivered_at": None, "platform_ref": None},
    ]
    if "failed_at" in columns["outbox"]:
        rows.append({"id": 3, "dedupe_key": None, "target": "dept:finance", "request_id": 1,
                     "payload": message(DONE_TEXTS[1], "dept:finance"), "created_at": T0,
                     "due_at": T0, "attempts": 1, "last_error": "channel_not_found",
                     "delivered_at": None, "platform_ref": None, "leased_at": T0 + M,
                     "failed_at": T0 + M, "failed_reason": "channel_not_found"})
    return rows


def story(columns: Columns) -> dict[str, list[Row]]:
    """The rows we know how to tell for each table of the revision (a table it lacks is
    skipped, a column it lacks is left out)."""
    requests = requests_at(columns)
    by_state = {state: number for number, state in requests}
    waiting = by_state["waiting"]
    paused = int(_request(waiting, "waiting")["paused_at"].timestamp())
    rows: dict[str, list[Row]] = {
        "person": _people(),
        "department_counter": [{"department": "finance", "last_number": len(requests)},
                               {"department": "it", "last_number": 0}],
        "request": [_request(n, s) for n, s in requests],
        "event": [e for n, s in requests for e in _events(n, s)],
        "breach": [{"id": 1, "request_id": LATE, "department": "finance",
                    "target": "resolution", "due_at": _request(LATE, "closed")["resolution_due"],
                    "detected_at": _request(LATE, "closed")["resolution_due"] + M,
                    "late_seconds": 86400, "cycle": 0}],
        "nudge_claim": [{"key": f"{waiting}:remind_waiting::{paused}:1:person:henry",
                         "request_id": waiting, "claimed_at": T0 + D}],
        "rating": [{"id": i, "request_id": n, "rater_id": "henry", "stars": stars,
                    "comment": comment, "tags": tags,
                    "created_at": _request(n, "closed")["closed_at"] + H,
                    "updated_at": _request(n, "closed")["closed_at"] + H}
                   for i, (n, (stars, tags, comment)) in enumerate(RATED.items(), start=1)],
        "suggestion": [
            {"id": 1, "department": "finance", "author_id": "alice", "anonymous": True,
             "text": "报销流程太慢", "reply": None, "replied_by": None, "created_at": T0 + D},
            {"id": 2, "department": "finance", "author_id": "henry", "anonymous": False,
             "text": "online receipts please", "reply": "from December",
             "replied_by": "carol", "created_at": T0 + 2 * D}],
        "outbox": _outbox(columns),
        "platform_token": [
            {"key": "wecom:ww1234:1000002:access_token", "value": "tok-current",
             "expires_at": T0 + 2 * H},
            {"key": "slack:T0CROSS:bot_token", "value": "xoxb-rotated", "expires_at": None},
            # wechatpy's own key, holding part of the secret: 0006 deletes it
            {"key": "ww1234_Fq3x9Ab2Kp_access_token", "value": "tok-legacy",
             "expires_at": T0 + H}],
        "seen_nonce": [{"nonce": "1372623149", "seen_at": T0 + H},
                       # Slack's claims lived here until 0005 moved them to delivery
                       {"nonce": "slack:Ev0123ABC", "seen_at": T0 + H}],
        "inbox": [{"id": 1, "key": "slack:cmd:T0CROSS:1763254800.1", "attempts": 1,
                   "payload": {"command": "/request", "text": "finance reimbursement taxi",
                               "user_id": "U0HENRY"},
                   "received_at": T0, "lease_until": None, "done_at": T0 + M}],
        "delivery": [{"key": "slack:Ev0456DEF", "seen_at": T0 + 2 * H,
                      "answer": [Message(text="FIN-1 opened", target="person:henry").to_dict()]}],
        "send_log": [{"id": 1, "key": "user:lihua", "sent_at": T0 + 90 * M}],
        "disclosure": [{"id": 1, "actor_id": "carol", "kind": "anonymous_senders",
                        "subject_ids": [1], "created_at": T0 + 3 * D}],
        "held_message": [{"id": 1, "person_id": "henry", "platform": "slack",
                          "text": "any news?", "files": [], "created_at": T0 + 5 * H,
                          "attached_ref": "FIN-4", "attached_at": T0 + 6 * H}],
        "attachment": [{"id": 1, "request_id": 1, "author_id": "henry", "name": "发票.pdf",
                        "mime": "application/pdf", "size": 8, "source": "slack:F0INVOICE",
                        "state": "stored", "share_to": "dept:finance", "internal": False,
                        "location": None, "sha256": "ab" * 32, "failed_reason": None,
                        "created_at": T0 + M, "fetch_until": T0 + H, "stored_at": T0 + 2 * M}],
        "file_blob": [{"attachment_id": 1, "data": b"%PDF-1.4"}],
        "request_field": [
            {"id": 1, "request_id": 1, "key": "amount", "type": "amount", "text": None,
             "number": Decimal("86.50"), "currency": "CNY", "day": None},
            {"id": 2, "request_id": 1, "key": "spent_on", "type": "date", "text": None,
             "number": None, "currency": None, "day": date(2026, 11, 15)}],
        "form_draft": [{"person_id": "alice", "department": "finance",
                        "category": "reimbursement", "values": {"spent_on": "2026-11-20"},
                        "details": "hotel", "asking": "amount", "answer_to": "person:alice",
                        "priority": None, "raise_priority": False, "files": [],
                        "started_at": T0 + 4 * D, "expires_at": T0 + 5 * D}],
        "deflection": [{"id": 1, "department": "finance", "category": "question",
                        "person_id": "alice", "at": T0 + 3 * H}],
        "erasure": [{"id": 1, "pseudonym": "former-7f3a", "erased_by": "root",
                     "at": T0 + 5 * D, "counts": {"request": 2, "event": 3}}],
        "away": [{"person_id": "carol", "delegate_id": "bob", "since": T0 + 4 * D,
                  "until": T0 + 20 * D}],
    }
    if "approval_step" in columns:
        rows["approval_step"] = [
            {"id": 1, "request_id": by_state["pending_approval"], "round": 0, "position": 0,
             "spec": ["manager"], "approvers": ["grace"], "mode": "any", "state": "pending",
             "decided_by": None, "decided_at": None, "reason": None,
             "started_at": T0 + 80 * M, "nudges": 1},
            {"id": 2, "request_id": by_state["rejected"], "round": 0, "position": 0,
             "spec": ["manager"], "approvers": ["grace"], "mode": "any", "state": "rejected",
             "decided_by": "grace", "decided_at": T0 + 2 * H, "reason": "no receipt",
             "started_at": T0 + 90 * M, "nudges": 0}]
        rows["approval_vote"] = [{"id": 1, "step_id": 2, "person_id": "grace",
                                  "decision": "rejected", "at": T0 + 2 * H}]
    rows["proposal"] = [{"id": 1, "request_id": PROPOSED, "department": "finance", "cycle": 0,
                         "round": 1, "proposer_id": "bob", "kind": "desk",
                         "due_at": T0 + 5 * D, "text": "the bank is closed until Friday",
                         "overdue_since": None, "state": "pending",
                         "created_at": T0 + 3 * H + 30 * M, "decided_by": None,
                         "decided_at": None, "reason": None}]
    return {table: [{k: v for k, v in row.items() if k in columns[table]} for row in rows_]
            for table, rows_ in rows.items() if table in columns}


def filler(table: str, column: str, declared: TypeEngine[Any], foreign: bool) -> Any:
    """A plausible value for a column we have no story for, by its type (a foreign key
    points at the first row of its table, which every table has)."""
    kind: Any = declared.impl if isinstance(declared, TypeDecorator) else declared  # AutoString
    if foreign or isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return T0
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Numeric):
        return Decimal("1.00")
    if isinstance(kind, Date):
        return W47
    if isinstance(kind, LargeBinary):
        return b"\x00"
    if isinstance(kind, JSON):
        return {}
    length = kind.length if isinstance(kind, String) else None
    return f"{table}.{column}"[: length or None]
