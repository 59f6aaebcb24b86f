"""A synthetic corpus of any size that recombines the real sentences of the sample articles.

Two products:
- ``write_corpus``: article files for the real ingest pipeline (ingest throughput).
- ``fill_store``: a store of N chunks written straight into Chroma (query latency at scale). Embedding
  100k chunks would take about an hour here, so each chunk's vector is the normalised mean of its
  sentences' real vectors (every distinct sentence is embedded once). Vectors therefore cluster the way
  real ones do, which is what the HNSW search time depends on; the store layout is the one ingest
  writes, so the Assistant reads it as any other store.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant import store_schema
from assistant.sentences import split_spans
from assistant.settings import Settings
from assistant.store import Store

SENTENCES_PER_CHUNK = (4, 8)
CHUNKS_PER_ARTICLE = (3, 9)
PUBLICATIONS = ("Kiripost", "The Diplomat", "Mekong Times", "Asia Ledger", "Harbour Daily")
MIN_SENTENCE_CHARS = 30


@dataclass(frozen=True)
class SyntheticArticle:
    source: str
    title: str
    publication: str
    published: str
    chunks: list[list[int]]  # sentence indexes per chunk (paragraph)


class SentencePool:
    """The distinct sentences of the given article texts, and a seeded recombiner."""

    def __init__(self, texts: list[str], seed: int = 7) -> None:
        seen: dict[str, None] = {}
        for text in texts:
            for span in split_spans(text):
                sentence = " ".join(text[span.start:span.end].split())
                if len(sentence) >= MIN_SENTENCE_CHARS:
                    seen.setdefault(sentence)
        self.sentences = list(seen)
        if len(self.sentences) < 10:
            raise ValueError("the sample corpus has too few sentences to recombine")
        self.rng = random.Random(seed)
        self._vectors = None

    def vectors(self, encoder) -> np.ndarray:
        """Each sentence's real vector (``encoder.encode(texts) -> ndarray``), computed once."""
        if self._vectors is None:
            self._vectors = np.asarray(encoder.encode(self.sentences), dtype=np.float32)
        return self._vectors

    def article(self, number: int, chunks: int | None = None) -> SyntheticArticle:
        rng = self.rng
        count = chunks or rng.randint(*CHUNKS_PER_ARTICLE)
        paragraphs = [rng.sample(range(len(self.sentences)), rng.randint(*SENTENCES_PER_CHUNK)) for _ in range(count)]
        title = self.sentences[paragraphs[0][0]].rstrip(".")[:90]
        published = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return SyntheticArticle(f"synthetic_{number:06d}.txt", title, rng.choice(PUBLICATIONS), published, paragraphs)

    def paragraph(self, indexes: list[int]) -> str:
        return " ".join(self.sentences[i] for i in indexes)


def write_corpus(pool: SentencePool, directory: Path, articles: int) -> Path:
    """``articles`` text files (title line, then paragraphs) for the ingest pipeline."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(articles):
        article = pool.article(n)
        body = "\n\n".join(pool.paragraph(p) for p in article.chunks)
        (directory / article.source).write_text(f"{article.title}\n\n{body}\n", encoding="utf-8")
    return directory


# Noise added to each coordinate of a real vector for a vector "around" it: cosine about 0.9 to it.
AROUND_NOISE = 0.025


def fill_store(pool: SentencePool, settings: Settings, chunks: int, encoder, around: np.ndarray | None = None) -> float:
    """Write ``chunks`` synthetic chunks (and their articles) into the configured, empty store.

    ``encoder`` embeds the pool's sentences (once per pool); each chunk's vector is the mean of its
    sentences' vectors, or with ``around`` (real chunk vectors) one of those plus a little noise. Returns
    the seconds spent writing to Chroma.
    """
    import time

    sentence_vectors = pool.vectors(encoder) if around is None else None
    noise = np.random.default_rng(11)
    store = Store.open(settings, create=True)
    articles_col = store.articles(create=True)
    chunks_col = store.chunks(create=True)
    batch = min(store.client.get_max_batch_size(), 5000)
    chunk_rows = _Rows(chunks_col, batch)
    article_rows = _Rows(articles_col, batch)
    written, number = 0, 0
    started = time.perf_counter()
    while written < chunks:
        article = pool.article(number, min(pool.rng.randint(*CHUNKS_PER_ARTICLE), chunks - written))
        number += 1
        text, offsets = _article_text(pool, article)
        digest = hashlib.sha256(text.encode()).hexdigest()
        meta = {"title": article.title, "publication": article.publication, "published": article.published}
        for index, (paragraph, (start, end)) in enumerate(zip(article.chunks, offsets)):
            if around is None:
                vector = sentence_vectors[paragraph].mean(axis=0)
            else:
                vector = around[pool.rng.randrange(len(around))] + noise.normal(0.0, AROUND_NOISE, around.shape[1])
            chunk_rows.add(store_schema.chunk_id(article.source, index, start, text[start:end]), text[start:end],
                           vector / np.linalg.norm(vector),
                           store_schema.chunk_metadata(article.source, digest, meta, start, end, index))
        article_rows.add(article.source, text, store_schema.ARTICLE_PLACEHOLDER_VECTOR,
                         store_schema.article_record(digest, meta, len(article.chunks), "", []))
        written += len(article.chunks)
    chunk_rows.flush()
    article_rows.flush()
    store.set_state(store_schema.bumped(store.state()))
    return time.perf_counter() - started


def _article_text(pool: SentencePool, article: SyntheticArticle) -> tuple[str, list[tuple[int, int]]]:
    parts, offsets, cursor = [article.title, "\n\n"], [], len(article.title) + 2
    for indexes in article.chunks:
        paragraph = pool.paragraph(indexes)
        offsets.append((cursor, cursor + len(paragraph)))
        parts += [paragraph, "\n\n"]
        cursor += len(paragraph) + 2
    return "".join(parts).rstrip("\n"), offsets


class _Rows:
    """Records gathered into large ``add`` calls: Chroma's cost per call dwarfs its cost per record."""

    def __init__(self, collection, batch: int) -> None:
        self.collection = collection
        self.batch = batch
        self.pending: dict[str, list] = {"ids": [], "documents": [], "embeddings": [], "metadatas": []}

    def add(self, id_: str, document: str, embedding, metadata: dict) -> None:
        for key, value in zip(("ids", "documents", "embeddings", "metadatas"), (id_, document, embedding, metadata)):
            self.pending[key].append(value)
        if len(self.pending["ids"]) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.pending["ids"]:
            self.collection.add(**self.pending)
        for values in self.pending.values():
            values.clear()
