"""The short-answer finder: candidates of the expected type, and noun phrases when the recogniser missed one."""

from assistant.answering.answer_type import AnswerType
from assistant.answering.candidates import ScoredSentence
from assistant.answering.short_answer import ShortAnswerFinder
from assistant.settings import Settings

from tests.helpers.articles import article

MET_GALA = "Every May the Met Gala is known as fashion's biggest night of the year."


def find(encoder, atype, question, doc):
    finder = ShortAnswerFinder(Settings.load(), encoder)
    return finder.run(atype, question, [ScoredSentence(doc, i, 1.0) for i in range(len(doc.spans))], None)


def test_an_event_the_recogniser_missed_is_found_among_noun_phrases(encoder):
    doc = article("a.txt", MET_GALA)
    assert not [e for e in doc.article.entities if e[2] == "EVENT"]  # the small model misses it
    found = find(encoder, AnswerType("which", frozenset({"EVENT"}), "event"),
                 "Which event is known as fashion's biggest night of the year?", doc)
    assert found.winner is not None and found.winner.best.text == "Met Gala"


def test_a_missing_place_is_not_made_up_from_noun_phrases(encoder):
    doc = article("a.txt", "Rescued workers said the pandemic had left them without pay for months.")
    found = find(encoder, AnswerType("which", frozenset({"FAC"}), "hospital"),
                 "Which hospital treated the rescued workers?", doc)
    assert found.winner is None
