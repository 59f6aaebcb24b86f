"""Does an answer state a fact? The contract's matching rule, plus the boundaries a reader applies.

The contract: an answer matches a fact group when it contains at least one alternative, compared
case-insensitively after normalising whitespace, quotes and thousands separators. "Contains" is read
the way a person reads it: an alternative must stand as whole words and whole numbers, so "49" is not
found in "496" or "1,496", "7" not in "2,760" or "0.7". An alternative that ends in a letter may run on
into the rest of a word, so a case can give a stem ("diplomat" matches "diplomats", "terroris" matches
"terrorism"); it must still start where a word starts. Plain substring search would credit the wrong
numbers.
"""

from __future__ import annotations

import re
import unicodedata

_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u2009\u202f]\d{3})+(?!\d|[.,]\d)")
_SEPARATORS = re.compile(r"[,\u2009\u202f]")
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefolded text with one kind of quote, single spaces and numbers written without separators."""
    text = _THOUSANDS.sub(lambda m: _SEPARATORS.sub("", m.group()), text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def contains(answer: str, alternative: str) -> bool:
    """True when ``alternative`` occurs in ``answer`` as whole words / whole numbers."""
    needle = normalise(alternative)
    if not needle:
        return False
    hay = normalise(answer)
    start = hay.find(needle)
    while start != -1:
        if _clean_edge(hay, start - 1, -1, needle[0]) and _clean_edge(hay, start + len(needle), 1, needle[-1]):
            return True
        start = hay.find(needle, start + 1)
    return False


def _clean_edge(hay: str, i: int, step: int, edge_char: str) -> bool:
    """Whether the character beside a hit at index ``i`` ends the word or number there (or, after a
    letter, lets the word run on: the contract's stem rule)."""
    if not edge_char.isalnum() or i < 0 or i >= len(hay):
        return True
    if step == 1 and edge_char.isalpha():
        return True
    if hay[i].isalnum():
        return False
    beyond = i + step
    continues_number = edge_char.isdigit() and hay[i] in ".," and 0 <= beyond < len(hay) and hay[beyond].isdigit()
    return not continues_number


def group_matched(answer: str, group: list[str]) -> bool:
    return any(contains(answer, alt) for alt in group)


def missing_facts(answer: str, facts: list[list[str]]) -> list[list[str]]:
    """The fact groups of which ``answer`` states no alternative."""
    return [group for group in facts if not group_matched(answer, group)]
