"""Is the served store still there? Checked by ``/health`` and before every API request.

Chroma keeps its files open, so a store directory deleted while serving keeps answering from the
unlinked files as if nothing had happened. Looking at the files themselves (a stat and a 16-byte
read) is what turns "deleted" or "truncated" into a clear error instead of answers from a ghost.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Timeout

from assistant.settings import Settings
from assistant.store_schema import STORE_DB

log = logging.getLogger("byline.server")

SQLITE_HEADER = b"SQLite format 3\x00"


def store_problem(settings: Settings) -> str | None:
    """A short reason the local store cannot be used, or None. A Chroma server is checked by querying it."""
    if settings.server_mode:
        return None
    if not settings.store.is_dir():
        return "the store directory is missing"
    try:
        with open(settings.store / STORE_DB, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "the store database is missing"
    except OSError as exc:
        return f"the store database cannot be read ({exc.strerror})"
    if header != SQLITE_HEADER:
        return "the store database is empty or damaged"
    return None


def store_warnings(settings: Settings) -> list[str]:
    """Conditions that do not stop answering but will stop the next ingest."""
    if settings.server_mode or not settings.store.is_dir():
        return []
    if not os.access(settings.store, os.W_OK):
        return ["the store directory is read-only: answering works, ingest cannot update it"]
    return []


class StoreProbe:
    """Counts the store's articles for ``/health`` within ``chroma_timeout_s``. A Chroma server that
    hangs (stopped, swapping) would otherwise hold every health check for the whole read timeout; the
    query runs on one worker thread, and while a hung one is still pending no other is started."""

    def __init__(self, bot, timeout_s: float) -> None:
        self._bot = bot
        self._timeout_s = timeout_s
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-health")
        self._pending = None
        self._lock = threading.Lock()

    def articles(self) -> int:
        """The article count; raises ``TimeoutError`` when the store does not answer in time."""
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = self._pool.submit(lambda: len(self._bot.articles()))
            pending = self._pending
        try:
            return pending.result(timeout=self._timeout_s)
        except Timeout as exc:
            raise TimeoutError(f"no answer within {self._timeout_s:g} s") from exc


def health_report(probe: StoreProbe, settings: Settings, model_ids: list[str]) -> tuple[int, dict]:
    """HTTP status and body for ``/health``: 200 when questions can be answered, else 503.

    The body names the problem in a few words without paths or exception text, because ``/health``
    is open even when API keys are set; the details go to the server log.
    """
    problem = store_problem(settings)
    articles = None
    if problem is None:
        try:
            articles = probe.articles()
        except TimeoutError as exc:
            log.warning("health check: the store did not answer: %s", exc)
            problem = f"the store did not answer within {settings.chroma_timeout_s:g} s"
        except Exception as exc:
            log.warning("health check: store query failed: %s: %s", type(exc).__name__, exc)
            problem = "the store cannot be queried"
    body = {
        "status": "ok" if problem is None else "unavailable",
        "models": model_ids,
        "articles": articles,
        "problem": problem,
        "warnings": store_warnings(settings),
    }
    return (200 if problem is None else 503), body
