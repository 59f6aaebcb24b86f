"""An in-memory view of the store's chunks and their keyword index, kept in step with the store.

The keyword index must mirror the chunks in Chroma. Every changing ingest bumps the ``generation``
counter in the store and logs the articles it changed, so each ``Assistant`` compares the generation
(at most once per ``generation_check_s``) and brings its own copy up to date from those articles
(``SnapshotKeeper``): several app servers sharing one Chroma server therefore never diverge. Only the
update is locked; requests keep reading the previous snapshot meanwhile. A build is kept on local disk
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

from assistant import store_schema
from assistant.errors import StoreMissingError
from assistant.retrieval.dates import published_date
from assistant.retrieval.filters import Filters
from assistant.retrieval.keyword import KeywordIndex
from assistant.retrieval.keyword_cache import KeywordCache
from assistant.retrieval.terms import index_terms_many
from assistant.store import NO_ARTICLES, Store
from assistant.store_schema import StoredChunk as Chunk

PAGE = 5000
SOURCES_PER_READ = 100  # sources per ``$in`` read of changed articles: each request stays small
MAX_CACHED_FILTERS = 64


@dataclass
class Snapshot:
    """The store's chunks at ``generation`` and their keyword index. ``base`` is the last clean generation
    it is known to match outside the articles an ingest was changing (built while one was under way, it
    matches nothing better than the generation that ingest started from)."""

    generation: int
    base: int
    chunks: list[Chunk]
    keyword: KeywordIndex
    _filter_cache: dict[Filters, tuple[np.ndarray, list[str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> "Snapshot":
        """The cached build for this generation if there is one, else a build from the chunks in Chroma
        (cached unless an ingest is under way: see ``keyword_cache``)."""
        state = store.state()
        generation = store_schema.generation(state)
        cache = None if store_schema.is_dirty(state) else KeywordCache.of(store, generation)
        cached = cache.load(store.chunk_count()) if cache else None
        if cached:
            columns, keyword = cached
            return cls(generation, generation, [Chunk(*values) for values in zip(*columns.values())], keyword)
        chunks, keyword = _build(store)
        built = cls(generation, store_schema.clean_base(state), chunks, keyword)
        if cache and store.generation() == generation:
            built.save(cache)
        return built

    def save(self, cache: KeywordCache) -> None:
        cache.save({f.name: [getattr(c, f.name) for c in self.chunks] for f in fields(Chunk)}, self.keyword)

    def updated(self, store: Store, changed: set[str], generation: int) -> "Snapshot":
        """This snapshot with the chunks of the ``changed`` articles read again from the store: the same
        chunks, order and keyword scores as a full build at ``generation``, for the cost of those articles."""
        fresh = sorted(_read_chunks_of(store, sorted(changed)), key=lambda c: (c.source, c.start))
        entries = [(c.source, c.start, 0, i) for i, c in enumerate(self.chunks) if c.source not in changed]
        entries += [(c.source, c.start, 1, j) for j, c in enumerate(fresh)]
        entries.sort()
        if not entries:
            raise StoreMissingError(f"{NO_ARTICLES} (store: {store.settings.store_label})")
        new_of_old = np.full(len(self.chunks), -1, dtype=np.int64)
        added_at = np.zeros(len(fresh), dtype=np.int64)
        chunks = []
        for position, (_, _, is_new, i) in enumerate(entries):
            if is_new:
                added_at[i] = position
                chunks.append(fresh[i])
            else:
                new_of_old[i] = position
                chunks.append(self.chunks[i])
        documents = list(index_terms_many(_keyword_text(c) for c in fresh))
        keyword = self.keyword.updated(new_of_old, documents, added_at)
        updated = Snapshot(generation, generation, chunks, keyword)
        if "_published_days" in self.__dict__:  # worked out already: carried over, not redone for every chunk
            days = np.empty(len(chunks), dtype=np.int64)
            kept = new_of_old >= 0
            days[new_of_old[kept]] = self._published_days[kept]
            days[added_at] = _days(fresh)
            updated.__dict__["_published_days"] = days
        return updated

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
            names, codes = self._sources
            found = (allowed.astype(np.float32), [names[i] for i in np.unique(codes[allowed])])
            if len(self._filter_cache) >= MAX_CACHED_FILTERS:
                self._filter_cache.clear()
            self._filter_cache[filters] = found
        return found

    @property
    def source_count(self) -> int:
        return len(self._sources[0])

    @cached_property
    def _sources(self) -> tuple[list[str], np.ndarray]:
        """The distinct sources, sorted, and each chunk's index into them."""
        names = sorted({c.source for c in self.chunks})
        number = {name: i for i, name in enumerate(names)}
        return names, np.fromiter((number[c.source] for c in self.chunks), dtype=np.int64, count=len(self.chunks))

    @cached_property
    def _published_days(self) -> np.ndarray:
        """Each chunk's publication day as an ordinal (undated: never after any ``as_of``)."""
        return _days(self.chunks)

    @cached_property
    def by_id(self) -> dict[str, Chunk]:
        return {c.id: c for c in self.chunks}

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
            yield from (_keyword_text(c) for c in page)

    # Indexed as read (the terms never all held at once: at a million chunks they would not fit), then
    # renumbered into the snapshot's order.
    keyword = KeywordIndex.build(index_terms_many(texts()))
    if not chunks:
        raise StoreMissingError(f"{NO_ARTICLES} (store: {store.settings.store_label})")
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].source, chunks[i].start))
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return [chunks[i] for i in order], keyword.updated(position, [], np.zeros(0, dtype=np.int64))


