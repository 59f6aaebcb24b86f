"""An article as answering reads it: its cleaned text cut into sentences, with the term sets, years
and entity counts the sentence picker and the short-answer finder reuse across questions.

``ArticleTexts`` keeps them for one store generation: answers cite sentences, and a quote's speaker or
a figure's context may sit just beyond the retrieved chunk, so the whole article is read, once.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from functools import cached_property

from assistant.retrieval.dates import published_date
from assistant.retrieval.terms import acronym_expanded, index_terms, name_key, years_covered
from assistant.sentences import Span, split_spans
from assistant.store import Store
from assistant.types import Article

_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}(?:-\d{2}|$|T)")  # "2022-07-26", "2022-07": the month is known

MAX_CACHED_ARTICLES = 2048  # the least recently used go first


LIST_JOINS = frozenset({", ", " and ", ", and ", " or ", ", or "})


class ArticleTexts:
    """The articles answers are drawn from, read from the store once per store generation (an
    ingest that changes the store changes its generation). Shared by request threads: a lookup is a
    dict read under a lock, a miss at worst reads an article twice.

    The articles one question needs that are not held yet are read in one request, with the sentence
    spans ingest kept (a store written before them is split here): on a large store nearly every
    article a question reads is new to the cache, and one read per article plus its split was most of
    what selecting sentences cost there."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._generation: int | None = None
        self._texts: OrderedDict[str, ArticleText] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, sources: list[str], generation: int) -> dict[str, "ArticleText"]:
        """The articles of ``sources`` that the store holds, by source."""
        with self._lock:
            if generation != self._generation:
                self._texts, self._generation = OrderedDict(), generation
            missing = [s for s in dict.fromkeys(sources) if s not in self._texts]
        read = self._store.full_articles(missing) if missing else {}
        with self._lock:
            texts = self._texts
            for source, article in read.items():
                spans = [Span(a, b) for a, b in article.sentences] or split_spans(article.text)
                texts[source] = ArticleText(article, spans)
            found = {}
            for source in sources:
                if source in texts:
                    texts.move_to_end(source)
                    found[source] = texts[source]
            while len(texts) > MAX_CACHED_ARTICLES:
                texts.popitem(last=False)
            return found


