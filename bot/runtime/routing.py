"""Pick the platform sender that reaches a message's target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime.dispatch import Sender
from handlers.catalog import Catalog
from handlers.messages import Message
from storage import people
from storage.engine import reader_for


@dataclass
class PlatformRoute:
    """One platform's sender and which targets it can reach."""

    name: str
    sender: Sender
    reaches_person: Callable[[str | None, str | None], bool]
    reaches_department: Callable[[str], bool]


@dataclass
class SenderRouter:
    """People go to the first enabled platform they have an id on; channels likewise."""

    engine: Engine
    catalog: Catalog
    routes: list[PlatformRoute]
    fallback: Sender  # for targets no route reaches (serve's ``Unreachable`` refuses them)
    _ids: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def platform_ids(self, person_id: str) -> tuple[str | None, str | None]:
        """(slack id, wecom id) of a person, cached."""
        if person_id not in self._ids:
            with Session(reader_for(self.engine)) as session:
                row = people.get(session, person_id)
            self._ids[person_id] = (row.slack_id, row.wecom_id) if row else (None, None)
        return self._ids[person_id]

    def __call__(self, message: Message) -> Sender:
        via = message.extra.get("via")
        for route in self.routes:
            if via and route.name == via:
                return route.sender
        if message.target_kind == "channel":
            return self.routes[0].sender if self.routes else self.fallback
        if message.target_kind == "dept":
            for route in self.routes:
                if route.reaches_department(message.target_id):
                    return route.sender
            return self.fallback
        slack_id, wecom_id = self.platform_ids(message.target_id)
        for route in self.routes:
            if route.reaches_person(slack_id, wecom_id):
                return route.sender
        return self.fallback
