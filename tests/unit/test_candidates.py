"""Candidate short answers: spans of the expected type, scored, pooled across articles."""

from dataclasses import replace

import pytest

from assistant.answering.answer_type import AnswerType, PEOPLE, PLACES
from assistant.answering.candidates import ScoredSentence, Scoring, _trimmed, find_candidates, score_spans
from assistant.answering.short_answer import described_terms, other_clauses
from assistant.nlp import parse
from assistant.retrieval.dates import Recency, parse_as_of
from assistant.retrieval.terms import index_terms

from tests.helpers.articles import article

WHO = AnswerType("who", PEOPLE)
WHICH_STATE = AnswerType("which", frozenset({"GPE"}), "state")


def every_sentence(*docs, score=1.0):
    return [ScoredSentence(d, i, score) for d in docs for i in range(len(d.spans))]


def candidates(atype, question, sentences, **scoring):
    return find_candidates(atype, sentences, frozenset(index_terms(question)), Scoring(**scoring))


def test_only_spans_of_the_expected_type_are_candidates():
    doc = article("a.txt", "Kevin McCarthy of California lost the vote in Washington on Tuesday.")
    found = candidates(WHICH_STATE, "Which state does the speaker represent?", every_sentence(doc))
    assert [c.best.text for c in found] == ["California", "Washington"]
    assert all(c.best.label == "GPE" for c in found)


def test_a_name_from_the_question_is_not_its_answer():
    doc = article("a.txt", "Kevin McCarthy, a Republican from California, lost three votes.")
    found = candidates(WHICH_STATE, "Which state is represented by Kevin McCarthy?", every_sentence(doc))
    people = candidates(WHO, "Who did Kevin McCarthy beat?", every_sentence(doc))
    assert found[0].best.text == "California"
    assert all("McCarthy" not in c.best.text for c in people)


def test_mentions_keep_exact_offsets_into_the_article():
    doc = article("a.txt", "Intro line.\n\nThe Buffalo Bills said Damar Hamlin was awake on Thursday.")
    for cand in candidates(WHO, "Who was awake?", every_sentence(doc)):
        for m in cand.mentions:
            assert doc.article.text[m.start:m.end] == m.text


def test_the_mention_beside_the_question_words_wins_within_a_sentence():
    doc = article("a.txt", "Beyonce broke the record for most wins, while Harry Styles won album of the year.")
    found = candidates(WHO, "Which artist won album of the year?", every_sentence(doc))
    assert found[0].best.text == "Harry Styles"


def test_agreement_across_articles_outweighs_one_stronger_sentence():
    lone = article("a.txt", "Jane Doe was named chief executive of the company.")
    first = article("b.txt", "The board named John Roe chief executive.")
    second = article("c.txt", "John Roe becomes chief executive next week.")
    sentences = [ScoredSentence(lone, 0, 1.0, 0.5), ScoredSentence(first, 0, 0.8, 0.5),
                 ScoredSentence(second, 0, 0.8, 0.5)]
    alone = candidates(WHO, "Who was named chief executive?", sentences, agreement=0.0)
    pooled = candidates(WHO, "Who was named chief executive?", sentences, agreement=0.5)
    assert alone[0].best.text == "Jane Doe"
    assert pooled[0].best.text == "John Roe"
    assert set(pooled[0].sources) == {"b.txt", "c.txt"}


def test_an_article_that_only_names_the_answer_does_not_agree():
    lone = article("a.txt", "Jane Doe was named chief executive of the company.")
    first = article("b.txt", "The board named John Roe chief executive.")
    second = article("c.txt", "John Roe visited Ohio on Sunday.")
    sentences = [ScoredSentence(lone, 0, 1.0, 0.5), ScoredSentence(first, 0, 0.8, 0.5),
                 ScoredSentence(second, 0, 0.8, 0.0)]
    found = candidates(WHO, "Who was named chief executive?", sentences, agreement=0.5)
    assert found[0].best.text == "Jane Doe"


def test_an_article_agrees_through_its_best_mention_that_says_what_the_question_does():
    lone = article("a.txt", "Jane Doe was named chief executive of the company.")
    first = article("b.txt", "The board named John Roe chief executive.")
    second = article("c.txt", "John Roe visited Ohio on Sunday. The board named John Roe chief executive.")
    sentences = [ScoredSentence(lone, 0, 1.0, 0.5), ScoredSentence(first, 0, 0.8, 0.5),
                 ScoredSentence(second, 0, 0.8, 0.0), ScoredSentence(second, 1, 0.4, 0.5)]
    found = candidates(WHO, "Who was named chief executive?", sentences, agreement=0.5)
    assert found[0].best.text == "John Roe"
    # The answer cites the second article where it says so, not where it only names him.
    assert [(m.source, m.sentence) for m in found[0].agreeing] == [("c.txt", 1)]


def test_when_no_sentence_says_more_than_the_names_every_article_agrees():
    lone = article("a.txt", "Jane Doe met Ann Poe in Ohio.")
    first = article("b.txt", "John Roe met Ann Poe in Texas.")
    second = article("c.txt", "John Roe and Ann Poe spoke on Sunday.")
    sentences = [ScoredSentence(lone, 0, 1.0), ScoredSentence(first, 0, 0.8), ScoredSentence(second, 0, 0.8)]
    found = candidates(WHO, "Who did Ann Poe meet?", sentences, agreement=0.5)
    assert found[0].best.text == "John Roe"


def test_a_surname_joins_the_full_name_and_the_full_name_is_shown():
    doc = article("a.txt", "Kevin McCarthy failed again. McCarthy lost a sixth vote. McCarthy said he would stay.")
    found = candidates(WHO, "Who lost the vote for speaker?", every_sentence(doc))
    assert [c.key for c in found] == [("kevin", "mccarthy")]
    assert found[0].best.text == "Kevin McCarthy"
    assert len(found[0].mentions) == 3


def test_the_vice_chair_does_not_answer_who_chairs():
    doc = article("a.txt", "Chou Bun Eng, the committee's vice-chair, said the report was unjust. "
                           "The committee is chaired by Sar Kheng.")
    found = candidates(WHO, "Who chairs the committee?", every_sentence(doc))
    assert found[0].best.text == "Sar Kheng"
    asked = candidates(WHO, "Who is the vice-chair of the committee?", every_sentence(doc))
    assert asked[0].best.text == "Chou Bun Eng"


