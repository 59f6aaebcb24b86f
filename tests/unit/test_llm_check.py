"""The LLM path's parts that need no model: the answer check, the marker parsing and the numbered evidence."""

from __future__ import annotations

import pytest

from assistant.answering.llm import numbered
from assistant.answering.verify import answer_sentences, check, misbound_number
from assistant.errors import SettingsError
from assistant.settings import Settings
from tests.helpers.articles import article

BULK = "Chinese nationals formed the bulk of the requests, with 430, followed by 398 Vietnamese."


@pytest.mark.parametrize("sentence", [
    "Vietnamese formed the bulk, with 430.",
    "Chinese nationals made up 398 of them.",
])
def test_a_number_bound_to_the_wrong_name_is_caught(sentence):
    assert misbound_number(sentence, [BULK])


@pytest.mark.parametrize("sentence", [
    "Chinese nationals formed the bulk, with 430.",
    "The requests involved 398 Vietnamese.",
    "In all, 430 Chinese nationals were involved.",
])
def test_a_number_bound_as_the_passage_binds_it_passes(sentence):
    assert misbound_number(sentence, [BULK]) == ""


def test_years_and_counts_are_bound_separately():
    passage = "In 2022, Sar Kheng said 75 calls had reached the hotline."
    assert misbound_number("Sar Kheng said the hotline got 75 calls.", [passage]) == ""
    assert misbound_number("In 2021, Sar Kheng said the hotline got 75 calls.", [passage])


def test_the_check_drops_a_misbound_sentence_with_its_reason():
    verdict = check("Vietnamese formed the bulk, with 430 [1].", {1: BULK}, 0.5)
    assert not verdict.ok and "398" in verdict.reason


def test_the_questions_own_words_count_as_given_but_numbers_do_not():
    passage = "The meeting was chaired by Interior Minister Sar Kheng."
    restated = "The National Committee for Counter Trafficking is chaired by Sar Kheng [1]."
    question = "Who chairs the National Committee for Counter Trafficking?"
    assert not check(restated, {1: passage}, 0.5).ok
    assert check(restated, {1: passage}, 0.5, given=question).ok
    assert not check("The committee has 12 members [1].", {1: passage}, 0.5, given=question).ok


def test_markers_after_the_full_stop_and_in_lists_belong_to_their_sentence():
    text = "Kheng chairs it. [2], [5] The bulk were Chinese. [3]"
    assert answer_sentences(text) == ["Kheng chairs it. [2][5]", "The bulk were Chinese. [3]"]


def test_numbered_sentences_are_exact_spans_grouped_under_their_article():
    first = article("a.txt", "Kheng chairs the committee. It met on Monday. Officials attended.",
                    title="Committee meets", published="2022-08-01")
    second = article("b.txt", "The report came out in July. Cambodia fell to Tier 3.", title="Report")
    evidence = numbered([(first, 2), (second, 1), (first, 0)])
    assert [e.article.source for e in evidence.spans] == ["a.txt", "a.txt", "b.txt"]
    assert [e.text for e in evidence.spans] == ["Kheng chairs the committee.", "Officials attended.",
                                                "Cambodia fell to Tier 3."]
    for e in evidence.spans:
        assert e.article.text[e.start:e.end] == e.text
    lines = evidence.text.splitlines()
    assert lines[0] == "Article: Committee meets (2022-08-01)"
    assert lines[1] == "[1] Kheng chairs the committee." and lines[2] == "[2] Officials attended."
    assert "[3] Cambodia fell to Tier 3." in lines


def test_an_articles_own_brackets_cannot_pass_for_markers():
    doc = article("c.txt", "The law [3] was passed in 2021 by parliament.")
    assert "[3]" not in numbered([(doc, 0)]).text.split("] ", 1)[1]


def test_llm_mode_is_one_of_the_documented_choices():
    with pytest.raises(SettingsError, match="llm_mode"):
        Settings.load(llm_mode="chatty")
    assert Settings.load(llm_mode="llm").llm_mode == "llm"
