"""Bring a store in line with a corpus directory: add new articles, replace changed ones, drop deleted ones.

Crash safety comes from the write order and a ``dirty`` flag in the articles collection's metadata:
- the flag is set before a run's first write and cleared after its last, so a run that finds it set
  knows the previous one died, and only then pays for a full scan of the chunks (orphan sweep);
- an article's record (with its ``doc_hash``) is invalidated before its chunks are touched and written
  only after all its new chunks are in, so an article without a current record is redone next run
  (old chunks deleted first) whatever its file then contains;
- chunk ids derive from source and content, so the completed store equals a clean ingest.
Every changing run bumps the store's ``generation`` (at start and at end), which readers watch, and logs
the sources it changed, from which they bring their keyword index up to date (``assistant.store_schema``).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from assistant import store_schema
from assistant.errors import InputError, StoreError
from assistant.sentences import split_spans
from assistant.settings import Settings
from assistant.store import Store
from assistant.store_schema import ARTICLE_PLACEHOLDER_VECTOR
from assistant.store_schema import article_record as _article_record
from byline.index.chunker import Chunk, chunk_text
from byline.index.cleaner import RefusedArticle, clean
from byline.index.entities import find_entities
from byline.index.loader import RawArticle, Skipped, iter_corpus
from byline.index.lock import ingest_lock

# Part of every doc_hash: bump it when cleaning or chunking changes, so stores re-clean everything.
PIPELINE_VERSION = "10"
DERIVED_TITLE_CHARS = 80
# Chroma refuses larger batches (its limit is near 5,461 records for an on-disk store).
MAX_WRITE_BATCH = 5000
NO_TEXT = "no article text left after removing boilerplate"
MAX_META_CHARS = 500  # a title, publication or date longer than this is cut (at a word) when stored


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def ingest(
    corpus: Path,
    settings: Settings,
    progress: bool = False,
    embedder=None,
    on_article: Callable[[str], None] | None = None,
    add_only: bool = False,
) -> IngestReport:
    """Sync ``corpus`` into the configured store and report what changed.

    ``embedder`` is any llama-index embedding (default: the bundled model, loaded only if something
    needs embedding); ``on_article`` is called with each article's source once it is fully stored.
    ``add_only`` adds and updates the corpus's articles but removes none that it lacks (uploads from the
    chat page, ``byline ingest --add``).
    """
    started = time.perf_counter()
    articles, skipped = _scan(Path(corpus), settings)
    report = IngestReport(skipped=skipped)
    with ingest_lock(settings):
        store = Store.open(settings, create=True)
        articles_col, chunks_col = store.articles(create=True), store.chunks(create=True)
        store.check_model()
        existing = _existing_hashes(store)
        todo = [(a, d) for a in articles if existing.get(a.source) != (d := _doc_hash(a, settings))]
        sources = {a.source for a in articles}
        gone = [] if add_only else sorted(set(existing) - sources)
        run = _Run(store)
        if run.recovering:
            run.begin()
        _remove(gone, chunks_col, articles_col, run)
        writer = _Writer(chunks_col, articles_col, settings, embedder, existing, run,
                         purge_all=run.recovering, on_article=on_article, quiet=not progress)
        try:
            with _progress(len(todo), progress) as bar:
                for article, digest, prepared in _prepared(todo, settings):
                    writer.add(article, digest, prepared)
                    bar.update(writer.flush_if_full())
                bar.update(writer.flush())
                bar.update(writer.drain())
        except Exception as exc:
            if _disk_full(exc):
                raise _disk_full_error(settings, "") from exc
            raise
        finally:
            writer.close()
        if run.recovering:
            _sweep_orphans(chunks_col, sources | set(existing) if add_only else sources)
        run.end()
        report.chunks = chunks_col.count()
    report.documents = len(articles) - len(writer.skipped)
    report.unchanged = len(articles) - len(todo)
    report.added, report.updated = writer.added, writer.updated
    report.removed = len(gone) + writer.emptied
    report.skipped += writer.skipped
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _scan(corpus: Path, settings: Settings) -> tuple[list[RawArticle], list[dict[str, str]]]:
    """The corpus's readable articles and the files skipped, with reasons; bad input if there are none."""
    if not corpus.exists():
        raise InputError(f"corpus directory not found: {corpus}")
    if not corpus.is_dir():
        raise InputError(f"corpus is not a directory: {corpus}")
    found = list(iter_corpus(corpus, settings.max_file_bytes))
    articles = [a for a in found if isinstance(a, RawArticle)]
    skipped = [{"path": s.path, "reason": s.reason} for s in found if isinstance(s, Skipped)]
    if not articles:
        detail = f" ({len(skipped)} file(s) skipped)" if skipped else ""
        raise InputError(f"no articles found in {corpus}{detail}")
    return articles, skipped


