"""Conversations kept in the browser: the page's saved-conversation list, as plain functions over the
``gr.BrowserState`` value ``{"items": {id: {"title", "turns", "updated"}}}``.

The browser's local storage holds them (encrypted by Gradio with ``ui_secret``), so a reload or a server
restart brings a conversation back and the server keeps nothing per user. Local storage is small (about
5 MB a site), so only the ``MAX_SAVED`` most recent conversations are kept.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from pathlib import Path

from assistant.settings import Settings

EMPTY: dict = {"items": {}}
MAX_SAVED = 30
TITLE_CHARS = 60


def remember(saved: dict | None, conversation: str | None, turns: list[dict]) -> tuple[dict, str | None]:
    """``saved`` with ``turns`` stored as ``conversation`` (a new one gets an id and its first question
    as title), and that id."""
    items = dict((saved or EMPTY).get("items") or {})
    if not turns:
        return {"items": items}, conversation
    if conversation is None or conversation not in items:
        conversation = conversation or uuid.uuid4().hex
        items[conversation] = {"title": _title(turns[0]["question"])}
    items[conversation] = {**items[conversation], "turns": turns, "updated": time.time()}
    newest = sorted(items, key=lambda k: -items[k].get("updated", 0))[:MAX_SAVED]
    return {"items": {k: items[k] for k in newest}}, conversation


def listed(saved: dict | None) -> list[tuple[str, str]]:
    """(title, id) pairs, the most recent first."""
    items = (saved or EMPTY).get("items") or {}
    return [(items[k].get("title") or "Untitled", k) for k in sorted(items, key=lambda k: -items[k].get("updated", 0))]


def opened(saved: dict | None, conversation: str | None) -> list[dict]:
    item = ((saved or EMPTY).get("items") or {}).get(conversation or "")
    return list(item.get("turns") or []) if item else []


def renamed(saved: dict | None, conversation: str | None, title: str) -> dict:
    items = dict((saved or EMPTY).get("items") or {})
    if conversation in items and title.strip():
        items[conversation] = {**items[conversation], "title": _title(title)}
    return {"items": items}


def deleted(saved: dict | None, conversation: str | None) -> dict:
    items = dict((saved or EMPTY).get("items") or {})
    items.pop(conversation or "", None)
    return {"items": items}


def ui_secret(settings: Settings) -> str:
    """The key Gradio encrypts the saved conversations with: kept in the cache directory (mode 600) so
    that they survive a server restart; a new one (old conversations unreadable) if it cannot be kept."""
    path = Path(settings.cache_dir) / "ui_secret"
    try:
        return path.read_text().strip()
    except OSError:
        pass
    secret = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secret)
    except FileExistsError:
        return path.read_text().strip()
    except OSError:
        pass
    return secret


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