def test_a_count_must_sit_with_what_is_counted():
    doc = article("a.txt", "The 496 requests involved 1,310 people. Chinese nationals formed the bulk, with 430.")
    atype = AnswerType("how many", frozenset({"CARDINAL"}), "Chinese nationals")
    found = candidates(atype, "How many Chinese nationals were among the people?", every_sentence(doc))
    assert found[0].best.text == "430"


def test_recent_articles_outweigh_old_ones_for_questions_about_now():
    old = article("old.txt", "Uzbekistan Airways will weigh passengers before flights.", published="2015-08-12")
    new = article("new.txt", "Korean Air will weigh passengers before flights.", published="2023-08-24")
    question = "Which airline will weigh passengers before flights?"
    airline = AnswerType("which", frozenset({"ORG"}), "airline")
    recency = Recency(parse_as_of("2023-08-25"), 2.0, 7.0, 7, True)
    found = candidates(airline, question, every_sentence(old, new), recency=recency)
    assert found[0].best.text == "Korean Air"


def test_a_where_question_takes_places():
    doc = article("a.txt", "On Monday, police said the suspects were detained in Phnom Penh.")
    found = candidates(AnswerType("where", PLACES), "Where were the suspects detained?", every_sentence(doc))
    assert [c.best.text for c in found] == ["Phnom Penh"]


def test_a_number_word_inside_a_name_is_not_a_count():
    doc = article("a.txt", "The academy closed its Level One and Two courses for police leaders. "
                           "Approximately 5,760 police leaders took part.")
    atype = AnswerType("how many", frozenset({"CARDINAL"}), "police leaders")
    found = candidates(atype, "How many police leaders took part?", every_sentence(doc))
    assert [c.best.text for c in found if c.best.label == "CARDINAL"] == ["Approximately 5,760"]


def test_a_short_form_is_shown_in_full_as_its_article_first_gives_it():
    doc = article("a.txt", "Rafael Nadal announced his retirement on Thursday. "
                           "Nadal won 22 Grand Slam singles titles.")
    found = candidates(WHO, "Who won 22 Grand Slam singles titles?", [ScoredSentence(doc, 1, 1.0)])
    assert found[0].best.text == "Nadal"
    full = found[0].full_form()
    assert full is not None and full.text == "Rafael Nadal" and full.sentence == 0
    assert doc.article.text[full.start:full.end] == "Rafael Nadal"


def test_which_month_wants_a_month():
    doc = article("a.txt", "Next year the minister will report again. In June the minister launched the inquiry.")
    atype = AnswerType("which", frozenset({"DATE"}), "month")
    found = candidates(atype, "In which month did the minister launch the inquiry?", every_sentence(doc))
    assert found[0].best.text == "June"


def test_a_mention_records_how_well_it_fits_what_is_asked():
    doc = article("a.txt", "Dozens of workers from the region later paid a ransom of $5,000 each to escape.")
    atype = AnswerType("how much", frozenset({"MONEY", "QUANTITY", "PERCENT"}), "ransom",
                       secondary=frozenset({"CARDINAL"}))
    found = {c.best.text: c.best for c in candidates(atype, "How much ransom did the workers pay?",
                                                       every_sentence(doc))}
    assert found["5,000"].fit == 1.0
    assert found["Dozens"].fit < 0.35


def test_the_corpus_topic_in_every_title_does_not_outweigh_the_place_asked_for():
    doc = article("a.txt", "Workers were forced to work in call centres in Sihanoukville, on the coast of Cambodia. "
                           "Cambodia denied it. Cambodia said it would investigate.",
                  title="Cambodia defends its record")
    city = AnswerType("which", frozenset({"GPE"}), "city")
    question = "In which city were workers forced to work in call centres?"
    topical = candidates(city, question, [ScoredSentence(doc, 0, 1.0)], headline=1.0, centrality=0.5)
    assert topical[0].best.text == "Cambodia"  # named in the title and again and again
    common = {("cambodia",): 0.9, ("sihanoukville",): 0.05}
    weighed = candidates(city, question, [ScoredSentence(doc, 0, 1.0)], headline=1.0, centrality=0.5,
                         commonness=lambda key: common.get(key, 0.0))
    assert weighed[0].best.text == "Sihanoukville"


def test_the_country_of_a_demonym_in_the_question_is_not_its_answer():
    doc = article("a.txt", "Shenzhen, a city in the south of China, will pay parents to have children.")
    city = AnswerType("which", frozenset({"GPE"}), "Chinese city")
    found = candidates(city, "Which Chinese city will pay parents to have children?", every_sentence(doc))
    assert [c.best.text for c in found] == ["Shenzhen"]


def test_a_demonym_outside_the_kind_asked_for_leaves_its_country_free():
    doc = article("a.txt", "The women fled Afghanistan in 2021 to study at the University of Delaware.")
    found = candidates(AnswerType("where", frozenset({"GPE", "LOC"})),
                       "Where did the Afghan women flee from?", every_sentence(doc))
    assert found[0].best.text == "Afghanistan"


@pytest.mark.parametrize("text, question, atype", [
    ("West Virginia passed a similar bill last year. Virginia passed the new voting law on Tuesday.",
     "Which state passed the new voting law?", WHICH_STATE),
    ("Hunter Biden's trial opened. President Joe Biden said nothing. Biden spoke to reporters on Friday.",
     "Who spoke to reporters on Friday?", WHO),
])
def test_a_short_form_is_left_alone_when_its_full_form_is_a_guess(text, question, atype):
    doc = article("a.txt", text)
    found = candidates(atype, question, [ScoredSentence(doc, len(doc.spans) - 1, 1.0)])
    assert found[0].full_form() is None


def test_a_full_form_drops_its_possessive():
    doc = article("a.txt", "Rafael Nadal's career ended. Nadal won 22 Grand Slam singles titles.")
    found = candidates(WHO, "Who won 22 Grand Slam singles titles?", [ScoredSentence(doc, 1, 1.0)])
    assert found[0].full_form().text == "Rafael Nadal"


