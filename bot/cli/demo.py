"""The demo story, told through the console transcript, and the check that keeps it off a
database in use."""

from __future__ import annotations

from sqlalchemy import func, inspect
from sqlmodel import Session, select

from bot.runtime.plural import count
from storage.engine import make_engine
from storage.models import Person, Request


def in_use(url: str) -> str | None:
    """Why the demo may not tell its story on the database at ``url`` (it holds people or
    requests: a desk's data, which the story's would mix with), or None when it is empty.
    Reads only."""
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with Session(engine) as session:
            found = [session.exec(select(func.count()).select_from(model)).one()
                     if name in tables else 0
                     for name, model in (("request", Request), ("person", Person))]
        shown = engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()
    if not any(found):
        return None
    held = f"{count(found[0], 'request', 'requests')} and {count(found[1], 'person', 'people')}"
    return (f"database {shown} already holds {held}; "
            "the demo tells its story only on an empty database, so nothing was written. "
            "Leave out --database-url for a throwaway one, or give a new, empty database")

DEMO_SCRIPT = """\
# crossdesk demo — Monday 23 November 2026, Asia/Shanghai
@now 2026-11-23T09:05
# Henry (Sales) asks Finance, in Chinese, to reimburse a taxi ride to a client.
henry> /request 财务 报销 出租车去客户现场 86元
# Nobody picks it up. At 75% of the 4-hour first-response target Finance is nudged
# (after the lunch break: nobody is nudged outside working hours) …
@now 2026-11-23T13:35
# … at the deadline the channel hears it is overdue, and an hour later the lead, Carol.
@now 2026-11-23T14:40
@now 2026-11-23T15:40
carol> /request 指派 FIN-1 bob
bob> /request 受理 FIN-1
# Bob answers in the request's thread (bob@FIN-1>): Henry hears it as a message from Bob.
bob@FIN-1> 收到，我核对一下金额
# A reply that starts with // is an internal note: recorded, never sent to Henry.
carol@FIN-1> // 金额不大，核对后直接报销
# Finance asks a question: the resolution clock pauses while it waits for Henry.
bob> /request 等待 FIN-1 请补充发票照片
@now 2026-11-23T16:15
# Henry simply answers in his chat with the bot (henry@dm>): his only open request gets it.
henry@dm> 发票已上传到共享盘 /finance/2026-11
@now 2026-11-23T16:45
bob> /request 解决 FIN-1 已报销，款项将于周五到账
henry> /request 确认 FIN-1
# A quarter of an hour later crossdesk thanks both sides and asks Henry for a rating.
@now 2026-11-23T17:05
henry> /request 评分 FIN-1 5 #及时 谢谢
henry> /request show FIN-1
# Alice (Sales, English) asks IT for a laptop; Dave assigns it and Kevin resolves it.
@now 2026-11-24T09:30
alice> /request it laptop my screen flickers, need a replacement !urgent
dave> /request assign IT-1 kevin
kevin> /request ack IT-1
# Only IT may work IT requests: a polite refusal, and nothing changes.
alice> /request resolve IT-1 fixed it myself
@now 2026-11-24T11:00
kevin> /request resolve IT-1 Replacement laptop is at the IT desk, data copied.
alice> /request confirm IT-1
@now 2026-11-24T11:20
alice> /request rate IT-1 4 #timely the old one had my bookmarks
# Alice needs budget codes that Finance can only open once next year's budget is set:
# Bob proposes a feasible date, Alice accepts it, and the agreed date becomes the target
# (the clock paused while the proposal waited for her; the original is kept for the digest).
@now 2026-11-24T14:00
alice> /request finance cost accounting budget codes for the trade fair
bob> /request 受理 FIN-2
bob> /request 提议 FIN-2 2026-12-04 next year's budget is set on the 3rd; codes open the 4th
@now 2026-11-24T15:00
alice> /request accept FIN-2
alice> /request show FIN-2
"""
