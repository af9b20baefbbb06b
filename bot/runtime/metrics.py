"""Prometheus metrics for one serving process (prometheus-client, a registry of its own)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime.dispatch import DeliveryError, PacedSender, Sender
from handlers.messages import Message, Reply
from storage import outbox
from storage.engine import reader_for


class ReplyObserver(Protocol):
    """What ``timed`` reports each handled command to."""

    def observe_reply(self, reply: Reply, seconds: float) -> None:
        """Count one handled command."""


class Metrics:
    """Counters and histograms the serving process updates, and the /metrics body."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter("crossdesk_commands_total", "Chat commands handled",
                                ["command", "outcome"], registry=r)
        self.latency = Histogram("crossdesk_handler_seconds", "Time to handle one command",
                                 ["command"], registry=r,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
        self.opened = Counter("crossdesk_requests_opened_total", "Requests opened", registry=r)
        self.closed = Counter("crossdesk_requests_closed_total",
                              "Requests closed by their requester", registry=r)
        self.notifications = Counter("crossdesk_notifications_total",
                                     "Notifications handed to a platform",
                                     ["platform", "outcome"], registry=r)
        self.sweep_seconds = Histogram("crossdesk_sweep_seconds", "Duration of one sweep",
                                       registry=r)
        pending = Gauge("crossdesk_outbox_pending", "Undelivered notifications", registry=r)
        lag = Gauge("crossdesk_outbox_lag_seconds", "Age of the oldest undelivered notification",
                    registry=r)
        reader = reader_for(engine)

        def count() -> float:
            with Session(reader) as session:
                return float(outbox.pending_count(session))

        def oldest() -> float:
            with Session(reader) as session:
                first = outbox.oldest_pending(session)
            return max(0.0, (clock() - first).total_seconds()) if first else 0.0

        pending.set_function(count)
        lag.set_function(oldest)
        r.register(_RefusedRows(reader))

    def observe_reply(self, reply: Reply, seconds: float) -> None:
        """Count one handled command by name and outcome (a repeated delivery is not one)."""
        if not reply.repeat:
            self.observe(reply.command or "unknown", reply.ok, seconds)

    def observe(self, command: str, ok: bool, seconds: float) -> None:
        """Count one handled command."""
        self.commands.labels(command, "ok" if ok else "refused").inc()
        self.latency.labels(command).observe(seconds)
        if ok and command == "open":
            self.opened.inc()
        if ok and command == "confirm":
            self.closed.inc()

    def metered(self, platform: str, sender: Sender) -> Sender:
        """A sender that counts what it delivered and what failed (for retry)."""
        if callable(getattr(sender, "pace", None)):
            return _MeteredPacedSender(platform, sender, self)
        return _MeteredSender(platform, sender, self)

    def body(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


class _MeteredSender:
    def __init__(self, platform: str, inner: Sender, metrics: Metrics) -> None:
        self.platform = platform
        self.inner = inner
        self.metrics = metrics

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        try:
            ref = self.inner.send(message, thread_ref)
        except DeliveryError as exc:
            self.count(exc)
            raise
        self.metrics.notifications.labels(self.platform, "sent").inc()
        return ref

    def count(self, exc: DeliveryError) -> None:
        outcome = "refused" if exc.permanent else "paced" if exc.paced else "retried"
        self.metrics.notifications.labels(self.platform, outcome).inc()

    def __getattr__(self, name: str) -> Any:
        """The inner sender's other parts (e.g. ``record_sent``), as they are."""
        return getattr(self.inner, name)


class _MeteredPacedSender(_MeteredSender):
    """The same for a ``PacedSender``: a row its pace holds back counts as not sent."""

    def pace(self, session: Session, messages: Sequence[Message],
             now: datetime) -> list[DeliveryError | None]:
        verdicts: list[DeliveryError | None] = cast(PacedSender, self.inner).pace(
            session, messages, now)
        for verdict in verdicts:
            if verdict is not None:
                self.count(verdict)
        return verdicts


class _RefusedRows(Collector):
    """``crossdesk_outbox_refused{platform, reason}``: rows refused for good, read from the
    database at each scrape (so every replica reports the same, and a restart loses none)."""

    def __init__(self, reader: Engine) -> None:
        self.reader = reader

    def describe(self) -> list[GaugeMetricFamily]:
        return [self._family()]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        with Session(self.reader) as session:
            counts = outbox.refusals_by_reason(session)
        for reason, n in sorted(counts.items()):
            platform = reason.split(":", 1)[0] if ":" in reason else "unknown"
            family.add_metric([platform, reason], n)
        yield family

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily("crossdesk_outbox_refused",
                                 "Notifications a platform refused for good (not retried)",
                                 labels=["platform", "reason"])


def timed(fn: Callable[[], Reply], metrics: ReplyObserver | None) -> Reply:
    """Run a handler call and record it."""
    started = time.perf_counter()
    reply = fn()
    if metrics is not None:
        metrics.observe_reply(reply, time.perf_counter() - started)
    return reply