def test_how_much_money_is_not_marked_down_for_lacking_the_word_money():
    doc = article("a.txt", "The startup raised $40 million from investors last week.")
    atype = AnswerType("how much", frozenset({"MONEY", "QUANTITY", "PERCENT"}), "money",
                       secondary=frozenset({"CARDINAL"}))
    found = candidates(atype, "How much money did the startup raise?", every_sentence(doc))
    assert found[0].best.fit == 1.0


def test_only_a_place_is_ruled_out_as_the_country_of_a_demonym():
    doc = article("a.txt", "Interpol, the international police organisation, issued a notice on Monday.")
    found = candidates(AnswerType("which", frozenset({"ORG"}), "organisation"),
                       "Which international police organisation issued a notice?", every_sentence(doc))
    assert "Interpol" in [c.best.text for c in found]


def test_he_offers_the_person_the_sentence_before_names():
    doc = article("a.txt", "Bad Bunny topped the Spanish chart. His album was the most streamed on Spotify this year.")
    whose = AnswerType("whose", PEOPLE)
    found = candidates(whose, "Whose album was the most streamed on Spotify?", [ScoredSentence(doc, 1, 1.0)])
    assert found[0].best.text == "Bad Bunny"
    assert found[0].best.sentence == 1  # what it rests on: the sentence that says what he did
    assert doc.index_at(found[0].best.start) == 0  # where the name stands, with exact offsets
    assert found[0].best.fit < 1.0


def test_a_pronoun_after_a_named_person_offers_no_one_else():
    doc = article("a.txt", "Bad Bunny topped the chart. Taylor Swift said her album came second.")
    found = candidates(AnswerType("who", PEOPLE), "Who said her album came second?", [ScoredSentence(doc, 1, 1.0)])
    assert [c.best.text for c in found] == ["Taylor Swift"]


def test_a_sentence_that_asks_offers_no_answer():
    doc = article("a.txt", "What is Spotify Wrapped? It is the service's yearly roundup.")
    assert candidates(AnswerType("who", PEOPLE), "Whose album topped Spotify Wrapped?", every_sentence(doc)) == []


def test_a_name_the_text_gives_right_after_the_kind_asked_for_fits_fully():
    """MiniLM types "backup quarterback" as no kind of name; "backup quarterback Cooper Rush" says he is one."""
    doc = article("a.txt", "Dak Prescott was hurt, so backup quarterback Cooper Rush started against the Eagles.")
    found = candidates(AnswerType("which", frozenset(), "backup quarterback"),
                       "Which backup quarterback started against the Eagles?", every_sentence(doc))
    fit = {c.best.text: c.best.fit for c in found}
    assert fit["Cooper Rush"] == 1.0 and fit["Dak Prescott"] < 1.0
    assert found[0].best.text == "Cooper Rush"


def test_a_name_made_of_the_kind_asked_for_and_one_word_fits_whatever_its_label():
    """The small model calls "Tier 3" a person and "Hurricane Ian" an organisation; the names say what they are."""
    tier = article("a.txt", "The US State Department said Cambodia slipped to Tier 3 this year.")
    found = candidates(AnswerType("which", frozenset({"ORG"}), "tier"), "Which tier did Cambodia slip to?",
                       every_sentence(tier))
    assert found[0].best.text == "Tier 3" and found[0].best.fit == 1.0
    church = article("c.txt", "Mourners met at St. George's Cathedral, where Archbishop Thabo Makgoba spoke.")
    cathedral = AnswerType("which", frozenset({"FAC", "PERSON"}), "cathedral")
    plain, said = (candidates(cathedral, "In which cathedral did mourners meet?", every_sentence(church), cloze=c)
                   for c in (0.0, 0.3))
    assert said[0].score == pytest.approx(1.3 * plain[0].score)  # the name ends with the kind asked for
    storm = article("b.txt", "Hurricane Ian hit Florida, the National Hurricane Center said.")
    found = candidates(AnswerType("which", frozenset({"EVENT"}), "hurricane"), "Which hurricane hit Florida?",
                       every_sentence(storm))
    assert [c.best.text for c in found] == ["Hurricane Ian"]  # the centre is an organisation, no event


def test_the_kind_asked_for_in_the_question_s_own_word_before_a_name_outweighs_a_main_actor():
    """The article keeps naming Trump; it calls one man "Democrat", and the question asks "which Democrat"."""
    doc = article("a.txt", "Trump attacked DeSantis again. Trump said DeSantis owed him. "
                           "DeSantis won a landslide over Democrat Charlie Crist while Trump watched.")
    who = AnswerType("which", frozenset({"PERSON"}), "Democrat")
    question = "Which Democrat did Ron DeSantis defeat in a landslide?"
    found = candidates(who, question, every_sentence(doc), cloze=0.3)
    assert found[0].best.text == "Charlie Crist"
    several = article("b.txt", "Rahm won the Masters on Sunday, honouring the Spanish golfers Seve Ballesteros "
                               "and Olazabal. PGA golfer Jon Rahm said he won for Spain.")
    golfer = AnswerType("which", frozenset({"PERSON"}), "golfer")
    score = {c.best.text: c.score for c in candidates(golfer, "Which Spanish golfer won the Masters?",
                                                      every_sentence(several), cloze=0.3)}
    assert score["Seve Ballesteros"] < score["Jon Rahm"]  # "golfers Seve Ballesteros and ..." names several


def test_an_organisation_or_building_named_with_a_kind_of_place_does_not_answer_for_one():
    team = article("a.txt", "The coach left Ohio State for Texas last week.")
    found = candidates(WHICH_STATE, "Which state did the coach leave for?", every_sentence(team), cloze=0.3)
    assert found[0].best.text == "Texas"
    hall = article("b.txt", "Leaders met at City Hall as Geneva hosted the summit.")
    city = AnswerType("which", frozenset({"GPE"}), "city")
    found = candidates(city, "Which city hosted the summit?", every_sentence(hall), cloze=0.3)
    assert found[0].best.text == "Geneva"


def test_an_apposition_may_open_with_then_but_not_with_a_preposition_or_a_negation():
    doc = article("a.txt", "Kyrsten Sinema, then a Democrat, and Senator Mitt Romney voted against the bill.")
    democrat = AnswerType("which", frozenset({"PERSON"}), "Democrat")
    plain, said = (candidates(democrat, "Which Democrat voted against the bill?", every_sentence(doc), cloze=c)
                   for c in (0.0, 0.3))
    sinema = next(c for c in said if c.best.text == "Kyrsten Sinema")
    assert sinema.score == pytest.approx(1.3 * next(c for c in plain if c.key == sinema.key).score)
    denied = article("b.txt", "Mitt Romney, not a Democrat, and Senator Joe Manchin voted against the bill.")
    found = candidates(democrat, "Which Democrat voted against the bill?", every_sentence(denied), cloze=0.3)
    assert found[0].best.text != "Mitt Romney"