def _existing_hashes(store: Store) -> dict[str, str]:
    return {i: store_schema.record_hash(m) for got in store.article_pages(["metadatas"])
            for i, m in zip(got["ids"], got["metadatas"])}


def _doc_hash(article: RawArticle, settings: Settings) -> str:
    """Changes when the file, its sidecar metadata, or how it would be cleaned/chunked changes."""
    key = json.dumps(
        [article.digest, article.metadata, PIPELINE_VERSION, settings.chunk_tokens, settings.chunk_overlap],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(key.encode()).hexdigest()


class _Run:
    """The store-level state of one ingest: marked dirty just before its first write, clean at the end.

    Marking lazily keeps a run that changes nothing (all articles unchanged, or only files with no
    text) from touching the store at all, so readers see the same ``generation``. ``recovering`` means
    the flag was already set: the previous run died and its leftovers must be cleaned up; what it
    changed is unknown, so such a run logs no change list and readers rebuild in full.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.recovering = store_schema.is_dirty(store.state())
        self.started = False
        self.changed: set[str] = set()

    def begin(self) -> None:
        if not self.started:
            self.store.set_state(store_schema.marked(self.store.state(), dirty=True))
            self.started = True

    def end(self) -> None:
        if self.started:
            changed = None if self.recovering else self.changed
            self.store.set_state(store_schema.marked(self.store.state(), dirty=False, changed=changed))


def _remove(sources: list[str], chunks_col, articles_col, run: _Run) -> None:
    """Record first, then chunks: a crash in between leaves orphan chunks for the sweep, never a
    record that claims chunks which are gone."""
    if sources:
        run.begin()
        run.changed.update(sources)
    for start in range(0, len(sources), MAX_WRITE_BATCH):
        batch = sources[start:start + MAX_WRITE_BATCH]
        articles_col.delete(ids=batch)
        chunks_col.delete(where={"source": {"$in": batch}})


@dataclass(frozen=True)
class _Prepared:
    """An article cleaned and chunked, ready to embed and store."""

    meta: dict
    text: str
    chunks: list[Chunk]
    notice: str
    sentences: list[tuple[int, int]]


# Articles cleaned and chunked ahead of the writer, on their own thread: bounded so that a huge corpus
# is not held in memory twice over.
PREPARE_AHEAD = 64


def _prepared(todo: list[tuple[RawArticle, str]], settings: Settings):
    """``(article, digest, prepared)`` in corpus order, ``prepared`` being a ``_Prepared`` or the reason the
    article is skipped. Cleaning and chunking run on a thread of their own while the encoders embed
    the groups before (onnxruntime releases the GIL), so the cores are never idle waiting for text."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-prepare")
    ahead: deque = deque()
    try:
        for article, digest in todo:
            ahead.append((article, digest, pool.submit(_prepare, article, settings)))
            if len(ahead) >= PREPARE_AHEAD:
                article, digest, future = ahead.popleft()
                yield article, digest, future.result()
        while ahead:
            article, digest, future = ahead.popleft()
            yield article, digest, future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _prepare(article: RawArticle, settings: Settings) -> _Prepared | str:
    try:
        cleaned = clean(article.text, article.kind, article.metadata.get("title"))
    except RefusedArticle as exc:
        return str(exc)
    meta = {**{k: _capped(v) for k, v in cleaned.metadata.items() if v},
            **{k: _capped(v) for k, v in article.metadata.items() if v}}
    if not meta.get("title"):
        derived = derived_title(cleaned.text)
        if derived:
            meta.update(title=derived, title_derived=True)
    chunks = chunk_text(cleaned.text, settings.chunk_tokens, settings.chunk_overlap)
    if not chunks:
        return NO_TEXT
    sentences = [(span.start, span.end) for span in split_spans(cleaned.text)]
    return _Prepared(meta, cleaned.text, chunks, cleaned.notice or "", sentences)


