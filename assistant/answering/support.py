"""Whether the evidence supports an answer at all: a typed, scored decision, made before any answering.

Two kinds of question, two kinds of evidence:
- A question with a short answer (who, which team, how many, when) is supported by its winning
  candidate: there must be one of the expected type, and its sentence must resemble the question in
  MiniLM's space and carry what the question says about its names: cosine similarity plus
  ``support_predicate_weight`` times that share, times the candidate's fit raised to
  ``support_fit_exponent`` (a bare number for "how much ransom" fits at a stretch, so it needs more
  support), must reach ``support_threshold``, and the share must be at least
  ``support_min_predicate``. A sentence that merely shares the topic does not. A position the
  question asks for ("which Secretary of State", "who is the High Commissioner") must stand beside
  the winner, a person; and a winner MiniLM puts clearly nearer another kind of thing than the one
  asked for (a committee for "which school") answers nothing.
- A question answered in sentences (why, how, what did X say) is supported by its best sentence: it
  must carry enough of what the question says (``decline_min_predicate``) and score above
  ``decline_threshold``; a "why" needs a reason in it or next to it.
For both, a name the question hinges on (a person, organisation, place or title) must occur in the
articles the answer comes from, matched through inflections, possessives, surnames and acronyms, and
so must a year it names (unless it pairs years) and the edition of a named event ("the 81st Golden
Globe Awards"); and a question that says when it is about ("this
week") is not answered from articles dated well before that period.

When no short answer is supported only because no candidate fits or its support score is low (the
entity recogniser may have missed the answer's label, as with "Preah Sihanouk" read as a person),
while the best sentence passes the sentence test and scores at least ``sentence_fallback_min_score``,
the question is answered in sentences instead (``Support.short`` is then False).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering import features
from assistant.answering.answer_type import UNLABELLED_NAME
from assistant.answering.candidates import words_beside
from assistant.answering.extractive import Pick
from assistant.answering.question import COUNT, WHEN, WHO, Key, Question
from assistant.answering.short_answer import Finding
from assistant.nlp import parse
from assistant.retrieval.dates import Recency, published_in_words, published_last_date
from assistant.retrieval.terms import stem_all, term_present, words, years_covered
from assistant.settings import Settings


# Sentences either side of a short answer's mention that may date it to the question's year (measured:
# 1, 3 and 10 decline the same questions; the right answers' years stand at most one sentence away).
YEAR_REACH = 3
# A relative clause right after a name, up to the next punctuation ("…, who voiced the character").
_RELATIVE = re.compile(r",\s*((?:who|which|that)\b[^,;:.!?()—–]{0,60})")
# A count or a date answered in sentences (when no short answer was found) still needs one.
NEEDS_TYPE = {COUNT: "none of the passages that match the question gives that number",
              WHEN: "none of the passages that match the question gives that date"}


@dataclass(frozen=True)
class Support:
    """``supported`` or not, ``reason`` in words when not, and the ``score`` the decision rested on."""

    supported: bool
    score: float
    reason: str | None = None
    short: bool = False  # what is supported is the short answer (else sentences)
    settled: bool = True  # a decline no other evidence can overturn (a missing name, an old article)
    note: str | None = None  # what the reader must know beside a supported answer (it is older news)

    @classmethod
    def no(cls, reason: str, score: float = 0.0, settled: bool = True) -> "Support":
        return cls(False, score, reason, settled=settled)


class SupportCheck:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def run(self, question: Question, pick: Pick, finding: Finding, recency: Recency | None = None) -> Support:
        if not pick.chosen:
            return Support.no("nothing in them matches the question")
        if not finding.atype.short:
            return self._sentences(question, pick, recency)
        short = self._short(question, pick, finding, recency)
        if short.supported or short.settled:
            return short
        fallback = self._sentences(question, pick, recency)
        if fallback.supported and pick.best_score >= self.settings.sentence_fallback_min_score:
            return fallback
        return short

    def _short(self, question: Question, pick: Pick, finding: Finding, recency: Recency | None) -> Support:
        cfg = self.settings
        winner = finding.winner
        if winner is None:
            if recency is not None and recency.explicit:
                return Support.no(f"none of the articles from the {recency.window_days} days before "
                                  f"{recency.as_of.isoformat()} names {_wanted(finding)}", settled=False)
            return Support.no(f"none of the passages that match the question names {_wanted(finding)}",
                              settled=False)
        docs = list({m.doc.article.source: m.doc for m in winner.mentions}.values())
        evidence = list({s.doc.article.source: s.doc for s in pick.pool}.values())
        # The answer's own articles must name what the question names (a Paris final does not answer
        # "Who won Wimbledon?") and cover its year (a 2022 winner does not answer "Who won the 2024
        # Tour?"); when the question pairs years ("in 2019 and in 2022") each may come from any passage.
        years = [k for k in question.keys if k.kind == "year"]
        year_docs = evidence if len(years) > 1 else docs
        missing = [k for k in question.keys if (k.kind in ("name", "edition") and not any(k.found_in(d) for d in docs))
                   or (k.kind == "year" and not any(k.found_in(d) for d in year_docs))]
        if missing:
            return Support.no(f"none of the passages that match the question mentions {_listed(missing)}",
                              winner.score)
        undated = [k for k in years if len(years) == 1 and not _year_near(k, winner)]
        if undated:
            return Support.no(f"none of the passages that match the question gives an answer for {_listed(undated)}",
                              winner.score)
        if question.qtype == WHO and question.focus and not _says_who(winner, question.focus):
            return Support.no("none of the passages that match the question says who", winner.score)
        if finding.other_kind:
            return Support.no(f"none of the passages that match the question names {_wanted(finding)} "
                              f"({winner.best.text} is a {finding.other_kind})", winner.score)
        related = _related_to_asked(winner, finding.atype.head)
        if related:
            return Support.no(f"none of the passages that match the question names {_wanted(finding)} "
                              f"(they name {winner.best.text} as one {related})", winner.score)
        role = _role_asked(question, finding)
        if role and (winner.best.label != "PERSON" or not _holds_role(winner, role)):
            return Support.no(f"none of the passages that match the question says who the {role[1]} is",
                              winner.score)
        score = ((finding.similarity + cfg.support_predicate_weight * finding.predicate)
                 * winner.best.fit ** cfg.support_fit_exponent)
        older = recency is not None and _out_of_window(docs, recency, cfg.support_window_slack)
        if older and score < cfg.older_support_threshold:
            return Support.no(f"none of the articles that match the question is from the {recency.window_days} "
                              f"days before {recency.as_of.isoformat()}", score)
        if score < cfg.support_threshold or (pick.has_predicate and finding.predicate < cfg.support_min_predicate):
            if winner.best.label == UNLABELLED_NAME:  # only a name of no known kind was found
                return Support.no(f"none of the passages that match the question names {_wanted(finding)}",
                                  score, settled=False)
            return Support.no("the closest passages do not answer this question", score, settled=False)
        return Support(True, score, short=True, note=_older_note(docs, recency) if older else None)

    def _sentences(self, question: Question, pick: Pick, recency: Recency | None = None) -> Support:
        cfg = self.settings
        if pick.missing:
            return Support.no(f"none of the passages that match the question mentions {_listed(pick.missing)}",
                              pick.best_score)
        if recency is not None and _out_of_window([s.doc for s in pick.chosen], recency, cfg.support_window_slack):
            return Support.no(f"none of the articles that match the question is from the {recency.window_days} "
                              f"days before {recency.as_of.isoformat()}", pick.best_score)
        if question.qtype == WHO and not pick.focus_ok:
            return Support.no("none of the passages that match the question says who", pick.best_score)
        if question.qtype in NEEDS_TYPE and not pick.type_met:
            return Support.no(NEEDS_TYPE[question.qtype], pick.best_score)
        if pick.best_score < cfg.decline_threshold or (
                pick.has_predicate and pick.predicate < cfg.decline_min_predicate):
            return Support.no("the closest passages do not answer this question", pick.best_score)
        return Support(True, pick.best_score)


def _year_near(key: Key, winner) -> bool:
    """The year dates the answer: the article's title or date gives it, or a sentence within
    ``YEAR_REACH`` of a mention of the winner does. A review of 2022 that looks ahead to 2024 at its
    end does not say who won in 2024."""
    for m in winner.mentions:
        doc = m.doc
        if key.surface in years_covered(doc.header):
            return True
        near = range(max(0, m.sentence - YEAR_REACH), min(len(doc.spans), m.sentence + YEAR_REACH + 1))
        if any(key.surface in years_covered(doc.sentence(i)) for i in near):
            return True
    return False


def _related_to_asked(winner, head: str) -> str | None:
    """The relative clause after the winner puts a thing of the asked kind beside it ("Marcia Wallace,
    who voiced the beloved character" for "which character"): the winner is what stands in that
    relation to the thing asked for, not the thing. A clause that says the winner is one ("the Bucks,
    who became the first team") is no such relation: spaCy reads the kind there as the verb's
    attribute. Returns the clause, else None."""
    asked = stem_all(words(head)[-1:])
    if not asked:
        return None
    m = winner.best
    clause = _RELATIVE.match(m.doc.article.text, m.end)
    if not clause or asked[0] not in stem_all(words(clause.group(1))):  # "statement" is no state
        return None
    said = clause.group(1).strip()
    kinds = [t for t in parse(said) if stem_all([t.lower_]) == asked]
    if any(t.dep_ in ("attr", "oprd", "appos") or t.head.lemma_ in ("be", "become", "remain") for t in kinds):
        return None
    return said


def _says_who(winner, focus: list[str]) -> bool:
    """A who-question's act or role ("signed", "ambassador") stands in or beside a sentence that names
    the winner."""
    for m in winner.mentions:
        near = range(max(0, m.sentence - 1), min(len(m.doc.spans), m.sentence + 2))
        stems = frozenset().union(*(m.doc.stems(i) for i in near))
        if all(term_present(t, stems) for t in focus):
            return True
    return False


def _role_asked(question: Question, finding: Finding) -> tuple[list[str], str] | None:
    """The position the question asks about ("Which US Secretary of State ...", "Who is the UN High
    Commissioner ...?"), as stems and as written: only a person who holds it answers ("Interior
    Minister Sar Kheng" does not answer "Which Secretary of State presented the report?", nor does
    an organisation). Only offices (``features.POSITION``): "which tennis legend" or "which official"
    names no position an article must repeat."""
    atype = finding.atype
    if atype.head and ("PERSON" in atype.labels or "PERSON" in atype.secondary):
        roles = [w for w in words(atype.head) if features.POSITION.fullmatch(w)]
        if roles:
            return stem_all(roles[-1:]), roles[-1]
    if question.qtype == WHO and question.focus and not atype.head:
        said = next((w for w in words(question.text) if stem_all([w]) == question.focus[:1]), "")
        if said and features.POSITION.fullmatch(said):
            return question.focus[:1], said
    return None


def _holds_role(winner, role: tuple[list[str], str]) -> bool:
    """The position stands beside a mention of the winner (``words_beside``: ten words, in its sentence)
    ("National Police head Neth Savoeun", "Sar Kheng, who chairs the committee")."""
    for m in winner.mentions:
        before, after = words_beside(m.doc, m.start, m.end)
        near = frozenset(stem_all([w.lower() for w in before + after]))
        if all(term_present(t, near) for t in role[0]):
            return True
    return False


def _out_of_window(docs, recency: Recency, slack: float) -> bool:
    """The question says it is about the days before ``as_of`` ("this week", "recently"; the tense
    alone says too little) and every article the answer comes from is dated well before them: what it
    says is older news, not the answer."""
    return all(recency.outside_window(d.article.published, slack) for d in docs)


def _older_note(docs, recency: Recency) -> str:
    """The sentence that follows an answer taken from articles older than the question's window: the
    reader sees that it is older news and from when, rather than a decline or a silent stale answer.
    The newest of the articles is named, as precisely as its date is known."""
    newest = max((d.article.published for d in docs), key=published_last_date)
    return (f"None of the articles from the {recency.window_days} days before {recency.as_of.isoformat()} "
            f"says so; this is from an article published {published_in_words(newest)}.")


def _listed(keys: list[Key]) -> str:
    return ", ".join(f"“{k.surface}”" for k in keys)


def _wanted(finding: Finding) -> str:
    atype = finding.atype
    if atype.head:
        return f"a {atype.head}" if not atype.head[0].isdigit() else atype.head
    return {"who": "a person", "whom": "a person", "when": "a date", "where": "a place",
            "how many": "that number", "how much": "that amount"}.get(atype.wh, "an answer")
