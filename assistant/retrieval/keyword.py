"""BM25 keyword search over the store's chunks, with bm25s.

bm25s directly rather than llama-index's ``BM25Retriever`` (a thin wrapper around it): that retriever
fixes its metadata filters and top-k when it is built, so per-request filters or k would mean rebuilding
the index or mutating an object that several server threads share. Here the index is immutable once
built and every request passes its own mask and k. Its document frequencies also give the answer picker
and the decline rules their term weights, so all three agree on which words are rare.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import bm25s
import numpy as np

# bm25s sets its own logger to DEBUG, which floods any log with a root handler (the server's).
logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    def __init__(self, bm25: bm25s.BM25, size: int) -> None:
        self.size = size
        self._bm25 = bm25
        # Documents containing each term: the non-zero entries of its column (a BM25 score of a term
        # that occurs is always positive), so no second pass over the corpus is needed.
        self._df = np.diff(bm25.scores["indptr"])

    @classmethod
    def build(cls, documents: list[list[str]]) -> "KeywordIndex":
        """An index of the documents' terms. The terms are numbered here and handed to bm25s as ids,
        which skips bm25s's own, slower pass that collects and numbers them."""
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(term, len(vocab)) for term in terms] for terms in documents]
        if not vocab:
            vocab[""] = 0  # bm25s cannot number its empty token in an empty vocabulary
        bm25 = bm25s.BM25(method="lucene")
        bm25.index((ids or [[]], vocab), show_progress=False)
        return cls(bm25, len(documents))

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> "KeywordIndex":
        return cls(bm25s.BM25.load(str(directory), show_progress=False), size)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs most."""
        index = self._bm25.vocab_dict.get(term)
        df = int(self._df[index]) if index is not None and index < len(self._df) else 0
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