def test_a_person_after_a_kind_of_thing_is_who_acted_on_it_not_one_of_them():
    doc = article("a.txt", "Ukraine, the country Vladimir Putin invaded in February, asked its allies for tanks.")
    found = candidates(AnswerType("which", frozenset({"GPE"}), "country", secondary=frozenset({"PERSON"})),
                       "Which country was invaded in February?", every_sentence(doc))
    assert found[0].best.text == "Ukraine"


def test_a_place_named_with_the_kind_asked_for_wins_over_another_place_beside_it():
    doc = article("a.txt", "The wildfire broke out near Los Angeles, in San Bernardino County.")
    found = candidates(AnswerType("which", frozenset({"GPE"}), "county"), "In which county did the wildfire break out?",
                       every_sentence(doc), cloze=0.3)
    assert found[0].best.text == "San Bernardino County"


def test_a_person_named_after_the_kind_still_names_one_when_no_clause_follows():
    """"the fashion brand Ralph Lauren": spaCy calls the brand a person."""
    doc = article("a.txt", "The company bought the fashion brand Ralph Lauren on Monday.")
    found = candidates(AnswerType("which", frozenset({"ORG"}), "brand", secondary=frozenset({"PERSON"})),
                       "Which brand did the company buy?", every_sentence(doc))
    assert [c.best.fit for c in found if c.best.text == "Ralph Lauren"] == [1.0]


def test_a_name_before_the_kind_qualifies_it_and_is_not_of_that_kind():
    doc = article("a.txt", "Biden went with a familiar Delaware restaurant, Bardea Food & Drink, to cater the meals.")
    found = candidates(AnswerType("which", frozenset({"ORG", "FAC"}), "restaurant"),
                       "Which restaurant catered the meals?", every_sentence(doc))
    assert all(c.best.fit < 1.0 for c in found if c.best.text == "Delaware")


def test_a_game_s_score_is_found_by_its_form_and_a_team_s_record_is_not_a_score():
    doc = article("a.txt", "Ohio State rallied to beat Penn State 39-38 on Saturday. The Buckeyes (7-1) are 4-0 "
                           "at home and improved to 5-1 in the conference after the 2016-2018 slump.")
    sentences = every_sentence(doc)
    found = [doc.article.text[a:b] for spans in score_spans(sentences).values() for a, b, _ in spans]
    assert found == ["39-38"]
    scored = find_candidates(AnswerType("what", frozenset({"SCORE"}), "score"), sentences,
                             frozenset(index_terms("By what score did Ohio State beat Penn State?")), Scoring(),
                             score_spans(sentences))
    assert scored[0].best.text == "39-38"


def test_a_sentence_dated_to_another_year_than_the_question_s_does_not_answer_it():
    doc = article("a.txt", "In February 2019, at least 154 people died after drinking tainted alcohol in Assam. "
                           "This week 36 people died after drinking bootleg liquor in Gujarat.")
    state = AnswerType("which", frozenset({"GPE"}), "state")
    question = "In which state did 36 people die after drinking bootleg alcohol in 2022?"
    plain = candidates(state, question, every_sentence(doc))
    dated = candidates(state, question, every_sentence(doc), asked_year="2022")
    assert plain[0].best.text == "Assam"  # the fuller match, in words, is the older story
    assert dated[0].best.text == "Gujarat"


@pytest.mark.parametrize("text", [
    "Argentina won the World Cup on Sunday, its first title since 1986. France had hoped to become the "
    "first country to win back-to-back World Cup titles since Brazil.",
    "The 2022-23 season ended with Argentina champions again. Brazil won it in 2002.",
])
def test_a_year_measured_from_or_a_season_s_end_still_dates_the_sentence(text):
    doc = article("a.txt", text)
    year = "2023" if "season" in text else "2022"
    found = candidates(AnswerType("which", frozenset({"GPE"}), "country"), f"Which country won the {year} World Cup?",
                       every_sentence(doc), asked_year=year)
    assert found[0].best.text == "Argentina"


def test_a_lower_case_modifier_of_what_is_counted_does_not_make_a_number_count_it():
    doc = article("a.txt", "His experience was limited to one career start. Harris finished with 12,120 rushing yards.")
    counted = AnswerType("how many", frozenset({"CARDINAL", "QUANTITY"}), "career rushing yards")
    fit = {c.best.text: c.best.fit for c in candidates(counted, "How many career rushing yards did Harris finish with?",
                                                       every_sentence(doc))}
    assert fit["12,120"] > fit["one"]


def test_a_number_answers_what_magnitude_only_with_the_measure_beside_it():
    doc = article("a.txt", "A 6.4 magnitude earthquake struck Northern California's Eureka area early Tuesday, the "
                           "US Geological Survey said, leaving at least two people dead.")
    magnitude = AnswerType("what", frozenset({"CARDINAL", "QUANTITY"}), "magnitude")
    found = candidates(magnitude, "The earthquake killed two people. What magnitude did the survey give it?",
                       every_sentence(doc))
    fit = {c.best.text: c.best.fit for c in found}
    assert fit["6.4"] == 1.0 and fit["at least two"] < 1.0


def test_a_range_of_years_with_until_still_dates_its_sentence():
    doc = article("a.txt", "Jane Doe served as mayor of Harbour City from 2015 until 2019. "
                           "John Roe also served as mayor of Harbour City.")
    found = candidates(WHO, "Who was mayor of Harbour City in 2017?", every_sentence(doc), asked_year="2017")
    assert found[0].best.text == "Jane Doe"


def test_a_title_and_its_opening_words_are_one_answer_shown_in_full_without_quotes():
    doc = article("a.txt", '"The Phantom of the Opera" closed on Sunday after 35 years. '
                           'Ticket sales for "Phantom" lagged after the pandemic.')
    show = AnswerType("what", frozenset({"WORK_OF_ART"}), "show")
    found = candidates(show, "Which Broadway show closed after 35 years?", every_sentence(doc))
    assert [c.key for c in found] == [("phantom", "of", "the", "opera")]
    assert found[0].best.text == "The Phantom of the Opera"