def _days(chunks: list[Chunk]) -> np.ndarray:
    days = [published_date(c.published) for c in chunks]
    return np.array([d.toordinal() if d else 0 for d in days], dtype=np.int64)


def _keyword_text(chunk: Chunk) -> str:
    return f"{chunk.title or ''}\n{chunk.text}"


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
            yield _parsed(got)


def _read_chunks_of(store: Store, sources: list[str]) -> list[Chunk]:
    """The chunks of ``sources`` as the store holds them now."""
    found: list[Chunk] = []
    for start in range(0, len(sources), SOURCES_PER_READ):
        got = store.chunks().get(where={"source": {"$in": sources[start:start + SOURCES_PER_READ]}},
                                 include=["documents", "metadatas"])
        found += _parsed(got)
    return found


def _parsed(got: dict) -> list[Chunk]:
    return [store_schema.parse_chunk(cid, text, meta)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])]


class SnapshotKeeper:
    """Hands out the current snapshot; one thread at a time checks the generation and brings it up to date.

    A change that the store's change log names is applied from the changed articles alone (``updated``);
    a larger one (over ``keyword_rebuild_share`` of the articles), one the log cannot tell (a crashed
    ingest, a writer that logs nothing) or a first load builds in full. While an ingest is under way the
    snapshot in hand is kept: the generation does not move until the ingest ends, when its log names what
    it changed. The updated snapshot is written to the disk cache on a background thread.
    """

    def __init__(self, store: Store, check_interval_s: float, rebuild_share: float) -> None:
        self._store = store
        self._interval = check_interval_s
        self._rebuild_share = rebuild_share
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.saving: threading.Thread | None = None

    def current(self) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - self._checked < self._interval:
            return snapshot
        if not self._lock.acquire(blocking=snapshot is None):
            return snapshot  # another thread is checking; the current snapshot is good enough meanwhile
        try:
            snapshot = self._snapshot
            if snapshot is None or time.monotonic() - self._checked >= self._interval:
                snapshot = self._snapshot = self._refreshed(snapshot)
                self._checked = time.monotonic()
            return snapshot
        finally:
            self._lock.release()

    def _refreshed(self, snapshot: Snapshot | None) -> Snapshot:
        if snapshot is None:
            return Snapshot.load(self._store)
        state = self._store.state()
        generation = store_schema.generation(state)
        if generation == snapshot.generation or store_schema.is_dirty(state):
            return snapshot
        changed = store_schema.changes_between(state, snapshot.base, generation)
        if changed is None or len(changed) > self._rebuild_share * max(1, snapshot.source_count):
            return Snapshot.load(self._store)
        updated = snapshot.updated(self._store, changed, generation)
        cache = KeywordCache.of(self._store, generation)
        if cache is not None:
            self.saving = threading.Thread(target=updated.save, args=(cache,), name="byline-keyword-cache",
                                           daemon=True)
            self.saving.start()
        return updated
