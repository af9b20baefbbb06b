"""CPU per Slack command: open, ack and comment through the real Bolt app, signed requests.

Run from the repository root::

    python bench/command_cpu.py                       # SQLite temp file, then PostgreSQL
    python bench/command_cpu.py --sqlite-only --commands 300
    python bench/command_cpu.py --sqlite-only --profile open   # cProfile of the opens

Each command is a signed ``/request`` body handed to the Bolt app ``crossdesk serve`` builds
(``build_slack``: signature check, redelivery dedupe, the listener, ``DeskApp.run``, the ack
with the answer), in this process, one after another, with no dispatcher running. The figure
is this process's CPU time (``time.process_time``) per command, not wall time: it holds on a
busy machine. Opens rotate over the sample company's services that open as typed (no
required field, no approval), as ``bench/slack_http.py`` sends them; each request is then
acknowledged by a lead of its desk and commented on by its requester.

PostgreSQL uses its own bench database (``--pg-url``, ``crossdesk_bench_cpu`` by default:
created if missing, its schema dropped and rebuilt); an unreachable server is skipped.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pg import ensure_database, reset_schema  # noqa: E402 - after the path set-up
from serve_rig import StandIn  # noqa: E402
from slack_bolt import BoltRequest  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from bot.adapters.slack.platform import build_slack  # noqa: E402
from bot.runtime import app as app_mod  # noqa: E402
from bot.runtime import config as config_mod  # noqa: E402
from bot.runtime.clock import SystemClock  # noqa: E402
from bot.runtime.dispatch import Dispatcher  # noqa: E402
from bot.runtime.routing import SenderRouter  # noqa: E402
from bot.runtime.serve import Unreachable  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.models import Request  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench_cpu"
SECRET = "bench-signing-secret"
ENV = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET}
WARMUP = 30
PASS_EVERY = 25  # opens between two dispatch passes (default): 100 ms at 250 commands/s
STEPS = ("open", "ack", "comment", "open+deliver")


@dataclasses.dataclass
class Rig:
    """The Bolt app ``serve`` builds, on one database, and the sample company's people."""

    dispatch: Callable[[str, str], dict[str, object]]
    services: list[tuple[str, str]]
    slack_of: dict[str, str]
    lead_of: dict[str, str]
    requesters: list[str]
    engine: Engine
    app: app_mod.DeskApp
    dispatcher: Dispatcher


def build(url: str, api: str) -> Rig:
    """Wire the desk and Slack (HTTP mode, Web API at ``api``) to ``url``, schema brought up
    to date."""
    settings = config_mod.load(ROOT / "config.example.toml")
    settings = dataclasses.replace(settings, raw={**settings.raw, "slack": {"mode": "http"}})
    engine = make_engine(url)
    app = app_mod.build(settings, SystemClock(), engine=engine)
    platform = build_slack(app, settings, client_base_url=api + "/api/", environ=ENV)
    bolt = platform.bolt
    router = SenderRouter(engine=engine, catalog=settings.catalog, routes=[platform.route()],
                          fallback=Unreachable())
    dispatcher = Dispatcher(engine, router, app.clock, policy=app.desk.policy)
    verifier = SignatureVerifier(SECRET)

    def dispatch(user: str, text: str) -> dict[str, object]:
        body = urlencode({
            "team_id": "T0ACME", "team_domain": "acme", "channel_id": "C0GENERAL",
            "user_id": user, "user_name": "bench", "command": "/request", "text": text,
            "api_app_id": "A0DESK", "response_url": api + "/respond/0",
            "trigger_id": uuid.uuid4().hex})
        ts = str(int(time.time()))
        headers = {"content-type": "application/x-www-form-urlencoded",
                   "x-slack-request-timestamp": ts,
                   "x-slack-signature": verifier.generate_signature(timestamp=ts, body=body)}
        response = bolt.dispatch(BoltRequest(body=body, headers=headers))  # type: ignore[arg-type]
        assert response.status == 200, response.body
        return dict(json.loads(response.body or "{}"))

    catalog = settings.catalog
    slack_of = {p.id: p.slack for p in catalog.people if p.slack}
    services = [(d.key, c.key) for d in catalog.departments for c in d.categories
                if not any(f.required for f in c.fields) and c.approval is None]
    lead_of = {d.key: next(x for x in (*d.leads, *d.staff()) if x in slack_of)
               for d in catalog.departments if any(x in slack_of for x in d.staff())}
    services = [s for s in services if s[0] in lead_of]
    return Rig(dispatch, services, slack_of, lead_of, list(slack_of), engine, app, dispatcher)


