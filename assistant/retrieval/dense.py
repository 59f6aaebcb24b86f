"""Dense search: the question's embedding against the chunk vectors in Chroma (cosine space).

Chroma is asked for ids and distances only: the keyword snapshot already holds every chunk's text and
metadata, and fetching them again with each result cost a query more than the search itself on a large
store. Only a chunk the snapshot lacks (written since it was taken) is read from Chroma.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from assistant.errors import BylineError, StoreError
from assistant.store import Store
from assistant.store_schema import StoredChunk, parse_chunk


@dataclass(frozen=True)
class DenseHit:
    chunk: StoredChunk
    similarity: float

    @property
    def id(self) -> str:
        return self.chunk.id


OVERFETCH = 4  # a filtered search first asks for this many times k unfiltered hits and drops the rest


def dense_search(store: Store, vector: list[float], k: int, known: Mapping[str, StoredChunk],
                 sources: list[str] | None = None, total: int | None = None) -> list[DenseHit]:
    """Top ``k`` chunks by cosine similarity, optionally only from ``sources``.

    Chroma's metadata filter (``$in`` over hundreds of sources) makes a query several times slower, and
    most filters (a question's ``as_of``) drop few articles: so a filtered search first takes the
    unfiltered top ``OVERFETCH * k`` and keeps the allowed ones, and only asks Chroma to filter when
    fewer than ``k`` survive. ``total`` (the chunks in the store) caps the first request; ``known`` maps
    chunk ids to the chunks already in hand."""
    if k <= 0 or (sources is not None and not sources):
        return []
    if sources is None:
        return _query(store, vector, k, None, known)
    allowed = set(sources)
    wide = min(k * OVERFETCH, total) if total else k * OVERFETCH
    hits = [h for h in _query(store, vector, wide, None, known) if h.chunk.source in allowed]
    if len(hits) >= k:
        return hits[:k]
    return _query(store, vector, k, {"source": {"$in": sources}}, known)


def _query(store: Store, vector: list[float], k: int, where: dict | None,
           known: Mapping[str, StoredChunk]) -> list[DenseHit]:
    try:
        got = store.chunks().query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        ids, distances = got["ids"][0], got["distances"][0]
        missing = [cid for cid in ids if cid not in known]
        fetched = {}
        if missing:
            rows = store.chunks().get(ids=missing, include=["documents", "metadatas"])
            fetched = {cid: parse_chunk(cid, text, meta)
                       for cid, text, meta in zip(rows["ids"], rows["documents"], rows["metadatas"])}
    except BylineError:
        raise
    except Exception as exc:
        raise StoreError(f"search failed on store {store.settings.store_label}: {type(exc).__name__}: {exc}") from exc
    # A chunk deleted between the query and the read is simply not a hit.
    return [DenseHit(known.get(cid) or fetched[cid], 1.0 - float(dist))
            for cid, dist in zip(ids, distances) if cid in known or cid in fetched]
