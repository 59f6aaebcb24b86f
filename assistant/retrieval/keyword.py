"""BM25 keyword search over the store's chunks: postings kept as term frequencies, scored at query time.

Why not bm25s (or llama-index's ``BM25Retriever`` over it): bm25s stores each posting's finished BM25
score, which bakes in the corpus's document frequencies and mean length, so one changed article means
rebuilding every posting. Here a posting holds the raw term frequency and the score is worked out per
query from the current statistics (Lucene's BM25, as bm25s's ``method="lucene"``), so a store change is
applied by dropping the changed articles' postings and merging in their new ones: the result scores
every chunk exactly as a full rebuild would. The index is immutable once made (an update returns a new
one), so server threads share it and every request passes its own mask and k. Its document
frequencies also give the answer picker and the decline rules their term weights, so all three agree
on which words are rare.
"""

from __future__ import annotations

import json
import math
from array import array
from pathlib import Path
from typing import Iterable

import numpy as np

K1 = 1.5
B = 0.75
_ARRAYS = "keyword.npz"
_VOCAB = "vocab.json"


class KeywordIndex:
    """Term-major postings: term ``t``'s documents are ``docs[indptr[t]:indptr[t + 1]]`` with their
    frequencies in ``tfs``; ``lengths`` counts each document's terms (repeats included)."""

    def __init__(self, vocab: dict[str, int], indptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray,
                 lengths: np.ndarray) -> None:
        self.vocab = vocab
        self.indptr = indptr
        self.docs = docs
        self.tfs = tfs
        self.lengths = lengths
        self.size = len(lengths)
        self._df = np.diff(indptr)
        mean_length = int(lengths.sum()) / self.size if self.size else 1.0
        # The per-document part of BM25's denominator, fixed for this index.
        self._norm = (K1 * ((1 - B) + B * lengths / (mean_length or 1.0))).astype(np.float32)

    @classmethod
    def build(cls, documents: Iterable[list[str]]) -> "KeywordIndex":
        """An index of the documents' terms, document ``i`` being the ``i``-th; read once, as they come."""
        vocab: dict[str, int] = {}
        terms, docs, tfs, lengths = _postings(documents, vocab)
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
        return cls(vocab, indptr, docs, tfs, lengths.astype(np.int32))

    def updated(self, new_of_old: np.ndarray, added: list[list[str]], added_at: np.ndarray) -> "KeywordIndex":
        """This index after a store change: document ``i`` becomes ``new_of_old[i]`` (-1: removed) and
        ``added[j]``'s terms become document ``added_at[j]``; together they number ``0..n-1``.

        Postings stay grouped by term, so both parts are placed without sorting the whole index: a
        term's kept postings first, then its added ones."""
        vocab = dict(self.vocab)
        size = int((new_of_old >= 0).sum()) + len(added)
        add_terms, add_docs, add_tfs, add_lengths = _postings(added, vocab, added_at)
        old_terms = np.repeat(np.arange(len(self.vocab), dtype=np.int32), self._df)
        moved = np.asarray(new_of_old, dtype=np.int32)[self.docs]
        keep = moved >= 0
        kept_terms, kept_docs, kept_tfs = old_terms[keep], moved[keep], self.tfs[keep]
        kept_counts = np.bincount(kept_terms, minlength=len(vocab))
        add_counts = np.bincount(add_terms, minlength=len(vocab))
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(kept_counts + add_counts, out=indptr[1:])
        kept_starts = np.concatenate(([0], np.cumsum(kept_counts)[:-1]))
        total = int(indptr[-1])
        docs = np.empty(total, dtype=np.int32)
        tfs = np.empty(total, dtype=np.uint16)
        at = np.arange(len(kept_terms), dtype=np.int64) + (indptr[:-1] - kept_starts)[kept_terms]
        docs[at], tfs[at] = kept_docs, kept_tfs
        add_starts = np.concatenate(([0], np.cumsum(add_counts)[:-1]))
        at = np.arange(len(add_terms), dtype=np.int64) - add_starts[add_terms] + indptr[add_terms] + kept_counts[add_terms]
        docs[at], tfs[at] = add_docs, add_tfs
        lengths = np.zeros(size, dtype=np.int32)
        alive = new_of_old >= 0
        lengths[new_of_old[alive]] = self.lengths[alive]
        lengths[added_at] = add_lengths
        return KeywordIndex(vocab, indptr, docs, tfs, lengths)

    def save(self, directory: Path) -> None:
        np.savez(directory / _ARRAYS, indptr=self.indptr, docs=self.docs, tfs=self.tfs, lengths=self.lengths)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (directory / _VOCAB).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, size: int) -> "KeywordIndex":
        """The index saved in ``directory``; ``ValueError`` when it is not one of ``size`` documents."""
        terms = json.loads((directory / _VOCAB).read_text(encoding="utf-8"))
        with np.load(directory / _ARRAYS, allow_pickle=False) as arrays:
            indptr, docs, tfs, lengths = (arrays[k] for k in ("indptr", "docs", "tfs", "lengths"))
        if len(lengths) != size or len(indptr) != len(terms) + 1 or len(docs) != len(tfs) or indptr[-1] != len(docs):
            raise ValueError("the saved keyword index is inconsistent")
        return cls({t: i for i, t in enumerate(terms)}, indptr, docs, tfs, lengths)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs most."""
        index = self.vocab.get(term)
        return self._idf(int(self._df[index]) if index is not None else 0)

    def share(self, term: str) -> float:
        """The share of the documents that use ``term``: 1 for a word in every chunk, 0 for an unknown one."""
        index = self.vocab.get(term)
        return int(self._df[index]) / self.size if index is not None and self.size else 0.0

    def _idf(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def search(self, terms: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Up to ``k`` (document index, BM25 score) pairs with a positive score, best first (a repeated
        query term counts again, as in bm25s)."""
        ids = [self.vocab[t] for t in terms if t in self.vocab]
        if not ids or not self.size:
            return []
        scores = np.zeros(self.size, dtype=np.float32)
        for t in ids:
            start, end = self.indptr[t], self.indptr[t + 1]
            docs = self.docs[start:end]
            tfs = self.tfs[start:end].astype(np.float32)
            scores[docs] += np.float32(self._idf(int(self._df[t]))) * tfs / (tfs + self._norm[docs])
        if mask is not None:
            scores *= mask
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _postings(documents: Iterable[list[str]], vocab: dict[str, int], numbers: np.ndarray | None = None):
    """(term, document, frequency) triples of ``documents`` (numbered ``0, 1, ...`` or by ``numbers``),
    sorted by term then document, and each document's length; new terms are numbered into ``vocab``."""
    flat, lengths = array("q"), array("q")
    for terms in documents:
        flat.extend([vocab.setdefault(t, len(vocab)) for t in terms])
        lengths.append(len(terms))
    flat, lengths = np.frombuffer(flat, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64)
    numbers = np.arange(len(lengths), dtype=np.int64) if numbers is None else np.asarray(numbers, dtype=np.int64)
    if not len(flat):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.int32), empty.astype(np.uint16), lengths
    owner = np.repeat(numbers, lengths)
    bound = int(owner.max()) + 1
    unique, counts = np.unique(flat * bound + owner, return_counts=True)
    terms, docs = unique // bound, unique % bound
    return terms, docs.astype(np.int32), np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16), lengths
