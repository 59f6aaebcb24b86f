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
# Words that place a question in the days before it was asked, with the days they reach back; the
# present tense does so too, less precisely.
_WINDOWS = [
    (re.compile(r"\b(?:today|yesterday|tonight)\b", re.I), 2),
    (re.compile(r"\bthis (?:week|weekend)\b", re.I), 7),
    (re.compile(r"\blast (?:week|weekend)\b", re.I), 14),
    (re.compile(r"\b(?:recent(?:ly)?|currently|latest|newly|just)\b", re.I), 30),
    (re.compile(r"\bthis month\b", re.I), 31),
    (re.compile(r"\blast month\b", re.I), 62),
    (re.compile(r"\bthis (?:season|spring|summer|autumn|fall|winter)\b", re.I), 92),
    (re.compile(r"\bthis year\b", re.I), 366),
]
PRESENT_TENSE_WINDOW = 92
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘(?:[^’]|’(?=\w))*’(?!\w)|(?<!\w)'(?:[^']|'(?=\w))*'(?!\w)")


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


def _published(published: str | None) -> tuple[date, str] | None:
    """The first day an article's ``published`` value can mean and how precise it is ("day", "month"
    or "year"), or None: the one reading of the value the functions below share."""
    m = _PUBLISHED.match(published or "")
    if not m:
        return None
    try:
        first = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
    return first, "day" if m.group(3) else "month" if m.group(2) else "year"


def published_date(published: str | None) -> date | None:
    """The first day an article's ``published`` value can mean ("2022-10" is 2022-10-01), or None."""
    found = _published(published)
    return found[0] if found else None


def published_last_date(published: str | None) -> date | None:
    """The last day an article's ``published`` value can mean ("2022-10" is 2022-10-31, "2022" is
    2022-12-31), or None."""
    found = _published(published)
    if found is None:
        return None
    first, precision = found
    if precision == "day":
        return first
    if precision == "month":
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return date(first.year, 12, 31)


def published_in_words(published: str) -> str:
    """A dated article's ``published`` value as precisely as it is known, to follow "published":
    "2022-10-05", "in October 2022", "in 2022"."""
    found = _published(published)
    if found is None:
        return published
    day, precision = found
    return day.isoformat() if precision == "day" else f"in {day:%B %Y}" if precision == "month" else f"in {day.year}"


def published_by(published: str | None, as_of: date) -> bool:
    """Whether an article could have been read on ``as_of``; undated articles always could."""
    day = published_date(published)
    return day is None or day <= as_of


def time_window(question: str, present_tense: bool) -> tuple[int, bool] | None:
    """How many days before ``as_of`` the question is about, and whether a word says so ("this week":
    7) rather than only the tense; None when it is not about recent news."""
    unquoted = _QUOTED.sub(" ", question)  # "Who said 'we just need time'?" is not about recent days
    found = [days for pattern, days in _WINDOWS if pattern.search(unquoted)]
    if found:
        return min(found), True
    return (PRESENT_TENSE_WINDOW, False) if present_tense else None


@dataclass(frozen=True)
class Recency:
    """A boost for passages published shortly before ``as_of``: ``1 + weight * 2^(-days / half_life)``;
    ``window_days`` is the period the question is about, ``explicit`` when a word set it."""

    as_of: date
    weight: float
    half_life_days: float
    window_days: int = PRESENT_TENSE_WINDOW
    explicit: bool = False

    def age_days(self, published: str | None) -> int | None:
        day = published_date(published)
        return None if day is None else (self.as_of - day).days

    def factor(self, published: str | None) -> float:
        age = self.age_days(published)
        if age is None or self.weight <= 0:
            return 1.0
        return 1.0 + self.weight * math.pow(2.0, -max(0, age) / max(self.half_life_days, 1e-6))

    def outside_window(self, published: str | None, slack: float) -> bool:
        """A word set the window ("this week") and the article is older than ``slack`` times it, even
        on the last day its date can mean ("2024-08" may be August 31); undated articles never are."""
        last = published_last_date(published)
        return self.explicit and last is not None and (self.as_of - last).days > self.window_days * slack
