"""What a sentence holds, as the answer picker reads it: counts and reasons."""

import pytest

from assistant.answering.features import counts, reason_strength


def test_counts_skip_labels_and_names_but_keep_a_sentence_opening_amount():
    assert counts("Approximately 5,760 cases were recalled.") == ["5,760"]
    assert counts("Cambodia was placed on Tier 2 in 2019.") == []
    assert counts("Covid-19 killed 300 people.") == ["300"]
    assert counts("The Level One and Two courses closed.") == []
    assert counts("The death toll rose to 45, officials said.") == ["45"]
    assert counts("He paid 1,310,000 riel, 3.5% more.") == ["1,310,000", "3.5%"]


@pytest.mark.parametrize("sentence", [
    "Cambodia was downgraded because it did not meet the minimum standards.",
    "It did not meet the minimum standards; therefore Cambodia was downgraded.",
    "Because it failed to meet the minimum standards, Cambodia was downgraded.",
    "Cambodia was downgraded as a result of its failure to prosecute officials.",
    "The downgrade was caused by a failure to prosecute officials.",
])
def test_a_cause_of_what_is_asked_is_a_reason_whichever_way_round(sentence):
    assert reason_strength(sentence, ["downgrad"]) == 1.0


def test_a_cause_of_something_else_is_a_weak_reason():
    sentence = "He regretted that Cambodia slipped to Tier 3, because the downgrading affects its reputation."
    assert reason_strength(sentence, ["downgrad"]) < 0.5
    assert reason_strength(sentence) == 1.0  # with nothing asked, any stated cause counts
