"""The chat page, mounted before Gradio is even imported, so that ``byline serve`` answers the API sooner.

Importing Gradio and building the page (which asks the example questions) takes seconds; the API needs
neither. So the server starts with a stand-in at ``/`` and builds the page on a thread meanwhile. A
request for the page that arrives first waits for it (up to ``PAGE_WAIT_S``), then is served by Gradio
exactly as if it had been mounted from the start. Gradio's own start-up and shutdown (its queue) run in
a task of the server's lifespan, entered and left in that one task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Callable

log = logging.getLogger("byline.server")
PAGE_WAIT_S = 120.0


class LazyPage:
    """An ASGI app that becomes the app ``build`` returns (a FastAPI app with the page mounted at ``/``)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._app: Any = None
        self._ready: asyncio.Event | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _app):
        """The server's lifespan: builds the page beside it, and stops Gradio's queue at shutdown."""
        self._ready = asyncio.Event()
        stopped = asyncio.Event()
        task = asyncio.create_task(self._run(stopped))
        try:
            yield
        finally:
            stopped.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, stopped: asyncio.Event) -> None:
        try:
            app = await asyncio.to_thread(self._build)
        except Exception:
            log.exception("the chat page could not be built; the API keeps serving")
            self._ready.set()
            return
        async with app.router.lifespan_context(app):
            self._app = app
            self._ready.set()
            await stopped.wait()

    async def __call__(self, scope, receive, send) -> None:
        if self._ready is not None and not self._ready.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._ready.wait(), PAGE_WAIT_S)
        if self._app is None:
            if scope["type"] == "http":
                from starlette.responses import PlainTextResponse

                response = PlainTextResponse("The chat page is not available; the API under /v1 is.", 503)
                await response(scope, receive, send)
            return
        await self._app(scope, receive, send)
