"""One log line per HTTP request at INFO (``byline serve --log-level info``): method, path, status, ms.

Written by Byline rather than uvicorn's access log, whose line carries the query string (a client may
put a key or a question there). Here the path is logged without it, a question only ever travels in
the body, and keys only in headers, so neither reaches the log at any level.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("byline.access")


class AccessLog:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            log.info("%s %s %d %.1f ms", scope["method"], scope["path"][:200], status["code"],
                     (time.perf_counter() - started) * 1000)
