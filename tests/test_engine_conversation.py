"""Follow-up questions: read in the light of the conversation, they succeed; alone, they cannot."""

from __future__ import annotations

import pytest

from tests.helpers.answers import assert_well_formed


def turn(bot, question: str) -> list[dict]:
    answer = bot.ask(question)
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


@pytest.mark.parametrize("first, follow_up, expected", [
    ("Where did Sar Kheng speak on July 23, 2022?", "Which province is that in?", "Kandal"),
    ("Who signed the NCCT report sent to the OHCHR?", "What position does she hold there?", "Vice Chairperson"),
    ("Which organisation put Cambodia on a watchlist for anti-money laundering and terrorism financing?",
     "Since when?", "2019"),
])
def test_follow_up_needs_the_history(bot, first, follow_up, expected):
    alone = bot.ask(follow_up)
    assert alone.declined or expected not in alone.answer
    answer = bot.ask(follow_up, turn(bot, first))
    assert not answer.declined
    assert expected in answer.answer
    assert_well_formed(bot, answer)


def test_and_how_many_were_vietnamese(bot):
    history = turn(bot, "How many requests were lodged countrywide between August and October 2022?")
    answer = bot.ask("And how many of them were Vietnamese?", history)
    assert "398" in answer.answer


def test_a_follow_up_about_something_the_articles_lack_is_still_declined(bot):
    history = turn(bot, "How many Chinese nationals were involved in the requests?")
    answer = bot.ask("And how many were from Thailand?", history)
    assert answer.declined and "Thailand" in answer.answer


def test_retrieve_reads_the_follow_up_with_the_history(bot):
    history = turn(bot, "Where did Sar Kheng speak on July 23, 2022?")
    with_history = bot.retrieve("Which province is that in?", k=3, history=history)
    assert any("Kandal" in p.text for p in with_history)
    assert all(p.score >= q.score for p, q in zip(with_history, with_history[1:]))


def test_a_new_topic_after_a_conversation_is_not_bent_by_it(bot):
    history = turn(bot, "Where did Sar Kheng speak on July 23, 2022?")
    answer = bot.ask("How many requests were lodged countrywide between August and October 2022?", history)
    assert "496" in answer.answer
