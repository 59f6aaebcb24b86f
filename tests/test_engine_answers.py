"""The extractive answerer on the sample corpus: each rule of issue 3 as a reader would notice it."""

from __future__ import annotations

import pytest

from assistant import Answer, InputError
from tests.helpers.answers import KHMER_TIMES, KIRIPOST, PHNOM_PENH_POST, SPEECH, VOD, assert_well_formed


def answered(bot, question: str, history=None) -> Answer:
    answer = bot.ask(question, history)
    assert not answer.declined, answer.answer
    assert_well_formed(bot, answer)
    return answer


def test_how_many_picks_the_sentence_with_the_count(bot):
    answer = answered(bot, "How many Vietnamese nationals were involved in the requests?")
    assert "398" in answer.answer
    assert answer.citations[0].source == KIRIPOST


def test_how_many_reads_the_number_next_to_the_counted_thing(bot):
    answer = answered(bot, "How many illegal foreign workers did the operations net?")
    assert "2,760" in answer.answer


def test_when_picks_the_sentence_with_the_date(bot):
    answer = answered(bot, "When did Sar Kheng speak at the Police Academy of Cambodia?")
    assert "July 26" in answer.answer
    assert answer.citations[0].source == PHNOM_PENH_POST


def test_who_names_the_person(bot):
    answer = answered(bot, "Who was appointed to chair the committee that implements the action plan?")
    assert "Neth Savoeun" in answer.answer
    assert answer.citations[0].source == VOD


def test_why_gives_the_reason_even_when_it_is_in_the_next_sentence(bot):
    answer = answered(bot, "Why does the report claim that not all complaints are genuine?")
    assert "higher paid jobs" in answer.answer


def test_where_names_the_place(bot):
    answer = answered(bot, "Where did Sar Kheng speak on July 23?")
    assert "Kandal province" in answer.answer
    assert answer.citations[0].source == SPEECH


def test_two_articles_answer_a_question_about_two_years(bot):
    answer = answered(bot, "How was Am Sam Ath's role described in 2019 and in 2022?")
    assert "senior investigator" in answer.answer and "deputy director" in answer.answer
    assert {c.source for c in answer.citations} == {KHMER_TIMES, SPEECH}


def test_a_quote_comes_with_its_speaker_from_the_neighbouring_sentence(bot):
    answer = answered(bot, 'Who said "This is misunderstanding and lack of communication"?')
    assert "This is misunderstanding and lack of communication" in answer.answer
    assert "Bun Eng" in answer.answer  # named two sentences earlier, not in the quoted sentence


@pytest.mark.parametrize("question, absent", [
    ("What tier did Thailand get in the 2022 Trafficking in Persons report?", "Thailand"),
    ("Which tier was Cambodia placed in by the 2023 Trafficking in Persons report?", "2023"),
    ("Who won the 2018 FIFA World Cup?", None),
    ("What is the population of Cambodia?", None),
    ("How many people died in the Sihanoukville raids?", None),
])
def test_off_corpus_questions_are_declined_with_the_closest_passages(bot, question, absent):
    answer = bot.ask(question)
    assert answer.declined
    assert answer.answer.startswith("The articles don't say")
    if absent:
        assert absent in answer.answer
    assert answer.citations, "a decline lists the closest passages considered"
    assert_well_formed(bot, answer)


def test_answerable_paraphrase_is_not_declined(bot):
    answer = answered(bot, "How many people did the 496 requests involve?")
    assert "1,310" in answer.answer


def test_acronym_in_the_question_matches_the_spelled_out_name(bot):
    answer = answered(bot, "Why did Sar Kheng blame officials for Cambodia's placing in the 2019 TIP report?")
    assert "submit" in answer.answer
    assert answer.citations[0].source == KHMER_TIMES


def test_stream_yields_the_answer_text_then_the_answer(bot):
    pieces = list(bot.stream("How many requests were lodged countrywide?"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    assert all(isinstance(p, str) for p in pieces[:-1])
    assert "".join(pieces[:-1]) == final.answer
    assert set(final.timings_ms) >= {"retrieve", "answer"}


@pytest.mark.parametrize("question", ["", "   \n\t", "x" * 2001, "\ud800 requests"])
def test_blank_oversized_or_invalid_questions_raise_input_error(bot, question):
    with pytest.raises(InputError):
        bot.ask(question)
    with pytest.raises(InputError):
        bot.validate(question)


def test_a_question_of_exactly_2000_characters_is_accepted(bot):
    question = "How many requests were lodged? " + "x" * (2000 - 31)
    assert len(question) == 2000
    assert isinstance(bot.ask(question), Answer)


@pytest.mark.parametrize("history", [
    "not a list",
    [{"role": "robot", "content": "hi"}],
    [{"role": "user", "content": 42}],
    [{"role": "user"}],
    [{"role": "user", "content": "\udfff"}],
    ["just a string"],
])
def test_malformed_history_raises_input_error(bot, history):
    with pytest.raises(InputError):
        bot.ask("How many requests were lodged?", history)


def test_system_messages_in_history_are_accepted(bot):
    history = [{"role": "system", "content": "Be brief."}]
    assert not bot.ask("How many requests were lodged countrywide?", history).declined


def test_no_question_costs_more_than_a_few_times_a_normal_one(bot, monkeypatch):
    """Measured by operation count (term lookups, the answerer's inner step), not by time: a
    2,000-character question of numbers once cost a hundred times a normal one."""
    import random

    import assistant.answering.candidates
    import assistant.answering.extractive
    import assistant.answering.question
    import assistant.answering.support
    import assistant.retrieval.terms as terms

    calls = {"n": 0}
    lookup = terms.term_present

    def counted(term, vocabulary):
        calls["n"] += 1
        return lookup(term, vocabulary)

    for module in (terms, assistant.answering.question, assistant.answering.extractive,
                   assistant.answering.candidates, assistant.answering.support):
        monkeypatch.setattr(module, "term_present", counted)

    def cost(question):
        calls["n"] = 0
        bot.ask(question)
        return calls["n"]

    normal = max(cost("How many requests were lodged countrywide?"),
                 cost("Who chairs the National Committee for Counter Trafficking?"))
    rng = random.Random(7)
    numbers = " ".join(str(rng.randint(1, 99_999)) for _ in range(400))[:1999] + "?"
    names = " ".join(rng.choice(["Sar Kheng", "Cambodia", "Chou Bun Eng", "Thailand", "NCCT"])
                     for _ in range(300))[:1999] + "?"
    assert cost(numbers) <= 5 * normal
    assert cost(names) <= 5 * normal
