"""The LLM answerer: a model writes a short answer from numbered article sentences; only checked sentences pass.

Models come through llama-index's LLM classes: ``OpenAILike`` for any OpenAI-compatible endpoint
(``llm_base_url``), or ``XLlamaCpp`` for a local GGUF file in-process (``llm_gguf_path``; the optional
``gguf`` extra). The model sees the best sentences of the retrieved articles, numbered, under each
article's title and date, and answers with every sentence ending in the numbers of the sentences it
rests on, or exactly ``NOT IN ARTICLES``. Numbers map back to exact spans, so citations keep their
offsets. Each generated sentence is checked before it is shown (``verify``): an invented fact, a number
bound to the wrong thing or a missing citation drops it, and the answer says how many were dropped.

Two modes (``llm_mode``):
- ``combined`` (the default): the extractive answerer decides whether to answer at all; when it
  answers, the sentences holding its candidate answers lead the offered ones, and the model's checked
  sentences win. When none passes, or the model says ``NOT IN ARTICLES``, the extractive answer stands;
  where the model names a candidate, that is the short answer. (Measured on the news dev cases with a
  1.5B model: letting the model's decline overrule a supported extractive answer, or letting it answer
  what the extractive check declined, each cost more right answers than it saved. Naming the
  candidates in the prompt made it answer with a wrong one.)
- ``llm``: the model alone decides, from the best-ranked passages; ``NOT IN ARTICLES`` declines.
A failing, slow or unreachable model leaves the extractive result in place, with a warning in the log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

from assistant.answering.base import Grounds, relay
from assistant.answering.citations import MARKER, CitationList, Evidence, strip_markers
from assistant.answering.decline import DECLINE_PREFIX, declined
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.verify import answer_sentences, check
from assistant.errors import LLMError
from assistant.answering.article_text import ArticleText
from assistant.retrieval.terms import index_terms, term_present
from assistant.settings import Settings
from assistant.tokens import count_tokens
from assistant.types import Answer, ShortAnswer

log = logging.getLogger(__name__)
MAX_CONDENSED_CHARS = 500
NOT_IN_ARTICLES = "NOT IN ARTICLES"
_MODEL_DECLINE = re.compile(rf"^\W*(?:{NOT_IN_ARTICLES}|{DECLINE_PREFIX})\b", re.IGNORECASE)
MODEL_DECLINE_REASON = "none of the sentences found answers the question"
PROMPT_MARGIN = 1.15  # tiktoken counts are not the model's own: leave room for the difference


def prompt(name: str) -> str:
    return prompt_file(f"{name}.txt")


def prompt_file(name: str) -> str:
    return resources.files("byline.prompts").joinpath(name).read_text(encoding="utf-8")


def llm_from_settings(settings: Settings) -> "LLMClient | None":
    if settings.llm_base_url:
        from llama_index.llms.openai_like import OpenAILike

        return LLMClient(OpenAILike(
            model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key,
            is_chat_model=True, timeout=settings.llm_timeout_s, max_retries=0,
            max_tokens=settings.llm_max_tokens, temperature=0.0,
        ), settings)
    if settings.llm_gguf_path:
        try:
            import xllamacpp  # noqa: F401
        except ImportError as exc:
            raise LLMError("llm_gguf_path needs the optional extra: pip install 'byline[gguf]'") from exc
        from assistant.answering.gguf import XLlamaCpp

        return LLMClient(XLlamaCpp(
            model_path=str(settings.llm_gguf_path), threads=settings.llm_threads,
            context_tokens=settings.llm_context_tokens, max_tokens=settings.llm_max_tokens,
            timeout_s=settings.llm_timeout_s,
        ), settings, answer_grammar=prompt_file("answer.gbnf"))
    return None


@dataclass(frozen=True)
class NumberedSentences:
    """The evidence as the model sees it: sentence ``n`` is ``spans[n-1]``, an exact article span."""

    spans: list[Evidence]
    text: str

    @property
    def texts(self) -> dict[int, str]:
        return {n: e.text for n, e in enumerate(self.spans, start=1)}


def numbered(chosen: list[tuple[ArticleText, int]]) -> NumberedSentences:
    """Sentences grouped under their article's title, publication and date (articles in order of
    their best sentence, sentences in article order), numbered from 1 as they are listed."""
    by_article: dict[str, list[tuple[ArticleText, int]]] = {}
    for doc, i in chosen:
        by_article.setdefault(doc.article.source, []).append((doc, i))
    spans: list[Evidence] = []
    blocks = []
    for group in by_article.values():
        article = group[0][0].article
        about = ", ".join(x for x in (article.publication, article.published) if x)
        lines = [f"Article: {article.title or article.source}" + (f" ({about})" if about else "")]
        for doc, i in sorted(group, key=lambda g: g[1]):
            span = doc.spans[i]
            spans.append(Evidence(article, span.start, span.end))
            lines.append(f"[{len(spans)}] {_defang(' '.join(doc.sentence(i).split()))}")
        blocks.append("\n".join(lines))
    return NumberedSentences(spans, "\n\n".join(blocks))


class LLMClient:
    """One configured LLM and its prompts. Safe to share: it keeps no per-request state.
    ``answer_grammar`` (GBNF, local models only) makes the model write cited sentences or
    ``NOT IN ARTICLES`` and nothing else: small models otherwise often leave the markers out."""

    def __init__(self, llm, settings: Settings, answer_grammar: str | None = None) -> None:
        self.llm = llm
        self.settings = settings
        self.answer_grammar = answer_grammar

    def condense(self, question: str, history: list[dict]) -> str | None:
        """The follow-up as a standalone question, or None if the LLM fails (the caller falls back)."""
        from llama_index.core.llms import ChatMessage

        turns = [m for m in history if m["role"] in ("user", "assistant")][-self.settings.llm_history_turns:]
        lines = "\n".join(f"{m['role']}: {strip_markers(m['content'])}" for m in turns)
        try:
            reply = self.llm.chat([ChatMessage(role="user", content=prompt("condense").format(
                history=lines, question=question))])
        except Exception as exc:
            log.warning("LLM unavailable for rewriting the follow-up (%s); using the offline rewrite",
                        _brief(exc, self.settings))
            return None
        text = (reply.message.content or "").strip().splitlines()
        condensed = text[0].strip().strip("\"'“”") if text else ""
        return condensed if 0 < len(condensed) <= MAX_CONDENSED_CHARS else None

    def messages(self, question: str, sentences: NumberedSentences, as_of: str):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role="system", content=prompt("system")),
                ChatMessage(role="user", content=prompt("answer").format(
                    sentences=sentences.text, question=question, as_of=as_of))]

    def fits(self, messages) -> bool:
        """Whether the prompt and the longest answer fit in ``llm_context_tokens``."""
        used = sum(count_tokens(m.content or "") for m in messages) * PROMPT_MARGIN
        return used + self.settings.llm_max_tokens <= self.settings.llm_context_tokens

    def stream(self, messages) -> Iterator[str]:
        extra = {"grammar": self.answer_grammar} if self.answer_grammar else {}
        for chunk in self.llm.stream_chat(messages, **extra):
            if chunk.delta:
                yield chunk.delta


class LLMAnswerer:
    """The answerer interface over an LLM: checked sentences, with the extractive result as fallback."""

    def __init__(self, client: LLMClient, extractive: ExtractiveAnswerer) -> None:
        self.client = client
        self.extractive = extractive

    def run(self, grounds: Grounds) -> Iterator[str | Answer]:
        settings = self.client.settings
        combined = settings.llm_mode == "combined"
        if combined and not grounds.support.supported or not grounds.pick.pool:
            answer = yield from relay(self.extractive.run(grounds))
        else:
            answer = yield from self._generate(grounds, combined)
        yield answer

    def _generate(self, grounds: Grounds, combined: bool):
        """Generator: yields checked sentences as they complete; returns the final ``Answer``."""
        client = self.client
        chosen = self._sentences(grounds, combined)
        while True:
            sentences = numbered(chosen)
            messages = client.messages(grounds.query, sentences, grounds.as_of)
            if client.fits(messages) or len(chosen) <= 1:
                break
            chosen = chosen[:-1]
        offered = sentences.texts
        citations = CitationList()
        shown: list[str] = []
        dropped = 0
        model_declined = False
        buffer = ""

        def release(pieces: list[str]):
            nonlocal dropped, model_declined
            for sentence in pieces:
                if _MODEL_DECLINE.search(sentence):
                    model_declined = model_declined or not shown
                    continue
                verdict = check(sentence, offered, client.settings.llm_min_overlap, grounds.query)
                if not verdict.ok:
                    dropped += 1
                    log.info("answer check dropped %r: %s", verdict.text, verdict.reason)
                    continue
                spans = [sentences.spans[n - 1] for n in verdict.cited]
                piece = f"{verdict.text} {''.join(f'[{citations.number(e)}]' for e in spans)}"
                shown.append(piece)
                yield piece if len(shown) == 1 else f" {piece}"

        try:
            written = 0
            for delta in client.stream(messages):
                buffer += delta
                written += len(delta)
                if written > client.settings.llm_max_answer_chars:
                    log.warning("the model rambles (over %d characters); stopping it", client.settings.llm_max_answer_chars)
                    break
                pieces = answer_sentences(buffer)
                if len(pieces) > 1 and not pieces[-1].startswith("["):  # markers may still be arriving
                    yield from release(pieces[:-1])
                    buffer = buffer[buffer.rfind(pieces[-1]):]
            yield from release(answer_sentences(buffer))
        except Exception as exc:
            log.warning("LLM failed (%s); answering from the articles directly", _brief(exc, client.settings))
        checked = {"llm_sentences_shown": float(len(shown)), "llm_sentences_dropped": float(dropped)}
        if shown:
            said = " ".join(shown)
            short = _short_answer(grounds, said, citations)  # from what the model said, not the note's dates
            if grounds.support.note:
                shown.append(grounds.support.note)
                yield f" {grounds.support.note}"
            answer = Answer(" ".join(shown), False, citations.citations(), short_answer=short)
        elif model_declined and not combined:
            answer = declined(MODEL_DECLINE_REASON, grounds.closest)
            yield answer.answer
        else:
            if dropped:
                log.warning("no sentence of the model's answer passed the check; answering from the articles directly")
            answer = yield from relay(self.extractive.run(grounds))
        answer.timings_ms.update(checked)
        return answer

    def _sentences(self, grounds: Grounds, combined: bool) -> list[tuple[ArticleText, int]]:
        """The sentences to offer, best first: in combined mode those of the top candidate answers
        lead; then every sentence of the best ``llm_passages`` retrieved chunks, in ranking order (a
        model reads a passage whole: the sentence that answers is often not the one that shares the
        question's words); then the rest of the picker's ranking, up to ``llm_sentences``."""
        settings = self.client.settings
        out: dict[tuple[str, int], tuple[ArticleText, int]] = {}
        if combined:
            for candidate in grounds.finding.candidates[:settings.llm_candidate_sentences]:
                m = candidate.best
                out.setdefault((m.source, m.sentence), (m.doc, m.sentence))
                named = m.doc.index_at(m.start)  # the sentence naming whom a "he" refers to
                out.setdefault((m.source, named), (m.doc, named))
        ranks = sorted({s.rank for s in grounds.pick.pool})[: settings.llm_passages]
        for rank in ranks:
            for s in sorted((s for s in grounds.pick.pool if s.rank == rank), key=lambda s: s.index):
                out.setdefault(s.key, (s.doc, s.index))
        for s in grounds.pick.pool:
            out.setdefault(s.key, (s.doc, s.index))
        return list(out.values())[: settings.llm_sentences]


def _short_answer(grounds: Grounds, text: str, citations: CitationList) -> ShortAnswer | None:
    """The first candidate answer (best first) that the model's answer names and that stands in a
    sentence it cites: where the two answerers agree, the short answer keeps its exact offsets."""
    said = frozenset(index_terms(text))
    for candidate in grounds.finding.candidates:
        if not all(term_present(t, said) for t in index_terms(candidate.best.text)):
            continue
        for m in candidate.mentions:
            for c in citations.citations():
                if c.source == m.source and c.start <= m.start and m.end <= c.end:
                    return ShortAnswer(m.text, c.n, m.start, m.end)
    return None


def _defang(text: str) -> str:
    """Article text as the LLM sees it: an article's own "[3]" must not pass for a citation marker."""
    return MARKER.sub(r"(\1)", text)


def _brief(exc: Exception, settings: Settings) -> str:
    """The error in short, without the API key: some servers quote a refused key back in their error."""
    text = str(exc)
    if settings.llm_api_key:
        text = text.replace(settings.llm_api_key, "<llm_api_key>")
    return f"{type(exc).__name__}: {text[:200]}"


__all__ = ["LLMAnswerer", "LLMClient", "NumberedSentences", "llm_from_settings", "numbered"]
