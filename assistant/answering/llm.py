"""The optional LLM path: an LLM phrases the answer from numbered passages; only checked sentences pass.

Models come through llama-index's LLM classes: ``OpenAILike`` for any OpenAI-compatible endpoint
(``llm_base_url``), or ``LlamaCPP`` for a local GGUF file (``llm_gguf_path``; the optional ``gguf``
extra). The answer is streamed sentence by sentence, and each sentence is checked against the passage
it cites before it is shown (``verify``), so an invented sentence or a wrong citation never reaches the
user. A failing or unreachable LLM, or one whose sentences all fail the check, leaves the extractive
answer in place, with a warning in the log.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Iterator

from assistant.answering.base import Grounds, relay
from assistant.answering.citations import MARKER, CitationList, Evidence, strip_markers
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.verify import answer_sentences, check
from assistant.errors import LLMError
from assistant.settings import Settings
from assistant.types import Answer

log = logging.getLogger(__name__)
MAX_CONDENSED_CHARS = 500
HISTORY_TURNS = 6


def prompt(name: str) -> str:
    return resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")


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
            from llama_index.llms.llama_cpp import LlamaCPP
        except ImportError as exc:
            raise LLMError("llm_gguf_path needs the optional extra: pip install 'byline[gguf]'") from exc
        if not settings.llm_gguf_path.is_file():
            raise LLMError(f"GGUF model not found: {settings.llm_gguf_path}")
        return LLMClient(LlamaCPP(model_path=str(settings.llm_gguf_path), temperature=0.0,
                                  max_new_tokens=settings.llm_max_tokens, verbose=False), settings)
    return None


class LLMClient:
    """One configured LLM and the three prompts. Safe to share: it keeps no per-request state."""

    def __init__(self, llm, settings: Settings) -> None:
        self.llm = llm
        self.settings = settings

    def condense(self, question: str, history: list[dict]) -> str | None:
        """The follow-up as a standalone question, or None if the LLM fails (the caller falls back)."""
        from llama_index.core.llms import ChatMessage

        turns = [m for m in history if m["role"] in ("user", "assistant")][-HISTORY_TURNS:]
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

    def stream(self, question: str, passages: list[str]) -> Iterator[str]:
        from llama_index.core.llms import ChatMessage

        numbered = "\n\n".join(f"[{i}] {_defang(p)}" for i, p in enumerate(passages, start=1))
        messages = [ChatMessage(role="system", content=prompt("system")),
                    ChatMessage(role="user", content=prompt("answer").format(passages=numbered, question=question))]
        for chunk in self.llm.stream_chat(messages):
            if chunk.delta:
                yield chunk.delta


class LLMAnswerer:
    """The answerer interface over an LLM: checked sentences, with the extractive answer as fallback."""

    def __init__(self, client: LLMClient, extractive: ExtractiveAnswerer) -> None:
        self.client = client
        self.extractive = extractive

    def run(self, grounds: Grounds) -> Iterator[str | Answer]:
        answer = yield from generate_checked(self.client, grounds, self.extractive)
        yield answer


def generate_checked(client: LLMClient, grounds: Grounds, extractive: ExtractiveAnswerer):
    """Generator: yields checked sentences as they complete; returns the final ``Answer`` (the
    extractive one when no sentence passes)."""
    question, pick = grounds.query, grounds.pick
    offered = extractive.evidence(pick, client.settings.llm_passages)
    passages = {i: e.text for i, e in enumerate(offered, start=1)}
    citations = CitationList()
    shown: list[str] = []
    buffer = ""

    def release(sentences: list[str]):
        for sentence in sentences:
            verdict = check(sentence, passages, client.settings.llm_min_overlap)
            if not verdict.ok:
                log.info("answer check dropped %r: %s", verdict.text, verdict.reason)
                continue
            numbers = [citations.number(offered[n - 1]) for n in verdict.cited]
            piece = f"{verdict.text} {''.join(f'[{n}]' for n in numbers)}"
            shown.append(piece)
            yield piece if len(shown) == 1 else f" {piece}"

    try:
        for delta in client.stream(question, list(passages.values())):
            buffer += delta
            sentences = answer_sentences(buffer)
            if len(sentences) > 1:
                yield from release(sentences[:-1])
                buffer = buffer[buffer.rfind(sentences[-1]):]
        yield from release(answer_sentences(buffer))
    except Exception as exc:
        log.warning("LLM failed (%s); answering from the articles directly", _brief(exc, client.settings))
    if not shown:
        return (yield from relay(extractive.run(grounds)))
    return Answer(" ".join(shown), False, citations.citations())


def _defang(text: str) -> str:
    """Passage text as the LLM sees it: an article's own "[3]" must not pass for a citation marker."""
    return MARKER.sub(r"(\1)", text)


def _brief(exc: Exception, settings: Settings) -> str:
    """The error in short, without the API key: some servers quote a refused key back in their error."""
    text = str(exc)
    if settings.llm_api_key:
        text = text.replace(settings.llm_api_key, "<llm_api_key>")
    return f"{type(exc).__name__}: {text[:200]}"


__all__ = ["Evidence", "LLMAnswerer", "LLMClient", "generate_checked", "llm_from_settings"]
