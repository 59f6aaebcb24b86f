"""Split news text into sentences with character offsets into the text it came from.

A small rule-based splitter instead of NLTK's Punkt (which llama-index bundles): Punkt costs about four
seconds to load, which alone would break the cold-start budget, and it splits after "U.S." in "the
U.S.'s decision". News text also needs line breaks as hard boundaries (headlines, captions and
paragraphs often end without a full stop), which Punkt does not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.wordlists import MONTH_ABBREVIATIONS

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt st sen rep gov pres jr sr no vs etc inc ltd co corp dept "
    "approx est fig e.g i.e u.s u.k u.n".split() + MONTH_ABBREVIATIONS
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LINE_BREAK = re.compile(r"\n+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_spans(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of ``text`` (stripped of surrounding whitespace), shifted by ``offset``."""
    spans: list[Span] = []
    line_start = 0
    for brk in list(_LINE_BREAK.finditer(text)) + [None]:
        line_end = brk.start() if brk else len(text)
        _split_line(text, line_start, line_end, offset, spans)
        if brk:
            line_start = brk.end()
    return spans


def _split_line(text: str, start: int, end: int, offset: int, out: list[Span]) -> None:
    cursor = start
    line = text[start:end]
    for match in _BOUNDARY.finditer(line):
        cut = start + match.end()
        if not _NEXT_START.match(text, cut, end) or _is_abbreviation(text, start + match.start(), cursor):
            continue
        _emit(text, cursor, cut, offset, out)
        cursor = cut
    _emit(text, cursor, end, offset, out)


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, floor, dot)
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def _emit(text: str, start: int, end: int, offset: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start + offset, end + offset))


def split(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_spans(text)]
