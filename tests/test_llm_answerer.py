"""The LLM answerer's decisions, with a queued model (its replies scripted, as simonw/llm tests do) over
the real sample store: what is shown, what is declined, what falls back, and what is counted."""

from __future__ import annotations

import logging
import re
from typing import Any, Sequence

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage, ChatResponse, CompletionResponse, LLMMetadata, MessageRole,
)
from llama_index.core.llms.custom import CustomLLM

from assistant import Answer, Assistant
from assistant.answering.llm import LLMClient
from tests.helpers.answers import KIRIPOST, assert_well_formed

REQUESTS = "How many requests were lodged countrywide?"


class QueuedLLM(CustomLLM):
    """Replies with ``reply(prompt)``, streamed in small pieces; records the prompts it was sent."""

    reply: Any
    prompts: list = []

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True)

    def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
        return CompletionResponse(text=self.reply(prompt))

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):
        raise NotImplementedError

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs):
        prompt = messages[-1].content
        self.prompts.append(prompt)
        text = self.reply(prompt)
        for i in range(0, len(text), 7):
            yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text[:i + 7]),
                               delta=text[i:i + 7])


def numbered_in(prompt: str) -> dict[int, str]:
    return {int(n): t for n, t in re.findall(r"^\[(\d+)\] (.*)$", prompt, re.M)}


def with_model(bot, reply, **settings) -> Assistant:
    chosen = bot.settings.replace(**settings)
    return Assistant(chosen, bot.store, bot.embedder, LLMClient(QueuedLLM(reply=reply, prompts=[]), chosen))


def cite(prompt: str, needle: str) -> int:
    return next(n for n, t in numbered_in(prompt).items() if needle in t)


def test_the_prompt_numbers_single_sentences_under_their_articles_title_and_date(bot):
    model = with_model(bot, lambda p: "NOT IN ARTICLES")
    model.ask(REQUESTS, as_of="2022-12-01")
    prompt = model.llm.llm.prompts[-1]
    assert "Question, asked on 2022-12-01: " + REQUESTS in prompt
    assert re.search(r"^Article: Cambodia Defends Efforts to Stamp Out Human Trafficking \(Kiripost, 2022-10", prompt, re.M)
    sentences = numbered_in(prompt)
    assert 1 < len(sentences) <= bot.settings.llm_sentences
    assert all(len(re.findall(r"[.!?][”\"]?(?:\s|$)", t)) <= 2 for t in sentences.values())


def test_cited_sentences_become_exact_citations_and_are_counted(bot):
    model = with_model(bot, lambda p: f"496 requests were lodged countrywide. [{cite(p, '496 requests')}] "
                                      f"Vietnamese formed the bulk, with 430. [{cite(p, '430')}]")
    pieces = list(model.stream(REQUESTS))
    answer = pieces[-1]
    assert "".join(pieces[:-1]) == answer.answer
    assert answer.answer == "496 requests were lodged countrywide. [1]"
    assert answer.citations[0].source == KIRIPOST and "496 requests" in answer.citations[0].passage
    assert answer.timings_ms["llm_sentences_shown"] == 1 and answer.timings_ms["llm_sentences_dropped"] == 1
    assert answer.short_answer is not None and answer.short_answer.text == "496"
    assert_well_formed(bot, answer)


def test_the_models_answer_from_months_old_articles_to_a_this_week_question_says_how_old_they_are(bot):
    model = with_model(bot, lambda p: f"496 requests were lodged countrywide. [{cite(p, '496 requests')}]")
    pieces = list(model.stream(REQUESTS.replace("?", " this week?"), as_of="2023-06-01"))
    answer = pieces[-1]
    assert "".join(pieces[:-1]) == answer.answer
    assert answer.answer == ("496 requests were lodged countrywide. [1] None of the articles from the 7 days "
                             "before 2023-06-01 says so; this is from an article published in October 2022.")
    assert_well_formed(bot, answer)


def test_not_in_articles_is_a_decline_citing_the_closest_passages_in_llm_mode(bot):
    answer = with_model(bot, lambda p: "NOT IN ARTICLES", llm_mode="llm").ask(REQUESTS)
    assert answer.declined
    assert answer.answer.startswith("The articles don't say: none of the sentences found answers the question.")
    assert answer.citations
    assert_well_formed(bot, answer)


def test_in_combined_mode_the_models_decline_leaves_a_supported_extractive_answer(bot):
    answer = with_model(bot, lambda p: "NOT IN ARTICLES").ask(REQUESTS)
    assert answer.answer == bot.ask(REQUESTS).answer and not answer.declined


def test_a_sentence_that_only_restates_the_question_is_dropped(bot):
    answer = with_model(bot, lambda p: f"Requests were lodged countrywide. [{cite(p, '496 requests')}]").ask(REQUESTS)
    assert answer.answer == bot.ask(REQUESTS).answer
    assert answer.timings_ms["llm_sentences_dropped"] == 1


def test_a_settled_decline_stands_without_asking_the_model_in_combined_mode(bot):
    model = with_model(bot, lambda p: "Lima has ten million people. [1]")
    answer = model.ask("What is the population of Peru?")
    assert answer.declined and "Peru" in answer.answer
    assert model.llm.llm.prompts == []


def test_the_model_alone_decides_in_llm_mode(bot):
    model = with_model(bot, lambda p: "NOT IN ARTICLES", llm_mode="llm")
    assert model.ask("What is the population of Peru?").declined
    assert model.llm.llm.prompts


def test_a_model_without_markers_leaves_the_extractive_answer_with_a_warning(bot, caplog):
    caplog.set_level(logging.WARNING)
    answer = with_model(bot, lambda p: "There were 496 requests. They came from everywhere.").ask(REQUESTS)
    assert answer.answer == bot.ask(REQUESTS).answer
    assert answer.timings_ms["llm_sentences_dropped"] == 2
    assert any("passed the check" in r.getMessage() for r in caplog.records)


def test_a_rambling_model_is_stopped_and_what_it_said_in_time_is_checked(bot, caplog):
    caplog.set_level(logging.WARNING)
    def ramble(p):
        return f"496 requests were lodged countrywide. [{cite(p, '496 requests')}] " + "And so on and on. " * 200
    answer = with_model(bot, ramble, llm_max_answer_chars=300).ask(REQUESTS)
    assert answer.answer.startswith("496 requests were lodged countrywide. [1]")
    assert len(answer.answer) < 400
    assert any("rambles" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("mode", ["combined", "llm"])
def test_a_model_declining_after_an_answer_keeps_the_answer(bot, mode):
    answer = with_model(bot, lambda p: f"496 requests were lodged countrywide. [{cite(p, '496 requests')}] "
                                       "NOT IN ARTICLES", llm_mode=mode).ask(REQUESTS)
    assert isinstance(answer, Answer) and not answer.declined
    assert "NOT IN ARTICLES" not in answer.answer
