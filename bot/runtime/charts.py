"""PNG charts for digests and reports, drawn headless with matplotlib's Agg canvas."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

from matplotlib import font_manager, ft2font, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from sqlmodel import Session

from handlers.catalog import Department
from handlers.desk import Desk
from handlers.digest import WEEK, Digest, Figures, bounds, tally, week_label
from handlers.digest_post import Attach
from handlers.i18n import t

log = logging.getLogger(__name__)

CHART_WEEKS = 8
LATIN = "DejaVu Sans"  # bundled with matplotlib: always there
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
                "Hiragino Sans GB", "SimHei", "Droid Sans Fallback")
PROBE = "财务部信息技术"
COLORS = {"bar": "#9db9d8", "first": "#2e7d32", "resolution": "#ef6c00", "rating": "#6a1b9a"}
def _charmap(path: str) -> set[int]:
    try:
        return set(ft2font.FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return set()


@cache
def cjk_font() -> str | None:
    """The family of an installed font that draws Chinese, or None (fonts are never fetched)."""
    fonts = sorted(font_manager.fontManager.ttflist,
                   key=lambda f: CJK_FAMILIES.index(f.name) if f.name in CJK_FAMILIES else 99)
    for entry in fonts:
        if entry.name.startswith("Last Resort"):
            continue  # matplotlib's placeholder font: boxes for every character
        if all(ord(c) in _charmap(entry.fname) for c in PROBE):
            return str(entry.name)
    return None


@cache
def _coverage() -> frozenset[int]:
    paths = [font_manager.findfont(LATIN)]
    family = cjk_font()
    if family:
        paths.append(font_manager.findfont(family))
    return frozenset().union(*(_charmap(p) for p in paths))


def drawable(text: str) -> bool:
    """True when every character of ``text`` has a glyph in the fonts charts use (no tofu)."""
    return all(c.isspace() or ord(c) in _coverage() for c in text)


def first_drawable(*names: str) -> str:
    """The first of ``names`` that can be drawn here (the last one if none can)."""
    return next((name for name in names if drawable(name)), names[-1])


def department_label(department: Department, locale: str) -> str:
    """The department's name in ``locale`` if it can be drawn here, else its English name or key."""
    return first_drawable(department.label(locale), department.name, department.key)


def _say(key: str, locale: str, **values: object) -> str:
    """A chart text in ``locale``, in English when Chinese cannot be drawn here."""
    zh = t("zh-CN", f"chart.{key}", **values)
    return zh if locale.startswith("zh") and drawable(zh) else t("en", f"chart.{key}", **values)


@contextmanager
def _style() -> Iterator[None]:
    family = [LATIN] + ([cjk_font()] if cjk_font() else [])  # per-glyph fallback to CJK
    with rc_context({"font.family": family, "font.size": 9, "axes.spines.top": False,
                     "axes.titlesize": 11, "figure.titlesize": 12}):
        yield


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)  # the Agg canvas: headless, and no global backend switch
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _nan(value: float | None, scale: float = 1.0) -> float:
    return math.nan if value is None else value * scale


def trend_png(department_label: str, weeks: list[tuple[str, Figures]], locale: str = "en"
              ) -> bytes:
    """An 800×400 PNG of weekly volume, SLA attainment and average rating."""
    with _style():
        figure = Figure(figsize=(8, 4), layout="constrained")
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[1, 2])
        x = list(range(len(weeks)))
        received = [f.received for _, f in weeks]
        bars = top.bar(x, received, color=COLORS["bar"], label=_say("received", locale))
        top.bar_label(bars, fontsize=8, padding=1)
        top.set_ylim(0, max([1, *received]) * 1.35)
        top.set_ylabel(_say("requests", locale))
        top.spines["right"].set_visible(False)
        for key, values in (("first", [f.first_attainment for _, f in weeks]),
                            ("resolution", [f.resolution_attainment for _, f in weeks])):
            bottom.plot(x, [_nan(v, 100) for v in values], marker="o", color=COLORS[key],
                        label=_say(key, locale))
        bottom.set_ylim(-5, 108)
        bottom.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        bottom.set_ylabel(_say("sla", locale))
        bottom.grid(axis="y", alpha=0.3)
        stars = bottom.twinx()
        stars.plot(x, [_nan(f.rating_avg) for _, f in weeks], marker="s", linestyle="--",
                   color=COLORS["rating"], label=_say("rating", locale))
        stars.set_ylim(0.8, 5.2)
        stars.set_yticks([1, 2, 3, 4, 5])
        stars.set_ylabel(_say("stars", locale), color=COLORS["rating"])
        bottom.set_xticks(x, [label.rpartition("-")[2] for label, _ in weeks])
        bottom.set_xlim(-0.6, len(weeks) - 0.4)
        first, last = (weeks[0][0], weeks[-1][0]) if weeks else ("", "")
        figure.suptitle(_say("trend", locale, label=department_label, n=len(weeks), first=first,
                            last=last))
        handles = [bars, *bottom.get_lines(), *stars.get_lines()]
        figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False,
                      fontsize=8)
        return _png(figure, dpi=100)


