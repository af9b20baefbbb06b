"""WeCom userids ↔ our people: who is typing, and whom a message reaches on WeCom."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.adapters.newcomers import newcomer_id
from bot.adapters.people import PlatformPeople, Profile
from bot.adapters.wecom.client import WeComClient, describe
from handlers.catalog import Catalog
from handlers.desk import Clock
from storage import people, wecom_store

log = logging.getLogger(__name__)
DEFAULT_LOCALE = "zh-CN"


def person_id_for(userid: str) -> str:
    """The id we give someone first met on WeCom (userids ignore case, so the id is lower
    case: one person however WeCom spells them)."""
    return newcomer_id("wecom", userid)


class Directory:
    """Looks people up by WeCom userid and registers newcomers (name from user/get), the
    shared way (``bot.adapters.people``). Who a userid is, and a person's userid, are
    remembered for the process's life: they are asked on every message and every send."""

    def __init__(self, engine: Engine, reader: Engine, catalog: Catalog, client: WeComClient,
                 clock: Clock) -> None:
        self.engine = engine
        self.reader = reader
        self.catalog = catalog
        self.client = client
        self.clock = clock
        self.people = PlatformPeople(
            engine, "wecom", wecom_store.person_by_userid, self._profile, clock, DEFAULT_LOCALE,
            {p.wecom: p.locale for p in catalog.people if p.wecom and p.locale},
            reader=reader, ignore_case=True)
        self._userid_of: dict[str, str] = {}

    def locale_of(self, userid: str) -> str:
        """The language a WeCom user reads, from memory only (theirs once met in this process,
        else the config's, else Chinese), as on Slack: for the answers given without the
        database (busy, try again)."""
        return self.people.locale_of(userid)

    def actor_for(self, userid: str) -> str:
        """Our person id for a WeCom user, registering them (Chinese by default) if new.
        Userids are unique ignoring case: ``ZhangWei`` and ``zhangwei`` are one person."""
        return self.people.resolve(userid).person_id

    def _profile(self, userid: str, _fallback_name: str | None) -> Profile:
        """A newcomer's name from user/get (the userid if WeCom cannot say), in Chinese."""
        try:
            info = self.client.user.get(userid)
        except (WeChatClientException, OSError) as exc:
            log.warning("user/get failed for a new WeCom user: %s", describe(exc))
            return userid, DEFAULT_LOCALE
        return str(info.get("name") or userid), DEFAULT_LOCALE

    def userid_of(self, person_id: str) -> str | None:
        """The person's WeCom userid, if they have one."""
        known = self._userid_of.get(person_id)
        if known is None:  # not met yet, or no userid then (sync may add one): ask again
            known = self.people.platform_id_of(person_id)
            if known:
                self._userid_of[person_id] = known
        return known

    def staff_userids(self, department: str) -> list[str]:
        """WeCom userids of the department's members and leads (those who have one)."""
        staff = self.catalog.department(department).staff()
        unknown = [pid for pid in staff if pid not in self._userid_of]
        if unknown:  # as ``userid_of``: those without one are asked again next time
            with Session(self.reader) as session:
                for pid in unknown:
                    row = people.get(session, pid)
                    if row is not None and row.wecom_id:
                        self._userid_of[pid] = row.wecom_id
        return [self._userid_of[pid] for pid in staff if pid in self._userid_of]

    def name_of(self, person_id: str) -> str:
        """A person's display name."""
        with Session(self.reader) as session:
            return people.name_of(session, person_id)
