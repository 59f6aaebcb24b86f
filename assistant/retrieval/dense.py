"""Dense search: the question's embedding against the chunk vectors in Chroma (cosine space)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import BylineError, StoreError
from assistant.store import Store


@dataclass(frozen=True)
class DenseHit:
    id: str
    text: str
    meta: dict
    similarity: float


OVERFETCH = 4  # a filtered search first asks for this many times k unfiltered hits and drops the rest


def dense_search(store: Store, vector: list[float], k: int, sources: list[str] | None = None,
                 total: int | None = None) -> list[DenseHit]:
    """Top ``k`` chunks by cosine similarity, optionally only from ``sources``.

    Chroma's metadata filter (``$in`` over hundreds of sources) makes a query several times slower, and
    most filters (a question's ``as_of``) drop few articles: so a filtered search first takes the
    unfiltered top ``OVERFETCH * k`` and keeps the allowed ones, and only asks Chroma to filter when
    fewer than ``k`` survive. ``total`` (the chunks in the store) caps the first request."""
    if k <= 0 or (sources is not None and not sources):
        return []
    if sources is None:
        return _query(store, vector, k, None)
    allowed = set(sources)
    wide = min(k * OVERFETCH, total) if total else k * OVERFETCH
    hits = [h for h in _query(store, vector, wide, None) if h.meta.get("source") in allowed]
    if len(hits) >= k:
        return hits[:k]
    return _query(store, vector, k, {"source": {"$in": sources}})


def _query(store: Store, vector: list[float], k: int, where: dict | None) -> list[DenseHit]:
    try:
        got = store.chunks().query(query_embeddings=[vector], n_results=k, where=where,
                               include=["documents", "metadatas", "distances"])
    except BylineError:
        raise
    except Exception as exc:
        raise StoreError(f"search failed on store {store.settings.store_label}: {type(exc).__name__}: {exc}") from exc
    return [
        DenseHit(cid, doc or "", meta or {}, 1.0 - float(dist))
        for cid, doc, meta, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
    ]