class ArticleText:
    """A cleaned article split into sentences, with the term sets the answer picker reuses."""

    def __init__(self, article: Article, spans: list[Span]) -> None:
        self.article = article
        self.spans = spans
        self._starts = [s.start for s in spans]
        self._ends = [s.end for s in spans]
        self._stems: dict[int, frozenset[str]] = {}
        self._entity_starts = [e[0] for e in article.entities]
        self._mentions: dict[tuple[str, ...], int] = {}

    def mentions_of(self, key: tuple[str, ...]) -> int:
        """How many of the article's entities read ``key`` or end with it ("Bills" in "Buffalo Bills");
        at least 1."""
        found = self._mentions.get(key)
        if found is None:
            counts = self._key_counts
            found = self._mentions[key] = max(1, sum(n for k, n in counts.items()
                                                     if k[-len(key):] == key or key[-len(k):] == k))
        return found

    @cached_property
    def _key_counts(self) -> dict[tuple[str, ...], int]:
        from collections import Counter

        text = self.article.text
        return Counter(name_key(text[s:e]) for s, e, _ in self.article.entities)

    def index_at(self, offset: int) -> int:
        """The sentence that holds character ``offset``."""
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def entities_in(self, i: int) -> list[tuple[int, int, str]]:
        """The named entities (found at ingest) that lie wholly inside sentence ``i``."""
        span = self.spans[i]
        lo = bisect.bisect_left(self._entity_starts, span.start)
        hi = bisect.bisect_left(self._entity_starts, span.end)
        return [e for e in self.article.entities[lo:hi] if e[1] <= span.end]

    def sentence(self, i: int) -> str:
        return self.article.text[self.spans[i].start:self.spans[i].end]

    def stems(self, i: int) -> frozenset[str]:
        found = self._stems.get(i)
        if found is None:
            found = self._stems[i] = frozenset(index_terms(self.sentence(i)))
        return found

    @cached_property
    def header(self) -> str:
        a = self.article
        return " ".join(x for x in (self.title, a.publication, a.published) if x)

    @property
    def title(self) -> str | None:
        """The publisher's title; a derived one (the first sentence) is no evidence of what the article
        is about beyond the sentence itself."""
        return None if self.article.title_derived else self.article.title

    @cached_property
    def header_stems(self) -> frozenset[str]:
        return frozenset(index_terms(self.header))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every term of the article and its title, publication and date, with the month of that date
        by name: an article dated 2022-07-26 is about July 2022 though its text may never say "July"."""
        day = published_date(self.article.published) if _ISO_MONTH.match(self.article.published or "") else None
        month = day.strftime("%B") if day else ""
        return frozenset(index_terms(f"{self.header} {month}\n{self.article.text}"))

    @cached_property
    def name_vocabulary(self) -> frozenset[str]:
        """Stems of the words the article or its title writes capitalised: the words of its names
        ("Greene", "Bills", "Thailand"), not words it only writes in lower case ("prize", "book")."""
        return frozenset(index_terms(" ".join(_CAPITALISED.findall(f"{self.header}\n{self.article.text}"))))

    def spells_out(self, acronym: str) -> bool:
        """Whether the article spells out ``acronym`` ("TIP": "Trafficking in Persons")."""
        return acronym_expanded(acronym, f"{self.header}\n{self.article.text}")

    @cached_property
    def place_pairs(self) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
        """The places the article writes as "Vancouver, Washington": the keys of those named first (the
        smaller places) and of those after the comma (the places that hold them). News gives a town with
        its state or country, so this says which kind of place a name is here, where the name alone does
        not ("Washington" a state in one article, a city in another)."""
        text = self.article.text
        places: list[tuple[int, int]] = []
        for start, end, label in self.article.entities:
            if label in ("GPE", "LOC"):  # the recogniser may take "Vancouver, Washington" as one place
                cut = text.find(", ", start, end)
                places += [(start, cut), (cut + 2, end)] if cut > 0 else [(start, end)]
        inner, outer = set(), set()
        joined = [text[e1:s2] for (_, e1), (s2, _) in zip(places, places[1:])]
        for i, between in enumerate(joined):
            listed = (i > 0 and joined[i - 1] in LIST_JOINS) or (i + 1 < len(joined) and joined[i + 1] in LIST_JOINS)
            before = text[max(0, places[i][0] - 30):places[i][0]].split()[-1:]
            # "in Vancouver, Washington" runs on from a lower-case word; "China, US tensions" opens a heading
            in_prose = bool(before) and before[0].isalpha() and before[0].islower()
            # and the holder closes the phrase ("Vancouver, Washington, on Monday"): in "the war began
            # in Ukraine, Russia has lost ..." a clause ends at the comma instead
            closed = re.match(r"\s*(?:[,.;:)]|$)", text[places[i + 1][1]:places[i + 1][1] + 3]) is not None
            if between == ", " and in_prose and closed and not listed:  # "Arizona, California and Texas" is a list
                inner.add(name_key(text[places[i][0]:places[i][1]]))
                outer.add(name_key(text[places[i + 1][0]:places[i + 1][1]]))
        return frozenset(inner - outer), frozenset(outer - inner)

    @cached_property
    def years(self) -> frozenset[str]:
        return frozenset(years_covered(f"{self.header}\n{self.article.text}"))

    def overlapping(self, start: int, end: int) -> range:
        """Indexes of the sentences that overlap ``[start, end)``."""
        lo = bisect.bisect_right(self._ends, start)
        hi = bisect.bisect_left(self._starts, end)
        return range(lo, hi)
