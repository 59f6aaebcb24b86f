"""Hybrid retrieval: exact passages, filters, a keyword index that follows the store, and sharing."""

from __future__ import annotations

import threading

import pytest

from assistant import Assistant, InputError
from assistant.retrieval.filters import Filters
from byline.index.ingest import ingest
from tests.helpers.answers import KHMER_TIMES, KIRIPOST, VOD

NEW_ARTICLE = (
    "Zorblat Province Opens Shelter\n\n"
    "Officials in Zorblat province opened a shelter for 57 trafficking survivors on Monday, the governor said.\n"
)


def test_passages_are_exact_slices_with_article_metadata(bot):
    passages = bot.retrieve("How many requests were lodged countrywide?", k=4)
    assert len(passages) == 4
    assert passages[0].source == KIRIPOST and "496" in passages[0].text
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    for p in passages:
        assert bot.article(p.source).text[p.start:p.end] == p.text
        assert p.published


def test_a_rare_exact_name_is_found_first(bot):
    passages = bot.retrieve("Thnal Totoeng village", k=3)
    assert "Thnal Totoeng" in passages[0].text


@pytest.mark.parametrize("filters, allowed", [
    (Filters(publication="khmer times"), {KHMER_TIMES}),
    (Filters(published_from="2022-08"), {VOD, KIRIPOST}),
    (Filters(published_to="2019"), {KHMER_TIMES}),
    (Filters(published_from="2022-08", published_to="2022-08"), {VOD}),
])
def test_filters_restrict_the_articles(bot, filters, allowed):
    passages = bot.retrieve("Sar Kheng human trafficking report", k=10, filters=filters)
    assert passages and {p.source for p in passages} <= allowed


def test_an_answer_respects_the_date_filter(bot):
    answer = bot.ask("Who chaired the National Committee for Counter Trafficking?", filters=Filters(published_to="2019"))
    assert {c.source for c in answer.citations} == {KHMER_TIMES}


def test_a_malformed_date_filter_is_an_input_error():
    with pytest.raises(InputError):
        Filters(published_from="last year")


def test_keyword_index_follows_new_ingests_and_stores_stay_apart(bot, sample_settings, store_copy, corpus_copy):
    (corpus_copy / "900_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    fresh = Assistant(sample_settings.replace(store=store_copy, generation_check_s=0.0), *_parts(bot, store_copy))
    question = "How many trafficking survivors does the Zorblat shelter hold?"
    assert fresh.ask(question).declined

    report = ingest(corpus_copy, fresh.settings, embedder=bot.embedder)
    assert report.added == 1

    answer = fresh.ask(question)
    assert not answer.declined and "57" in answer.answer
    assert answer.citations[0].source == "900_new.txt"
    assert fresh.retrieve("Zorblat", k=1)[0].source == "900_new.txt"
    assert bot.ask(question).declined, "the Assistant on the original store must not see the other store"


def test_generation_is_checked_at_most_once_per_interval(bot, sample_settings):
    calls = []
    store = bot.store.__class__.open(sample_settings)
    real = store.generation
    store.generation = lambda: calls.append(1) or real()
    slow = Assistant(sample_settings.replace(generation_check_s=3600.0), store, bot.embedder)
    for _ in range(5):
        slow.retrieve("How many requests were lodged countrywide?")
    assert len(calls) <= 1  # none when the first snapshot comes from the keyword cache


def test_concurrent_questions_get_the_same_answers_as_serial_ones(bot):
    questions = [
        "How many requests were lodged countrywide?",
        "Who was appointed to chair the committee that implements the action plan?",
        "Where did Sar Kheng speak on July 23?",
        "What tier did Thailand get in 2022?",
    ]
    expected = {q: bot.ask(q).answer for q in questions}
    got, errors = [], []

    def worker(q):
        try:
            for _ in range(3):
                got.append((q, bot.ask(q).answer))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(q,)) for q in questions * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(got) == 24 and all(expected[q] == a for q, a in got)


def _parts(bot, store_path):
    from assistant.store import Store

    return Store.open(bot.settings.replace(store=store_path)), bot.embedder
