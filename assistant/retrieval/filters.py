"""Optional restrictions on which articles an answer may draw from: publication and published date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.errors import InputError
from assistant.retrieval.dates import published_by

DATE_PREFIX = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True)
class Filters:
    """``publication`` matches case-insensitively anywhere in the article's publication name;
    ``published_from``/``published_to`` are inclusive ISO dates or prefixes ("2022", "2022-07").
    Articles without a published date never pass a date filter."""

    publication: str | None = None
    published_from: str | None = None
    published_to: str | None = None
    as_of: date | None = None  # articles published after it are out; undated ones stay (see dates.py)

    def __post_init__(self) -> None:
        for name in ("published_from", "published_to"):
            value = getattr(self, name)
            if value is not None and not DATE_PREFIX.match(value):
                raise InputError(f"{name} must look like 2022, 2022-07 or 2022-07-15, not {value!r}")

    def describe(self) -> str:
        """The user's restrictions in words ("publication contains 'VOD', published from 2030"); the
        ``as_of`` cut is the question's date, not a filter the user chose."""
        parts = []
        if self.publication:
            parts.append(f"publication contains {self.publication!r}")
        if self.published_from:
            parts.append(f"published from {self.published_from}")
        if self.published_to:
            parts.append(f"published up to {self.published_to}")
        return ", ".join(parts)

    @property
    def active(self) -> bool:
        return bool(self.publication or self.published_from or self.published_to or self.as_of)

    def allows(self, meta: dict[str, Any]) -> bool:
        if self.publication and self.publication.lower() not in str(meta.get("publication") or "").lower():
            return False
        published = str(meta.get("published") or "")
        if self.published_from and (not published or published[:len(self.published_from)] < self.published_from):
            return False
        if self.published_to and (not published or published[:len(self.published_to)] > self.published_to):
            return False
        return self.as_of is None or published_by(published, self.as_of)

    @classmethod
    def from_settings(cls, settings) -> "Filters":
        return cls(settings.filter_publication, settings.filter_published_from, settings.filter_published_to)
