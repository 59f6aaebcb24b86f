"""The ``Assistant``: the one public entry point that the CLI, the web page, the API and outside bots use.

One request runs: check the input, rewrite a follow-up from the history, retrieve (dense + BM25), pick
the answering sentences or decline, and, when an LLM is configured, let it phrase the answer from those
passages and keep only what the answer check can verify. The Assistant is shared by server threads; its
only mutable state is the keyword snapshot, whose rebuild alone is locked.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from typing import Any, Iterator

from assistant.answering.decline import declined, reason_to_decline
from assistant.answering.extractive import ExtractiveAnswerer, Pick
from assistant.answering.question import Question, analyse
from assistant.conversation import Rewrite, check_history, is_text, needs_context, rewrite
from assistant.errors import InputError
from assistant.retrieval.filters import Filters
from assistant.retrieval.hybrid import Candidate, HybridRetriever
from assistant.retrieval.snapshot import ArticleText, Snapshot
from assistant.settings import Settings
from assistant.store import Store
from assistant.types import Answer, Article, Passage

log = logging.getLogger(__name__)
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?=[^\[])")


def _pieces(text: str) -> list[str]:
    """An extractive answer in the pieces a reader sees arrive: one cited span at a time."""
    parts = _AFTER_MARKERS.split(text)
    return [p if i == 0 else f" {p}" for i, p in enumerate(parts)]


@dataclass
class _Turn:
    """Everything one request has worked out before the answer is written."""

    question: Question
    rewrite: Rewrite
    candidates: list[Candidate]
    docs: dict[str, ArticleText]
    pick: Pick
    decline_reason: str | None
    timings: dict[str, float]


class Assistant:
    """Answers questions from one store. Holds no global state: several can live in one process."""

    def __init__(self, settings: Settings, store: Store, embedder, llm=None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = HybridRetriever(settings, store, embedder)
        self.extractive = ExtractiveAnswerer(settings)
        self.llm = llm

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
        if not isinstance(question, str) or not question.strip():
            raise InputError("question is blank")
        if not is_text(question):
            raise InputError("question is not valid text (it contains an unpaired surrogate)")
        if len(question) > self.settings.max_question_chars:
            raise InputError(
                f"question is {len(question)} characters; the limit is {self.settings.max_question_chars}"
            )
        history = check_history(history, self.settings.max_history_messages, self.settings.max_history_chars)
        return question.strip(), history

    # -- retrieval -----------------------------------------------------------------------------

    def retrieve(self, question: str, k: int = 5, history: list[dict] | None = None,
                 filters: Filters | None = None) -> list[Passage]:
        """Scored passages for the question (a follow-up is read in the light of ``history``), best first."""
        question, history = self._checked(question, history)
        if not isinstance(k, int) or k < 1:
            raise InputError("k must be a positive integer")
        query = self._rewrite(question, history).query
        return [c.passage() for c in self.retriever.search(query, k, self._filters(filters))]

    # -- answering -----------------------------------------------------------------------------

    def ask(self, question: str, history: list[dict] | None = None, filters: Filters | None = None) -> Answer:
        answer = None
        for piece in self.stream(question, history, filters):
            if isinstance(piece, Answer):
                answer = piece
        return answer

    def stream(self, question: str, history: list[dict] | None = None,
               filters: Filters | None = None) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final ``Answer`` (whose text they add up to)."""
        turn = self._prepare(question, history, filters)
        t0 = time.perf_counter()
        if turn.decline_reason:
            answer = declined(turn.decline_reason, turn.candidates, turn.docs)
            yield answer.answer
        elif self.llm is not None:
            answer = yield from self._llm_answer(turn)
        else:
            answer = self.extractive.answer(turn.pick)
            yield from _pieces(answer.answer)
        answer.timings_ms = {**turn.timings, "answer": (time.perf_counter() - t0) * 1000}
        yield answer

    def _prepare(self, question: str, history: list[dict] | None, filters: Filters | None) -> _Turn:
        t0 = time.perf_counter()
        question, history = self._checked(question, history)
        turn_rewrite = self._rewrite(question, history)
        t1 = time.perf_counter()
        candidates = self.retriever.search(turn_rewrite.query, self.settings.retrieve_k, self._filters(filters))
        t2 = time.perf_counter()
        snapshot = self.retriever.snapshot()
        docs = self._articles_of(candidates, snapshot)
        analysed = analyse(question)
        if turn_rewrite.inherited_type:
            analysed = replace(analysed, qtype=turn_rewrite.inherited_type)
        pick = self.extractive.pick(analysed, turn_rewrite, candidates, docs, snapshot.keyword)
        reason = reason_to_decline(pick, analysed.qtype, self.settings)
        timings = {"rewrite": (t1 - t0) * 1000, "retrieve": (t2 - t1) * 1000,
                   "select": (time.perf_counter() - t2) * 1000}
        return _Turn(analysed, turn_rewrite, candidates, docs, pick, reason, timings)

    def _rewrite(self, question: str, history: list[dict]) -> Rewrite:
        if not history or not needs_context(question):
            return Rewrite(question)
        if self.llm is not None:
            condensed = self.llm.condense(question, history)
            if condensed:
                offline = rewrite(question, history)
                return replace(offline, query=condensed, condensed=True)
        return rewrite(question, history)

    def _llm_answer(self, turn: _Turn):
        """Generator: verified sentences from the LLM, or the extractive answer if none survive."""
        from assistant.answering.llm import generate_checked

        question = turn.rewrite.query if turn.rewrite.condensed else turn.question.text
        answer = yield from generate_checked(self.llm, question, turn.pick, self.extractive)
        return answer

    def _articles_of(self, candidates: list[Candidate], snapshot: Snapshot) -> dict[str, ArticleText]:
        docs = {}
        for cand in candidates:
            source = cand.chunk.source
            if source not in docs:
                doc = snapshot.article(self.store, source)
                if doc is not None:
                    docs[source] = doc
        return docs

    def _filters(self, filters: Filters | None) -> Filters | None:
        return filters if filters is not None else Filters.from_settings(self.settings)

    # -- articles ------------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        return self.store.list_articles()

    def article(self, source: str) -> Article | None:
        return self.store.article(source)