def test_a_short_form_takes_its_full_name_from_another_article():
    short = article("a.txt", "Hamlin thanked the Bills for their support.")
    full = article("b.txt", "Buffalo Bills safety Damar Hamlin is recovering.")
    team = AnswerType("which", frozenset({"ORG", "PERSON"}), "team")  # the small model reads it as both
    sentences = [ScoredSentence(short, 0, 1.0), ScoredSentence(full, 0, 0.2)]
    found = candidates(team, "Damar Hamlin plays for which team?", sentences)
    assert found[0].best.text == "Bills"
    shown = found[0].full_form()
    assert shown is not None and shown.text == "Buffalo Bills" and shown.source == "b.txt"


def test_a_candidate_made_of_the_question_words_but_one_restates_it():
    doc = article("a.txt", "Cambodia lodged a report with the Office of the High Commissioner for Human Rights on Monday.")
    found = candidates(AnswerType("who", PEOPLE, secondary=frozenset({"ORG"})),
                       "Who is the High Commissioner for Human Rights?", every_sentence(doc))
    assert all("Office" not in c.best.text for c in found)


def test_a_place_after_of_is_not_short_for_the_name_it_ends():
    doc = article("a.txt", "Sar Kheng spoke at the Police Academy of Cambodia on Friday. Cambodia denied the report.")
    found = candidates(AnswerType("where", frozenset({"GPE", "FAC"}), secondary=frozenset({"ORG"})),
                       "Where did Sar Kheng speak?", every_sentence(doc))
    assert {c.key for c in found} >= {("police", "academy", "of", "cambodia"), ("cambodia",)}


def test_a_mention_that_fills_the_question_s_slot_outranks_one_beside_other_question_words():
    doc = article("a.txt", "Critics sued the network in 2021. Members of the Central Park Five are suing Donald Trump "
                           "for defamation, the lawyers said, joined by Amnesty International.")
    group = AnswerType("which", frozenset({"ORG"}), "group")
    question = "Members of which group are suing Donald Trump for defamation?"
    slot = (("of", "member"), ("are", "su", "donald"))
    plain = candidates(group, question, every_sentence(doc))
    filled = candidates(group, question, every_sentence(doc), cloze=0.3, slot=slot)
    central = next(c for c in filled if c.key == ("central", "park", "five"))
    assert central is filled[0]
    assert central.score > next(c for c in plain if c.key == central.key).score


def test_a_preposition_after_a_word_of_another_clause_does_not_fill_the_slot():
    """"Convention in Chicago" says where the convention was, not where the vacation is; "Olympics in
    Paris" does say where the Olympics asked about were."""
    doc = article("a.txt", "Biden spoke at the Democratic National Convention in Chicago. "
                           "He then left for a vacation near Santa Ynez in California.")
    state = AnswerType("which", frozenset({"GPE"}), "state")
    question = "After his speech at the Democratic National Convention, Biden left for a vacation in which state?"
    slot = (("in", "vacat", "a"), ())
    elsewhere = other_clauses(parse(question))
    plain = candidates(state, question, every_sentence(doc))
    filled = candidates(state, question, every_sentence(doc), cloze=0.3, slot=slot, elsewhere=elsewhere)
    score = {c.best.text: c.score for c in filled}
    assert score["Chicago"] == next(c.score for c in plain if c.best.text == "Chicago")
    assert score["California"] > next(c.score for c in plain if c.best.text == "California")
    games = article("b.txt", "The Summer Olympics in Paris ended on Sunday. The Summer Olympics also drew protests "
                             "in Marseille.")
    city = AnswerType("which", frozenset({"GPE"}), "city")
    question = "The Summer Olympics were held in which city?"
    found = candidates(city, question, every_sentence(games), cloze=0.3, slot=(("in", "held", "were"), ()),
                       elsewhere=other_clauses(parse(question)))
    assert found[0].best.text == "Paris"


def test_an_opening_quote_inside_a_name_is_left_out():
    doc = article("a.txt", 'Members of the "Exonerated Five" sued on Monday.')
    found = candidates(AnswerType("which", frozenset({"ORG", "WORK_OF_ART", "PERSON"}), "group"),
                       "Which group sued on Monday?", every_sentence(doc))
    shown = [c.best.text for c in found if "Five" in c.best.text]
    assert shown == ["Exonerated Five"]


@pytest.mark.parametrize("text, name", [
    ("'The Little Mermaid'Halle Bailey", "Halle Bailey"),  # a headline run together
    ("‘The Little Mermaid’Halle Bailey", "Halle Bailey"),
    ('star of "Barbie"Margot Robbie', "Margot Robbie"),
    ("Conan O'Brien", "Conan O'Brien"),  # an apostrophe in a name closes nothing
    ("It's Shaquille O'Neal", "It's Shaquille O'Neal"),
    ("Rep. D’Angelo", "Rep. D’Angelo"),
    ("The Bengals' star receiver Ja'Marr Chase", "The Bengals' star receiver Ja'Marr Chase"),  # a possessive opens nothing
    ("said: 'We will miss N'Golo Kante", "said: 'We will miss N'Golo Kante"),  # a short prefix is no title
    ("said: ‘We will miss N’Golo Kante", "said: ‘We will miss N’Golo Kante"),
    ('"Up"Pete Docter', "Pete Docter"),  # a double quote is never an apostrophe, however short the title
])
def test_a_title_s_closing_quote_glued_to_a_name_is_cut_off(text, name):
    start, end = _trimmed(text, 0, len(text))
    assert text[start:end] == name


def test_a_place_named_with_another_kind_does_not_answer_the_kind_asked_for():
    doc = article("a.txt", "Washington state's leader spoke after votes were destroyed in a ballot box fire. "
                           "The fire was set at a transit center in Vancouver on Monday.")
    city = AnswerType("which", frozenset({"GPE"}), "city")
    found = {c.best.text: c.best for c in candidates(city, "In which city were votes destroyed in a ballot box fire?",
                                                       every_sentence(doc))}
    assert found["Washington"].fit < 1.0 and found["Vancouver"].fit == 1.0
    state = AnswerType("which", frozenset({"GPE"}), "state")
    found = {c.best.text: c.best for c in candidates(state, "Which state's leader spoke?", every_sentence(doc))}
    assert found["Washington"].fit == 1.0


