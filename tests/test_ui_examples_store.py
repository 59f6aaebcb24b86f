"""The chat page's example questions over the real sample store: one of each kind, each answered right."""

from __future__ import annotations

from assistant.server.ui_examples import example_questions


def test_examples_are_a_who_a_how_many_and_a_when_that_the_engine_answers(bot):
    articles = [bot.article(a.source) for a in bot.articles()]
    examples = example_questions(bot, articles, 4)
    assert [q.split()[0] for q in examples] == ["Who", "How", "When"]
    for question in examples:
        answer = bot.ask(question)
        assert not answer.declined and answer.citations, question
    assert example_questions(bot, articles, 0) == []
