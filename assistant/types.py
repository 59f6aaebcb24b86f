"""Typed results that cross module and process boundaries (see ../shared/CONTRACT.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved piece of a cleaned article; ``text == cleaned_text[start:end]``."""

    chunk_id: str
    source: str
    text: str
    start: int
    end: int
    title: str | None = None
    publication: str | None = None
    published: str | None = None
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    passage: str
    start: int
    end: int
    title: str | None = None
    publication: str | None = None
    published: str | None = None
    title_derived: bool = False  # the title is the article's first sentence: it had none
    published_estimated: bool = False  # the date was inferred from the text, not given
    publication_inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "publication": self.publication,
            "published": self.published,
            "passage": self.passage,
            "start": self.start,
            "end": self.end,
            "title_derived": self.title_derived,
            "published_estimated": self.published_estimated,
            "publication_inferred": self.publication_inferred,
        }

    @property
    def where(self) -> str:
        """Title, publication and date as a reader should see them, guesses marked:
        "Title (derived), Kiripost (publication inferred), about 2022-10"."""
        parts = [f"{self.title or self.source}" + (" (title from its first sentence)" if self.title_derived else "")]
        if self.publication:
            parts.append(self.publication + (" (publication inferred)" if self.publication_inferred else ""))
        if self.published:
            parts.append(("about " if self.published_estimated else "") + self.published)
        return ", ".join(parts)


@dataclass(frozen=True)
class ShortAnswer:
    """The direct answer (a name, number, date, place or short phrase) as it stands in cited passage
    ``n``: ``text == article_text[start:end]`` of ``citations[n-1].source``."""

    text: str
    n: int
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "n": self.n, "start": self.start, "end": self.end}


@dataclass
class Answer:
    answer: str
    declined: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    short_answer: ShortAnswer | None = None
    as_of: str | None = None  # the date the question was read against (YYYY-MM-DD)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "declined": self.declined,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "short_answer": self.short_answer.to_dict() if self.short_answer else None,
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class Article:
    """An ingested article as the store knows it. ``text`` is the cleaned text that citation offsets
    refer to; it is empty in the metadata-only list ``Assistant.articles()`` returns."""

    source: str
    text: str
    title: str | None = None
    publication: str | None = None
    published: str | None = None
    chunks: int = 0
    notice: str | None = None
    # Named entities found at ingest, ``(start, end, label)`` into ``text``; filled by ``Store.article``.
    entities: tuple[tuple[int, int, str], ...] = ()
    # Sentence spans ``(start, end)`` into ``text``, split at ingest; empty for stores written before.
    sentences: tuple[tuple[int, int], ...] = ()
    # Metadata that is a guess: a title made from the first sentence, a date or publication inferred.
    title_derived: bool = False
    published_estimated: bool = False
    publication_inferred: bool = False