def test_a_place_named_with_its_district_or_county_does_not_answer_which_province_or_state():
    doc = article("a.txt", "The clinic opened in Brava province's Ostrin district on Monday.")
    province = AnswerType("which", frozenset({"GPE"}), "province")
    found = {c.best.text: c.best for c in candidates(province, "In which province did the clinic open?",
                                                       every_sentence(doc))}
    assert found["Ostrin"].fit < 1.0
    doc = article("b.txt", "Harlan County issued flood alerts to its residents on Monday.")
    state = AnswerType("which", frozenset({"GPE"}), "state")
    found = {c.best.text: c.best for c in candidates(state, "Which state issued flood alerts?", every_sentence(doc))}
    assert found["Harlan County"].fit < 1.0


def test_the_person_a_pronoun_means_is_not_guessed_when_two_are_named_or_it_is_him():
    two = article("a.txt", "Sar Kheng met Joe Smith on Monday. He thanked the crew on Sunday.")
    found = candidates(WHO, "Who thanked the crew?", [ScoredSentence(two, 1, 1.0)])
    assert found == []
    him = article("a.txt", "Sar Kheng spoke on Monday. The court later fined him $500.")
    assert candidates(WHO, "Who was fined $500 by the court?", [ScoredSentence(him, 1, 1.0)]) == []


def test_a_pronoun_passes_its_person_on_and_a_quoted_he_is_not_the_writer_s():
    doc = article("a.txt", "Steven Spielberg's film won the award. He thanked the cast. "
                           "He then thanked the crew on Sunday.")
    found = candidates(WHO, "Who thanked the crew on Sunday?", [ScoredSentence(doc, 2, 1.0)])
    assert [c.best.text for c in found] == ["Steven Spielberg"]  # trimmed, and followed back two sentences
    quoted = article("a.txt", "Steven Spielberg won the award. “He deserved it,” the jury said on Sunday.")
    assert candidates(WHO, "Who deserved it?", [ScoredSentence(quoted, 1, 1.0)]) == []


def test_a_stop_word_name_can_answer_and_a_person_is_not_the_question_s_namesake():
    may = article("a.txt", "The law took effect in May after a long debate.")
    when = AnswerType("when", frozenset({"DATE"}))
    assert [c.best.text for c in candidates(when, "When did the law take effect?", every_sentence(may))] == ["May"]
    son = article("a.txt", "Martin Luther King III spoke at the rally on Monday.")
    found = candidates(WHO, "Which son of Martin Luther King spoke at the rally?", every_sentence(son))
    assert [c.best.text for c in found] == ["Martin Luther King III"]


def test_an_owner_in_front_of_the_slot_does_not_fill_it():
    doc = article("a.txt", 'The cast of Apple TV+\'s Emmy-winning "Ted Lasso" visited the White House on Monday.')
    show = AnswerType("which", frozenset({"WORK_OF_ART", "ORG"}), "television show")
    question = "The cast of which television show visited the White House?"
    slot = (("of", "cast", "the"), ("visit", "the", "white"))
    found = {c.best.text: c.score for c in candidates(show, question, every_sentence(doc), cloze=0.3, slot=slot)}
    plain = {c.best.text: c.score for c in candidates(show, question, every_sentence(doc))}
    assert found["Apple TV+"] == plain["Apple TV+"]


def test_a_place_written_as_the_holder_of_another_answers_which_state_not_which_city():
    doc = article("a.txt", "The attack in Washington was the second ballot box fire this week. A device was "
                           "stuck to a ballot box at a transit center in Vancouver, Washington, on Monday.")
    assert doc.place_pairs == (frozenset({("vancouver",)}), frozenset({("washington",)}))
    city = AnswerType("which", frozenset({"GPE"}), "city")
    found = {c.best.text: c.best for c in candidates(city, "In which city was a ballot box fire?", every_sentence(doc))}
    assert found["Washington"].fit < 1.0 and found["Vancouver"].fit == 1.0
    found = {c.best.text: c.best for c in candidates(WHICH_STATE, "In which state was a ballot box fire?",
                                                       every_sentence(doc))}
    assert found["Washington"].fit == 1.0 and found["Vancouver"].fit < 1.0


@pytest.mark.parametrize("text", [
    "Consulates in Arizona, California and Texas saw long lines on Monday.",  # a list
    "Ella Lee reported. China, US tensions rise over the balloon.",  # not prose: no "in" before it
])
def test_places_beside_each_other_in_a_list_or_a_heading_hold_nothing(text):
    assert article("a.txt", text).place_pairs == (frozenset(), frozenset())


def test_an_apposition_built_on_the_kind_asked_for_makes_a_name_of_any_label_a_candidate():
    doc = article("a.txt", "Ukraine could strike using ATACMS, U.S.-provided long-range missiles, in the coming days. "
                           "Ukraine thanked Joe Biden, who sent the missiles, on Monday.")
    missiles = AnswerType("which", frozenset({"PRODUCT"}), "missiles")
    found = {c.best.text: c.best for c in candidates(missiles, "Ukraine may use which missiles?", every_sentence(doc))}
    assert found["ATACMS"].fit == 1.0
    assert "Joe Biden" not in found  # "who sent the missiles" says what he did, not what he is


def test_a_mention_s_own_words_do_not_place_it_beside_the_question():
    doc = article("a.txt", "Northwind Energy lost the bid, while Ostara Holdings won the energy contract.")
    found = candidates(AnswerType("which", frozenset({"ORG"}), "company"),
                       "Which company won the energy contract?", every_sentence(doc))
    assert [c.best.label for c in found[:2]] == ["ORG", "ORG"]
    assert found[0].best.text == "Ostara Holdings"


def test_an_answer_to_an_event_the_sentence_only_asks_for_is_marked_down():
    from assistant.answering.short_answer import done_verbs
    from assistant.nlp import parse

    doc = article("a.txt", "The council asked the court to fine the company $4,000 for the spill. "
                           "The company now faces a fine of $7,000.")
    how_much = AnswerType("how much", frozenset({"MONEY"}))
    question = "How much was the company fined for the spill?"
    found = {c.best.text: c.best for c in candidates(how_much, question, every_sentence(doc),
                                                       done=done_verbs(parse(question)))}
    assert found["4,000"].fit < 1.0 and found["7,000"].fit == 1.0
    question = "How much did the council ask the court to fine the company?"
    found = {c.best.text: c.best for c in candidates(how_much, question, every_sentence(doc),
                                                       done=done_verbs(parse(question)))}
    assert found["4,000"].fit == 1.0


