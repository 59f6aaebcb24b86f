"""Example questions turned from real sentences by spaCy's parse (the engine's check is tested with a store)."""

from __future__ import annotations

from assistant.server.ui_examples import candidates
from tests.helpers.articles import article


def made(text: str) -> dict[str, tuple[str, str]]:
    return {e.kind: (e.question, e.expected) for e in candidates([article("a.txt", text).article])}


def test_a_counted_subject_becomes_how_many_and_keeps_the_number_as_the_answer():
    found = made("Between August and October, 496 requests were lodged countrywide by the families of victims.")
    assert found["how many"] == ("How many requests were lodged countrywide by the families of victims?", "496")


def test_a_date_on_the_verb_becomes_when_with_do_support():
    found = made("In July, the US State Department downgraded Cambodia to Tier 3 in its annual report.")
    assert found["when"] == ("When did the US State Department downgrade Cambodia to Tier 3 in its annual report?", "July")


def test_a_person_as_subject_becomes_who_in_the_past_tense_only():
    found = made("Interior Minister Sar Kheng opened a new primary school campus in Kandal province last week.")
    assert found["who"][0] == "Who opened a new primary school campus in Kandal province last week?"
    assert found["who"][1] in {"Kheng", "Sar Kheng"}
    assert "who" not in made("Sar Kheng opens a new primary school campus in Kandal province every single year.")


def test_captions_quotes_and_fragments_give_no_questions():
    assert made("“We will win,” Sar Kheng said in Phnom Penh on Monday morning.") == {}
    assert made("- Biden nominates Adm. Lisa Franchetti on April 5 to lead the Navy fleet.") == {}
