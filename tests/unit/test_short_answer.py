"""The short-answer finder's re-rank: MiniLM tells a city from a state."""

import pytest

from assistant.answering.answer_type import AnswerType
from assistant.answering.candidates import ScoredSentence
from assistant.answering.short_answer import ShortAnswerFinder
from assistant.settings import Settings

from tests.helpers.articles import article


def winner(encoder, head, question, sentences):
    finder = ShortAnswerFinder(Settings.load(), encoder)
    return finder.run(AnswerType("which", frozenset({"GPE"}), head), question, sentences, None).winner.best.text


def test_a_city_is_a_poor_answer_to_which_state_and_a_state_to_which_city(encoder):
    convention = article("a.txt", "Biden spoke at the convention in Chicago on Monday.")
    vacation = article("b.txt", "Biden left on Tuesday for a family vacation in California.")
    sentences = [ScoredSentence(convention, 0, 1.0), ScoredSentence(vacation, 0, 0.8)]
    assert winner(encoder, "state", "Biden left for a vacation in which state?", sentences) == "California"
    sentences = [ScoredSentence(vacation, 0, 1.0), ScoredSentence(convention, 0, 0.8)]
    assert winner(encoder, "city", "Biden spoke in which city?", sentences) == "Chicago"


def test_a_place_is_left_alone_when_the_question_asks_for_no_kind_of_place(encoder):
    convention = article("a.txt", "Biden spoke at the convention in Chicago on Monday.")
    vacation = article("b.txt", "Biden left on Tuesday for a family vacation in California.")
    sentences = [ScoredSentence(convention, 0, 1.0), ScoredSentence(vacation, 0, 0.8)]
    assert winner(encoder, "place", "Biden went to which place?", sentences) == "Chicago"


def test_the_asked_slot_is_the_words_around_the_wh_phrase():
    from assistant.answering.short_answer import asked_slot

    assert asked_slot("How many cows died in the fire?", AnswerType("how many", head="cows")) == \
        ((), ("die", "in", "the"))
    assert asked_slot("Fans of which football club left early?", AnswerType("which", head="football club")) == \
        (("of", "fan"), ("left", "earli"))
    assert asked_slot("It has been the most populous nation since at least:", AnswerType(":"))[0][:3] == \
        ("least", "at", "sinc")
    scene = "Lou Reed co-founded the Velvet Underground. In what year was the band inducted?"
    assert asked_slot(scene, AnswerType("what", head="year"))[0] == ("in",)  # the scene is no part of the slot


def test_a_city_is_marked_down_for_which_state_even_when_minilm_only_leans_to_city(encoder):
    tributes = article("a.txt", "Tributes to Rosalynn Carter were held in Atlanta on Monday.")
    alma_mater = article("b.txt", "Tributes to Rosalynn Carter were held in Georgia on Tuesday.")
    sentences = [ScoredSentence(tributes, 0, 1.0), ScoredSentence(alma_mater, 0, 0.8)]
    assert winner(encoder, "state", "Tributes to Rosalynn Carter were held in which state?", sentences) == "Georgia"


def test_a_winner_that_is_clearly_another_kind_of_thing_is_named_as_such(encoder):
    opening = article("a.txt", "Sar Kheng, who heads the National Committee for Counter Trafficking, opened "
                               "the campus on Monday.")
    finder = ShortAnswerFinder(Settings.load(), encoder)
    school = finder.run(AnswerType("which", frozenset({"ORG"}), "school"), "Which school did Sar Kheng open?",
                        [ScoredSentence(opening, 0, 1.0)], None)
    assert school.other_kind == "committee"
    committee = finder.run(AnswerType("which", frozenset({"ORG"}), "committee"), "Which committee does Sar Kheng head?",
                           [ScoredSentence(opening, 0, 1.0)], None)
    assert committee.other_kind is None and "Committee" in committee.winner.best.text