def test_an_apposition_counts_only_after_a_name_and_only_when_its_head_is_the_kind():
    doc = article("a.txt", "In 2023, the country lost Bakhmut on Monday. Sam Altman, the company's chief "
                           "executive, said the firm would build the chip.")
    country = AnswerType("which", frozenset({"GPE"}), "country")
    found = {c.best.text: c.best for c in candidates(country, "Which country lost Bakhmut?", every_sentence(doc))}
    assert "2023" not in found  # a date opening a clause is no apposition
    company = AnswerType("which", frozenset({"ORG"}), "company")
    found = {c.best.text: c.best for c in candidates(company, "Which company will build the chip?", every_sentence(doc))}
    assert "Sam Altman" not in found or found["Sam Altman"].fit < 1.0  # an owner makes it a role, not a kind


def test_a_division_word_that_belongs_to_what_follows_does_not_make_a_state_a_village():
    doc = article("a.txt", "The train derailed in the Ohio village of East Palestine on Friday. "
                           "Crews cleared the Kandal district on Monday.")
    found = {c.best.text: c.best for c in candidates(WHICH_STATE, "In which state did the train derail?",
                                                       every_sentence(doc))}
    assert found["Ohio"].fit == 1.0


def test_a_clause_that_ends_at_a_comma_between_two_places_pairs_nothing():
    doc = article("a.txt", "Since the war began in Ukraine, Russia has lost thousands of troops.")
    assert doc.place_pairs == (frozenset(), frozenset())


@pytest.mark.parametrize("text", [
    "A judge sentenced the company to fines totalling $9,000 for the spill.",  # "to fines" is a noun
    "The council asked the court to fine the company, and the court fined it $9,000.",  # reported after all
])
def test_an_infinitive_marks_down_only_an_event_its_own_clause_asks_for(text):
    from assistant.answering.short_answer import done_verbs
    from assistant.nlp import parse

    question = "How much was the company fined for the spill?"
    found = {c.best.text: c.best for c in candidates(AnswerType("how much", frozenset({"MONEY"})), question,
                                                       every_sentence(article("a.txt", text)),
                                                       done=done_verbs(parse(question)))}
    assert found["9,000"].fit == 1.0


def test_an_auxiliary_is_not_a_verb_the_question_states_as_done():
    from assistant.answering.short_answer import done_verbs
    from assistant.nlp import parse

    assert "have" not in done_verbs(parse("How many people have died in the floods?"))


def test_the_slot_s_own_words_taken_into_a_span_still_stand_before_it():
    doc = article("a.txt", "China has been the world's most populous nation since at least 1950, and its "
                           "population has not fallen since 1961.")
    when = AnswerType(":", frozenset({"DATE"}))
    question = "It has been the world's most populous nation since at least:"
    slot = (("least", "at", "sinc"), ())
    found = candidates(when, question, every_sentence(doc), cloze=0.3, slot=slot)
    assert [c.best.text for c in found][:1] == ["at least 1950"], [(c.best.text, c.score) for c in found]


