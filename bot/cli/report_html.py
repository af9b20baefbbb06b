"""The company report as one self-contained HTML page, fit to email."""

from __future__ import annotations

import base64
import html
from typing import TextIO

from bot.cli.report import Report, _cells, _notes, _say, _title, _zh
from bot.runtime import charts

CSS = {
    "body": "margin:0;padding:16px;background:#f4f5f7;color:#1f2328;font:14px/1.45 "
            "-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif",
    "div": "max-width:840px;margin:0 auto;background:#ffffff;padding:20px 24px",
    "h1": "font-size:20px;margin:0 0 12px", "h2": "font-size:16px;margin:24px 0 8px",
    "table": "border-collapse:collapse;width:100%;font-size:13px",
    "th": "text-align:left;padding:4px 8px;border-bottom:2px solid #d0d7de;background:#f6f8fa",
    "td": "padding:4px 8px;border-bottom:1px solid #eaeef2",
    "p": "font-size:12px;color:#57606a;margin:6px 0",
    "img": "display:block;max-width:100%;height:auto;margin:12px 0",
}


def _tag(name: str, body: str) -> str:
    style = f' style="{CSS[name]}"' if name in CSS else ""
    return f"<{name}{style}>{body}</{name}>"


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img style="{CSS["img"]}" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(_tag("th", html.escape(h)) for h in head)
    body = "".join(_tag("tr", "".join(_tag("td", html.escape(c)) for c in row)) for row in rows)
    return _tag("table", _tag("tr", cells) + body)


def _pair(n: int, rating: float | None) -> str:
    return f"{n}" + ("" if rating is None else f" · {rating:.1f}★") if n or rating else ""


def write_html(report: Report, out: TextIO, locale: str = "en") -> None:
    """One self-contained HTML page for email: inline styles, charts as data: URIs, no scripts."""
    m, say = report.service_map, lambda key: html.escape(_say(locale, key))
    parts = [_tag("h1", html.escape(_title(report, locale))), _tag("h2", say("scorecard")),
             _table(_say(locale, "columns").split("|"), _cells(report, locale)),
             *(_tag("p", html.escape(note)) for note in _notes(report, locale)),
             _img(charts.trend_png(charts.first_drawable(_say(locale, "company"), "Company"),
                                   report.trend, locale), _say(locale, "charts")),
             _tag("h2", say("map"))]
    if not m.keys:
        parts.append(_tag("p", say("none")))
    else:
        matrix = [[report.label(src, locale)] + [_pair(n, r) for n, r in zip(
            m.counts[i], m.ratings[i], strict=True)] for i, src in enumerate(m.keys)]
        names = [charts.first_drawable(report.label(k, locale), report.label(k, "en"), k)
                 for k in m.keys]
        parts += [_table([_say(locale, "corner")] + [report.label(k, locale) for k in m.keys],
                         matrix),
                  _img(charts.heatmap_png(names, m.counts, m.ratings, locale), _say(locale, "map"))]
    if report.amounts:  # _table escapes every cell: labels and values come from config/people
        parts += [_tag("h2", say("amounts")),
                  _table(_say(locale, "amount_columns").split("|"),
                         [a.cells(_zh(locale)) for a in report.amounts])]
    head = f'<meta charset="utf-8"><title>{html.escape(_title(report, locale))}</title>'
    body = _tag("body", _tag("div", "".join(parts)))
    lang = "zh-CN" if _zh(locale) else "en"
    out.write(f'<!DOCTYPE html>\n<html lang="{lang}"><head>{head}</head>{body}</html>\n')
