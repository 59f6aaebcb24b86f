"""How a decline reads: "The articles don't say: <why>.", with the closest passages cited.

The decision itself is ``support.SupportCheck``; this is only its wording and citations.
"""

from __future__ import annotations

from assistant.answering.citations import CitationList, Evidence, with_marker
from assistant.retrieval.hybrid import Candidate
from assistant.retrieval.snapshot import ArticleText
from assistant.types import Answer

DECLINE_PREFIX = "The articles don't say"
CLOSEST = 3


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
