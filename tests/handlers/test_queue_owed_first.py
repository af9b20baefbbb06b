"""The queue lists what the desk owes soonest first, across pages: a request whose first
response is overdue comes before others due to be resolved earlier. It sat on page 2 behind
20 requests already answered, ordered by their resolution due times."""

from __future__ import annotations


def test_a_missed_first_response_leads_the_first_page(chat):
    chat("@now 2026-11-30T09:00")
    for n in range(20):  # answered at once, to be resolved by Wed 2 Dec
        chat(f"alice> /request finance cash-advance trip {n + 1}, 300 CNY")
    chat(*(f"bob> /request ack FIN-{n + 1}" for n in range(20)))
    chat("@now 2026-11-30T09:30", "alice> /request finance cost-accounting Q4 project costs")
    out = chat("@now 2026-12-01T15:00", "carol> /request queue")  # FIN-21's answer was due 09:30
    page = out[out.index("[reply]"):]
    items = [line for line in page.splitlines() if line.startswith("FIN-") or "FIN-" in line[:8]]
    assert items and items[0].lstrip("• ").startswith("FIN-21"), page[:600]


def test_the_queue_keeps_its_order_otherwise(chat):
    chat("@now 2026-11-30T09:00", "alice> /request finance cost-accounting Q4 project costs",
         "alice> /request finance cash-advance trip, 300 CNY")
    out = chat("carol> /request queue")
    page = out[out.index("[reply]"):]
    assert page.index("FIN-2") < page.index("FIN-1"), "FIN-2 is owed first (2h against 1d)"
