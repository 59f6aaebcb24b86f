"""Parts of the support decision that read the winner's own sentence."""

from assistant.answering.answer_type import AnswerType, GROUPS, PEOPLE
from assistant.answering.candidates import ScoredSentence, Scoring, find_candidates
from assistant.answering.support import _related_to_asked
from assistant.retrieval.terms import index_terms

from tests.helpers.articles import article


def candidate(atype, question, text, name):
    doc = article("a.txt", text)
    found = find_candidates(atype, [ScoredSentence(doc, i, 1.0) for i in range(len(doc.spans))],
                            frozenset(index_terms(question)), Scoring())
    return next(c for c in found if name in c.best.text)


def test_a_name_whose_relative_clause_acts_on_the_asked_kind_is_not_that_kind():
    text = ("The cartoon wrote out the grumpy janitor Otto Brindle after the death of Carla Venn, who "
            "voiced the gruff character, in 2015.")
    question = "The voice of which cartoon character stepped down?"
    venn = candidate(AnswerType("which", PEOPLE, "character"), question, text, "Venn")
    assert _related_to_asked(venn, "character") == "who voiced the gruff character"
    brindle = candidate(AnswerType("which", PEOPLE, "character"), question, text, "Brindle")
    assert _related_to_asked(brindle, "character") is None


def test_a_relative_clause_that_says_the_name_is_one_of_the_kind_is_no_relation():
    text = "Fans cheered the Harbour Hawks, who became the first team to win fifty games this season."
    hawks = candidate(AnswerType("which", GROUPS, "team"), "Which team won fifty games?", text, "Hawks")
    assert _related_to_asked(hawks, "team") is None


def test_a_word_that_only_begins_like_the_asked_kind_is_no_relation():
    text = "The ban was lifted by Texas, which issued a statement on Monday."
    texas = candidate(AnswerType("which", frozenset({"GPE"}), "state"), "Which state lifted the ban?", text, "Texas")
    assert _related_to_asked(texas, "state") is None  # "statement" is no state
