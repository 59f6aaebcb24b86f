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


def dense_search(store: Store, vector: list[float], k: int, sources: list[str] | None = None) -> list[DenseHit]:
    """Top ``k`` chunks by cosine similarity, optionally only from ``sources``."""
    if k <= 0 or (sources is not None and not sources):
        return []
    where = {"source": {"$in": sources}} if sources is not None else None
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
