"""Find and read article files under a corpus directory.

Own code rather than llama-index's ``SimpleDirectoryReader`` because ingest needs, per file, the raw
bytes' hash (to skip unchanged articles), a skip reason for every file it cannot use, and a policy for
symlinks, special files and odd names that a hostile dump can contain; the reader gives none of these.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from assistant.checks import is_text

SIDECAR = "articles.json"
TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
# A trailing "(inferred: ...)" / "(named in the byline)" note in a sidecar value is provenance for
# the curator, not part of the name a reader should see; a proper-noun one like "(Malaysia)" stays.
ANNOTATION = re.compile(r"\s*\([a-z][^()]*\)\s*$")
INFERRED_NOTE = re.compile(r"\((?:inferred|guessed|estimated|assumed)\b[^()]*\)\s*$", re.IGNORECASE)
# NULs are dropped from text (padding, corruption); in a file that is not UTF-8, more than this share
# of them means binary content.
MAX_NUL_SHARE = 0.01


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


def read_sidecar(corpus: Path) -> tuple[dict[str, dict[str, Any]], Skipped | None]:
    """Per-file metadata from ``articles.json`` (``{"articles": {relpath: {...}}}``), if present.

    A broken sidecar does not stop the ingest: articles go in without its metadata and the run
    reports why.
    """
    path = corpus / SIDECAR
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        return {}, Skipped(SIDECAR, f"metadata sidecar ignored: {exc}")
    articles = data.get("articles", data) if isinstance(data, dict) else {}
    if not isinstance(articles, dict):
        return {}, Skipped(SIDECAR, "metadata sidecar ignored: expected an object of articles")
    return {k: v for k, v in articles.items() if isinstance(v, dict)}, None


def sidecar_metadata(entry: dict[str, Any]) -> dict[str, Any]:
    """Display values from a sidecar entry: annotations stripped, an estimated date used if no exact
    one, and the fact that it was estimated (or the publication inferred) kept as a flag, so that a
    reader is not shown a guess as a fact."""
    publication = entry.get("publication")
    exact = _display(entry.get("published"), strip_note=True)
    estimated = None if exact else _display(entry.get("published_estimated"), strip_note=True)
    return {
        "title": _display(entry.get("title")),
        "publication": _display(publication, strip_note=True),
        "published": exact or estimated,
        "published_estimated": bool(estimated),
        "publication_inferred": isinstance(publication, str) and bool(INFERRED_NOTE.search(publication)),
    }


def _display(value: Any, strip_note: bool = False) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return (ANNOTATION.sub("", text) if strip_note else text) or None


def iter_corpus(corpus: Path, max_bytes: int) -> Iterator[RawArticle | Skipped]:
    """Yield every article file under ``corpus`` (sorted), or the reason it was skipped."""
    root = corpus.resolve()
    sidecar, sidecar_problem = read_sidecar(corpus)
    if sidecar_problem:
        yield sidecar_problem
    walk_errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(corpus, followlinks=False, onerror=walk_errors.append):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if name.startswith(".") or (here / name).is_symlink():
                dirnames.remove(name)
                if not name.startswith("."):
                    yield Skipped(_rel(here / name, corpus), "symlinked directory not followed")
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            rel = _rel(path, corpus)
            if rel == SIDECAR or name.startswith("."):
                continue
            item = _read(path, rel, root, max_bytes)
            if isinstance(item, RawArticle):
                item.metadata = {**sidecar_metadata(sidecar.get(rel, {})), **item.metadata}
            yield item
    for error in walk_errors:
        yield Skipped(_rel(Path(error.filename or corpus), corpus), f"unreadable directory: {error.strerror}")


def _rel(path: Path, corpus: Path) -> str:
    try:
        return path.relative_to(corpus).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path, rel: str, root: Path, max_bytes: int) -> RawArticle | Skipped:
    if not is_text(rel):  # undecodable bytes in a name arrive as lone surrogates
        return Skipped(os.fsencode(rel).decode("utf-8", "backslashreplace"), "file name is not valid UTF-8")
    suffix = path.suffix.lower()
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return Skipped(rel, "broken or looping symlink")
        if not target.is_relative_to(root):
            return Skipped(rel, "symlink points outside the corpus directory (not followed)")
    if suffix not in SUPPORTED:
        return Skipped(rel, f"unsupported file type {suffix!r}")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Skipped(rel, "not a regular file")
        if info.st_size == 0:
            return Skipped(rel, "empty file")
        if info.st_size > max_bytes:
            return Skipped(rel, f"file is {info.st_size} bytes, over the {max_bytes}-byte limit (max_file_bytes)")
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return Skipped(rel, f"file grew over the {max_bytes}-byte limit while being read")
    text = decode(data)
    if text is None:
        return Skipped(rel, "binary or undecodable content")
    if not text.strip():
        return Skipped(rel, "no text")
    kind = "html" if suffix in HTML_SUFFIXES else "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
    return RawArticle(rel, path, kind, text, hashlib.sha256(data).hexdigest())


def decode(data: bytes) -> str | None:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM, or mostly-ASCII text without one), else
    Windows-1252 / Latin-1 (1252 first: it is Latin-1 plus the curly quotes old CMSs emit); ``None``
    for binary content.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _printable(_try(data, "utf-16"))
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _printable(_try(data, utf16))
    nuls = data.count(0)
    data = data.replace(b"\x00", b"")
    if not data:
        return None
    text = _try(data, "utf-8-sig")
    if text is not None:
        return _printable(text)
    if nuls > (len(data) + nuls) * MAX_NUL_SHARE:
        return None
    return _printable(_try(data, "cp1252") or data.decode("latin-1"))


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly-ASCII text has a NUL in every other byte; binary formats do not."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _printable(text: str | None) -> str | None:
    """Text with more than 1% control characters is binary, whatever it decoded as."""
    if text is None:
        return None
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7f <= ord(ch) < 0xa0)
    if controls > len(text) * 0.01:
        return None
    return text
