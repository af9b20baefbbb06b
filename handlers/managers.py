"""Who someone's manager is, from an org chart: their direct leader, else the nearest
department leader up the tree from their main department; never the person themself.

Plain data in (a platform's adapter reads its org chart into ``Unit``s); the answer feeds a
Person's ``manager_id``, which approval routing (``handlers.approval_route``) follows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A department of the org chart: its parent's id (None at the top) and its leaders."""

    parent: int | None
    leaders: tuple[str, ...] = ()


def manager_of(person: str, direct: Sequence[str], departments: Sequence[int],
               units: Mapping[int, Unit]) -> str | None:
    """``person``'s manager: the first of their ``direct`` leaders, else the first leader of
    their first (main) department or, with none there but them, of the nearest above it."""
    for leader in direct:
        if leader != person:
            return leader
    seen: set[int] = set()
    unit_id = departments[0] if departments else None
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        unit = units.get(unit_id)
        if unit is None:
            return None
        for leader in unit.leaders:
            if leader != person:
                return leader
        unit_id = unit.parent
    return None