class _Writer:
    """Embeds and stores articles in groups of about ``ingest_batch_chunks`` chunks.

    Grouping fills the encoder workers and cuts Chroma round trips when articles are short. A group is
    handed to the encoders (and spaCy) when it fills and written when the next one is handed over, so
    the cores embed one group while Chroma stores the one before. Groups are written one at a time, in
    order, each in the crash-safe order (invalidate records, delete old chunks, add new chunks, write
    records); a group still being embedded has written nothing.
    """

    def __init__(self, chunks_col, articles_col, settings: Settings, embedder, existing: dict[str, str],
                 run: _Run, purge_all: bool, on_article: Callable[[str], None] | None, quiet: bool) -> None:
        self.chunks_col, self.articles_col, self.settings, self.run = chunks_col, articles_col, settings, run
        self.embedder, self.existing, self.purge_all = embedder, existing, purge_all
        self.on_article, self.quiet = on_article, quiet
        self.pending: list[tuple[str, str, _Prepared]] = []
        self.pending_chunks = 0
        self.in_flight: deque = deque()
        self.added = self.updated = self.emptied = 0
        self.skipped: list[dict[str, str]] = []
        self._encoder = None
        self._entity_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-entities")
        self._embed_pool: ThreadPoolExecutor | None = None

    def add(self, article: RawArticle, digest: str, prepared: _Prepared | str) -> None:
        if isinstance(prepared, str):
            self._skip(article.source, prepared)
            return
        self.pending.append((article.source, digest, prepared))
        self.pending_chunks += len(prepared.chunks)

    def _skip(self, source: str, reason: str) -> None:
        """Not an article (any more): skipped with its reason, and gone from the store if it was there."""
        self.skipped.append({"path": source, "reason": reason})
        if source in self.existing:
            _remove([source], self.chunks_col, self.articles_col, self.run)
            self.emptied += 1

    def close(self) -> None:
        self.in_flight.clear()
        self._entity_pool.shutdown(wait=True, cancel_futures=True)
        if self._embed_pool is not None:
            self._embed_pool.shutdown(wait=True, cancel_futures=True)

    def flush_if_full(self) -> int:
        full = self.pending_chunks >= self.settings.ingest_batch_chunks or len(self.pending) >= MAX_WRITE_BATCH
        return self.flush() if full else 0

    def flush(self) -> int:
        """Hand the pending articles to the encoders, and store the group handed over before; return how
        many articles were stored."""
        if not self.pending:
            return 0
        group, self.pending, self.pending_chunks = self.pending, [], 0
        # spaCy finds the entities beside the encoder workers: they release the GIL for each forward pass.
        entities = self._entity_pool.submit(find_entities, [p.text for _, _, p in group])
        vectors = self._embed([c.text for _, _, p in group for c in p.chunks])
        self.in_flight.append((group, vectors, entities))
        return self._write(self.in_flight.popleft()) if len(self.in_flight) > 1 else 0

    def drain(self) -> int:
        """Store every group still being embedded; return how many articles."""
        stored = 0
        while self.in_flight:
            stored += self._write(self.in_flight.popleft())
        return stored

    def _embed(self, texts: list[str]):
        encoder = self._loaded()
        if hasattr(encoder, "submit"):
            return encoder.submit(texts)
        if self._embed_pool is None:
            self._embed_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-embed")
        return self._embed_pool.submit(encoder.get_text_embedding_batch, texts)

    def _write(self, handed) -> int:
        group, vectors, entities = handed
        _check_space(self.settings, group)
        vectors, entities = vectors.result(), entities.result()
        self.run.begin()
        self.run.changed.update(source for source, *_ in group)
        replaced = [source for source, *_ in group if source in self.existing]
        if replaced:
            self.articles_col.update(ids=replaced, metadatas=[store_schema.INVALIDATED_RECORD for _ in replaced])
        stale = [source for source, *_ in group] if self.purge_all else replaced
        if stale:
            self.chunks_col.delete(where={"source": {"$in": stale}})
        self._add_chunks(group, vectors)
        self.articles_col.upsert(
            ids=[source for source, *_ in group],
            documents=[p.text for _, _, p in group],
            metadatas=[_article_record(digest, p.meta, len(p.chunks), p.notice, found, p.sentences)
                       for (_, digest, p), found in zip(group, entities)],
            embeddings=[ARTICLE_PLACEHOLDER_VECTOR for _ in group],
        )
        self.updated += len(replaced)
        self.added += len(group) - len(replaced)
        if self.on_article:
            for source, *_ in group:
                self.on_article(source)
        return len(group)

    def _add_chunks(self, group, vectors) -> None:
        from llama_index.core.schema import TextNode
        from llama_index.vector_stores.chroma import ChromaVectorStore

        nodes = []
        vector_iter = iter(vectors.tolist() if hasattr(vectors, "tolist") else vectors)
        for source, digest, prepared in group:
            meta = prepared.meta
            for c in prepared.chunks:
                nodes.append(TextNode(
                    id_=store_schema.chunk_id(source, c.index, c.start, c.text),
                    text=c.text,
                    embedding=list(next(vector_iter)),
                    start_char_idx=c.start,
                    end_char_idx=c.end,
                    metadata=store_schema.chunk_metadata(source, digest, meta, c.start, c.end, c.index),
                ))
        vector_store = ChromaVectorStore(chroma_collection=self.chunks_col)
        for start in range(0, len(nodes), MAX_WRITE_BATCH):
            vector_store.add(nodes[start:start + MAX_WRITE_BATCH])

    def _loaded(self):
        if self._encoder is None:
            self._encoder = _ingest_encoder(self.settings, self.embedder, self.quiet)
        return self._encoder


