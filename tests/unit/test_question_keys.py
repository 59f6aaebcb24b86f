"""The names a question hinges on, as the support check demands them of the evidence."""

import pytest

from assistant.answering.question import analyse, confirmed_by_parse
from assistant.nlp import parse


def names(question):
    return [k.surface for k in confirmed_by_parse(analyse(question), parse(question)).keys if k.kind == "name"]


@pytest.mark.parametrize("question, name", [
    ("A beach fad known as what is spreading along Peru’s coast?", "Peru’s"),
    ("Which festival draws crowds to Norway's fjords?", "Norway's"),
])
def test_a_possessive_name_is_still_a_name_the_evidence_must_mention(question, name):
    assert name in names(question)


def test_a_capitalised_first_word_is_still_no_name():
    assert names("Because of the storm, which harbour closed?") == []


def keys(question):
    return {(k.surface, k.kind) for k in analyse(question).keys if k.kind in ("edition", "number")}


def test_a_numbered_edition_of_a_named_event_is_a_key_like_a_year():
    assert keys("Which comedian hosted the 81st Golden Globe Awards?") == {("81st", "edition")}


def test_other_ordinals_are_numbers_kept_whole():
    """A date ("26th of July") or a count ("13th consecutive") names no edition; "13th" stays one word,
    as articles write it, not "13"."""
    assert keys("Which team won its 13th consecutive title on the 26th of July?") == {
        ("13th", "number"), ("26th", "number")}


def test_a_month_the_question_names_is_found_in_an_article_dated_in_it():
    """An article dated 2022-07-26 is about July 2022 though its text never says "July"; one with only
    a year says no month."""
    from tests.helpers.articles import article
    july = next(k for k in analyse("Where did 36 people die in July 2022?").keys if k.surface == "July")
    text = "At least 36 people died after drinking bootleg liquor in Gujarat."
    assert july.found_in(article("a.txt", text, published="2022-07-26"))
    assert not july.found_in(article("b.txt", text, published="2022-08-02"))
    assert not july.found_in(article("c.txt", text, published="2022"))
    january = next(k for k in analyse("Where did 36 people die in January 2022?").keys if k.surface == "January")
    assert not january.found_in(article("d.txt", text, published="2022/07/26"))  # not a date it can read


def test_a_who_in_the_sentence_that_sets_the_scene_does_not_make_a_who_question():
    scene = "Lou Reed, who has died at 71, co-founded the Velvet Underground. "
    assert analyse(scene + "In what year was the band inducted into the Hall of Fame?").qtype == "when"
    assert analyse(scene + "Who produced the band's first album?").qtype == "who"


def test_an_abbreviation_does_not_end_the_asking_sentence():
    assert analyse("Who did the U.S. Senate confirm as ambassador?").focus == ["ambassador"]
    scene = "Lou Reed, who has died at 71, co-founded a band that toured the U.S. "
    assert analyse(scene + "In what year was the band inducted?").qtype == "when"  # but a question word opens one


def test_an_edition_written_out_in_words_is_found():
    """News style spells out first to ninth: "the First Amendment" answers for "1st"."""
    from tests.helpers.articles import article
    first = next(k for k in analyse("Which court ruled on the 1st Amendment case?").keys if k.kind == "edition")
    assert first.found_in(article("a.txt", "The First Amendment protects speech."))
    assert not first.found_in(article("b.txt", "The Second Amendment is about guns."))


def test_a_name_is_not_found_through_a_common_word_that_begins_like_it():
    """"Booker" is no "book", and "prize" alone is no "Booker Prize"; "Thai" still meets "Thailand"."""
    from tests.helpers.articles import article
    emmys = article("a.txt", "The satire won the prize for best limited series and a book award. She lives in Thailand.")
    booker, = [k for k in analyse("Which novel won the Booker Prize?").keys if k.kind == "name"]
    thai, = [k for k in analyse("Which Thai city was flooded?").keys if k.kind == "name"]
    assert not booker.found_in(emmys)
    assert thai.found_in(emmys)


def test_a_name_s_last_word_written_as_a_name_is_found_though_the_article_also_uses_it_in_lower_case():
    from tests.helpers.articles import article
    text = "U.S. Representative Marjorie Taylor Greene said the resolution backs green energy."
    greene, = [k for k in analyse("What did Rep. Marjorie Taylor Greene's resolution back?").keys if k.kind == "name"]
    assert greene.found_in(article("a.txt", text))


@pytest.mark.parametrize("question, text", [
    ("What share of Brits suffer from misophonia?", "One in five people in the UK suffer from misophonia."),
    ("By how much did US egg prices rise?", "Egg prices rose 39.8% for Americans this year."),
    ("Which Dutch city banned cars?", "A city in the Netherlands banned cars."),
])
def test_a_country_is_found_under_another_of_its_names(question, text):
    from tests.helpers.articles import article
    country, = [k for k in analyse(question).keys if k.kind == "name"]
    assert country.found_in(article("a.txt", text))


def test_a_country_is_not_found_through_another_country_or_its_iso_code():
    """"Brits" is no Irish, and "GB" in "16 GB of memory" is no Britain; "TH" is a country code too."""
    from tests.helpers.articles import article
    brits, = [k for k in analyse("What share of Brits own a phone?").keys if k.kind == "name"]
    assert not brits.found_in(article("a.txt", "Most Irish people own a phone with 16 GB of memory."))
    thai, = [k for k in analyse("Which Thai city flooded?").keys if k.kind == "name"]
    assert not thai.found_in(article("b.txt", "The 5 TH floor flooded on the 4th."))


def test_a_demonym_several_countries_share_is_the_most_populous_ones():
    """"French" is France's, not Martinique's; "Chinese" China's, not Hong Kong's."""
    from tests.helpers.articles import article
    french, = [k for k in analyse("What did the French minister say?").keys if k.kind == "name"]
    assert not french.found_in(article("a.txt", "The Martinique minister said nothing."))
    assert french.found_in(article("b.txt", "A minister in France said nothing."))
    chinese, = [k for k in analyse("Which Chinese firm listed its shares?").keys if k.kind == "name"]
    assert not chinese.found_in(article("c.txt", "A Hong Kong firm listed its shares."))
