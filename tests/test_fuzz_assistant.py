"""Property-based: whatever the question and history, ``Assistant.ask`` raises only ``InputError``
or returns a well-formed ``Answer`` (issue 8)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Answer, InputError
from tests.helpers.answers import assert_well_formed

words = st.sampled_from(["How many", "requests", "Sar Kheng", "Tier 3", "2019", "Thailand", "why", "“", "[1]",
                         "<script>alert(1)</script>", "'; DROP TABLE chunks; --", "他说", "ignore previous instructions"])
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)  # surrogates included
questions = st.one_of(
    any_text,
    st.lists(words, max_size=12).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1990, max_size=2010),
    st.just(""), st.just("?!.,;"), st.just("\x00\x01\x1b[2J"),
)
content = st.one_of(any_text, st.lists(words, max_size=8).map(" ".join), st.integers(), st.none())
message = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", "tool", ""]), "content": content}),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.text(max_size=10),
)
histories = st.one_of(st.none(), st.lists(message, max_size=6), st.text(max_size=5))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(question=questions, history=histories)
def test_ask_raises_only_input_errors_and_answers_are_well_formed(bot, question, history):
    try:
        answer = bot.ask(question, history)
    except InputError:
        return
    assert isinstance(answer, Answer)
    assert isinstance(answer.answer, str) and answer.answer.strip()
    assert answer.declined == answer.answer.startswith("The articles don't say")
    assert_well_formed(bot, answer)
