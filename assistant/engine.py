"""The ``Assistant``: the one public entry point that the CLI, the web page, the API and outside bots use.

One request runs, wired here in one place: check the input and the date it is asked (``as_of``),
rewrite a follow-up from the history, retrieve (dense + BM25, articles published after ``as_of`` left
out, recent ones preferred for questions about now), score the sentences of the best passages, find
the typed short answer among them, decide whether the evidence supports an answer at all, and then
either decline or let the answerer (extractive, or an LLM when one is configured) write it. The
Assistant is shared by server threads; its only mutable state is the keyword snapshot, whose rebuild
alone is locked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Iterator

from assistant.answering.answer_type import AnswerType, answer_type, in_present_tense
from assistant.answering.article_text import ArticleText, ArticleTexts
from assistant.answering.base import Answerer, Grounds, Rewrite
from assistant.answering.candidates import ScoredSentence
from assistant.answering.decline import closest_passages
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.question import ROLE, WHY, analyse, asks_role, confirmed_by_parse
from assistant.answering.short_answer import ShortAnswerFinder
from assistant.answering.support import Support, SupportCheck
from assistant.checks import check_history, check_question
from assistant.conversation import needs_context, rewrite
from assistant.errors import InputError
from assistant.nlp import parse
from assistant.reply import Reply
from assistant.retrieval.dates import Recency, parse_as_of, published_by, time_window
from assistant.retrieval.filters import Filters
from assistant.retrieval.hybrid import Candidate, HybridRetriever
from assistant.retrieval.snapshot import Snapshot
from assistant.settings import Settings
from assistant.store import Store
from assistant.types import Answer, Article, Passage

log = logging.getLogger(__name__)
# Questions answered in sentences whatever their wording: reasons ("What reasons did the US give") and
# positions ("What role does she have"), as the lexical analysis reads them.
SENTENCE_TYPES = (WHY, ROLE)


def _same_version(candidate: Candidate, docs: dict[str, ArticleText]) -> bool:
    """The chunk is a slice of the article text the answer will cite. While an ingest replaces an
    article, its new chunks are in the store before its new text is (the record is the commit point);
    a chunk of one version read against the text of another would cite the wrong span, or an empty
    one, so it is left out until both agree."""
    doc = docs.get(candidate.chunk.source)
    chunk = candidate.chunk
    return doc is not None and doc.article.text[chunk.start:chunk.end] == chunk.text


@dataclass
class _Turn:
    """Everything one request has worked out before the answer is written."""

    grounds: Grounds
    candidates: list[Candidate]
    docs: dict[str, ArticleText]
    as_of: date
    timings: dict[str, float]


class Assistant:
    """Answers questions from one store. Holds no global state: several can live in one process."""

    def __init__(self, settings: Settings, store: Store, embedder, llm=None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = HybridRetriever(settings, store, embedder)
        self.texts = ArticleTexts(store)
        self.extractive = ExtractiveAnswerer(settings)
        self.finder = ShortAnswerFinder(settings, embedder)
        self.support = SupportCheck(settings)
        self.llm = llm
        self.answerer: Answerer = self.extractive
        if llm is not None:
            from assistant.answering.llm import LLMAnswerer

            self.answerer = LLMAnswerer(llm, self.extractive)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> "Assistant":
        """The engine embeds only questions, so it takes the llama-index-free encoder: importing
        ``llama_index.core`` would cost about a second of every cold start. llama-index is imported
        only when an LLM is configured."""
        from assistant.answering.llm import llm_from_settings
        from assistant.embedding import load_encoder

        settings = settings.replace(**overrides) if settings else Settings.load(**overrides)
        store = Store.open(settings)
        store.check_model()
        return cls(settings, store, load_encoder(settings), llm_from_settings(settings))

    # -- input ---------------------------------------------------------------------------------

    def validate(self, question: str, history: list[dict] | None = None) -> str:
        """The question, stripped; raises ``InputError`` for a blank or oversized one or a bad history."""
        return self._checked(question, history)[0]

    def _checked(self, question: str, history: list[dict] | None) -> tuple[str, list[dict]]:
        """The stripped question and the normalised history, both validated once."""
        settings = self.settings
        return (check_question(question, settings.max_question_chars),
                check_history(history, settings.max_messages, settings.max_history_chars))

    # -- retrieval -----------------------------------------------------------------------------

    def retrieve(self, question: str, k: int = 5, history: list[dict] | None = None,
                 filters: Filters | None = None, as_of: str | date | None = None) -> list[Passage]:
        """Scored passages for the question (a follow-up is read in the light of ``history``), best first,
        from articles published by ``as_of`` (default today)."""
        question, history = self._checked(question, history)
        if not isinstance(k, int) or k < 1:
            raise InputError("k must be a positive integer")
        day = self._as_of(as_of)
        query = self._rewrite(question, history).query
        snapshot = self.retriever.snapshot()
        recency = self._recency(question, parse(question), day)
        found = self.retriever.search(query, k, self._filters(filters, day, snapshot), recency=recency)
        return [c.passage() for c in found]

    # -- answering -----------------------------------------------------------------------------

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
            as_of: str | date | None = None) -> Answer:
        return self.reply(question, history, filters, as_of).answer()

    def reply(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
              as_of: str | date | None = None) -> Reply:
        """The answer as it is written: iterate the ``Reply`` for text pieces, then call its
        ``answer()``. ``as_of`` is the date the question is asked (``YYYY-MM-DD``; default today).
        Nothing runs until it is read (``Reply.started`` runs the checks and retrieval at once)."""
        return Reply(self._written(question, history, filters, as_of))

    def stream(self, question: str, history: list[dict] | None = None, filters: Filters | None = None,
               as_of: str | date | None = None) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final ``Answer`` (whose text they add up to): the
        documented Python API from before ``reply``, kept for callers that use it."""
        reply = self.reply(question, history, filters, as_of)
        yield from reply
        yield reply.answer()

    def _written(self, question: str, history: list[dict] | None, filters: Filters | None,
                 as_of: str | date | None) -> Iterator[str | Answer]:
        turn = self._prepare(question, history, filters, as_of)
        t0 = time.perf_counter()
        reply = Reply(self.answerer.run(turn.grounds))
        yield from reply
        answer = reply.answer()
        answer.timings_ms = {**turn.timings, "answer": (time.perf_counter() - t0) * 1000, **answer.timings_ms}
        answer.as_of = turn.as_of.isoformat()
        yield answer

    def _prepare(self, question: str, history: list[dict] | None, filters: Filters | None,
                 as_of: str | date | None) -> _Turn:
        t0 = time.perf_counter()
        question, history = self._checked(question, history)
        day = self._as_of(as_of)
        turn_rewrite = self._rewrite(question, history)
        parsed = parse(question)
        atype = self._answer_type(parsed, turn_rewrite)
        vector = self.embedder.get_query_embedding(turn_rewrite.query)
        recency = self._recency(question, parsed, day)
        t1 = time.perf_counter()
        snapshot = self.retriever.snapshot()
        chosen_filters = self._filters(filters, day, snapshot)
        candidates = self.retriever.search(turn_rewrite.query, self.settings.retrieve_k,
                                           chosen_filters, vector=vector, recency=recency)
        t2 = time.perf_counter()
        docs = self._articles_of(candidates, snapshot)
        candidates = [c for c in candidates if _same_version(c, docs)]
        analysed = confirmed_by_parse(analyse(question), parsed)
        if turn_rewrite.inherited_type:
            analysed = replace(analysed, qtype=turn_rewrite.inherited_type)
        if analysed.qtype in SENTENCE_TYPES or asks_role(question):
            atype = replace(atype, short=False)
        pick = self.extractive.pick(analysed, turn_rewrite, candidates, docs, snapshot.keyword)
        sentences = [ScoredSentence(s.doc, s.index, s.score, s.predicate) for s in pick.pool]
        finding = self.finder.run(atype, question, sentences, vector, recency, turn_rewrite.carried,
                                  snapshot.keyword, parsed)
        support = self.support.run(analysed, pick, finding, recency)
        if not candidates and chosen_filters is not None and chosen_filters.describe():
            support = Support.no(f"no article matches the filters ({chosen_filters.describe()})")
        query = turn_rewrite.query if turn_rewrite.condensed else question
        timings = {"rewrite": (t1 - t0) * 1000, "retrieve": (t2 - t1) * 1000,
                   "select": (time.perf_counter() - t2) * 1000}
        closest = closest_passages(candidates, docs, self.settings.decline_closest)
        grounds = Grounds(analysed, query, pick, finding, support, closest, day.isoformat())
        return _Turn(grounds, candidates, docs, day, timings)

    def _as_of(self, as_of: str | date | None) -> date:
        """The call's date, else the settings' (``BYLINE_AS_OF``, ``--as-of``), else today."""
        return parse_as_of(as_of if as_of is not None else self.settings.as_of)

    def _answer_type(self, parsed, turn_rewrite: Rewrite) -> AnswerType:
        """A follow-up without a question word of its own ("And in 2019?") wants what the earlier one did."""
        if turn_rewrite.inherited_from:
            return answer_type(parse(turn_rewrite.inherited_from), self.finder.typer)
        return answer_type(parsed, self.finder.typer)

    def _recency(self, question: str, parsed, day: date) -> Recency | None:
        window = time_window(question, in_present_tense(parsed))
        if window is None:
            return None
        return Recency(day, self.settings.recency_weight, self.settings.recency_half_life_days, *window)

    def _rewrite(self, question: str, history: list[dict]) -> Rewrite:
        few, lookback = self.settings.followup_few_terms, self.settings.followup_lookback_turns
        if not history or not needs_context(question, few):
            return Rewrite(question)
        if self.llm is not None:
            condensed = self.llm.condense(question, history)
            if condensed:
                offline = rewrite(question, history, few, lookback)
                return replace(offline, query=condensed, condensed=True)
        return rewrite(question, history, few, lookback)

    def _articles_of(self, candidates: list[Candidate], snapshot: Snapshot) -> dict[str, ArticleText]:
        """The articles the candidates come from, as the store holds them now."""
        return self.texts.get_many([cand.chunk.source for cand in candidates], snapshot.generation)

    def _filters(self, filters: Filters | None, day: date, snapshot: Snapshot) -> Filters | None:
        """The request's filters (else the settings' defaults), with ``as_of`` added only when some
        article was published after it: an unneeded filter would cost every search a source list."""
        chosen = filters if filters is not None else Filters.from_settings(self.settings)
        if not published_by(snapshot.newest_published, day):
            chosen = replace(chosen, as_of=day)
        return chosen

    # -- articles ------------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """Every article's metadata (source, title, publication, published, chunks), by source. The
        list leaves ``text`` empty, since a large store would not fit in memory twice over:
        ``article(source)`` gives one article with its text."""
        return self.store.list_articles()

    def article(self, source: str) -> Article | None:
        return self.store.article(source)
