"""The ``Assistant``: the one public entry point that the CLI, the web page, the API and outside bots use."""

from __future__ import annotations

import time
from typing import Any, Iterator

from assistant.errors import InputError
from assistant.settings import Settings
from assistant.store import Store
from assistant.types import Answer, Article, Citation, Passage

DECLINE_TEXT = "The articles don't say."


class Assistant:
    """Answers questions from one store. Holds no global state: several can live in one process."""

    def __init__(self, settings: Settings, store: Store, embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> "Assistant":
        from assistant.embedding import load_embedder

        settings = settings.replace(**overrides) if settings else Settings.load(**overrides)
        store = Store.open(settings)
        store.check_model()
        return cls(settings, store, load_embedder(settings))

    def validate(self, question: str, history: list[dict] | None = None) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("question is blank")
        if len(question) > self.settings.max_question_chars:
            raise InputError(
                f"question is {len(question)} characters; the limit is {self.settings.max_question_chars}"
            )
        return question.strip()

    def retrieve(self, question: str, k: int = 5) -> list[Passage]:
        question = self.validate(question)
        vector = self.embedder.get_query_embedding(question)
        got = self.store.chunks().query(query_embeddings=[vector], n_results=k,
                                        include=["documents", "metadatas", "distances"])
        return [
            Passage(
                chunk_id=cid, source=m["source"], text=doc, start=int(m["start"]), end=int(m["end"]),
                title=m.get("title") or None, publication=m.get("publication") or None,
                published=m.get("published") or None, score=1.0 - float(dist),
            )
            for cid, doc, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        t0 = time.perf_counter()
        passages = self.retrieve(question, self.settings.retrieve_k)
        t1 = time.perf_counter()
        if not passages or passages[0].score < self.settings.decline_threshold:
            answer = Answer(DECLINE_TEXT, True, [])
        else:
            top = passages[0]
            answer = Answer(f"{top.text} [1]", False, [Citation(1, top.source, top.text, top.start, top.end,
                                                              top.title, top.publication, top.published)])
        answer.timings_ms = {"retrieve": (t1 - t0) * 1000, "answer": (time.perf_counter() - t1) * 1000}
        return answer

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[str | Answer]:
        answer = self.ask(question, history)
        for word in answer.answer.split(" "):
            yield word + " "
        yield answer

    def articles(self) -> list[Article]:
        return self.store.list_articles()

    def article(self, source: str) -> Article | None:
        return self.store.article(source)
