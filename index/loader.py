"""Find and read article files under a corpus directory.

Own code rather than llama-index's ``SimpleDirectoryReader`` because ingest needs, per file, the raw
bytes' hash (to skip unchanged articles), a skip reason for every file it cannot use, and a policy for
symlinks that leave the corpus; the reader gives none of these.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

SIDECAR = "articles.json"
TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES


@dataclass
class RawArticle:
    source: str
    path: Path
    kind: str
    text: str
    digest: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Skipped:
    path: str
    reason: str


def read_sidecar(corpus: Path) -> dict[str, dict[str, Any]]:
    """Per-file metadata from ``articles.json`` (``{"articles": {relpath: {...}}}``), if present."""
    path = corpus / SIDECAR
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    articles = data.get("articles", data) if isinstance(data, dict) else {}
    return {k: v for k, v in articles.items() if isinstance(v, dict)}


def sidecar_metadata(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": entry.get("title"),
        "publication": entry.get("publication"),
        "published": entry.get("published") or entry.get("published_estimated"),
    }


def iter_corpus(corpus: Path, max_bytes: int) -> Iterator[RawArticle | Skipped]:
    """Yield every article file under ``corpus`` (sorted), or the reason it was skipped."""
    root = corpus.resolve()
    sidecar = read_sidecar(corpus)
    for dirpath, dirnames, filenames in os.walk(corpus, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(corpus).as_posix()
            if rel == SIDECAR or name.startswith("."):
                continue
            item = _read(path, rel, root, max_bytes)
            if isinstance(item, RawArticle):
                item.metadata = {**sidecar_metadata(sidecar.get(rel, {})), **item.metadata}
            yield item


def _read(path: Path, rel: str, root: Path, max_bytes: int) -> RawArticle | Skipped:
    suffix = path.suffix.lower()
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return Skipped(rel, "symlink points outside the corpus directory")
    if suffix not in SUPPORTED:
        return Skipped(rel, f"unsupported file type {suffix!r}")
    try:
        size = path.stat().st_size
        if size == 0:
            return Skipped(rel, "empty file")
        if size > max_bytes:
            return Skipped(rel, f"file is {size} bytes, over the {max_bytes}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    text = decode(data)
    if text is None:
        return Skipped(rel, "binary or undecodable content")
    if not text.strip():
        return Skipped(rel, "no text")
    kind = "html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
    return RawArticle(rel, path, kind, text, hashlib.sha256(data).hexdigest())


def decode(data: bytes) -> str | None:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM, else Latin-1 text; None for binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text) * 0.01:
        return None
    return text
