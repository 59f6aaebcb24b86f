"""Helpers for the ingest tests: an embedder that counts its work, a store dump, a generated corpus."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from byline.index.cleaner import clean
from tests.conftest import CORPUS


class CountingEmbedder:
    """The real embedding model, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0
        self.texts: list[str] = []

    def get_text_embedding_batch(self, texts, **kwargs):
        self.calls += 1
        self.texts.extend(texts)
        return self.inner.get_text_embedding_batch(texts, **kwargs)

    def reset(self) -> None:
        self.calls = 0
        self.texts = []


def store_contents(store: Path, collection: str = "byline") -> dict:
    """Everything in a store, by id: chunks (document, metadata, embedding) and articles."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(store), settings=ChromaSettings(anonymized_telemetry=False))
    chunks_col = client.get_collection(f"{collection}_chunks")
    articles_col = client.get_collection(f"{collection}_articles")
    chunks = chunks_col.get(include=["documents", "metadatas", "embeddings"])
    articles = articles_col.get(include=["documents", "metadatas"])
    return {
        "chunks": {i: (d, m, list(e)) for i, d, m, e in
                   zip(chunks["ids"], chunks["documents"], chunks["metadatas"], chunks["embeddings"])},
        "articles": {i: (d, m) for i, d, m in zip(articles["ids"], articles["documents"], articles["metadatas"])},
        "meta": dict(articles_col.metadata or {}),
    }


def assert_same_store(got: dict, want: dict) -> None:
    """Same chunk ids, texts, metadata and (to float precision) vectors; same article records."""
    import numpy as np

    assert sorted(got["chunks"]) == sorted(want["chunks"])
    for chunk_id, (doc, meta, vector) in want["chunks"].items():
        got_doc, got_meta, got_vector = got["chunks"][chunk_id]
        assert (got_doc, got_meta) == (doc, meta), chunk_id
        assert np.allclose(got_vector, vector, atol=1e-5), chunk_id
    assert got["articles"] == want["articles"]
    assert got["meta"]["dirty"] is False
    assert {k: got["meta"][k] for k in ("embed_model", "embed_dim", "schema")} == \
        {k: want["meta"][k] for k in ("embed_model", "embed_dim", "schema")}


def sample_sentences() -> list[str]:
    sentences = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = clean(path.read_text(encoding="utf-8")).text
        sentences += [s for s in re.split(r"(?<=[.”])\s+(?=[A-Z“])", text) if len(s.split()) >= 6]
    return sentences


def generated_corpus(dest: Path, articles: int = 30, seed: int = 7) -> Path:
    """A corpus of ``articles`` articles recombined from the sample's sentences, with a sidecar."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    dest.mkdir(parents=True, exist_ok=True)
    sidecar = {}
    for n in range(articles):
        picked = rng.sample(sentences, rng.randint(8, 14))
        paragraphs = [" ".join(picked[i:i + 3]) for i in range(0, len(picked), 3)]
        name = f"gen_{n:03d}.txt"
        (dest / name).write_text(f"Generated report number {n}\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
        sidecar[name] = {"title": f"Generated report number {n}", "publication": "Test Wire",
                         "published": f"2022-{n % 12 + 1:02d}"}
    (dest / "articles.json").write_text(json.dumps({"articles": sidecar}), encoding="utf-8")
    return dest
