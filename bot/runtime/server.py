"""One ASGI app (Starlette under uvicorn): adapters' routes, /healthz and /metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.runtime.heap import freeze_heap

MAX_BODY = 1024 * 1024
PROBE_SECONDS = 5.0  # /healthz and /metrics answer 503 when the database takes longer
PROBE_THREADS = 2    # probes waiting on a hung database use at most this many threads

HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]
T = TypeVar("T")


def build_server(routes: Sequence[BaseRoute], health: HealthCheck | None = None,
                 metrics: Callable[[], bytes] | None = None,
                 probe_seconds: float = PROBE_SECONDS) -> Starlette:
    """The shared HTTP app: each adapter contributes its routes (e.g. /slack/events).

    /healthz and /metrics query the database, which blocks: they run in worker threads of
    their own, never on the event loop, and give up after ``probe_seconds``, so a hung
    database makes them answer 503 while every other route keeps answering."""
    limiter = anyio.CapacityLimiter(PROBE_THREADS)

    async def bounded(work: Callable[[], T]) -> T | None:
        """``work()`` in a thread; None when it did not finish within ``probe_seconds``
        (the thread is left to finish on its own: the engine bounds its waits)."""
        with anyio.move_on_after(probe_seconds):
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True,
                                                  limiter=limiter)
        return None

    async def healthz(_request: Request) -> Response:
        result = await bounded(health) if health else (True, {})
        ok, detail = result or (False, {"database": False, "error": "timeout"})
        return JSONResponse({"ok": ok, **detail}, status_code=200 if ok else 503)

    async def metrics_endpoint(_request: Request) -> Response:
        body = await bounded(metrics) if metrics else b""
        if body is None:
            return PlainTextResponse("metrics timed out\n", status_code=503)
        return PlainTextResponse(body, media_type="text/plain; version=0.0.4")

    return Starlette(routes=[
        *routes,
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ], lifespan=freeze_startup_heap)


@asynccontextmanager
async def freeze_startup_heap(_app: Starlette) -> AsyncIterator[None]:
    """Starlette lifespan: the app is built and about to take requests."""
    freeze_heap()
    yield


async def read_limited(request: Request, limit: int = MAX_BODY) -> bytes | None:
    """The raw body, or None when it is larger than ``limit`` (answer 413)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)
