"""`crossdesk sync wecom`: people and managers from WeCom's org chart; membership is reported.

Departments and their members come from config.toml, which every start re-reads, so sync
never rewrites it: it lists where WeCom and the config disagree for an admin to decide.
It writes Person rows: people new to us, and the name and manager of people not in config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.adapters.wecom.client import command_errors
from bot.adapters.wecom.people import DEFAULT_LOCALE, person_id_for
from bot.runtime.app import DeskApp
from bot.runtime.plural import count
from handlers.managers import Unit, manager_of
from storage import people, wecom_store
from storage.engine import transaction


@dataclass(frozen=True)
class Change:
    """One Person write: a new person, or a new name or manager."""

    person_id: str
    field: str
    old: str | None
    new: str | None
    userid: str = ""

    def line(self) -> str:
        """How the change prints."""
        if self.field == "new":
            return f"+ person {self.person_id} {self.new} (WeCom userid {self.userid})"
        old, new = self.old or "(none)", self.new or "(none)"
        return f"~ {self.field} of {self.person_id}: {old} → {new}"


def sync_org(app: DeskApp, client: Any, dry_run: bool = True) -> list[str]:
    """Compare WeCom's org chart with ours; write Person changes unless ``dry_run``.
    WeComCommandError (one line, no secret) when WeCom cannot be reached or refuses."""
    with command_errors("the org chart (department/list, user/list)"):
        departments = list(client.department.get())
        ids = {int(d["id"]) for d in departments}
        users: dict[str, dict[str, Any]] = {}
        for top in (d for d in departments if int(d.get("parentid") or 0) not in ids):
            for user in client.user.list(int(top["id"]), fetch_child=True):
                users[str(user["userid"])] = user
    with Session(app.desk.engine) as session:
        known = {uid: row for uid in users  # userids ignore case, as WeCom's do
                 if (row := wecom_store.person_by_userid(session, uid)) is not None}
    pid = {uid: (known[uid].id if uid in known else person_id_for(uid)) for uid in users}
    configured = {p.id: p for p in app.settings.catalog.people}
    changes: list[Change] = []
    notes: list[str] = []
    units = _units(departments, users)
    for uid, user in sorted(users.items()):
        name = str(user.get("name") or uid)
        boss_uid = manager_of(uid, [str(x) for x in user.get("direct_leader") or []],
                              _departments_of(user), units)
        boss = pid.get(boss_uid) if boss_uid else None
        if uid not in known:
            changes.append(Change(pid[uid], "new", None, name, uid))
        spec = configured.get(pid[uid])
        if spec is not None:
            if boss and boss != spec.manager:
                notes.append(f"! manager of {spec.id}: config.toml says {spec.manager or '(none)'}"
                             f", WeCom says {boss}; config wins — edit [[people]] manager")
            continue
        row = known.get(uid)
        if row is not None and row.name != name:
            changes.append(Change(row.id, "name", row.name, name))
        if boss and (row.manager_id if row else None) != boss:
            changes.append(Change(pid[uid], "manager", row.manager_id if row else None, boss))
    notes += _membership(app, departments, users, pid)
    if not dry_run and changes:
        _apply(app, changes)
    lines = [c.line() for c in changes] + notes
    written = count(len(changes), "change", "changes")
    tail = (f"dry run: {written} to write; nothing written" if dry_run
            else f"wrote {written}")
    return [*lines, tail]


def _units(departments: list[dict[str, Any]], users: dict[str, dict[str, Any]]) -> dict[int, Unit]:
    """WeCom's departments as the org chart: id → parent (``parentid`` 0: none) and leaders
    (``department_leader``, then members flagged ``is_leader_in_dept``)."""
    leaders = {int(d["id"]): [str(u) for u in d.get("department_leader") or []]
               for d in departments}
    for uid, user in users.items():
        for dep, flag in zip(user.get("department") or [], user.get("is_leader_in_dept") or [],
                             strict=False):
            if flag and uid not in leaders.setdefault(int(dep), []):
                leaders[int(dep)].append(uid)
    parents = {int(d["id"]): int(d.get("parentid") or 0) or None for d in departments}
    return {dep: Unit(parents.get(dep), tuple(names)) for dep, names in leaders.items()}


def _departments_of(user: dict[str, Any]) -> list[int]:
    """A WeCom user's department ids, the main one (``main_department``) first."""
    deps = [int(x) for x in user.get("department") or []]
    main = int(user.get("main_department") or 0)
    return [main, *(d for d in deps if d != main)] if main else deps


def _membership(app: DeskApp, departments: list[dict[str, Any]], users: dict[str, dict[str, Any]],
                pid: dict[str, str]) -> list[str]:
    """Where a WeCom department's members differ from its desk's members in config.toml."""
    catalog = app.settings.catalog
    with_wecom = {p.id for p in catalog.people if p.wecom}
    notes = []
    for d in departments:
        dep = catalog.find_department(str(d.get("name") or "")) or (
            catalog.find_department(str(d["name_en"])) if d.get("name_en") else None)
        if dep is None:
            continue
        members = {pid[uid] for uid, u in users.items() if int(d["id"]) in
                   [int(x) for x in u.get("department") or []]}
        staff = set(dep.staff())
        label = f"{dep.key} (WeCom department {d.get('name')}, id {d['id']})"
        if extra := sorted(members - staff):
            notes.append(f"! {label}: in WeCom, not in config members: {', '.join(extra)}")
        if missing := sorted((staff & with_wecom) - members):
            notes.append(f"! {label}: in config members, not in WeCom: {', '.join(missing)}")
    return notes


def _apply(app: DeskApp, changes: list[Change]) -> None:
    """Write the changes in one transaction: new people first, then names and managers."""
    now = app.clock()
    with transaction(app.desk.engine) as session:
        for change in (c for c in changes if c.field == "new"):
            people.register(session, change.person_id, change.new or change.userid, now,
                            source="wecom", locale=DEFAULT_LOCALE, wecom_id=change.userid)
        session.flush()
        for change in (c for c in changes if c.field != "new"):
            row = people.get(session, change.person_id)
            if row is None:
                continue
            if change.field == "name":
                row.name = change.new or row.name
            else:
                row.manager_id = change.new
            session.add(row)
