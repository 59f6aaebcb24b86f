"""Words as the keyword index, the answer picker and the answer check compare them.

One normaliser for all three, so that "1,310" in a question matches "1,310" in an article, "U.S." and
"United States" are the same term, and "rescued" matches "rescue". Stemming is PyStemmer's English
Snowball stemmer, the one bm25s and llama-index's BM25 retriever use.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Iterable, Iterator

import Stemmer

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing done for from had has have having
    he her hers him his how i if in into is it its itself me my no nor not of off on once only or our ours
    out over own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who whom
    whose why will with would you your yours also about against between both during each few further more
    most other any all just now here again after before above below s t don shall may might must us""".split()
)
# Words that shape a question but are not its topic ("How many ... did X say ...?").
QUESTION_WORDS = frozenset(
    """how many much what when where which who whom whose why tell say said says told according
    exactly name named kind sort type give gave given get got describe described mention mentioned mentions
    happen happened article articles news story role roles position positions job jobs title titles word
    words answer sentence sentences briefly short explain list""".split()
)
# Both patterns start with a literal character so that the regex engine can jump between candidate
# positions: ten times faster over a corpus than the plainer "\b(?:United States|...)" and "(?<=\d),".
_COUNTRY_US = re.compile(r"U(?<!\wU)(?:nited States(?: of America)?|\.S\.A\.?|\.S\.?|SA|S)(?=\W|$)")
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}\b)")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DECADE = re.compile(r"\b((?:1[89]|20)\d)0[’']?s\b")
_SEASON = re.compile(r"\b(1[89]|20)(\d\d)[-–/](\d\d)\b(?![-–/]\d)")  # not "2011-12-05"
YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|—|to|through|and|until)\s*((?:19|20)\d\d)\b")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """Surface forms that mean the same thing made equal: thousands separators and the US."""
    text = _THOUSANDS.sub("", text)
    return _COUNTRY_US.sub(" usa ", text)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` after normalisation (possessive 's dropped)."""
    return [w for w in _TOKEN.findall(normalise(text).lower()) if len(w) > 1 or w.isdigit()]


_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
POSSESSIVE_END = re.compile(r"[’']s$")  # a name's possessive "'s"


def name_key(text: str) -> tuple[str, ...]:
    """What makes two mentions of a name the same: their words, lower-cased, without "the" or "'s"
    (also after an opening quote the entity recogniser took in: '"The Phantom of the Opera')."""
    return tuple(words(POSSESSIVE_END.sub("", _LEADING_ARTICLE.sub("", text.strip().lstrip("“‘\"'")))))


def stem_all(tokens: list[str]) -> list[str]:
    return _stemmer().stemWords(tokens)


def index_terms(text: str) -> list[str]:
    """Stemmed content terms of ``text``: what the keyword index stores and matches."""
    return stem_all([w for w in words(text) if w not in STOPWORDS])


def index_terms_many(texts: Iterable[str]) -> Iterator[list[str]]:
    """``index_terms`` of each text, about four times faster over a corpus (the keyword index's build).

    A corpus repeats its words, so each distinct whitespace-separated piece of the normalised, lower-cased
    text is tokenised and stemmed once. The terms are the same as ``index_terms`` of the whole text: only
    normalisation looks across whitespace ("United States of America"), so it runs on the whole text
    first, and a second pass over its lower-cased output changes nothing; no word spans whitespace.
    """
    memo: dict[str, tuple[str, ...]] = {}
    for text in texts:
        terms: list[str] = []
        for piece in normalise(text).lower().split():
            found = memo.get(piece)
            if found is None:
                found = memo[piece] = tuple(index_terms(piece))
            terms += found
        yield terms


def query_terms(text: str) -> list[str]:
    """Stemmed topic terms of a question: its content words minus the words that only shape it."""
    return stem_all([w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS])


def years_covered(text: str) -> set[str]:
    """Years the text mentions, including those inside ranges ("from 2016-2018" covers 2017), seasons
    ("2022-23" covers 2023) and decades ("the 1880s" covers 1880 to 1889)."""
    years = set(YEAR.findall(text))
    for decade in _DECADE.findall(text):
        years.update(f"{decade}{d}" for d in range(10))
    for low, high in YEAR_RANGE.findall(text):
        lo, hi = int(low), int(high)
        if 0 < hi - lo <= 30:
            years.update(str(y) for y in range(lo, hi + 1))
    for century, decade, end in _SEASON.findall(text):  # "the 2022-23 season" ends in 2023
        if int(end) == (int(decade) + 1) % 100:
            years.add(str(int(century + decade) + 1))
    return years


def term_present(term: str, vocabulary: set[str]) -> bool:
    """A stemmed term occurs in a vocabulary, allowing a shared stem prefix ("thai" ~ "thailand",
    "vietnam" ~ "vietnames") so demonyms and place names meet."""
    if term in vocabulary:
        return True
    if len(term) < 4 or term.isdigit():
        return False
    if any(term[:i] in vocabulary for i in range(4, len(term))):
        return True  # a shorter vocabulary term is a prefix of this one
    if not isinstance(vocabulary, frozenset):
        return any(len(v) >= 4 and v.startswith(term) for v in vocabulary)
    ordered = _sorted(vocabulary)
    at = bisect.bisect_left(ordered, term)
    return at < len(ordered) and ordered[at].startswith(term)


@lru_cache(maxsize=4096)
def _sorted(vocabulary: frozenset[str]) -> tuple[str, ...]:
    """A vocabulary in order, for prefix search; frozensets keep their hash, so this is cached per set."""
    return tuple(sorted(vocabulary))


_LINKING = frozenset("of the for and on in to against".split())


def acronym_expanded(acronym: str, text: str) -> bool:
    """Whether ``text`` has a run of words whose initials spell ``acronym``, small linking words
    allowed in between ("OHCHR": "Office of the High Commissioner for Human Rights")."""
    letters = acronym.rstrip("s").lower()
    tokens = re.findall(r"[^\W\d_]+", text)
    initials = [t[0].lower() for t in tokens]
    for start, first in enumerate(initials):
        if first != letters[0] or not tokens[start][0].isupper():
            continue
        i, j = start, 0
        while i < len(tokens) and j < len(letters):
            if initials[i] == letters[j] and (tokens[i][0].isupper() or tokens[i].lower() in _LINKING):
                i, j = i + 1, j + 1
            elif tokens[i].lower() in _LINKING:
                i += 1
            else:
                break
        if j == len(letters):
            return True
    return False
