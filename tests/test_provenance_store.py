"""Guessed metadata through ingest, the store and an answer: marked in the Citation and in the CLI."""

from __future__ import annotations

import pytest

import json

from tests.conftest import run_byline

pytestmark = pytest.mark.process

UNTITLED = "004_4bffa7ea486c87aa.txt"
INFERRED = "000_01c3a06e8fece3df.txt"


def test_an_untitled_article_gets_its_first_sentence_as_a_title_marked_derived(bot):
    article = bot.article(UNTITLED)
    assert article.title_derived and article.title and not article.title.endswith(".txt")
    assert article.text.startswith(article.title.rstrip("…")[:40])
    titled = bot.article("002_7f55eb3e11389810.txt")
    assert not titled.title_derived


def test_citations_carry_estimated_dates_and_inferred_publications(sample_store):
    done = run_byline("ask", "Who is the permanent vice-chair of the NCCT?", "--store", str(sample_store), "--json")
    answer = json.loads(done.stdout)
    cited = {c["source"]: c for c in answer["citations"]}
    assert INFERRED in cited, answer
    c = cited[INFERRED]
    assert c["publication"] == "The Phnom Penh Post" and c["publication_inferred"] is True
    assert c["published"] == "2022-07" and c["published_estimated"] is True
    text = run_byline("ask", "Who is the permanent vice-chair of the NCCT?", "--store", str(sample_store)).stdout
    assert "The Phnom Penh Post (publication inferred), about 2022-07" in text
