"""When to say "The articles don't say", and how: plainly, with the closest passages cited.

A name, place, year or number the question hinges on must occur in the article an answer comes from:
if none of the retrieved articles has it, they are about something else. A "how many" or "when"
question needs a number or a date in the answer. And the best sentence must carry enough of what the
question says about its names (``decline_min_predicate``) and score above ``decline_threshold``, both
calibrated on the eval cases: a sentence that merely shares the topic is not an answer.
"""

from __future__ import annotations

from assistant.answering.citations import CitationList, Evidence, with_marker
from assistant.answering.extractive import Pick
from assistant.answering.question import COUNT, WHEN, WHO
from assistant.retrieval.hybrid import Candidate
from assistant.retrieval.snapshot import ArticleText
from assistant.types import Answer

DECLINE_PREFIX = "The articles don't say"
# Question types whose answer must contain a particular kind of fact, and the decline when none does.
NEEDS_TYPE = {COUNT: "none of the passages that match the question gives that number",
              WHEN: "none of the passages that match the question gives that date"}
CLOSEST = 3


def reason_to_decline(pick: Pick, qtype: str, settings) -> str | None:
    if not pick.chosen:
        return "nothing in them matches the question"
    if pick.missing:
        names = ", ".join(f"“{k.surface}”" for k in pick.missing)
        return f"none of the passages that match the question mentions {names}"
    if qtype in NEEDS_TYPE and not pick.type_met:
        return NEEDS_TYPE[qtype]
    if qtype == WHO and not pick.focus_ok:
        return "none of the passages that match the question says who"
    if pick.best_score < settings.decline_threshold or (
            pick.has_predicate and pick.predicate < settings.decline_min_predicate):
        return "the closest passages do not answer this question"
    return None


def declined(reason: str, candidates: list[Candidate], docs: dict[str, ArticleText]) -> Answer:
    """A decline that cites the closest chunks considered, each referenced once."""
    citations = CitationList()
    numbers = []
    for cand in candidates[:CLOSEST]:
        doc = docs.get(cand.chunk.source)
        if doc is not None:
            numbers.append(citations.number(Evidence(doc.article, cand.chunk.start, cand.chunk.end)))
    text = f"{DECLINE_PREFIX}: {reason}."
    if numbers:
        text = with_marker(f"{text} Closest passages:", numbers)
    return Answer(text, True, citations.citations())
