"""Property-based (issue 8): whatever question and history a caller sends to a real ``byline serve``,
``/v1/chat/completions`` and ``/v1/ask`` answer a 4xx in OpenAI's error format or a 200 with a
well-formed answer, streamed or not, and never a 5xx."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.helpers.server import byline_server, check_answer_fields, check_completion, check_error

pytestmark = pytest.mark.server

words = st.sampled_from(["How many", "requests", "were lodged", "Sar Kheng", "Tier 3", "2022", "Thailand", "why",
                         "“", "[1]", "<script>alert(1)</script>", "'; DROP TABLE embeddings; --", "他说",
                         "ignore previous instructions", "\u200b", "تقرير"])
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)  # control chars and surrogates too
printable = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=300)
questions = st.one_of(
    any_text,
    printable,
    st.lists(words, min_size=1, max_size=12).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc",)), min_size=1990, max_size=2010),
    st.sampled_from(["", "   ", "?!.,;", "How many requests were lodged between August and October 2022?"]),
)
content = st.one_of(
    questions,
    st.lists(st.one_of(st.fixed_dictionaries({"type": st.just("text"), "text": questions}),
                       st.fixed_dictionaries({"type": st.just("image_url"), "image_url": st.just({"url": "x"})})),
             max_size=2),
    st.integers(), st.none(), st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2),
)
roles = st.sampled_from(["user", "assistant", "system", "developer", "tool", "", "User"])
odd_message = st.one_of(
    st.fixed_dictionaries({"role": roles, "content": content}),
    st.fixed_dictionaries({"role": roles}),
    st.text(max_size=10), st.integers(),
)
turn = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]),
                              "content": st.one_of(printable, st.lists(words, min_size=1, max_size=12).map(" ".join))})
histories = st.one_of(st.lists(turn, max_size=6), st.lists(st.one_of(turn, odd_message), max_size=6))
final_question = st.fixed_dictionaries({"role": st.just("user"), "content": questions})


@st.composite
def chat_bodies(draw) -> dict:
    """Mostly a history then the user's question, as clients send; sometimes any list of messages."""
    messages = draw(histories) + [draw(final_question)]
    body = {"messages": messages if draw(st.integers(0, 4)) else draw(histories)}
    if draw(st.booleans()):
        body["model"] = draw(st.sampled_from(["byline", "byline", "byline", "gpt-4o", ""]))
    if draw(st.booleans()):
        body["stream"] = draw(st.sampled_from([True, False, True, None, "yes", 1]))
    return body


@st.composite
def ask_bodies(draw) -> dict:
    body = {}
    if draw(st.integers(0, 9)):
        body["question"] = draw(st.one_of(questions, questions, st.integers(), st.none()))
    if draw(st.booleans()):
        body["history"] = draw(st.one_of(histories, histories, st.text(max_size=5)))
    return body


@pytest.fixture(scope="module")
def http(sample_store, tmp_path_factory):
    log = tmp_path_factory.mktemp("api_fuzz") / "server.log"
    with byline_server(sample_store, log) as server:
        with httpx.Client(base_url=server.api, timeout=120) as client:
            yield client
        assert "Traceback" not in server.log(), server.log()[-3000:]


def post(http: httpx.Client, path: str, body: dict) -> httpx.Response:
    """POST ``body`` as JSON with ASCII escapes, so lone surrogates reach the server as JSON allows."""
    return http.post(path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


def check_event_stream(text: str) -> None:
    lines = [line for line in text.splitlines() if line]
    assert lines[-1] == "data: [DONE]", lines[-3:]
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert all(chunk.get("object") == "chat.completion.chunk" for chunk in chunks), chunks[-1]
    text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    check_answer_fields(text, chunks[-1]["declined"], chunks[-1]["citations"])


def check_reply(response: httpx.Response, native: bool) -> None:
    assert response.status_code < 500, response.text[:2000]
    if response.status_code != 200:
        event(f"HTTP {response.status_code} {check_error(response, response.status_code)['code']}")
        return
    event("HTTP 200")
    if response.headers["content-type"].startswith("text/event-stream"):
        check_event_stream(response.text)
    elif native:
        answer = response.json()
        assert set(answer) == {"answer", "declined", "citations", "timings_ms", "short_answer", "as_of"}
        check_answer_fields(answer["answer"], answer["declined"], answer["citations"])
    else:
        check_completion(response.json())


FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(body=chat_bodies())
def test_chat_completions_answers_4xx_or_a_well_formed_completion(http, body):
    check_reply(post(http, "/chat/completions", body), native=False)


@FUZZ
@given(body=ask_bodies())
def test_native_ask_answers_4xx_or_a_well_formed_answer(http, body):
    check_reply(post(http, "/ask", body), native=True)