def run(rig: Rig, commands: int, profile: str | None,
        pass_every: int = PASS_EVERY, profile_out: str | None = None) -> dict[str, float]:
    """CPU ms per command for each step, after a warm-up of every step."""
    refs: list[tuple[str, str, str]] = []  # (ref, department, requester)

    def open_one(n: int) -> None:
        dep, cat = rig.services[n % len(rig.services)]
        who = rig.requesters[n % len(rig.requesters)]
        if who == rig.lead_of[dep]:
            who = rig.requesters[(n + 1) % len(rig.requesters)]
        said = str(rig.dispatch(rig.slack_of[who], f"{dep} {cat} taxi to the client, 86 CNY "
                                                   f"#{n}").get("text"))
        assert "Opened" in said or "已提交" in said, said
        refs.append(("", dep, who))

    def fill_refs() -> None:
        with Session(rig.engine) as session:
            rows = session.exec(select(Request).order_by(col(Request.id))).all()
        refs[:] = [(r.ref, r.department, r.requester_id) for r in rows]

    def ack_one(i: int) -> None:
        ref, dep, _ = refs[i]
        rig.dispatch(rig.slack_of[rig.lead_of[dep]], f"ack {ref}")

    def comment_one(i: int) -> None:
        ref, _, who = refs[i]
        rig.dispatch(rig.slack_of[who], f"comment {ref} the receipt is attached")

    for n in range(WARMUP):
        open_one(n)
    fill_refs()
    for i in range(WARMUP):
        ack_one(i)
        comment_one(i)
    figures: dict[str, float] = {}
    def open_deliver(n: int) -> None:
        open_one(n)
        if n % pass_every == pass_every - 1:
            rig.dispatcher.run_once()

    for step in STEPS:
        if step == "ack":
            fill_refs()
        if step == "open+deliver":
            rig.dispatcher.run_once()  # what the other steps queued: not timed
        do: Callable[[int], None] = {"open": open_one, "ack": ack_one, "comment": comment_one,
                                     "open+deliver": open_deliver}[step]
        first = WARMUP + (commands if step == "open+deliver" else 0)
        numbers = range(first, first + commands)
        profiler = cProfile.Profile() if profile == step else None
        plain_run, plain_pass = rig.app.run, rig.dispatcher.run_once
        if profiler and step == "open+deliver":  # the dispatch passes only
            rig.dispatcher.run_once = profiled(profiler, plain_pass)  # type: ignore[method-assign]
        elif profiler:  # the command runs in a thread of Slack's pool: profile it there
            rig.app.run = profiled(profiler, plain_run)  # type: ignore[method-assign]
        started = time.process_time()
        for n in numbers:
            do(n)
        figures[step] = (time.process_time() - started) * 1000 / commands
        rig.app.run, rig.dispatcher.run_once = plain_run, plain_pass  # type: ignore[method-assign]
        if profiler and profile_out:
            profiler.dump_stats(profile_out)
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
    return figures


def profiled(profiler: cProfile.Profile, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, profiled by ``profiler`` in whatever thread calls it."""
    return lambda *args, **kwargs: profiler.runcall(fn, *args, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300, help="commands per step")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    parser.add_argument("--profile", choices=STEPS, help="print a cProfile of this step")
    parser.add_argument("--profile-out", help="also write the profile's stats to this file")
    parser.add_argument("--pass-every", type=int, default=PASS_EVERY,
                        help="open+deliver: opens between two dispatch passes")
    args = parser.parse_args()
    rows: list[tuple[str, dict[str, float]]] = []
    slack = StandIn("slack")  # the Web API stand-in: Bolt's auth.test, once
    try:
        if not args.pg_only:
            with tempfile.TemporaryDirectory() as tmp:
                rig = build(f"sqlite:///{Path(tmp) / 'bench.db'}", slack.base)
                rows.append(("SQLite", run(rig, args.commands, args.profile, args.pass_every,
                                  args.profile_out)))
        if not args.sqlite_only and ensure_database(args.pg_url):
            reset_schema(args.pg_url)
            rig = build(args.pg_url, slack.base)
            rows.append(("PostgreSQL", run(rig, args.commands, args.profile, args.pass_every,
                                  args.profile_out)))
        calls = slack.counts()
    finally:
        slack.close()
    print(f"\nCPU ms per Slack command (Bolt dispatch, {args.commands} each; open+deliver: a "
          f"dispatch pass every {args.pass_every} opens)")
    print(f"  {'database':<11}" + "".join(f"{s:>14}" for s in STEPS))
    for name, figures in rows:
        print(f"  {name:<11}" + "".join(f"{figures[s]:>14.2f}" for s in STEPS))
    print(f"  Web API calls: {calls}")


if __name__ == "__main__":
    main()
