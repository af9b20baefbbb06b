"""Company report for any period: the scorecard and the internal service map (text, CSV, HTML)."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.cli.report_forms import AmountRow, amount_rows
from bot.cli.report_map import CONFIDENTIAL, OTHER, ServiceMap, service_map
from bot.runtime import charts
from handlers.desk import Desk
from handlers.digest import Figures, compute, tally, week_start
from handlers.digest_render import arrow, idle, score
from handlers.i18n import join, normalize_locale, t
from handlers.rounding import half_up

DAY = timedelta(days=1)
CSV_HEADS = ("start,end,timezone,timeliness_weight",
             "rank,department,name,requests,first_response_attainment,resolution_attainment,"
             "rating_avg,ratings,score,previous_score,trend",
             "requesting_department,serving_department,requests,rating_avg,ratings")


def format_for(output: Path | None) -> str:
    """The format a report without --format is written in: from the file's extension
    (``.csv``, ``.html``/``.htm``), else text."""
    suffix = output.suffix.lower() if output is not None else ""
    return {".csv": "csv", ".html": "html", ".htm": "html"}.get(suffix, "text")


def _zh(locale: str) -> bool:
    return normalize_locale(locale, "en") == "zh-CN"


def _say(locale: str, key: str, **values: object) -> str:
    return t(locale, f"report.{key}", **values)


@dataclass(frozen=True)
class ScoreRow:
    """One department's scorecard line; the previous period's score gives the trend."""

    key: str
    figures: Figures
    score: float | None
    previous_score: float | None

    @property
    def trend(self) -> str:
        """↑, ↓ or → against the previous period ('' when either score is missing)."""
        return arrow(self.score, self.previous_score)


@dataclass(frozen=True)
class Report:
    """Everything the company report shows for [start, end)."""

    start: datetime
    end: datetime
    timezone: str
    weight: float
    names: dict[str, tuple[str, str]]
    rows: list[ScoreRow]
    service_map: ServiceMap
    trend: list[tuple[str, Figures]]
    amounts: list[AmountRow] = field(default_factory=list)

    def label(self, key: str, locale: str) -> str:
        """A department's name (or the label of those outside every department) in ``locale``."""
        return self.names.get(key, (key, key))[_zh(locale)]

    def days(self, previous: bool = False) -> tuple[date, date]:
        """First and last local day of the period (or of the one before it)."""
        shift, tz = (self.end - self.start) * previous, ZoneInfo(self.timezone)
        return ((self.start - shift).astimezone(tz).date(),
                (self.end - shift - timedelta(microseconds=1)).astimezone(tz).date())


def build_report(session: Session, desk: Desk, start: datetime, end: datetime,
                 weight: float | None = None) -> Report:
    """Scorecard (best score first, no score last) and service map for [start, end)."""
    weight = desk.service.timeliness_weight if weight is None else weight
    now = compute(session, desk, start, end)
    before = tally(session, desk, start - (end - start), start)
    keys = [d.key for d in desk.catalog.departments]
    rows = [ScoreRow(k, now[k], score(now[k], weight), score(before[k], weight)) for k in keys]
    # equal scores as shown by key, so every database lists them alike; no score: catalog order
    rows.sort(key=lambda r: (r.score is None, -_shown(r.score),
                             r.key if r.score is not None else "", keys.index(r.key)))
    names = {d.key: (d.name, d.name_zh or d.name) for d in desk.catalog.departments}
    last_day = (end - timedelta(microseconds=1)).astimezone(desk.policy.tz).date()
    outside = (t("en", "digest.outside"), t("zh-CN", "digest.outside"))  # as digests say
    secret = (t("en", "report.confidential"), t("zh-CN", "report.confidential"))
    return Report(start=start, end=end, timezone=desk.policy.timezone, weight=weight,
                  names={**names, OTHER: outside, CONFIDENTIAL: secret}, rows=rows,
                  service_map=service_map(session, desk, start, end),
                  trend=charts.weekly(session, desk, week_start(last_day)),
                  amounts=amount_rows(session, desk, start, end))


def period(desk: Desk, first: date | None, last: date | None, today: date
           ) -> tuple[datetime, datetime]:
    """Local days first..last (inclusive) as an aware [start, end). Defaults: neither → last full
    Monday–Sunday week; only ``first`` → through yesterday; only ``last`` → the 7 days to it."""
    last = last or (today - DAY if first else week_start(today) - DAY)
    first = first or last - 6 * DAY
    if first > last:
        raise ValueError(f"the period starts {first}, after it ends {last}")
    tz = desk.policy.tz
    return datetime.combine(first, time(0), tz), datetime.combine(last + DAY, time(0), tz)


def _num(value: float | None, digits: int, scale: float = 1, unit: str = "", none: str = "—"
         ) -> str:
    return none if value is None else f"{half_up(value, digits, scale)}{unit}"


def _shown(value: float | None) -> Decimal:
    """A score as shown (one decimal, half up): what ranks and ties are decided on, so
    62.49999… and 62.5 from another database's arithmetic tie as they read."""
    return Decimal(half_up(value, 1)) if value is not None else Decimal(0)


def _ranked(report: Report) -> list[ScoreRow]:
    """The desks with a score, best first (as ``rows`` are ordered)."""
    return [r for r in report.rows if not idle(r.figures) and r.score is not None]


