""""Add articles" on the chat page: uploaded files are ingested into the served store, adding to it.

Uploading writes to the store, so it is on only where the people who can reach the page are trusted
to: when the server listens on loopback, or the page has its login (``ui_uploads = "auto"``); ``on`` and
``off`` decide outright. The files go through the same ingest as ``byline ingest --add``: hostile files
are skipped with their reason, nothing that was there is removed, and the answering side sees the new
articles on its next generation check.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from assistant.settings import Settings

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
UPLOAD_FILES = 10  # files per upload; the upload route's body limit is this many max_file_bytes
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


def uploads_enabled(settings: Settings) -> bool:
    if settings.ui_uploads != "auto":
        return settings.ui_uploads == "on"
    return settings.host in LOOPBACK_HOSTS or bool(settings.ui_user and settings.ui_password)


def add_articles(paths: list[str], settings: Settings, embedder, on_article: Callable[[str], None]) -> str:
    """Ingest the uploaded files (kept under their own names) with the server's own encoder, and
    describe what happened, in words."""
    from byline.index.ingest import ingest

    if not paths:
        return "Choose one or more .txt, .md or .html files first."
    if len(paths) > UPLOAD_FILES:
        return f"{len(paths)} files: add at most {UPLOAD_FILES} at a time."
    with tempfile.TemporaryDirectory(prefix="byline-upload-") as folder:
        for path in paths:
            name = Path(path).name.lstrip(".") or "article.txt"
            shutil.copyfile(path, Path(folder) / name)
        report = ingest(Path(folder), settings, embedder=embedder, on_article=on_article, add_only=True)
    parts = [f"{report.added} added", f"{report.updated} updated", f"{report.unchanged} unchanged"]
    text = f"{', '.join(parts)}; the store now holds {report.chunks} chunks."
    if report.skipped:
        text += " Skipped: " + "; ".join(f"{s['path']} ({s['reason']})" for s in report.skipped) + "."
    return text
