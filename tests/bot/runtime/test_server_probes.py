"""/healthz and /metrics run their database work in threads with a bounded wait: a hung
database makes them answer 503 and leaves every other route answering."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime.server import build_server


async def ping(_request: Request) -> Response:
    return PlainTextResponse("pong")


def test_hung_probes_answer_503_and_other_routes_keep_answering() -> None:
    release = threading.Event()

    def hung_health() -> tuple[bool, dict[str, Any]]:
        release.wait(10)  # a synchronous database call that does not come back
        return True, {}

    def hung_metrics() -> bytes:
        release.wait(10)
        return b""

    app = build_server([Route("/ping", ping)], health=hung_health, metrics=hung_metrics,
                       probe_seconds=0.5)

    async def scenario() -> tuple[list[int], float, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:
            started = time.monotonic()
            probes = [asyncio.create_task(http.get(path))
                      for path in ("/healthz", "/healthz", "/metrics", "/healthz")]
            await asyncio.sleep(0.1)
            pong = await http.get("/ping")
            ping_took = time.monotonic() - started
            assert pong.text == "pong"
            statuses = [r.status_code for r in await asyncio.gather(*probes)]
            return statuses, ping_took, time.monotonic() - started

    try:
        statuses, ping_took, probes_took = asyncio.run(scenario())
    finally:
        release.set()
    assert statuses == [503, 503, 503, 503]
    assert ping_took < 0.4 and probes_took < 1.5


def test_healthy_probes_answer_200() -> None:
    app = build_server([], health=lambda: (True, {"database": True}),
                       metrics=lambda: b"crossdesk_up 1\n")

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:
            return await http.get("/healthz"), await http.get("/metrics")

    health, metrics = asyncio.run(scenario())
    assert health.status_code == 200 and health.json() == {"ok": True, "database": True}
    assert metrics.status_code == 200 and metrics.text == "crossdesk_up 1\n"


def test_startup_heap_is_left_out_of_later_collections_but_new_garbage_is_not() -> None:
    """A full collection over everything built at startup stalled requests for 50-90 ms."""
    import gc
    import weakref

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    app = build_server([Route("/ping", ping)])

    async def serving() -> tuple[int, bool]:
        async with app.router.lifespan_context(app):
            frozen = gc.get_freeze_count()
            garbage = Node()
            gone = weakref.ref(garbage)
            del garbage
            gc.collect()
            return frozen, gone() is None

    gc.unfreeze()
    try:
        frozen, collected = asyncio.run(serving())
    finally:
        gc.unfreeze()
    assert frozen > 1000
    assert collected
