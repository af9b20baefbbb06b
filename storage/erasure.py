"""The right to erasure: a person's name and ids replaced by a pseudonym in every table the
personal-data map names, their own rows and files deleted, the figures kept."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, cast, delete, func, or_, select, update
from sqlmodel import Session, SQLModel, col

from storage import erasure_files
from storage.erasure_files import ERASED
from storage.models import Erasure, Outbox, Person
from storage.personal_data import COLUMNS, DELETED_WITH_PERSON, Kind

PREFIX = "erased-"
_WORD = r"A-Za-z0-9_"
# an id is a whole word: not inside another id ("alice" in "alice-b", "malice")
_BEFORE = rf"(?<![{_WORD}])(?<![{_WORD}][-.])"
_AFTER = rf"(?![{_WORD}]|[-.][{_WORD}])"
_ADDRESSED = r"(?:(?<=person:)|(?<=@)|(?<=:))"
MIN_WORD = 3
FILES_MARK = "📎"  # the bot writes a file's name as "📎 name (size)", a list as "📎 a, b"
FILE_GONE = "—"  # in place of an erased person's file name
_FILE_END = r"(?=$|[\s,;)）(（])"


@dataclass(frozen=True)
class Traces:
    """What identifies the person in text: id, name, Slack and WeCom ids."""

    person_id: str
    name: str
    slack_id: str | None
    wecom_id: str | None
    files: tuple[str, ...] = ()  # the names of the files they shared

    def needles(self) -> list[str]:
        """Every string to look for (lowercase, as stored and JSON-escaped)."""
        found = [v for v in (self.person_id, self.name, self.slack_id, self.wecom_id) if v]
        escaped = [json.dumps(v)[1:-1] for v in found]
        return sorted({v.lower() for v in found + escaped})

    def replacer(self, pseudonym: str, files: bool = True) -> Callable[[str], str]:
        """A function that puts ``pseudonym`` wherever the person is named or mentioned and,
        with ``files``, a dash for the names of their files where the bot wrote them (after
        a 📎, or as a whole value: a form's file field)."""
        names = sorted(set(self.files), key=len, reverse=True) if files else []
        either = "|".join(re.escape(n) for n in names)
        labels = re.compile(f"{FILES_MARK} (?:{either})(?:, (?:{either}))*{_FILE_END}") \
            if names else None
        patterns: list[re.Pattern[str]] = []
        if len(self.name.strip()) >= 2:
            patterns.append(re.compile(re.escape(self.name.strip())))
        if self.slack_id:
            patterns.append(re.compile(re.escape(self.slack_id)))
        if self.wecom_id:  # WeCom userids ignore case
            patterns.append(re.compile(_BEFORE + re.escape(self.wecom_id) + _AFTER, re.I))
        # a short id ("li") is also an ordinary word: only where it addresses someone
        before = _BEFORE if len(self.person_id) >= MIN_WORD else _ADDRESSED
        patterns.append(re.compile(before + re.escape(self.person_id) + _AFTER))

        def replace(text: str) -> str:
            if labels is not None:
                if text in names:
                    return FILE_GONE
                text = labels.sub(f"{FILES_MARK} {FILE_GONE}", text)
            for pattern in patterns:
                text = pattern.sub(pseudonym, text)
            return text

        return replace


@dataclass
class Erased:
    """What an erasure changed (or would change): rows per table, files to remove."""

    pseudonym: str
    changed: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # locations in the [files] dir

    def counts(self) -> dict[str, int]:
        """One flat mapping for the erasure record: ``table`` changed, ``table:deleted``."""
        flat = {k: v for k, v in self.changed.items() if v}
        flat.update({f"{k}:deleted": v for k, v in self.deleted.items() if v})
        return dict(sorted(flat.items()))


def new_pseudonym(session: Session) -> str:
    """``erased-`` and 8 random hex digits, used by nobody and by no earlier erasure (not
    derived from the person)."""
    while True:
        candidate = PREFIX + secrets.token_hex(4)
        taken = session.get(Person, candidate) or session.execute(
            select(col(Erasure.id)).where(col(Erasure.pseudonym) == candidate)).first()
        if not taken:
            return candidate


def erase(session: Session, person_id: str, erased_by: str, now: datetime,
          pseudonym: str | None = None) -> Erased | None:
    """Erase ``person_id`` in the session's transaction (None if there is no such person):
    pseudonym for their id and name everywhere, platform ids, locale and manager dropped
    (their reports left with no manager), their drafts, away rows, held messages, pacing
    rows and files deleted, an ``erasure`` row recorded. The caller removes
    ``Erased.files`` from disk once committed, or rolls back for a dry run."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    files = erasure_files.of_person(session, person_id)
    traces = Traces(person_id, person.name, person.slack_id, person.wecom_id, files.names)
    outcome = Erased(pseudonym or new_pseudonym(session), files=files.locations)
    _delete_own_rows(session, traces, outcome)
    for key, count in erasure_files.erase(session, files, person_id, now).items():
        table, _, deleted = key.partition(":")
        counts = outcome.deleted if deleted else outcome.changed
        counts[table] = counts.get(table, 0) + count
    _stop_waiting_messages(session, person_id, now)
    # Who they reported to (and their language) would say who they were in a small company
    session.execute(update(Person).where(col(Person.id) == person_id).values(
        id=outcome.pseudonym, name=outcome.pseudonym, slack_id=None, wecom_id=None,
        manager_id=None, locale=None))
    outcome.changed["person"] = 1 + _unlink_reports(session, person_id)
    for table, columns in COLUMNS.items():
        # an attachment row's name is its own (another's file may be named as theirs was)
        replace = traces.replacer(outcome.pseudonym, files=table != "attachment")
        changed = _rewrite(session, SQLModel.metadata.tables[table], columns, traces,
                           outcome.pseudonym, replace)
        outcome.changed[table] = outcome.changed.get(table, 0) + changed
    session.add(Erasure(pseudonym=outcome.pseudonym, erased_by=erased_by, at=now,
                        counts=outcome.counts()))
    session.flush()
    return outcome


def _delete_own_rows(session: Session, traces: Traces, outcome: Erased) -> None:
    for table_name, column in DELETED_WITH_PERSON.items():
        table = SQLModel.metadata.tables[table_name]
        result = session.execute(delete(table).where(table.c[column] == traces.person_id))
        outcome.deleted[table_name] = result.rowcount or 0  # type: ignore[attr-defined]
    if traces.wecom_id:  # WeCom pacing counts sends per "user:<userid>"
        table = SQLModel.metadata.tables["send_log"]
        key = f"user:{traces.wecom_id}".lower()
        result = session.execute(delete(table).where(func.lower(table.c.key) == key))
        outcome.deleted["send_log"] = result.rowcount or 0  # type: ignore[attr-defined]


def _unlink_reports(session: Session, person_id: str) -> int:
    """Those who had the person as manager have none now (rows changed): approvals for a
    manager go to the desk's leads instead of to an unreachable pseudonym; a config or
    directory sync gives them their new manager."""
    result = session.execute(update(Person).where(col(Person.manager_id) == person_id)
                             .values(manager_id=None))
    return result.rowcount or 0  # type: ignore[attr-defined]


def _stop_waiting_messages(session: Session, person_id: str, now: datetime) -> None:
    """Messages still on their way to the person are not sent: marked failed ("erased")."""
    session.execute(update(Outbox).where(
        col(Outbox.target) == f"person:{person_id}", col(Outbox.delivered_at).is_(None),
        col(Outbox.failed_at).is_(None)).values(failed_at=now, failed_reason=ERASED))


def _rewrite(session: Session, table: Table, columns: dict[str, Kind], traces: Traces,
             pseudonym: str, replace: Callable[[str], str]) -> int:
    """Put the pseudonym in every row of ``table`` that names the person; rows changed."""
    personal = {name: kind for name, kind in columns.items()
                if kind in (Kind.ID, Kind.IDS, Kind.TEXT, Kind.JSON)}
    if not personal:
        return 0
    needles = traces.needles()
    wanted = []
    for name, kind in personal.items():
        column = table.c[name]
        if kind is Kind.ID:
            wanted.append(column == traces.person_id)
        else:
            text = func.lower(cast(column, Text)) if kind is not Kind.TEXT else \
                func.lower(column)
            wanted.extend(text.contains(n, autoescape=True) for n in needles)
    keys = list(table.primary_key.columns)
    stmt = select(*keys, *(table.c[name] for name in personal)).where(or_(*wanted))
    changed = 0
    for row in session.execute(stmt).all():
        old = row._mapping
        new: dict[str, Any] = {}
        for name, kind in personal.items():
            value = _rewritten(old[name], kind, traces.person_id, pseudonym, replace)
            if value != old[name]:
                new[name] = None if table.name == "delivery" and name == "answer" else value
        if new:
            where = [key == old[key.name] for key in keys]
            session.execute(update(table).where(*where).values(new))
            changed += 1
    return changed


def _rewritten(value: Any, kind: Kind, person_id: str, pseudonym: str,
               replace: Callable[[str], str]) -> Any:
    if value is None:
        return None
    if kind is Kind.ID:
        return pseudonym if value == person_id else value
    if kind is Kind.IDS:
        return [pseudonym if item == person_id else _walk(item, replace) for item in value]
    if kind is Kind.TEXT:
        return replace(value)
    return _walk(value, replace)


def _walk(value: Any, replace: Callable[[str], str]) -> Any:
    """A JSON document with ``replace`` applied to every string in it, keys too."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_walk(item, replace) for item in value]
    if isinstance(value, dict):
        return {replace(k): _walk(v, replace) for k, v in value.items()}
    return value
