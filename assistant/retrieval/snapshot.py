"""An in-memory view of the store's chunks, rebuilt when the store's ``generation`` changes.

The keyword index must mirror the chunks in Chroma. Every changing ingest bumps the ``generation``
counter in the store, so each ``Assistant`` compares it (at most once per ``generation_check_s``) and
rebuilds its own copy: several app servers sharing one Chroma server therefore never diverge. Only the
rebuild is locked; requests keep reading the previous snapshot meanwhile. A build is kept on local disk
for the next process that opens the same store at the same generation (``keyword_cache``).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Iterator

import numpy as np

from assistant.errors import StoreMissingError
from assistant.retrieval.dates import published_date
from assistant.retrieval.filters import Filters
from assistant.retrieval.keyword import KeywordIndex
from assistant.retrieval.keyword_cache import KeywordCache
from assistant.retrieval.terms import index_terms_many
from assistant.store import NO_ARTICLES, Store

PAGE = 5000
MAX_CACHED_FILTERS = 64


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    text: str
    start: int
    end: int
    title: str | None
    publication: str | None
    published: str | None

    @property
    def meta(self) -> dict:
        return {"source": self.source, "title": self.title, "publication": self.publication,
                "published": self.published}


@dataclass
class Snapshot:
    generation: int
    chunks: list[Chunk]
    keyword: KeywordIndex
    _filter_cache: dict[Filters, tuple[np.ndarray, list[str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> "Snapshot":
        """The cached build for this generation if there is one, else a build from the chunks in Chroma
        (cached unless an ingest is under way: see ``keyword_cache``)."""
        meta = store.articles().metadata or {}
        generation = int(meta.get("generation", 0))
        cache = None if meta.get("dirty") else KeywordCache.of(store, generation)
        cached = cache.load(store.chunk_count()) if cache else None
        if cached:
            columns, keyword = cached
            return cls(generation, [Chunk(*values) for values in zip(*columns.values())], keyword)
        chunks, keyword = _build(store)
        if cache and store.generation() == generation:
            cache.save({f.name: [getattr(c, f.name) for c in chunks] for f in fields(Chunk)}, keyword)
        return cls(generation, chunks, keyword)

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        if not filters or not filters.active:
            return None
        return self._filtered(filters)[0]

    def allowed_sources(self, filters: Filters) -> list[str]:
        return self._filtered(filters)[1]

    def _filtered(self, filters: Filters) -> tuple[np.ndarray, list[str]]:
        """The chunk mask and the sources a filter allows, worked out once per filter: a dated question
        filters every time, and the same dates come back (a day's questions share their ``as_of``)."""
        found = self._filter_cache.get(filters)
        if found is None:
            undated = replace(filters, as_of=None)
            allowed = np.array([undated.allows(c.meta) for c in self.chunks] if undated.active
                               else np.ones(len(self.chunks), dtype=bool), dtype=bool)
            if filters.as_of is not None:
                allowed &= self._published_days <= filters.as_of.toordinal()
            found = (allowed.astype(np.float32), sorted({c.source for c, ok in zip(self.chunks, allowed) if ok}))
            if len(self._filter_cache) >= MAX_CACHED_FILTERS:
                self._filter_cache.clear()
            self._filter_cache[filters] = found
        return found

    @cached_property
    def _published_days(self) -> np.ndarray:
        """Each chunk's publication day as an ordinal (undated: never after any ``as_of``)."""
        days = [published_date(c.published) for c in self.chunks]
        return np.array([d.toordinal() if d else 0 for d in days], dtype=np.int64)

    @cached_property
    def newest_published(self) -> str:
        """The latest ``published`` value of any chunk ("" if none is dated)."""
        return max((c.published or "" for c in self.chunks), default="")


def _build(store: Store) -> tuple[list[Chunk], KeywordIndex]:
    """Every chunk in the store, ordered by article and position, and their keyword index."""
    chunks: list[Chunk] = []

    def texts() -> Iterator[str]:
        for page in _read_chunks(store):
            chunks.extend(page)
            yield from (f"{c.title or ''}\n{c.text}" for c in page)

    documents = list(index_terms_many(texts()))
    if not chunks:
        raise StoreMissingError(f"{NO_ARTICLES} (store: {store.settings.store_label})")
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].source, chunks[i].start))
    return [chunks[i] for i in order], KeywordIndex.build([documents[i] for i in order])


def _read_chunks(store: Store) -> Iterator[list[Chunk]]:
    """Every chunk in the store, a page at a time. The next page is fetched while the caller tokenises
    this one: Chroma's core releases the GIL, so on two cores the two overlap."""
    collection = store.chunks()

    def fetch(offset: int) -> dict:
        return collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)

    with ThreadPoolExecutor(max_workers=1) as pool:
        offset = 0
        pending = pool.submit(fetch, offset)
        while pending is not None:
            got = pending.result()
            offset += PAGE
            pending = pool.submit(fetch, offset) if len(got["ids"]) == PAGE else None
            yield [_chunk(cid, text, meta or {}) for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])]


def _chunk(cid: str, text: str | None, meta: dict) -> Chunk:
    return Chunk(id=cid, source=str(meta.get("source", "")), text=text or "", start=int(meta.get("start", 0)),
                 end=int(meta.get("end", 0)), title=meta.get("title") or None,
                 publication=meta.get("publication") or None, published=meta.get("published") or None)


class SnapshotKeeper:
    """Hands out the current snapshot; one thread at a time checks the generation and rebuilds."""

    def __init__(self, store: Store, check_interval_s: float) -> None:
        self._store = store
        self._interval = check_interval_s
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - self._checked < self._interval:
            return snapshot
        if not self._lock.acquire(blocking=snapshot is None):
            return snapshot  # another thread is checking; the current snapshot is good enough meanwhile
        try:
            snapshot = self._snapshot
            if snapshot is None or time.monotonic() - self._checked >= self._interval:
                if snapshot is None or self._store.generation() != snapshot.generation:
                    snapshot = self._snapshot = Snapshot.load(self._store)
                self._checked = time.monotonic()
            return snapshot
        finally:
            self._lock.release()