def heatmap_png(labels: list[str], counts: list[list[int]],
                ratings: list[list[float | None]], locale: str = "en") -> bytes:
    """A requesting × serving department PNG: colour and number = requests, ★ = average rating."""
    n = len(labels)
    with _style():
        figure = Figure(figsize=(2.8 + 0.62 * n, 2.4 + 0.5 * n), layout="constrained")
        ax = figure.subplots()
        ax.set_title(_say("map", locale))
        if not n:
            ax.text(0.5, 0.5, _say("empty", locale), ha="center", va="center")
            ax.set_axis_off()
            return _png(figure, dpi=100)
        peak = max(1, *(c for row in counts for c in row))
        ax.imshow(counts, cmap="Blues", vmin=0, vmax=peak * 1.15, aspect="auto")
        for i in range(n):
            for j in range(n):
                count, rating = counts[i][j], ratings[i][j]
                if not count and rating is None:
                    continue
                text = str(count) + ("" if rating is None else f"\n{rating:.1f}★")
                ax.text(j, i, text, ha="center", va="center", fontsize=8, linespacing=1.1,
                        color="white" if count > peak * 0.6 else "#1a1a1a")
        ax.set_xticks(range(n), labels, rotation=40, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(n), labels)
        ax.set_xlabel(_say("serving", locale) + " →")
        ax.set_ylabel(_say("requesting", locale))
        ax.set_xticks([k - 0.5 for k in range(1, n)], minor=True)
        ax.set_yticks([k - 0.5 for k in range(1, n)], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.spines[:].set_visible(False)
        ax.tick_params(which="minor", length=0)
        return _png(figure, dpi=100)


def _write(data: bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def trend_chart(department_label: str, weeks: list[tuple[str, Figures]], path: Path,
                locale: str = "en") -> Path:
    """Write the weekly trend PNG (volume, SLA attainment, rating) to ``path``."""
    return _write(trend_png(department_label, weeks, locale), path)


def service_map_heatmap(labels: list[str], counts: list[list[int]],
                        ratings: list[list[float | None]], path: Path, locale: str = "en"
                        ) -> Path:
    """Write the department × department heatmap PNG to ``path``."""
    return _write(heatmap_png(labels, counts, ratings, locale), path)


def weekly(session: Session, desk: Desk, last_monday: date, key: str = "*",
           weeks: int = CHART_WEEKS) -> list[tuple[str, Figures]]:
    """The counts (see tally) of ``key`` ('*' = company) for ``weeks`` weeks ending with
    ``last_monday``'s: what the trend chart draws."""
    mondays = [last_monday - WEEK * k for k in range(weeks - 1, -1, -1)]
    return [(week_label(m), tally(session, desk, *bounds(desk, m)).get(key, Figures()))
            for m in mondays]


def attach_chart(charts_dir: Path) -> Attach:
    """An Attach for digests: draws the department's 8-week trend to <dir>/<dept>-<week>.png."""

    def attach(session: Session, desk: Desk, digest: Digest) -> str | None:
        department = desk.catalog.department(digest.department)
        locale = desk.channel_locale(department)
        weeks = weekly(session, desk, digest.monday, department.key)
        path = Path(charts_dir) / f"{department.key}-{week_label(digest.monday)}.png"
        try:
            return str(trend_chart(department_label(department, locale), weeks, path, locale))
        except (OSError, RuntimeError, ValueError):
            log.exception("chart for %s not drawn; the digest goes without it", department.key)
            return None

    return attach
