"""The date a question is asked (``as_of``) and what it does to retrieval.

Articles published after ``as_of`` are not used: they did not exist when the question was asked (a
quiz from January 2023 must not be answered from an article of 2024). And a question about "this
week", "recently" or in the present tense is about the news just before ``as_of``, so passages
published shortly before it gain weight (``recency_weight``, halving every ``recency_half_life_days``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from assistant.errors import InputError

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
# Words that place a question in the days before it was asked; the present tense does so as well.
_RECENT = re.compile(r"\b(?:this (?:week|weekend|month|year|season|spring|summer|autumn|fall|winter)|today|"
                     r"yesterday|tonight|recent(?:ly)?|currently|now|latest|new|newly|just|last (?:week|month))\b",
                     re.IGNORECASE)


def parse_as_of(value: str | date | None) -> date:
    """``as_of`` as a date: today when absent; a malformed one is bad input."""
    if value is None or value == "":
        return date.today()
    if isinstance(value, date):
        return value
    m = _ISO.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise InputError(f"as_of must be a date like 2023-01-05, not {value!r}")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise InputError(f"as_of is not a real date: {value!r}") from exc


def published_date(published: str | None) -> date | None:
    """The first day an article's ``published`` value can mean ("2022-10" is 2022-10-01), or None."""
    m = _PUBLISHED.match(published or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def published_by(published: str | None, as_of: date) -> bool:
    """Whether an article could have been read on ``as_of``; undated articles always could."""
    day = published_date(published)
    return day is None or day <= as_of


def asks_about_recent(question: str, present_tense: bool) -> bool:
    return present_tense or bool(_RECENT.search(question))


@dataclass(frozen=True)
class Recency:
    """A boost for passages published shortly before ``as_of``: ``1 + weight * 2^(-days / half_life)``."""

    as_of: date
    weight: float
    half_life_days: float

    def factor(self, published: str | None) -> float:
        day = published_date(published)
        if day is None or self.weight <= 0:
            return 1.0
        days = max(0, (self.as_of - day).days)
        return 1.0 + self.weight * math.pow(2.0, -days / max(self.half_life_days, 1e-6))
