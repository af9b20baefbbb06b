"""Charts: valid PNGs of the promised size, from real desk data, attached to posted digests."""

from __future__ import annotations

import struct
import warnings
from datetime import date

from sqlmodel import Session, select

from bot.runtime import charts
from handlers.digest import Figures
from handlers.digest_post import DigestPolicy, post_due
from storage.models import Outbox
from tests.conftest import local

W47 = date(2026, 11, 16)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

WEEKS = [
    # W46: FIN-1 answered and resolved in an hour, rated 5
    "@now 2026-11-09T09:00", "alice> /request finance reimbursement amount=86 taxi",
    "@now 2026-11-09T10:00", "bob> /request resolve FIN-1 paid", "alice> /request confirm FIN-1",
    "alice> /request rate FIN-1 5",
    # W47: FIN-2 a day late, rated 2; FIN-3 still open
    "@now 2026-11-16T09:00", "alice> /request finance reimbursement amount=86 hotel",
    "henry> /request finance reimbursement amount=86 dinner",
    "@now 2026-11-17T15:00", "bob> /request resolve FIN-2 paid", "alice> /request confirm FIN-2",
    "alice> /request rate FIN-2 2 slow",
]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (asserting the signature and chunk order)."""
    assert data[:8] == PNG_MAGIC, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _weeks(n: int = 8) -> list[tuple[str, Figures]]:
    return [(f"2026-W{40 + k}", Figures(received=k, first_met=k // 2, first_total=max(k, 1),
                                        stars=[5 - k % 3])) for k in range(n)]


def test_trend_chart_is_a_compact_png(tmp_path):
    path = charts.trend_chart("Finance", _weeks(), tmp_path / "deep" / "finance.png")
    data = path.read_bytes()
    assert png_size(data) == (800, 400)
    assert 10_000 < len(data) < 300_000


def test_trend_chart_with_empty_weeks_still_draws(tmp_path):
    weeks = [(f"2026-W{40 + k}", Figures()) for k in range(8)]
    assert png_size(charts.trend_chart("IT", weeks, tmp_path / "it.png").read_bytes()) == (800, 400)


def test_heatmap_is_a_png_that_grows_with_departments(tmp_path):
    small = charts.service_map_heatmap(["sales", "finance"], [[0, 3], [1, 0]],
                                       [[None, 4.5], [2.0, None]], tmp_path / "small.png")
    labels = [f"dept{k}" for k in range(10)]
    counts = [[(i * j) % 4 for j in range(10)] for i in range(10)]
    ratings: list[list[float | None]] = [[None] * 10 for _ in range(10)]
    big = charts.service_map_heatmap(labels, counts, ratings, tmp_path / "big.png")
    (sw, sh), (bw, bh) = png_size(small.read_bytes()), png_size(big.read_bytes())
    assert 300 <= sw < bw <= 1200 and 250 <= sh < bh <= 1000
    assert png_size(charts.service_map_heatmap([], [], [], tmp_path / "empty.png").read_bytes())


def test_chinese_labels_only_when_a_chinese_font_is_installed(desk_app, tmp_path):
    finance = desk_app.desk.catalog.department("finance")
    label = charts.department_label(finance, "zh-CN")
    assert label == ("财务部" if charts.cjk_font() else "Finance")
    assert charts.department_label(finance, "en") == "Finance"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.trend_chart(label, _weeks(), tmp_path / "zh.png", locale="zh-CN")
    assert not [w for w in caught if "missing from" in str(w.message)]  # no tofu boxes


def test_posted_digest_carries_the_department_trend_chart(chat, desk_app, tmp_path):
    chat(*WEEKS)
    attach = charts.attach_chart(tmp_path / "charts")
    posted = post_due(desk_app.desk, local("2026-11-23T09:30"), DigestPolicy(), attach)
    assert "digest:finance:2026-W47" in posted
    path = tmp_path / "charts" / "finance-2026-W47.png"
    assert png_size(path.read_bytes()) == (800, 400)
    with Session(desk_app.desk.engine) as s:
        rows = [o for o in s.exec(select(Outbox)) if o.payload.get("kind") == "digest"]
    images = {o.target: o.payload["extra"].get("image") for o in rows}
    assert images["dept:finance"] == str(path)


def test_eight_weeks_of_real_figures(chat, desk_app):
    chat(*WEEKS)
    with Session(desk_app.desk.engine) as s:
        weeks = charts.weekly(s, desk_app.desk, W47, "finance")
    assert [label for label, _ in weeks] == [f"2026-W{n}" for n in range(40, 48)]
    w46, w47 = weeks[-2][1], weeks[-1][1]
    assert (w46.received, w46.first_attainment, w46.rating_avg) == (1, 1.0, 5.0)
    assert (w47.received, w47.first_attainment, w47.rating_avg) == (2, 0.0, 2.0)
    assert all(f.received == 0 for _, f in weeks[:-2])


def test_a_chart_that_cannot_be_written_does_not_block_the_digest(chat, desk_app, tmp_path):
    chat(*WEEKS)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the charts directory should be")
    attach = charts.attach_chart(blocker)
    posted = post_due(desk_app.desk, local("2026-11-23T09:30"), DigestPolicy(), attach)
    assert "digest:finance:2026-W47" in posted
    with Session(desk_app.desk.engine) as s:
        rows = [o for o in s.exec(select(Outbox)) if o.target == "dept:finance"]
    assert rows and "image" not in rows[0].payload["extra"]

