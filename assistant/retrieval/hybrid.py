"""Hybrid retrieval: dense (Chroma) and BM25 rankings of the same chunks, fused into one ranking."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval.dates import Recency
from assistant.retrieval.dense import dense_search
from assistant.retrieval.filters import Filters
from assistant.retrieval.fusion import reciprocal_rank, relative_score
from assistant.retrieval.snapshot import Snapshot, SnapshotKeeper
from assistant.retrieval.terms import query_terms
from assistant.settings import Settings
from assistant.store import Store
from assistant.store_schema import StoredChunk
from assistant.types import Passage


@dataclass(frozen=True)
class Candidate:
    """A retrieved chunk with the evidence of why: fused score, cosine similarity, BM25 score."""

    chunk: StoredChunk
    score: float
    dense: float | None
    keyword: float

    def passage(self) -> Passage:
        c = self.chunk
        return Passage(chunk_id=c.id, source=c.source, text=c.text, start=c.start, end=c.end, title=c.title,
                       publication=c.publication, published=c.published, score=round(self.score, 6))


class HybridRetriever:
    def __init__(self, settings: Settings, store: Store, embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.keeper = SnapshotKeeper(store, settings.generation_check_s, settings.keyword_rebuild_share)

    def snapshot(self) -> Snapshot:
        return self.keeper.current()

    def search(self, query: str, k: int, filters: Filters | None = None, vector: list[float] | None = None,
               recency: Recency | None = None) -> list[Candidate]:
        """The top ``k`` chunks; ``vector`` is the query's embedding when the caller has it already, and
        ``recency`` boosts chunks published shortly before the question's date."""
        snapshot = self.keeper.current()
        sources = snapshot.allowed_sources(filters) if filters and filters.active else None
        if vector is None:
            vector = self.embedder.get_query_embedding(query)
        dense = dense_search(self.store, vector, min(self.settings.dense_k, len(snapshot.chunks)), snapshot.by_id,
                             sources, total=len(snapshot.chunks))
        keyword = snapshot.keyword.search(query_terms(query), self.settings.keyword_k, snapshot.mask(filters))
        chunks = {hit.id: hit.chunk for hit in dense}
        similarity = {hit.id: hit.similarity for hit in dense}
        bm25 = {}
        for index, score in keyword:
            chunk = snapshot.chunks[index]
            chunks.setdefault(chunk.id, chunk)
            bm25[chunk.id] = score
        weights = [self.settings.dense_weight, self.settings.keyword_weight]
        if self.settings.fusion == "rrf":
            fused = reciprocal_rank([[hit.id for hit in dense], [snapshot.chunks[i].id for i, _ in keyword]],
                                    self.settings.rrf_k, weights)
        else:
            fused = relative_score([similarity, bm25], weights)
        if recency is not None:
            fused = {cid: score * recency.factor(chunks[cid].published) for cid, score in fused.items()}
        ranked = sorted(fused, key=lambda cid: (-fused[cid], -similarity.get(cid, -1.0)))
        return [Candidate(chunks[cid], fused[cid], similarity.get(cid), bm25.get(cid, 0.0)) for cid in ranked[:k]]

