"""A desk where alice (王丽 Alice Wang, Slack U0ALICE, WeCom wangli) appears in every kind of
row: she asks, is assigned, comments, is mentioned, rates, suggests (openly and anonymously),
approves kevin's reimbursement, is away, proposes a date, shares files, has a held message,
a form half filled in, a deflection, a WeCom delivery and paced sends. ``before`` is the
sample company with approvals, a files folder and alice as kevin's manager; ``after`` the
same without alice, as an admin leaves it before erasing her."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from storage import deliveries, send_log
from tests.conftest import EXAMPLE, Transcript, local
from tests.handlers.approval_company import with_approval

ALICE = ("alice", "王丽 Alice Wang", "U0ALICE", "wangli")
ALICE_BLOCK = ('[[people]]\nid = "alice"\nname = "王丽 Alice Wang"\nslack = "U0ALICE"\n'
               'wecom = "wangli"\nlocale = "en"\nmanager = "henry"\n\n')
KEVIN = 'wecom = "xukai"\nlocale = "en"\nmanager = "dave"\n'

STORY = """\
@now 2026-11-23T09:00
alice> /request finance cash-advance taxi for 王丽 Alice Wang 86 [file receipt.jpg]
bob> /request ack FIN-1
bob> /request comment FIN-1 thanks alice, <@U0ALICE> and wangli: the hotel too?
alice> /request comment FIN-1 the hotel as well [file hotel.pdf]
@now 2026-11-23T10:00
bob> /request propose FIN-1 2026-12-02 the budget reopens on the 1st
alice> /request counter FIN-1 2026-11-30 sooner please, alice needs it
bob> /request accept FIN-1
bob> /request resolve FIN-1 paid to alice
alice> /request confirm FIN-1
alice> /request rate FIN-1 2 slow, ask alice next time
alice> /suggest --anon finance please accept e-invoices
alice> /suggest finance a shared calendar
carol> /suggest reply 2 from January on, alice
kevin> /request finance reimbursement 金额=86 taxi
alice> /request approve FIN-2
henry> /request finance cash-advance hotel 300 for alice
alice> /request finance cash-advance train 40
alice> /request finance cash-advance bus 12
alice@dm> the receipt for one of them
@now 2026-11-24T09:00
alice> /request 休假 至 2026-12-10 代理 emma
kevin> /request finance reimbursement 金额=70 bus
alice> /request finance reimbursement lunch with a client
alice> answered
@now 2026-11-26T09:00
alice> /request finance reimbursement taxi to the airport, alice's own
"""


@dataclass(frozen=True)
class Company:
    """The configs before and after alice left, and the desk built on ``before``."""

    before: Path
    after: Path
    files: Path
    chat: Transcript


def configs(tmp_path: Path, files_in_folder: bool = True) -> tuple[Path, Path]:
    """Write before.toml (alice everywhere) and after.toml (alice removed); files in the
    ``files`` folder beside them, or in the database."""
    text = with_approval(EXAMPLE.read_text(encoding="utf-8"))
    if files_in_folder:
        text = text.replace('# dir = "files"', 'dir = "files"', 1)
    assert text.count(KEVIN) == 1 and text.count(ALICE_BLOCK) == 1
    before = text.replace(KEVIN, KEVIN.replace('"dave"', '"alice"'), 1)
    after = text.replace(ALICE_BLOCK, "", 1).replace(', "alice"]', "]")
    assert '"alice"' not in after
    (tmp_path / "before.toml").write_text(before, encoding="utf-8")
    (tmp_path / "after.toml").write_text(after, encoding="utf-8")
    return tmp_path / "before.toml", tmp_path / "after.toml"


def build(tmp_path: Path, engine: Engine, clock: ManualClock,
          files_in_folder: bool = True) -> Company:
    """Type the story on ``before``; add what only WeCom writes (a delivery, paced sends)."""
    before, after = configs(tmp_path, files_in_folder)
    app = app_mod.build(config_mod.load(before), clock, engine=engine, upgrade=False)
    chat = Transcript(app, clock)
    out = chat(*STORY.splitlines())
    assert "[error]" not in out, out
    with Session(engine) as session:
        key = "wangli:1764057600:approve"
        deliveries.claim(session, key, local("2026-11-26T09:00"),
                         answer=[{"text": "Thanks 王丽 Alice Wang", "target": "person:alice"}])
        send_log.add(session, ["user:wangli", "user:wangli", "chat:finance"],
                     local("2026-11-26T09:00"))
        session.commit()
    return Company(before, after, tmp_path / "files", chat)