def _ranks(report: Report) -> dict[str, int]:
    """Each ranked desk's rank, shared by equal scores as shown (1, 1, 3)."""
    ranked = _ranked(report)
    return {r.key: 1 + sum(_shown(o.score) > _shown(r.score) for o in ranked) for r in ranked}


def _unscored(report: Report) -> list[ScoreRow]:
    """The desks with something to show but no score (no rating, or no target due)."""
    return [r for r in report.rows if not idle(r.figures) and r.score is None]


def _cells(report: Report, locale: str) -> list[list[str]]:
    """The ranked desks' rows, then the unscored desks' rows without a rank; those with
    nothing to rank are named apart (``_notes``), as the scorecard does."""
    def cells(rank: str, r: ScoreRow) -> list[str]:
        return [rank, report.label(r.key, locale), str(r.figures.received),
                _num(r.figures.first_attainment, 0, 100, "%"),
                _num(r.figures.resolution_attainment, 0, 100, "%"),
                _num(r.figures.rating_avg, 1, unit="★"), _num(r.score, 1), r.trend]
    ranks = _ranks(report)
    return ([cells(str(ranks[r.key]), r) for r in _ranked(report)]
            + [cells("—", r) for r in _unscored(report)])


def _notes(report: Report, locale: str) -> list[str]:
    first, last = report.days(previous=True)
    quiet = [report.label(r.key, locale) for r in report.rows if idle(r.figures)]
    unscored = [report.label(r.key, locale) for r in _unscored(report)]
    return [*([_say(locale, "unscored", departments=join(locale, unscored))] if unscored
              else []),
            *([_say(locale, "idle", departments=join(locale, quiet))] if quiet else []),
            t(locale, "scorecard.formula", w=round(report.weight * 100),
              s=round((1 - report.weight) * 100)),
            t(locale, "scorecard.formula_rule"),
            _say(locale, "trend", days=(report.end - report.start).days, first=first, last=last)]


def _title(report: Report, locale: str) -> str:
    first, last = report.days()
    return _say(locale, "title", first=first, last=last, tz=report.timezone)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_text(report: Report, out: TextIO, locale: str = "en") -> None:
    """The report as aligned plain text, with the score formula stated."""
    table = [_say(locale, "columns").split("|"), *_cells(report, locale)]
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [_title(report, locale), "", _say(locale, "scorecard")]
    lines += ["  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))
              .rstrip() for row in table]
    lines += _notes(report, locale) + ["", _say(locale, "map")]
    lines += ["  " + _say(locale, "pair", src=report.label(src, locale), n=n,
                          dst=report.label(dst, locale), what="request" + "s" * (n != 1),
                          stars="" if rating is None else f" ({half_up(rating, 1)}★)")
              for src, dst, n, rating, _ in report.service_map.pairs()]
    if not report.service_map.keys:
        lines.append("  " + _say(locale, "none"))
    if report.amounts:
        table = [_say(locale, "amount_columns").split("|"),
                 *(a.cells(_zh(locale)) for a in report.amounts)]
        widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
        lines += ["", _say(locale, "amounts")]
        lines += ["  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))
                  .rstrip() for row in table]
    out.write("\n".join(lines) + "\n")


def write_csv(report: Report, out: TextIO) -> None:
    """Three tables separated by a blank line, each with a header; every data row's first
    cell names its table, so rows can be filtered without tracking state:

    - ``period,start,end,timezone,timeliness_weight``: one row (ISO local dates, inclusive);
    - ``scorecard,rank,department,name,requests,first_response_attainment,
      resolution_attainment,rating_avg,ratings,score,previous_score,trend``: attainments are
      shares 0–1, score 0–100 = weight × timeliness + (1 − weight) × (rating − 1) / 4 (none
      without both a rating and a target due), trend up/down/same; an empty cell means no
      data (an empty rank: a desk with no score, or nothing to rank, in the period, as the
      text report lists apart);
    - ``service_map,requesting_department,serving_department,requests,rating_avg,ratings``:
      one row per pair with requests opened in the period (each once, for the desk serving it
      at the period's end) or ratings given in it ('other' = no department, 'confidential' =
      a confidential request, its requesting department not shown), busiest first; both
      directions of a mutual relation are separate rows."""
    first, last = report.days()
    words = {"↑": "up", "↓": "down", "→": "same", "": ""}
    ranks = _ranks(report)  # as text and HTML: equal scores share a rank
    scorecard: list[list[object]] = [
        ["scorecard", ranks.get(r.key, ""), r.key, report.label(r.key, "en"), f.received,
         _num(f.first_attainment, 4, none=""), _num(f.resolution_attainment, 4, none=""),
         _num(f.rating_avg, 2, none=""), len(f.stars), _num(r.score, 1, none=""),
         _num(r.previous_score, 1, none=""), words[r.trend]]
        for r, f in ((r, r.figures) for r in report.rows)]
    service = [["service_map", src, dst, n, _num(rating, 2, none=""), rated]
               for src, dst, n, rating, rated in report.service_map.pairs()]
    tables = [[["period", first.isoformat(), last.isoformat(), report.timezone, report.weight]],
              scorecard, service]
    writer = csv.writer(out, lineterminator="\n")
    for i, (head, rows) in enumerate(zip(CSV_HEADS, tables, strict=True)):
        writer.writerows([[]] * bool(i) + [["section", *head.split(",")], *rows])
