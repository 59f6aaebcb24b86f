"""``byline serve``: one process, one port: the chat page at ``/`` and the HTTP API under ``/v1``.

The API routes are registered before Gradio is mounted at ``/`` so they take precedence.
"""

from __future__ import annotations

import logging
import sys

from assistant.offline import go_offline
from assistant.settings import Settings

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def create_app(settings: Settings, bot=None):
    go_offline()
    from fastapi import FastAPI

    from assistant.engine import Assistant
    from assistant.server.api import build_api
    from assistant.server.ui import mount_ui

    bot = bot or Assistant.from_settings(settings)
    app = FastAPI(title="Byline", docs_url=None, redoc_url=None)
    build_api(app, bot, settings)
    return mount_ui(app, bot, settings)


def serve(settings: Settings) -> int:
    import uvicorn

    app = create_app(settings)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    print(f"Byline serving on http://{settings.host}:{settings.port}/ (API at /v1)", flush=True)
    if settings.host not in LOOPBACK_HOSTS and not settings.api_keys:
        print(f"byline: warning: listening on {settings.host} without API keys: anyone who can reach "
              "this port can use the API (set BYLINE_API_KEYS)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
