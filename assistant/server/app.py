"""``byline serve``: one process, one port: the chat page at ``/`` and the HTTP API under ``/v1``.

The API routes are registered before Gradio is mounted at ``/`` so they take precedence.
"""

from __future__ import annotations

import logging
import sys

from assistant.offline import go_offline
from assistant.settings import Settings

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
SHUTDOWN_GRACE_S = 3
QUIET_LIBRARIES = ("httpx", "httpcore", "chromadb", "urllib3", "uvicorn.error", "gradio", "asyncio")


def create_app(settings: Settings, bot=None, page_later: bool = False):
    """The API and the page on one app. ``page_later`` (``byline serve``) starts serving the API at once
    and imports Gradio and builds the page meanwhile (``lazy_page``)."""
    go_offline()
    from fastapi import FastAPI

    from assistant.engine import Assistant
    from assistant.server.api import build_api

    bot = bot or Assistant.from_settings(settings)
    if not page_later:
        from assistant.server.ui import mount_ui

        app = FastAPI(title="Byline", docs_url=None, redoc_url=None, openapi_url=None)
        build_api(app, bot, settings)
        return mount_ui(app, bot, settings)
    from assistant.server.lazy_page import LazyPage

    def page():
        from assistant.server.ui import mount_ui

        return mount_ui(FastAPI(docs_url=None, redoc_url=None, openapi_url=None), bot, settings)

    lazy = LazyPage(page)
    app = FastAPI(title="Byline", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lazy.lifespan)
    build_api(app, bot, settings)
    app.mount("/", lazy)
    return app


def check_port_free(host: str, port: int) -> None:
    """A port in use is one line and exit 1, not a banner followed by uvicorn's traceback."""
    import socket

    from assistant.errors import BylineError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BylineError(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                              "(another server there? choose one with --port)") from exc


def check_access(settings: Settings, environ=None) -> None:
    """Half a login or a key list with no usable key would serve everything to everyone: refuse to
    start instead (``InputError``, exit 2), naming the setting."""
    import os

    from assistant.errors import InputError

    environ = os.environ if environ is None else environ
    if bool(settings.ui_user) != bool(settings.ui_password):
        missing = "ui_password" if settings.ui_user else "ui_user"
        raise InputError(f"BYLINE_{missing.upper()} is not set: the page's login needs both BYLINE_UI_USER "
                         "and BYLINE_UI_PASSWORD (or neither)")
    raw_keys = environ.get("BYLINE_API_KEYS")
    if raw_keys is not None and raw_keys.strip() and not settings.api_keys:
        raise InputError("BYLINE_API_KEYS holds no usable key: give one or more keys separated by commas, "
                         "or unset it")


def serve(settings: Settings) -> int:
    import uvicorn

    from assistant.server.access_log import AccessLog

    check_access(settings)
    check_port_free(settings.host, settings.port)
    app = AccessLog(create_app(settings, page_later=True))
    for chatty in QUIET_LIBRARIES:  # their INFO lines would drown the access log
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    print(f"Byline serving on http://{settings.host}:{settings.port}/ (API at /v1)", flush=True)
    if settings.api_keys and not settings.ui_user:
        print("byline: note: API keys are set and the page has no login, so the page's routes need a key "
              "too; set BYLINE_UI_USER and BYLINE_UI_PASSWORD to open the page in a browser",
              file=sys.stderr, flush=True)
    if settings.host not in LOOPBACK_HOSTS and not settings.api_keys:
        print(f"byline: warning: listening on {settings.host} without API keys: anyone who can reach "
              "this port can use the API (set BYLINE_API_KEYS)", file=sys.stderr, flush=True)
    # Open streams (a browser tab's Gradio heartbeat, an SSE answer) would hold a graceful shutdown
    # forever: Ctrl-C or SIGTERM closes them after SHUTDOWN_GRACE_S.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    return 0
