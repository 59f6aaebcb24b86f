"""BM25 keyword search over the store's chunks, with bm25s.

bm25s directly rather than llama-index's ``BM25Retriever`` (a thin wrapper around it): that retriever
fixes its metadata filters and top-k when it is built, so per-request filters or k would mean rebuilding
the index or mutating an object that several server threads share. Here the index is immutable once
built and every request passes its own mask and k. Its document frequencies also give the answer picker
and the decline rules their term weights, so all three agree on which words are rare.
"""

from __future__ import annotations

import math
from collections import Counter

import bm25s
import numpy as np


class KeywordIndex:
    def __init__(self, documents: list[list[str]]) -> None:
        self.size = len(documents)
        self._bm25 = bm25s.BM25(method="lucene")
        self._bm25.index(documents or [[]], show_progress=False)
        self._df = Counter(term for terms in documents for term in set(terms))

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs most."""
        df = self._df.get(term, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def search(self, terms: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Up to ``k`` (document index, BM25 score) pairs with a positive score, best first."""
        ids = self._bm25.get_tokens_ids(terms)
        if not ids or not self.size:
            return []
        scores = self._bm25.get_scores_from_ids(ids, weight_mask=mask)
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
