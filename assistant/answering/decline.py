"""How a decline reads: "The articles don't say: <why>.", with the closest passages cited.

The decision itself is ``support.SupportCheck``; this is only its wording and citations.
"""

from __future__ import annotations

from assistant.answering.citations import CitationList, Evidence, with_marker
from assistant.retrieval.hybrid import Candidate
from assistant.answering.article_text import ArticleText
from assistant.types import Answer

DECLINE_PREFIX = "The articles don't say"


def closest_passages(candidates: list[Candidate], docs: dict[str, ArticleText], limit: int) -> list[Evidence]:
    """The best ``limit`` retrieved chunks, as the spans a decline cites."""
    return [Evidence(docs[c.chunk.source].article, c.chunk.start, c.chunk.end)
            for c in candidates if c.chunk.source in docs][:limit]


def declined(reason: str, closest: list[Evidence]) -> Answer:
    """A decline that cites the closest passages considered, each referenced once."""
    citations = CitationList()
    numbers = [citations.number(e) for e in closest]
    text = f"{DECLINE_PREFIX}: {reason}."
    if numbers:
        text = with_marker(f"{text} Closest passages:", numbers)
    return Answer(text, True, citations.citations())
