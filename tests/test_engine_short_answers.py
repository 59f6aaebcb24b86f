"""Typed short answers, support decisions and as_of, through the public Assistant on real stores."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant
from assistant.errors import InputError
from assistant.settings import Settings
from byline.index.ingest import ingest
from tests.conftest import run_byline
from tests.helpers.answers import assert_well_formed

pytestmark = pytest.mark.process


def short_of(bot, question, **kw):
    answer = bot.ask(question, **kw)
    assert not answer.declined, answer.answer
    assert answer.short_answer is not None, answer.answer
    assert_well_formed(bot, answer)
    return answer


@pytest.mark.parametrize("question", [
    "Who chairs the National Committee for Counter Trafficking?",
    "How many Vietnamese nationals were involved in the requests?",
    "When did Sar Kheng speak at the Police Academy of Cambodia?",
    "Which nationality made up the largest group in the requests?",
    "Which minister chaired the meeting?",
])
def test_a_short_answer_is_an_exact_span_of_its_cited_passage_and_opens_the_answer(bot, question):
    answer = short_of(bot, question)
    short = answer.short_answer
    cited = answer.citations[short.n - 1]
    article = bot.article(cited.source)
    assert article.text[short.start:short.end] == short.text
    assert cited.start <= short.start and short.end <= cited.end
    assert answer.answer.startswith(short.text.rstrip("."))
    assert answer.to_dict()["short_answer"] == {"text": short.text, "n": short.n, "start": short.start,
                                                "end": short.end}


def test_the_chair_not_the_vice_chair_answers_who_chairs(bot):
    answer = short_of(bot, "Who chairs the National Committee for Counter Trafficking?")
    assert "Kheng" in answer.short_answer.text


def test_who_serves_as_a_role_is_answered_by_its_holder(bot):
    answer = short_of(bot, "Who serves as permanent vice-chair of the counter-trafficking committee?")
    assert "Chou Bun Eng" in answer.short_answer.text


def test_a_short_form_in_the_best_sentence_is_answered_with_the_full_name(bot):
    answer = short_of(bot, "Who proposed a nationwide search of foreigners' residences?")
    assert answer.short_answer.text == "Sar Kheng"
    passages = [c.passage for c in answer.citations]
    assert any("Kheng proposed a nationwide search" in p and "Sar Kheng" not in p for p in passages)
    assert any("Sar Kheng" in p for p in passages)  # where the article names him in full


def test_a_count_comes_with_the_thing_counted(bot):
    assert short_of(bot, "How many Vietnamese nationals were involved in the requests?").short_answer.text == "398"
    assert short_of(bot, "How many Chinese nationals were among the people in the requests?").short_answer.text == "430"


def test_why_is_answered_by_the_cause_of_what_is_asked_not_by_a_cause_it_has(bot):
    answer = bot.ask("Why was Cambodia downgraded to Tier 3?")
    assert not answer.declined
    assert "minimum standards" in answer.answer
    assert "regretted" not in answer.answer


def test_why_and_what_did_they_say_are_answered_in_sentences(bot):
    for question in ("Why does the report claim that not all complaints are genuine?",
                     "What did Chou Bun Eng say about the downgrading?"):
        answer = bot.ask(question)
        assert not answer.declined
        assert answer.short_answer is None


@pytest.mark.parametrize("question, reason", [
    ("Who chairs the anti-trafficking committee of Thailand?", "mentions “Thailand”"),
    ("Which tier was Cambodia placed in by the 2023 Trafficking in Persons report?", "mentions “2023”"),
    ("Who is the US ambassador to Cambodia?", "says who"),
    ("Which US Secretary of State presented the 2022 Trafficking in Persons report?", "says who the secretary is"),
    ("Who is the UN High Commissioner for Human Rights?", "says who the commissioner is"),
    ("Which river flows past the Police Academy of Cambodia?", "names a river"),
    ("Which primary school did Sar Kheng open in Kandal province?", "is a committee"),
    ("Which hospital treated the rescued Cambodian workers?", None),
    ("What is the population of Cambodia?", None),
    ("How much ransom did the foreign workers have to pay to escape?", "do not answer this question"),
    ("How many human traffickers were convicted in Cambodia in 2019?", "mentions “2019”"),
])
def test_each_decline_reason_is_said_in_plain_words(bot, question, reason):
    answer = bot.ask(question)
    assert answer.declined and answer.short_answer is None
    assert answer.answer.startswith("The articles don't say")
    if reason:
        assert reason in answer.answer
    assert_well_formed(bot, answer)


def test_a_question_about_this_week_that_only_months_old_articles_answer_well_says_how_old_it_is(bot):
    answer = short_of(bot, "How many requests were lodged countrywide this week?", as_of="2023-06-01")
    assert answer.short_answer.text == "496"
    assert answer.answer.endswith("None of the articles from the 7 days before 2023-06-01 says so; "
                                  "this is from an article published in October 2022.")
    same = bot.ask("How many requests were lodged countrywide?", as_of="2023-06-01")
    assert not same.declined and "7 days before" not in same.answer


def test_a_question_about_this_week_is_declined_when_months_old_articles_answer_it_weakly(bot):
    answer = bot.ask("Who chairs the National Committee for Counter Trafficking this week?", as_of="2023-06-01")
    assert answer.declined and "7 days before 2023-06-01" in answer.answer
    assert "Kheng" in bot.ask("Who chairs the National Committee for Counter Trafficking?",
                              as_of="2023-06-01").short_answer.text


def test_older_support_threshold_above_every_score_declines_all_older_answers(sample_settings):
    strict = Assistant.from_settings(sample_settings.replace(older_support_threshold=10.0))
    answer = strict.ask("How many requests were lodged countrywide this week?", as_of="2023-06-01")
    assert answer.declined and "7 days before 2023-06-01" in answer.answer


def test_a_sentence_answer_about_this_week_is_declined_too_when_every_match_is_months_old(bot):
    answer = bot.ask("Why was Cambodia downgraded to Tier 3 this week?", as_of="2023-06-01")
    assert answer.declined and "7 days before 2023-06-01" in answer.answer
    assert not bot.ask("Why was Cambodia downgraded to Tier 3?", as_of="2023-06-01").declined


def test_the_answer_says_which_date_it_was_read_against(bot):
    assert bot.ask("How many requests were lodged countrywide?", as_of="2022-11-01").as_of == "2022-11-01"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", bot.ask("How many requests were lodged countrywide?").as_of)


# -- as_of over a corpus whose answer changes over time ---------------------------------------------

ARTICLES = {
    "early.md": ("2023-01-10", "Harbour City picks a mayor",
                 "Harbour City voters chose Alice Moreno as mayor on Sunday. Alice Moreno takes office in "
                 "February, the election board said."),
    "late.md": ("2023-06-12", "Harbour City mayor resigns; council appoints successor",
                "The Harbour City council appointed Brian Okafor as mayor on Monday after the resignation "
                "of his predecessor. Brian Okafor will serve until the next election."),
    "festival.md": ("2021-05-02", "Harbour City flower festival returns",
                    "Harbour City held its flower festival in 2021 for the first time since the pandemic. "
                    "The mayor opened the festival on Saturday."),
    "review.md": ("2022-12-30", "Harbour City's sporting year",
                  "Nadia Petrov won the Harbour City marathon in May, finishing in two hours and nine minutes. "
                  "The rowing club moved into its new boathouse in June. Crowds lined the seafront for the "
                  "cycling race in August. The swimming pool reopened after repairs in October. Local "
                  "schools added a sailing league in November. The regional games will come to Harbour City "
                  "in 2024, organisers said."),
    "awards.md": ("2023-03-13", "Harbour City film awards",
                  "Comedian Maria Lund hosted the 80th Harbour City Film Awards on Sunday night. The harbour "
                  "documentary Tides won the top prize."),
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("dated")
    for name, (published, title, text) in ARTICLES.items():
        (corpus / name).write_text(f"---\ntitle: \"{title}\"\npublished: {published}\n---\n\n{text}\n")
    settings = Settings.load(store=corpus.parent / f"{corpus.name}-store")
    ingest(corpus, settings)
    return Assistant.from_settings(settings), settings


def test_articles_published_after_as_of_are_not_used(dated):
    bot, _ = dated
    before = bot.ask("Who is the mayor of Harbour City?", as_of="2023-02-01")
    assert "Alice Moreno" in before.short_answer.text
    assert {c.source for c in before.citations} == {"early.md"}
    passages = bot.retrieve("Who is the mayor of Harbour City?", k=5, as_of="2023-02-01")
    assert "early.md" in {p.source for p in passages} and "late.md" not in {p.source for p in passages}


def test_a_question_about_now_prefers_the_latest_article(dated):
    bot, _ = dated
    answer = bot.ask("Who is the mayor of Harbour City this week?", as_of="2023-06-14")
    assert "Brian Okafor" in answer.short_answer.text


def test_the_year_a_question_names_must_be_covered_by_the_answer_s_own_article(dated):
    bot, _ = dated
    answer = bot.ask("Who was elected mayor of Harbour City in 2021?", as_of="2023-07-01")
    assert answer.declined and "mentions “2021”" in answer.answer


def test_the_year_a_question_names_must_stand_near_the_answer_or_date_its_article(dated):
    """The review names 2024 only at its end, looking ahead: it does not say who won in 2024."""
    bot, _ = dated
    later = bot.ask("Who won the 2024 Harbour City marathon?", as_of="2024-06-01")
    assert later.declined and "gives an answer for “2024”" in later.answer
    same_year = bot.ask("Who won the 2022 Harbour City marathon?", as_of="2023-01-02")
    assert not same_year.declined and "Nadia Petrov" in same_year.short_answer.text


def test_the_edition_a_question_names_must_be_in_the_answer_s_own_article(dated):
    """An article about the 80th awards does not say who hosted the 81st."""
    bot, _ = dated
    other = bot.ask("Who hosted the 81st Harbour City Film Awards?", as_of="2024-03-20")
    assert other.declined and "mentions “81st”" in other.answer
    same = bot.ask("Who hosted the 80th Harbour City Film Awards?", as_of="2023-03-20")
    assert not same.declined and "Maria Lund" in same.short_answer.text


def test_a_malformed_as_of_is_bad_input_everywhere(dated):
    bot, settings = dated
    with pytest.raises(InputError):
        bot.ask("Who is the mayor?", as_of="2023-02-30")
    done = run_byline("ask", "Who is the mayor?", "--store", str(settings.store), "--as-of", "02/01/2023")
    assert done.returncode == 2
    assert "as_of" in done.stderr and "Traceback" not in done.stderr


def test_the_cli_reads_questions_as_of_a_date(dated):
    _, settings = dated
    done = run_byline("ask", "Who is the mayor of Harbour City?", "--store", str(settings.store),
                      "--as-of", "2023-02-01", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["as_of"] == "2023-02-01"
    assert "Alice Moreno" in answer["short_answer"]["text"]
    assert {c["source"] for c in answer["citations"]} == {"early.md"}


def test_a_good_sentence_answers_when_the_entity_recogniser_missed_the_answer(bot):
    """spaCy's small model reads "Preah Sihanouk" as a person, so no place answers "which province";
    the sentence that says it still does, without a short answer."""
    answer = bot.ask("In which province were suspects detained following raids, according to the "
                     "Kiripost photo caption?")
    assert not answer.declined
    assert answer.short_answer is None
    assert "Preah Sihanouk" in answer.answer
    assert_well_formed(bot, answer)


def test_a_position_is_answered_in_sentences(bot):
    answer = bot.ask("What is Kieth Chantharith's job?")
    assert not answer.declined and answer.short_answer is None
    assert "director general" in answer.answer


def test_an_office_is_answered_by_its_holder_and_only_by_him(bot):
    assert short_of(bot, "Which minister chaired the meeting?").short_answer.text == "Sar Kheng"
    assert bot.ask("Which US Secretary of State presented the 2022 Trafficking in Persons report?").declined
