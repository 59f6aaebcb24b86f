"""The keyword snapshot: the fast corpus tokeniser gives the same terms, and the copy kept on disk is
served after a restart only while the store is unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.retrieval.filters import Filters
from assistant.retrieval.snapshot import Snapshot
from assistant.retrieval.terms import index_terms, index_terms_many, query_terms
from assistant.store import Store
from byline.index.ingest import ingest
from tests.test_retrieval import NEW_ARTICLE

QUESTIONS = ["How many requests were lodged countrywide?", "Who chairs the committee?", "Sar Kheng July 23",
             "U.S. Trafficking in Persons report tier", "Zorblat shelter survivors"]


def _entries(settings) -> list[Path]:
    root = settings.cache_dir / "keyword"
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


def _same(a: Snapshot, b: Snapshot) -> None:
    assert a.chunks == b.chunks
    for question in QUESTIONS:
        terms = query_terms(question)
        assert a.keyword.search(terms, 20) == b.keyword.search(terms, 20)
        assert [a.keyword.idf(t) for t in terms] == [b.keyword.idf(t) for t in terms]


@pytest.fixture
def settings(sample_settings, store_copy, tmp_path):
    return sample_settings.replace(store=store_copy, cache_dir=tmp_path / "cache", generation_check_s=0.0)


def test_corpus_tokeniser_gives_the_terms_of_the_single_text_one(bot):
    texts = [f"{c.title or ''}\n{c.text}" for c in bot.retriever.snapshot().chunks]
    texts += ["The U.S. and the United States of America, USA, US-led and us", "1,310 people; 12,3456; 1,000,000",
              "snake_case ÜBER Straße 東京 ½ ² café", "", "  \n\t ", "US", "U.S.A."]
    assert list(index_terms_many(texts)) == [index_terms(t) for t in texts]


def test_a_restart_against_an_unchanged_store_loads_the_saved_index(settings):
    built = Snapshot.load(Store.open(settings))
    assert len(_entries(settings)) == 1

    store = Store.open(settings)
    chunks = store.chunks()
    reads = []
    real_get = chunks.get
    chunks.get = lambda *a, **kw: reads.append(kw.get("include")) or real_get(*a, **kw)
    loaded = Snapshot.load(store)
    assert not [r for r in reads if r and "documents" in r], "the chunks were read from Chroma again"
    _same(built, loaded)


def test_a_changed_store_is_rebuilt_and_its_old_index_dropped(bot, settings, corpus_copy):
    old = Snapshot.load(Store.open(settings))
    [stale] = _entries(settings)
    (corpus_copy / "900_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert ingest(corpus_copy, settings, embedder=bot.embedder).added == 1

    fresh = Assistant(settings, Store.open(settings), bot.embedder).retriever.snapshot()
    assert fresh.generation > old.generation
    [(index, _)] = fresh.keyword.search(query_terms("Zorblat"), 5)
    assert fresh.chunks[index].source == "900_new.txt"
    assert _entries(settings) != [stale] and len(_entries(settings)) == 1
    _same(fresh, Snapshot.load(Store.open(settings.replace(keyword_cache_mb=0))))


def test_nothing_is_cached_while_an_ingest_is_under_way(settings):
    store = Store.open(settings)
    articles = store.articles()
    meta = dict(articles.metadata)
    articles.modify(metadata={**meta, "dirty": True, "generation": meta["generation"] + 1})
    Snapshot.load(store)
    assert _entries(settings) == []


def test_a_damaged_entry_is_rebuilt_not_served(settings):
    built = Snapshot.load(Store.open(settings))
    [entry] = _entries(settings)
    text = entry / "text.txt"
    whole = text.read_bytes()
    text.write_bytes(whole[:-100])
    _same(built, Snapshot.load(Store.open(settings)))
    assert _entries(settings) == [entry] and text.read_bytes() == whole, "the rebuild replaces the damaged entry"


def test_the_cache_can_be_switched_off(settings):
    Snapshot.load(Store.open(settings.replace(keyword_cache_mb=0)))
    assert _entries(settings) == []


def _reads_of_documents(store: Store) -> list[dict]:
    """Every ``get`` of chunk documents on ``store`` from now on, with its arguments."""
    chunks = store.chunks()
    reads = []
    real_get = chunks.get
    chunks.get = lambda *a, **kw: (reads.append(kw) if "documents" in (kw.get("include") or []) else None) \
        or real_get(*a, **kw)
    return reads


def test_a_one_article_change_is_applied_from_that_article_alone_and_equals_a_rebuild(bot, settings, corpus_copy):
    settings = settings.replace(keyword_rebuild_share=1.0)
    reader = Assistant(settings, Store.open(settings), bot.embedder)
    keeper = reader.retriever.keeper
    old = keeper.current()
    old.mask(Filters(as_of=date(2023, 1, 1)))  # works out each chunk's day, which the update carries over
    edited = sorted(corpus_copy.glob("*.txt"))[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nZorblat officials added a closing line.\n",
                      encoding="utf-8")
    (corpus_copy / "900_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = ingest(corpus_copy, settings, embedder=bot.embedder)
    assert (report.added, report.updated) == (1, 1)

    reads = _reads_of_documents(keeper._store)
    fresh = keeper.current()
    assert fresh.generation > old.generation
    assert reads and all("where" in r for r in reads), "every chunk was read back, not just the changed ones"
    rebuilt = Snapshot.load(Store.open(settings.replace(keyword_cache_mb=0)))
    _same(fresh, rebuilt)
    assert "_published_days" in fresh.__dict__
    assert fresh._published_days.tolist() == rebuilt._published_days.tolist()
    assert {fresh.chunks[i].source for i, _ in fresh.keyword.search(query_terms("Zorblat"), 5)} == \
        {"900_new.txt", edited.name}

    keeper.saving.join()  # the updated index is cached for the next process, as a full build would be
    _same(fresh, Snapshot.load(Store.open(settings)))
    assert len(_entries(settings)) == 1


def test_a_change_the_log_cannot_tell_is_rebuilt_in_full(bot, settings):
    from assistant import store_schema

    keeper = Assistant(settings, Store.open(settings), bot.embedder).retriever.keeper
    old = keeper.current()
    store = Store.open(settings)
    store.set_state(store_schema.bumped(store.state()))  # a writer that logs nothing
    reads = _reads_of_documents(keeper._store)
    fresh = keeper.current()
    assert fresh.generation == old.generation + 1
    assert any("where" not in r for r in reads), "a change nobody logged was applied incrementally"
    _same(fresh, old)
