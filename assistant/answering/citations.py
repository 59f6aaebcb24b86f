"""Numbering citations and writing ``[n]`` markers so that ``[n]`` always means ``citations[n-1]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Article, Citation

MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKER_RUN = re.compile(r"\s*(?:\[\d{1,3}\]\s*)+")


@dataclass(frozen=True)
class Evidence:
    """An exact span of a cleaned article: ``text == article.text[start:end]``."""

    article: Article
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.article.text[self.start:self.end]

    @property
    def key(self) -> tuple[str, int, int]:
        return self.article.source, self.start, self.end


class CitationList:
    """Hands out numbers in order of first use; the same span always gets the same number."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, int, int], int] = {}
        self._items: list[Evidence] = []

    def number(self, evidence: Evidence) -> int:
        n = self._numbers.get(evidence.key)
        if n is None:
            self._items.append(evidence)
            n = self._numbers[evidence.key] = len(self._items)
        return n

    def citations(self) -> list[Citation]:
        return [
            Citation(n=i, source=e.article.source, passage=e.text, start=e.start, end=e.end,
                     title=e.article.title, publication=e.article.publication, published=e.article.published,
                     title_derived=e.article.title_derived, published_estimated=e.article.published_estimated,
                     publication_inferred=e.article.publication_inferred)
            for i, e in enumerate(self._items, start=1)
        ]


def strip_markers(text: str) -> str:
    """Text without ``[n]`` markers: quoted article text must not carry markers of its own."""
    if not MARKER.search(text):
        return text
    text = re.sub(r"\s+([.,;:!?”])", r"\1", _MARKER_RUN.sub(" ", text))
    return re.sub(r"\s{2,}", " ", text).strip()


def with_marker(text: str, numbers: list[int]) -> str:
    return f"{text} {''.join(f'[{n}]' for n in numbers)}"
