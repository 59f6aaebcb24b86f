"""Bring a store in line with a corpus directory: add new articles, replace changed ones, drop deleted ones.

Crash safety comes from the write order. An article's record in the articles collection, carrying its
``doc_hash``, is written only after all its chunks are in; a run that dies halfway leaves an article
without a current record, and the next run deletes whatever chunks it has and writes them again.
Chunk ids are derived from source and content, so the end state equals a clean ingest.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from assistant.errors import InputError
from assistant.settings import Settings
from assistant.store import ARTICLE_PLACEHOLDER_VECTOR, Store
from index.chunker import Chunk, chunk_text
from index.cleaner import clean
from index.loader import RawArticle, Skipped, iter_corpus
from index.lock import ingest_lock

PIPELINE_VERSION = "1"


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
) -> IngestReport:
    """Sync ``corpus`` into the configured store and report what changed."""
    started = time.perf_counter()
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise InputError(f"corpus directory not found: {corpus}")
    found = list(iter_corpus(corpus, settings.max_file_bytes))
    articles = [a for a in found if isinstance(a, RawArticle)]
    report = IngestReport(skipped=[{"path": s.path, "reason": s.reason} for s in found if isinstance(s, Skipped)])
    if not articles:
        detail = f" ({len(report.skipped)} file(s) skipped)" if report.skipped else ""
        raise InputError(f"no articles found in {corpus}{detail}")
    report.documents = len(articles)

    with ingest_lock(settings):
        store = Store.open(settings, create=True)
        articles_col = store.articles(create=True)
        chunks_col = store.chunks(create=True)
        store.check_model()
        existing = _existing_hashes(articles_col)
        todo = []
        for article in articles:
            digest = _doc_hash(article, settings)
            if existing.get(article.source) == digest:
                report.unchanged += 1
            else:
                todo.append((article, digest))
        gone = sorted(set(existing) - {a.source for a in articles})
        if todo or gone:
            embedder = embedder or _load_embedder(settings)
            writer = _ChunkWriter(chunks_col, embedder)
            for article, digest in _progress(todo, progress):
                if article.source in existing:
                    report.updated += 1
                else:
                    report.added += 1
                _write_article(article, digest, settings, writer, chunks_col, articles_col)
                if on_article:
                    on_article(article.source)
            for source in gone:
                chunks_col.delete(where={"source": source})
                articles_col.delete(ids=[source])
                report.removed += 1
        if _sweep_orphans(chunks_col, {a.source for a in articles}) or todo or gone:
            store.bump_generation()
        report.chunks = chunks_col.count()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _existing_hashes(articles_col) -> dict[str, str]:
    got = articles_col.get(include=["metadatas"])
    return {i: (m or {}).get("doc_hash", "") for i, m in zip(got["ids"], got["metadatas"])}


def _doc_hash(article: RawArticle, settings: Settings) -> str:
    """Changes when the file, its sidecar metadata, or how it would be cleaned/chunked changes."""
    key = json.dumps(
        [article.digest, article.metadata, PIPELINE_VERSION, settings.chunk_tokens, settings.chunk_overlap],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(key.encode()).hexdigest()


def _write_article(article, digest, settings, writer, chunks_col, articles_col) -> None:
    cleaned = clean(article.text, article.kind, article.metadata.get("title"))
    meta = {**{k: v for k, v in cleaned.metadata.items() if v}, **{k: v for k, v in article.metadata.items() if v}}
    chunks = chunk_text(cleaned.text, settings.chunk_tokens, settings.chunk_overlap)
    chunks_col.delete(where={"source": article.source})
    writer.write(article.source, digest, meta, chunks)
    record = {
        "doc_hash": digest,
        "chunks": len(chunks),
        "title": meta.get("title") or "",
        "publication": meta.get("publication") or "",
        "published": meta.get("published") or "",
        "notice": cleaned.notice or "",
    }
    articles_col.upsert(
        ids=[article.source],
        documents=[cleaned.text],
        metadatas=[record],
        embeddings=[ARTICLE_PLACEHOLDER_VECTOR],
    )


class _ChunkWriter:
    """Embeds chunks and writes them through llama-index's ``ChromaVectorStore`` in capped batches."""

    def __init__(self, chunks_col, embedder) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=chunks_col)
        self.embedder = embedder

    def write(self, source: str, digest: str, meta: dict, chunks: list[Chunk]) -> None:
        from llama_index.core.schema import TextNode

        if not chunks:
            return
        vectors = self.embedder.get_text_embedding_batch([c.text for c in chunks])
        nodes = [
            TextNode(
                id_=chunk_id(source, c),
                text=c.text,
                embedding=list(vec),
                start_char_idx=c.start,
                end_char_idx=c.end,
                metadata={
                    "source": source,
                    "title": meta.get("title") or "",
                    "publication": meta.get("publication") or "",
                    "published": meta.get("published") or "",
                    "start": c.start,
                    "end": c.end,
                    "chunk_index": c.index,
                    "doc_hash": digest,
                },
                excluded_embed_metadata_keys=["source", "title", "publication", "published", "start", "end",
                                              "chunk_index", "doc_hash"],
            )
            for c, vec in zip(chunks, vectors)
        ]
        self.vector_store.add(nodes)


def chunk_id(source: str, chunk: Chunk) -> str:
    digest = hashlib.sha256(f"{chunk.start}:{chunk.text}".encode()).hexdigest()[:16]
    return f"{source}#{chunk.index}:{digest}"


def _sweep_orphans(chunks_col, sources: set[str]) -> bool:
    """Remove chunks of articles that are no longer in the corpus (left by an interrupted run)."""
    got = chunks_col.get(include=["metadatas"])
    orphans = [i for i, m in zip(got["ids"], got["metadatas"]) if (m or {}).get("source") not in sources]
    for start in range(0, len(orphans), 5000):
        chunks_col.delete(ids=orphans[start:start + 5000])
    return bool(orphans)


def _load_embedder(settings: Settings):
    from assistant.embedding import load_embedder

    return load_embedder(settings)


def _progress(items, enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc="ingest", unit="article", file=sys.stderr)
