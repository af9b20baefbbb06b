"""Where personal data lives: every text or JSON column of every table, declared as a person
id, a list of person ids, free text (which can name or mention someone), a platform id, or
not personal. Erasure and the right of access follow this map; a test fails when a column is
added without a declaration."""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """What a column holds, as far as people are concerned."""

    ID = "id"  # one person id (plain string)
    IDS = "ids"  # a JSON list of person ids (and other words, such as "manager")
    TEXT = "text"  # free text or a key that may name, mention or embed someone
    JSON = "json"  # a JSON document whose strings may name, mention or embed someone
    PLATFORM = "platform"  # a person's own platform id (person.slack_id, wecom_id)
    NOT_PERSONAL = "not personal"  # states, keys of the catalog, tokens, hashes, numbers


ID, IDS, TEXT, JSON, PLATFORM, NO = (Kind.ID, Kind.IDS, Kind.TEXT, Kind.JSON, Kind.PLATFORM,
                                     Kind.NOT_PERSONAL)

# table → column → kind. Rows whose id column names the erased person are deleted outright in
# the tables of ``DELETED_WITH_PERSON``; the person row itself keeps a pseudonym.
COLUMNS: dict[str, dict[str, Kind]] = {
    "person": {"id": ID, "name": TEXT, "locale": NO, "slack_id": PLATFORM,
               "wecom_id": PLATFORM, "manager_id": ID, "source": NO},
    "department_counter": {"department": NO},
    "request": {"ref": NO, "origin_department": NO, "department": NO, "category": NO,
                "requester_id": ID, "requester_department": NO, "assignee_id": ID,
                "resolver_id": ID, "priority": NO, "state": NO, "title": TEXT,
                "details": TEXT, "resolution_note": TEXT, "thread_ref": NO},
    "event": {"actor_id": ID, "kind": NO, "from_state": NO, "to_state": NO, "note": TEXT},
    "breach": {"department": NO, "target": NO},
    "nudge_claim": {"key": TEXT},  # "…:<recipient id>"
    "rating": {"rater_id": ID, "comment": TEXT, "tags": NO},
    "suggestion": {"department": NO, "author_id": ID, "text": TEXT, "reply": TEXT,
                   "replied_by": ID},
    "disclosure": {"actor_id": ID, "kind": NO, "subject_ids": NO},  # subject_ids: row ids
    "held_message": {"person_id": ID, "platform": NO, "text": TEXT, "files": JSON,
                     "attached_ref": NO},
    "outbox": {"dedupe_key": TEXT, "target": TEXT, "payload": JSON, "last_error": TEXT,
               "platform_ref": NO, "failed_reason": TEXT,
               "progress": NO},  # channel ids, message refs and a digest, as platform_ref
    "platform_token": {"key": NO, "value": NO},
    "seen_nonce": {"nonce": NO},
    "delivery": {"key": TEXT, "answer": JSON},  # key: "<wecom userid>:…", a Slack event id
    "send_log": {"key": TEXT},  # "user:<wecom userid>", "chat:…", "robot:…"
    "attachment": {"author_id": ID, "name": TEXT, "mime": NO, "source": TEXT, "state": NO,
                   "share_to": TEXT, "location": NO, "sha256": NO, "failed_reason": TEXT},
    "file_blob": {},  # bytes only: deleted with the erased person's files
    "request_field": {"key": NO, "type": NO, "text": TEXT, "currency": NO},
    "form_draft": {"person_id": ID, "department": NO, "category": NO, "values": JSON,
                   "details": TEXT, "asking": NO, "answer_to": TEXT, "priority": NO,
                   "files": JSON},
    "deflection": {"department": NO, "category": NO, "person_id": ID},
    "approval_step": {"spec": IDS, "approvers": IDS, "mode": NO, "state": NO,
                      "decided_by": ID, "reason": TEXT},
    "approval_vote": {"person_id": ID, "decision": NO},
    "away": {"person_id": ID, "delegate_id": ID},
    "proposal": {"department": NO, "proposer_id": ID, "kind": NO, "text": TEXT, "state": NO,
                 "decided_by": ID, "reason": TEXT},
    "erasure": {"pseudonym": NO, "erased_by": ID, "counts": NO},
    "config_fingerprint": {"scope": NO, "sha256": NO},
}

# Rows that are only the erased person's: deleted, not pseudonymised (table → its id column).
DELETED_WITH_PERSON: dict[str, str] = {
    "form_draft": "person_id", "away": "person_id", "held_message": "person_id",
}


def columns_of(kind: Kind) -> list[tuple[str, str]]:
    """Every (table, column) declared as ``kind``."""
    return [(table, name) for table, cols in COLUMNS.items()
            for name, found in cols.items() if found is kind]
