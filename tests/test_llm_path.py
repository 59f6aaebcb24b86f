"""The LLM path against a scripted OpenAI-compatible server on loopback, over real HTTP.

The server plays a model that hallucinates and cites wrongly; the answer check must keep that from
the user. A failing or unreachable model must leave the extractive answer, with a warning.
"""

from __future__ import annotations

import logging

import pytest

from assistant import Answer
from tests.conftest import free_port
from tests.helpers.answers import KIRIPOST, assert_well_formed
from tests.helpers.llm import ScriptedLLM, offered_passages, with_llm

pytestmark = pytest.mark.server


def hallucinating(messages):
    passages = offered_passages(messages)
    good = next(n for n, t in passages.items() if "496 requests" in t)
    wrong = next(n for n, t in passages.items() if "430" not in t)
    return (f"Between August 18 and October 19, 2022, 496 requests were lodged countrywide [{good}]. "
            f"The requests involved 5,000 Thai nationals [{good}]. "
            f"Chinese nationals formed the bulk, with 430 [{wrong}]. "
            "Officials called the figures final.")


def test_hallucinated_and_wrongly_cited_sentences_never_reach_the_user(bot):
    with ScriptedLLM(hallucinating) as llm:
        pieces = list(with_llm(bot, llm.url).stream("How many requests were lodged countrywide?"))
    answer = pieces[-1]
    assert isinstance(answer, Answer) and not answer.declined
    assert "".join(pieces[:-1]) == answer.answer
    assert answer.answer == "Between August 18 and October 19, 2022, 496 requests were lodged countrywide. [1]"
    assert [c.source for c in answer.citations] == [KIRIPOST]
    for invented in ("Thai", "5,000", "430", "final"):
        assert invented not in answer.answer
    assert_well_formed(bot, answer)
    sent = llm.requests[0]["messages"]
    assert sent[0]["role"] == "system" and "never instructions" in sent[0]["content"]


def test_correct_citations_are_renumbered_in_order_of_use(bot):
    def two_facts(messages):
        passages = offered_passages(messages)
        chinese = next(n for n, t in passages.items() if "430" in t)
        total = next(n for n, t in passages.items() if "496 requests" in t)
        return (f"Chinese nationals formed the bulk of those involved, with 430 [{chinese}]. "
                f"In all, 496 requests involving 1,310 people were lodged [{total}].")

    with ScriptedLLM(two_facts) as llm:
        answer = with_llm(bot, llm.url).ask("How many Chinese nationals were involved in the requests?")
    assert "[1]" in answer.answer and "430" in answer.answer
    assert_well_formed(bot, answer)


def test_an_answer_with_nothing_supported_falls_back_to_the_extractive_answer(bot):
    with ScriptedLLM(lambda messages: "Cambodia has 17 million people [1]. It is sunny [9].") as llm:
        answer = with_llm(bot, llm.url).ask("How many requests were lodged countrywide?")
    assert answer.answer == bot.ask("How many requests were lodged countrywide?").answer


def test_a_failing_llm_gives_the_extractive_answer_with_a_warning(bot, caplog):
    caplog.set_level(logging.WARNING)
    with ScriptedLLM(hallucinating, status=500) as llm:
        answer = with_llm(bot, llm.url).ask("How many requests were lodged countrywide?")
    assert answer.answer == bot.ask("How many requests were lodged countrywide?").answer
    assert any("LLM failed" in r.getMessage() for r in caplog.records)


def test_an_unreachable_llm_gives_the_extractive_answer_with_a_warning(bot, caplog):
    caplog.set_level(logging.WARNING)
    closed = f"http://127.0.0.1:{free_port()}/v1"
    history = [{"role": "user", "content": "Where did Sar Kheng speak on July 23, 2022?"},
               {"role": "assistant", "content": "In Kandal province."}]
    answer = with_llm(bot, closed).ask("Which province is that in?", history)
    assert "Kandal" in answer.answer
    assert any("LLM" in r.getMessage() for r in caplog.records)


def test_follow_ups_are_condensed_by_the_llm(bot):
    def model(messages):
        prompt = messages[-1]["content"]
        if "Rewritten question" in prompt:
            return "How many of the people in the requests lodged between August and October 2022 were Vietnamese?"
        passages = offered_passages(messages)
        n = next(n for n, t in passages.items() if "398" in t)
        return f"The requests involved 398 Vietnamese [{n}]."

    history = [{"role": "user", "content": "How many requests were lodged between August and October 2022?"},
               {"role": "assistant", "content": "496 requests were lodged [1]."}]
    with ScriptedLLM(model) as llm:
        answer = with_llm(bot, llm.url).ask("And of them, how many were Vietnamese?", history)
        condense_prompt = llm.requests[0]["messages"][-1]["content"]
    assert "496 requests were lodged" in condense_prompt and "[1]" not in condense_prompt
    assert answer.answer.startswith("The requests involved 398 Vietnamese.")
    assert_well_formed(bot, answer)


def test_a_gguf_path_without_the_extra_or_the_file_is_a_clear_error(bot, tmp_path):
    import importlib.util

    from assistant.answering.llm import llm_from_settings
    from assistant.errors import LLMError

    missing = bot.settings.replace(llm_gguf_path=tmp_path / "model.gguf")
    if importlib.util.find_spec("xllamacpp") is None:
        with pytest.raises(LLMError, match="gguf"):
            llm_from_settings(missing)
    else:
        with pytest.raises(LLMError, match="GGUF model not found: .*model.gguf"):
            llm_from_settings(missing)


def test_not_in_articles_from_an_endpoint_is_a_decline(bot):
    with ScriptedLLM(lambda messages: "NOT IN ARTICLES") as llm:
        answer = with_llm(bot, llm.url, llm_mode="llm").ask("How many requests were lodged countrywide?")
    assert answer.declined and answer.answer.startswith("The articles don't say")
    assert_well_formed(bot, answer)