def noun_phrase_finding(encoder, head, question, texts):
    """The finding for a question no entity label answers, the first text's sentence scoring best."""
    docs = [article(f"{i}.txt", text) for i, text in enumerate(texts)]
    sentences = [ScoredSentence(doc, 0, 1.0 - 0.1 * i) for i, doc in enumerate(docs)]
    finder = ShortAnswerFinder(Settings.load(), encoder)
    return finder.run(AnswerType("which", frozenset(), head), question, sentences, None)


def test_a_name_that_qualifies_a_kind_of_thing_leaves_the_phrase_to_compete(encoder):
    found = noun_phrase_finding(encoder, "insect", "Which insect is eating the oaks?",
                                ["The Siberian beetles eat the leaves of young oaks."])
    assert found.winner.best.text == "Siberian beetles"
    assert "young" not in [c.best.text for c in found.candidates]  # "young oaks" less "oaks" names nothing


def test_a_noun_the_parser_attaches_oddly_is_a_phrase_too(encoder):
    found = noun_phrase_finding(encoder, "wild animal", "A team cloned which wild animal?",
                                ["A team in Lima has cloned a wild Andean wolf – and they’re hoping to repeat it with rare birds."])
    assert found.winner.best.text == "Andean wolf"


def test_the_question_s_words_are_trimmed_from_a_phrase_which_then_pools_with_its_full_name(encoder):
    found = noun_phrase_finding(encoder, "invasive species", "Gardeners fear which invasive species?",
                                ["Gardeners fear the invasive beetles that arrived last spring.",
                                 "The striped beetles eat the leaves of young oaks."])
    assert found.winner.key == ("striped", "beetles")


def test_a_name_with_its_kind_of_place_is_left_to_the_name(encoder):
    found = noun_phrase_finding(encoder, "commune", "In which commune did the school open?",
                                ["The school opened in Preak Ta commune’s Svay Leu village of Kandal province on Monday."])
    assert all("village" not in c.best.text for c in found.candidates)


def test_the_noun_that_qualifies_a_vaguer_head_word_is_an_answer_of_its_own(encoder):
    found = noun_phrase_finding(encoder, "energy source", "The firm is turning to which energy source?",
                                ["The firm will now buy wind power contracts for its offices."])
    assert found.winner.best.text == "wind power"


def test_a_place_its_article_writes_as_a_town_of_a_state_is_a_city_whatever_its_name_suggests(encoder):
    """MiniLM puts the bare "Ontario" nearest "province"; "Ontario, California" makes it a city here."""
    roof = article("a.txt", "Volunteers repaired a library roof in Ontario, California on Monday after the storm.")
    food = article("b.txt", "Volunteers in Houston collected food on Monday.")
    finder = ShortAnswerFinder(Settings.load(), encoder)
    found = finder.run(AnswerType("which", frozenset({"GPE"}), "city"), "Volunteers repaired a library roof in which city?",
                       [ScoredSentence(roof, 0, 1.0), ScoredSentence(food, 0, 0.8)], None)
    assert found.winner.best.text == "Ontario" and found.other_kind is None


def test_a_capital_nearest_city_is_not_declined_as_another_kind(encoder):
    summit = article("a.txt", "The leaders will meet in London next month for the summit.")
    finder = ShortAnswerFinder(Settings.load(), encoder)
    found = finder.run(AnswerType("which", frozenset({"GPE"}), "capital"), "Which capital will host the summit?",
                       [ScoredSentence(summit, 0, 1.0)], None)
    assert found.winner.best.text == "London" and found.other_kind is None


def test_a_possessive_left_at_a_phrase_edge_by_the_trimmed_question_words_goes_too(encoder):
    found = noun_phrase_finding(encoder, "technology", "Which technology will power the company's cars?",
                                ["Engineers said the company's solid-state battery will power the cars."])
    assert all(not c.best.text.startswith(("s ", "'s", "’s")) for c in found.candidates)
    assert any(c.best.text == "solid-state battery" for c in found.candidates)