def test_how_long_wants_a_span_of_time_not_a_point_in_it():
    doc = article("a.txt", "In 2022 the court banned the skater for four years.")
    how_long = AnswerType("how long", frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY"}))
    found = candidates(how_long, "For how long did the court ban the skater?", every_sentence(doc))
    assert [c.best.text for c in found][:1] == ["four years"], [(c.best.text, c.score) for c in found]


HOW_LONG = AnswerType("how long", frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY"}))


@pytest.mark.parametrize("question, text, expected", [
    ("How long did the church stand?", "For two centuries the old church, built in 1820, stood on the hill.",
     "two centuries"),  # a plural the stemmer knows ("centuri"), not "centurie"
    ("How long did the blackout last?", "The blackout lasted 90 seconds, two days after the storm.", "90 seconds"),
    ("How long has she led the group?", "Last month the group, which she has led since 2019, grew.", "2019"),
    ("How long did the strike last?", "The strike ended last month, after a decade.",
     "a decade"),  # "last month" is a point in time
])
def test_how_long_takes_any_unit_and_a_start_but_not_a_named_point(question, text, expected):
    found = candidates(HOW_LONG, question, every_sentence(article("a.txt", text)))
    assert [c.best.text for c in found][:1] == [expected], [(c.best.text, c.score) for c in found]


@pytest.mark.parametrize("question, text, expected", [
    ("How many days did he spend in space?", "Vande Hei returned to Earth in March 2022 after 355 days in space.",
     "355 days"),  # "how many days" is a length of time, like "how long"
    ("How many years was the country on the list?",
     "The country, listed in 2015, remained on the list between 2019 and 2021.", "between 2019 and 2021"),
])
def test_how_many_units_of_time_asks_for_a_length_of_time(question, text, expected):
    unit = question.split()[2]
    atype = AnswerType("how many", frozenset({"CARDINAL", "QUANTITY", "DATE", "TIME"}), unit)
    found = candidates(atype, question, every_sentence(article("a.txt", text)))
    assert [c.best.text for c in found][:1] == [expected], [(c.best.text, c.score) for c in found]


def test_a_short_given_name_is_the_person_another_article_names_in_full_and_shown_in_full():
    short = article("a.txt", "Spain's Rafa Nadal won in Paris. Nadal said on Thursday he would retire.")
    full = article("b.txt", "Federer's rival Rafael Nadal has won 22 grand slam titles.")
    sentences = [ScoredSentence(short, 0, 0.4), ScoredSentence(short, 1, 1.0), ScoredSentence(full, 0, 0.3)]
    found = candidates(WHO, "Which tennis legend said he would retire?", sentences)
    assert found[0].key == ("rafael", "nadal") and len(found[0].sources) == 2
    assert found[0].best.text == "Nadal"  # its article's own fuller form is the short "Rafa Nadal"
    shown = found[0].full_form()
    assert shown is not None and shown.text == "Rafael Nadal" and shown.source == "b.txt"


@pytest.mark.parametrize("first, second", [("Joe Biden", "Jill Biden"), ("Serena Williams", "Venus Williams"),
                                           ("Dan Smith", "Diana Smith"), ("Will Smith", "Willow Smith"),
                                           ("Paul Jones", "Paula Jones"), ("Ann Lee", "Anne Lee"),
                                           ("Paul Jones", "Paulette Jones"), ("Gabriel Cruz", "Gabrielle Cruz")])
def test_people_who_share_a_surname_stay_apart_unless_one_given_name_shortens_the_other(first, second):
    doc = article("a.txt", f"{first} met {second} at the White House on Monday.")
    found = candidates(WHO, "Who met at the White House?", every_sentence(doc))
    assert {first, second} <= {c.best.text for c in found}


def test_a_name_with_a_feminine_ending_is_not_the_full_form_of_the_shorter_one():
    slap = article("a.txt", "Will Smith slapped Chris Rock on stage at the Oscars.")
    other = article("b.txt", "Willow Smith released a new album on Friday.")
    found = candidates(WHO, "Who slapped Chris Rock at the Oscars?", every_sentence(slap) + every_sentence(other, score=0.3))
    assert found[0].key == ("will", "smith") and found[0].full_form() is None
    assert found[0].sources == ["a.txt"]


@pytest.mark.parametrize("short, full", [("Rafa Nadal", "Rafael Nadal"), ("Steph Curry", "Stephen Curry"),
                                         ("Josh Allen", "Joshua Allen")])
def test_a_clipped_given_name_joins_the_full_one(short, full):
    doc = article("a.txt", f"{full} won the final on Sunday. {short} thanked his coach on Monday.")
    found = candidates(WHO, "Who won the final?", every_sentence(doc))
    assert found[0].best.text == full and len(found[0].mentions) == 2


def test_a_short_given_name_spelled_within_the_full_one_is_the_same_person():
    doc = article("a.txt", "Joseph Smith won the race. Joe Smith thanked his coach on Monday.")
    found = candidates(WHO, "Who won the race?", every_sentence(doc))
    assert [c.key for c in found][:1] == [("joseph", "smith")] and len(found[0].mentions) == 2


# The labels the small model gives "Shotline" in these sentences.
NAMING_PROJECT = AnswerType("what", frozenset({"ORG", "PERSON", "WORK_OF_ART"}), "project", naming=True)


@pytest.mark.parametrize("text", [
    "Members of Congress heard a new project on Wednesday called The Shotline.",
    "Members of Congress heard the new project on Wednesday: The Shotline.",
    'Members of Congress heard the new project on Wednesday, "The Shotline".',
    "The project reached Congress on Wednesday through The Shotline, a website that uses AI to recreate voices.",
])
def test_a_name_the_sentence_introduces_as_one_answers_what_something_is_called(text):
    question = "What is the name of the project that uses AI to recreate the voices of victims?"
    sentences = every_sentence(article("a.txt", text))
    plain = candidates(replace(NAMING_PROJECT, naming=False), question, sentences)
    named = candidates(NAMING_PROJECT, question, sentences, introduced=1.0, described=described_terms(parse(question)))
    assert plain[0].key == ("congress",) and named[0].key == ("shotline",)


@pytest.mark.parametrize("text", [
    'Members of Congress said "The Shotline’s voices" were heard on Wednesday.',  # a possessive, not a closing quote
    "Members of Congress heard on Wednesday about The Shotline, a group that met there.",  # not what was asked
])
def test_a_quote_that_goes_on_or_a_description_of_something_else_introduces_no_name(text):
    question = "What is the name of the project that uses AI to recreate the voices of victims?"
    found = candidates(NAMING_PROJECT, question, every_sentence(article("a.txt", text)), introduced=1.0,
                       described=described_terms(parse(question)))
    assert all(m.introduced == 1.0 for c in found for m in c.mentions)


NAMING_CEO = AnswerType("what", frozenset({"PERSON"}), "new CEO", naming=True)


@pytest.mark.parametrize("text", [
    "Sarah Miller, a company spokeswoman, confirmed the news. The company's new CEO is Tom Baker.",  # shares only the owner
    'The board picked Tom Baker as the company\'s new CEO. The outgoing chair told reporters: "Sarah Miller built this company."',
    'The company\'s new CEO is Tom Baker, the board said. Staff at the plant chanted "Sarah Miller" at a rally.',
    "The company's new CEO is Tom Baker, the board said. The outgoing chair said in a statement: Sarah Miller.",
])
def test_a_description_by_the_owner_alone_or_reported_speech_introduces_no_name(text):
    question = "What is the name of the company's new CEO?"
    found = candidates(NAMING_CEO, question, every_sentence(article("a.txt", text)), introduced=1.0,
                       described=described_terms(parse(question)))
    assert all(m.introduced == 1.0 for c in found for m in c.mentions if m.text == "Sarah Miller")


def test_an_introduced_short_form_does_not_keep_the_full_name_from_being_shown():
    doc = article("a.txt", 'Rafael Nadal won the French Open on Sunday. '
                           'The champion, nicknamed "Nadal" by fans in Paris, lifted the trophy.')
    champion = AnswerType("what", frozenset({"PERSON", "WORK_OF_ART"}), "champion", naming=True)  # quoted: a title
    found = candidates(champion, "What is the name of the champion who lifted the trophy?", every_sentence(doc),
                       introduced=1.0)
    assert found[0].mentions[0].text == "Nadal" and found[0].mentions[0].introduced > 1.0
    assert found[0].best.text == "Rafael Nadal"


def test_a_short_given_name_counts_as_the_name_in_full_when_choosing_the_mention_to_show():
    short = article("a.txt", "Spain's Rafa Nadal won in Paris. Nadal said on Thursday he would retire.")
    full = article("b.txt", "Federer's rival Rafael Nadal has won 22 grand slam titles.")
    sentences = [ScoredSentence(short, 0, 1.0), ScoredSentence(short, 1, 1.0), ScoredSentence(full, 0, 0.3)]
    found = candidates(WHO, "Which tennis legend said he would retire?", sentences)
    assert found[0].mentions[0].text == "Nadal" and found[0].best.text == "Rafa Nadal"
    assert found[0].full_form().text == "Rafael Nadal"
