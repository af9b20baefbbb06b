"""Negotiation measured honestly, per desk and week: requests renegotiated, agreed dates
met, and resolution attainment against the original targets beside the agreed ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.desk import Desk
from handlers.i18n import t
from handlers.rounding import half_up
from storage import proposals


@dataclass(frozen=True)
class Negotiated:
    """One desk's week (met, in all): the agreed targets, and every resolution target
    against the original date and against the one in force (agreed where there is one)."""

    renegotiated: int = 0
    agreed: tuple[int, int] = (0, 0)
    original: tuple[int, int] = (0, 0)
    in_force: tuple[int, int] = (0, 0)

    @property
    def shown(self) -> bool:
        """Anything to say: a request renegotiated, or an agreed date due, this week."""
        return bool(self.renegotiated or self.agreed[1])


def figures(session: Session, desk: Desk, start: datetime, end: datetime
            ) -> dict[str, Negotiated]:
    """Every desk's figures for [start, end); key '*' is the company."""
    counts = proposals.renegotiated(session, start, end)
    agreed = proposals.targets(session, start, end, agreed_only=True)
    original = proposals.targets(session, start, end, original=True)
    in_force = proposals.targets(session, start, end)
    keys = [d.key for d in desk.catalog.departments]
    out = {k: Negotiated(counts.get(k, 0), agreed.get(k, (0, 0)), original.get(k, (0, 0)),
                         in_force.get(k, (0, 0))) for k in keys}
    out["*"] = Negotiated(
        sum(counts.values()), _sum(agreed.values()), _sum(original.values()),
        _sum(in_force.values()))
    return out


def _sum(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    items = list(pairs)
    return sum(m for m, _ in items), sum(n for _, n in items)


def _pct(pair: tuple[int, int]) -> str:
    met, total = pair
    return f"{half_up(met / total, scale=100)}%" if total else "—"


def digest_lines(n: Negotiated | None, locale: str) -> list[str]:
    """The digest's line, when the desk renegotiated anything or an agreed date fell due."""
    if n is None or not n.shown:
        return []
    return [t(locale, "digest.negotiated", n=n.renegotiated, met=n.agreed[0], total=n.agreed[1],
              original=_pct(n.original), agreed=_pct(n.in_force))]


def scorecard_suffix(n: Negotiated | None, locale: str) -> str:
    """What a scorecard line adds for a desk that renegotiated."""
    if n is None or not n.shown:
        return ""
    return t(locale, "scorecard.negotiated", n=n.renegotiated, original=_pct(n.original))