def test_an_ing_word_that_qualifies_a_noun_group_is_an_answer_of_its_own(encoder):
    found = noun_phrase_finding(encoder, "sport", "Sky Brown has become the UK's first world champion in which sport?",
                                ["Sky Brown has become the UK's first skateboarding world champion at the age of just 14."])
    assert found.winner.best.text == "skateboarding"
    found = noun_phrase_finding(encoder, "sport", "Which sport is Britain's team preparing for?",
                                ["Britain's cycling team is preparing for the world championships."])
    assert found.winner.best.text == "cycling"


def test_an_ing_verb_with_its_auxiliary_or_after_a_preposition_is_no_answer(encoder):
    found = noun_phrase_finding(encoder, "sport", "The team was training for which sport?",
                                ["The players were eating lunch after training by running laps."])
    assert not {"eating", "running"} & {c.best.text for c in found.candidates}


def test_a_name_the_recogniser_missed_answers_when_no_entity_of_the_asked_kind_does(encoder):
    gala = article("a.txt", "The Met Gala, the annual fundraiser for the Metropolitan Museum of Art's Costume "
                            "Institute, may be the single biggest night of the year for fashion.")
    assert not any(label == "EVENT" for _, _, label in gala.entities_in(0))
    finder = ShortAnswerFinder(Settings.load(), encoder)
    found = finder.run(AnswerType("which", frozenset({"EVENT"}), "event"),
                       "Which event is known as fashion's biggest night of the year?", [ScoredSentence(gala, 0, 1.0)], None)
    assert found.winner is not None and found.winner.best.text == "Met Gala"
    assert found.winner.best.fit < 1.0  # a name of some kind: at a stretch


def test_a_name_the_recogniser_took_only_a_piece_of_is_a_name_in_full(encoder):
    recall = article("a.txt", "Thousands of Coca-Cola's Minute Maid Zero Sugar Lemonade 12-packs were recalled "
                              "after they were mislabeled, according to the U.S. Food and Drug Administration.")
    text = recall.article.text
    assert "Maid Zero" in [text[a:b] for a, b, _ in recall.entities_in(0)]  # a piece, as a person
    finder = ShortAnswerFinder(Settings.load(), encoder)
    found = finder.run(AnswerType("which", frozenset({"PRODUCT"}), "drink"),
                       "Which type of drink was recalled by Coca-Cola this week?", [ScoredSentence(recall, 0, 1.0)], None)
    assert found.winner is not None and found.winner.best.text == "Minute Maid Zero Sugar Lemonade"


@pytest.mark.parametrize("text, titled", [
    ("On Monday, President Joe Biden flew to Delaware after the Met Gala.", "President Joe Biden"),
    ("First Lady Jill Biden attended the Met Gala in New York on Monday.", "First Lady Jill Biden"),
])
def test_a_title_before_a_whole_entity_makes_no_unlabelled_name(encoder, text, titled):
    doc = article("a.txt", text)
    assert any(label == "PERSON" for _, _, label in doc.entities_in(0))
    finder = ShortAnswerFinder(Settings.load(), encoder)
    found = finder.run(AnswerType("which", frozenset({"EVENT"}), "event"), "Which event did Biden attend?",
                       [ScoredSentence(doc, 0, 1.0)], None)
    assert titled not in {c.best.text for c in found.candidates}


def test_other_clauses_are_the_question_s_words_outside_the_asking_clause():
    from assistant.answering.short_answer import other_clauses
    from assistant.nlp import parse

    fronted = other_clauses(parse("After his speech at the Democratic National Convention, Biden left for a "
                                  "vacation in which state?"))
    assert {"convent", "speech"} <= fronted and "vacat" not in fronted
    assert other_clauses(parse("The Summer Olympics were held in which city?")) == frozenset()
    assert other_clauses(parse("Which tier?")) == frozenset()  # no verb at all
    assert other_clauses(parse("The Summer Olympics that opened in July were held in which city?")) == {"open", "juli"}
    coordinated = other_clauses(parse("Biden spoke at the Democratic National Convention and then left for a "
                                      "vacation in which state?"))
    assert "convent" in coordinated and "vacat" not in coordinated
    assert other_clauses(parse("Where did the president who visited Paris go next?")) == {"visit", "pari"}