# What a stored chunk costs on disk beyond its text: its vector (float32), Chroma's HNSW entry and
# SQLite rows and indexes; about 24 KB a chunk, measured on the sample store.
BYTES_PER_CHUNK = 24_000
DISK_FULL_MARKERS = ("database or disk is full", "no space left on device", "disk is full")


def _disk_full(exc: BaseException) -> bool:
    while exc is not None:
        if getattr(exc, "errno", None) == errno.ENOSPC or any(m in str(exc).lower() for m in DISK_FULL_MARKERS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _check_space(settings: Settings, group) -> None:
    """Refuse a write group the disk cannot hold, before touching the store (a local store only)."""
    if settings.server_mode:
        return
    needed = sum(len(p.text.encode()) * 2 + BYTES_PER_CHUNK * len(p.chunks) for _, _, p in group)
    free = shutil.disk_usage(settings.store).free
    if free < needed:
        raise _disk_full_error(settings, f": {free / 1e6:.1f} MB free, about {needed / 1e6:.1f} MB needed "
                                         f"for the next {len(group)} article(s)")


def _disk_full_error(settings: Settings, detail: str) -> StoreError:
    return StoreError(f"the disk holding the store {settings.store_label} is full{detail}; free some space and "
                      "run byline ingest again (articles stored so far still answer)")


def _capped(value):
    """A metadata value no longer than ``MAX_META_CHARS``, cut at a word: every answer that cites the
    article repeats it."""
    if not isinstance(value, str) or len(value) <= MAX_META_CHARS:
        return value
    cut = value[:MAX_META_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


def derived_title(text: str) -> str | None:
    """A readable title for an article that has none: its first sentence, cut at a word."""
    from assistant.sentences import split

    first = next((s for s in split(text) if len(s.split()) >= 3), None)
    if first is None:
        return None
    first = " ".join(first.split()).rstrip(".")
    if len(first) <= DERIVED_TITLE_CHARS:
        return first
    return first[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def _sweep_orphans(chunks_col, sources: set[str]) -> None:
    """Remove chunks whose article is no longer in the corpus: left by a run that died after writing
    some chunks of a new article whose file was then deleted. A full scan, so only run after a crash."""
    orphans: list[str] = []
    offset = 0
    while True:
        got = chunks_col.get(include=["metadatas"], limit=MAX_WRITE_BATCH, offset=offset)
        if not got["ids"]:
            break
        orphans += [i for i, m in zip(got["ids"], got["metadatas"]) if (m or {}).get("source") not in sources]
        offset += len(got["ids"])
    for start in range(0, len(orphans), MAX_WRITE_BATCH):
        chunks_col.delete(ids=orphans[start:start + MAX_WRITE_BATCH])


def _ingest_encoder(settings: Settings, embedder, quiet: bool):
    if quiet:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from assistant.embedding import ingest_encoder

    return ingest_encoder(settings, embedder)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc) -> None:
        pass


def _progress(total: int, enabled: bool):
    """A progress bar on stderr when it is a terminal; nothing under ``--json`` or in pipes."""
    if not enabled or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="ingest", unit="article", file=sys.stderr)
