"""The keyword index taking a store change: the same scores for every chunk as a full rebuild."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.retrieval.keyword import KeywordIndex

WORDS = [f"w{i}" for i in range(60)]


def _docs(rng: random.Random, n: int) -> list[list[str]]:
    return [[rng.choice(WORDS[: rng.randint(5, 60)]) for _ in range(rng.randint(0, 40))] for _ in range(n)]


def _scores(index: KeywordIndex, names: list[str], terms: list[str]) -> dict[str, float]:
    return {names[i]: round(s, 5) for i, s in index.search(terms, index.size or 1)}


@pytest.mark.parametrize("seed", range(5))
def test_an_updated_index_scores_every_document_as_a_full_rebuild(seed):
    rng = random.Random(seed)
    docs = _docs(rng, 200)
    names = [f"d{i}" for i in range(len(docs))]
    index = KeywordIndex.build(docs)
    removed = set(rng.sample(range(len(docs)), 30))
    added = _docs(rng, 25) + [["brand", "new", "terms"]]
    added_names = [f"n{j}" for j in range(len(added))]
    # The new numbering: survivors and additions interleaved at random, as a store's sort order would.
    order = [("old", i) for i in range(len(docs)) if i not in removed] + [("new", j) for j in range(len(added))]
    rng.shuffle(order)
    new_of_old = np.full(len(docs), -1, dtype=np.int64)
    added_at = np.zeros(len(added), dtype=np.int64)
    for position, (kind, i) in enumerate(order):
        (new_of_old if kind == "old" else added_at)[i] = position
    updated = index.updated(new_of_old, added, added_at)

    final = [docs[i] if kind == "old" else added[i] for kind, i in order]
    final_names = [names[i] if kind == "old" else added_names[i] for kind, i in order]
    rebuilt = KeywordIndex.build(final)
    assert updated.size == rebuilt.size == len(final)
    for query in (["w1"], ["w3", "w7", "w3"], ["brand", "w0"], WORDS[:20], ["absent"]):
        assert _scores(updated, final_names, query) == _scores(rebuilt, final_names, query)
        assert updated.search(query, 10) == rebuilt.search(query, 10)
        assert [updated.idf(t) for t in query] == [rebuilt.idf(t) for t in query]


def test_removing_everything_but_one_document_and_adding_none():
    index = KeywordIndex.build([["a", "b"], ["b", "c"], ["c"]])
    updated = index.updated(np.array([-1, 0, -1]), [], np.zeros(0, dtype=np.int64))
    assert updated.search(["b", "c"], 5) == KeywordIndex.build([["b", "c"]]).search(["b", "c"], 5)
    assert updated.search(["a"], 5) == []


def test_a_saved_index_loads_the_same(tmp_path):
    index = KeywordIndex.build(_docs(random.Random(9), 50))
    index.save(tmp_path)
    loaded = KeywordIndex.load(tmp_path, 50)
    assert loaded.search(WORDS[:10], 50) == index.search(WORDS[:10], 50)
    with pytest.raises(ValueError):
        KeywordIndex.load(tmp_path, 49)


def test_a_mask_leaves_out_documents():
    index = KeywordIndex.build([["a"], ["a", "b"], ["b"]])
    assert [i for i, _ in index.search(["a"], 3, np.array([0, 1, 1], dtype=np.float32))] == [1]


def test_a_terms_share_is_the_part_of_the_documents_that_use_it():
    index = KeywordIndex.build([["cambodia", "tier"], ["cambodia", "report"], ["cambodia"], ["sihanoukvil"]])
    assert index.share("cambodia") == 0.75
    assert index.share("sihanoukvil") == 0.25
    assert index.share("unknown") == 0.0
