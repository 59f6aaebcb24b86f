"""The OpenAI-compatible API as another bot uses it: the official ``openai`` client against a real
``byline serve`` on a loopback port."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from openai import OpenAI

from tests.helpers.server import MARKER, byline_server, check_answer_fields, check_completion

pytestmark = pytest.mark.server

LODGED = "How many requests were lodged between August and October 2022?"
VIETNAMESE = "And how many of them were Vietnamese?"
OFF_CORPUS = "What tier did Thailand get in 2022?"
GOLD_SOURCE = "002_7f55eb3e11389810.txt"


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    with byline_server(sample_store, tmp_path_factory.mktemp("api") / "server.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server) -> OpenAI:
    return OpenAI(base_url=server.api, api_key="unused", max_retries=0, timeout=120)


def extras(obj) -> dict:
    """Byline's fields beyond OpenAI's schema, as the openai client keeps them."""
    return obj.model_extra or {}


def ask(client: OpenAI, messages: list[dict]):
    return client.chat.completions.create(model="byline", messages=messages)


def test_models_lists_one_model_per_store(client):
    models = client.models.list()
    assert [m.id for m in models.data] == ["byline"]
    assert client.models.retrieve("byline").id == "byline"


def test_answer_carries_citations_matching_its_markers(client, bot):
    completion = ask(client, [{"role": "user", "content": LODGED}])
    text = completion.choices[0].message.content
    extra = extras(completion)
    check_completion(completion.model_dump())
    assert extra["declined"] is False
    assert "496" in text
    assert GOLD_SOURCE in {c["source"] for c in extra["citations"]}
    for citation in extra["citations"]:
        article = bot.article(citation["source"])
        assert article.text[citation["start"]:citation["end"]] == citation["passage"]


def test_streamed_answer_equals_the_plain_one_and_ends_with_citations(client):
    plain = ask(client, [{"role": "user", "content": LODGED}])
    chunks = list(client.chat.completions.create(
        model="byline", messages=[{"role": "user", "content": LODGED}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert " ".join(text.split()) == " ".join(plain.choices[0].message.content.split())
    assert len(chunks) > 2, "the answer should arrive in pieces"
    assert [c.choices[0].finish_reason for c in chunks[-1:]] == ["stop"]
    assert all("citations" not in extras(c) for c in chunks[:-1])
    last = extras(chunks[-1])
    assert last["citations"] == extras(plain)["citations"]
    assert last["declined"] is False
    assert set(MARKER.findall(text)) == {str(c["n"]) for c in last["citations"]}


def test_stream_is_server_sent_events_ending_with_done(server):
    body = {"model": "byline", "stream": True, "messages": [{"role": "user", "content": LODGED}]}
    with httpx.stream("POST", f"{server.api}/chat/completions", json=body, timeout=120) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in events)
    assert events[-1] == "data: [DONE]"
    last = json.loads(events[-2].removeprefix("data: "))
    assert last["object"] == "chat.completion.chunk"
    check_answer_fields("".join(json.loads(e[6:])["choices"][0]["delta"].get("content") or ""
                                for e in events[:-1]), last["declined"], last["citations"])


def test_follow_up_is_resolved_from_the_messages(client):
    first = ask(client, [{"role": "user", "content": LODGED}])
    follow_up = ask(client, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": LODGED},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": VIETNAMESE},
    ])
    assert extras(follow_up)["declined"] is False
    assert "398" in follow_up.choices[0].message.content
    check_completion(follow_up.model_dump())


def test_off_corpus_question_is_declined(client):
    completion = ask(client, [{"role": "user", "content": OFF_CORPUS}])
    assert extras(completion)["declined"] is True
    assert completion.choices[0].message.content.startswith("The articles don't say")
    check_completion(completion.model_dump())


def test_content_given_as_text_parts_is_read(client):
    completion = ask(client, [{"role": "user", "content": [{"type": "text", "text": LODGED}]}])
    assert "496" in completion.choices[0].message.content


def test_native_ask_returns_the_contract_answer(server):
    response = httpx.post(f"{server.api}/ask", json={"question": LODGED}, timeout=120)
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"answer", "declined", "citations", "timings_ms", "short_answer", "as_of"}
    check_answer_fields(answer["answer"], answer["declined"], answer["citations"])
    assert "496" in answer["answer"]

    follow_up = httpx.post(f"{server.api}/ask", timeout=120, json={
        "question": VIETNAMESE,
        "history": [{"role": "user", "content": LODGED}, {"role": "assistant", "content": answer["answer"]}],
    }).json()
    assert "398" in follow_up["answer"]


def test_health_reports_the_served_store(server):
    response = httpx.get(f"{server.url}/health", timeout=30)
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok" and health["models"] == ["byline"]
    assert health["articles"] == 5 and health["problem"] is None


def test_chat_page_is_still_served_next_to_the_api(server):
    page = httpx.get(server.url + "/", timeout=30)
    assert page.status_code == 200 and re.search(r"<html", page.text, re.I)


def test_server_log_holds_no_library_debug_chatter(client, server):
    ask(client, [{"role": "user", "content": "Who is Keo Vanthan?"}])
    assert " DEBUG" not in server.log()


def test_chat_completions_take_as_of_beside_messages_and_carry_the_short_answer(client):
    completion = client.chat.completions.create(
        model="byline", messages=[{"role": "user", "content": LODGED}], extra_body={"as_of": "2022-11-01"})
    extra = extras(completion)
    assert extra["as_of"] == "2022-11-01"
    assert extra["short_answer"]["text"] == "496"
    cited = extra["citations"][extra["short_answer"]["n"] - 1]
    assert cited["passage"][extra["short_answer"]["start"] - cited["start"]:][:3] == "496"


def test_as_of_before_every_article_leaves_nothing_to_answer_from(server):
    response = httpx.post(f"{server.api}/ask", json={"question": LODGED, "as_of": "2020-01-01"}, timeout=120)
    assert response.status_code == 200
    assert response.json()["declined"] is True


@pytest.mark.parametrize("as_of", ["2022-13-01", "01/11/2022", "soon"])
def test_a_malformed_as_of_is_a_400_on_both_routes(client, server, as_of):
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="byline", messages=[{"role": "user", "content": LODGED}],
                                       extra_body={"as_of": as_of})
    assert "as_of" in str(caught.value)
    response = httpx.post(f"{server.api}/ask", json={"question": LODGED, "as_of": as_of}, timeout=120)
    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["message"]


def test_usage_counts_the_question_and_the_answer_in_tokens(client):
    from assistant.tokens import count_tokens

    completion = ask(client, [{"role": "user", "content": LODGED}])
    usage = completion.usage
    assert usage.prompt_tokens == count_tokens(LODGED)
    assert usage.completion_tokens == count_tokens(completion.choices[0].message.content) > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_a_stream_ends_with_usage_when_asked_and_only_then(client):
    messages = [{"role": "user", "content": LODGED}]
    chunks = list(client.chat.completions.create(model="byline", messages=messages, stream=True,
                                                 stream_options={"include_usage": True}))
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].usage.completion_tokens == ask(client, messages).usage.completion_tokens
    assert text
    plain = list(client.chat.completions.create(model="byline", messages=messages, stream=True))
    assert all(c.usage is None for c in plain)


def test_filters_ride_beside_messages_and_in_ask(client, server):
    vod_only = {"publication": "VOD"}
    completion = client.chat.completions.create(
        model="byline", messages=[{"role": "user", "content": LODGED}], extra_body={"filters": vod_only})
    assert {c["publication"] for c in extras(completion)["citations"]} <= {"VOD"}
    response = httpx.post(f"{server.api}/ask", json={"question": LODGED, "filters": vod_only}, timeout=120)
    assert response.status_code == 200
    assert {c["publication"] for c in response.json()["citations"]} <= {"VOD"}
    unfiltered = ask(client, [{"role": "user", "content": LODGED}])
    assert GOLD_SOURCE in {c["source"] for c in extras(unfiltered)["citations"]}


@pytest.mark.parametrize("filters, field", [({"published_from": "2022-13"}, "published_from"),
                                            ({"colour": "red"}, "colour")])
def test_a_bad_filter_is_a_400_naming_the_field(server, filters, field):
    response = httpx.post(f"{server.api}/ask", json={"question": LODGED, "filters": filters}, timeout=120)
    assert response.status_code == 400
    assert field in response.json()["error"]["message"]


def test_articles_are_listed_and_each_gives_the_text_offsets_refer_to(client, server, bot):
    listed = httpx.get(f"{server.api}/articles", timeout=30).json()
    assert listed["object"] == "list"
    assert [a["source"] for a in listed["data"]] == [a.source for a in bot.articles()]
    assert all(a["chunks"] > 0 and "text" not in a for a in listed["data"])
    completion = ask(client, [{"role": "user", "content": LODGED}])
    cited = extras(completion)["citations"][0]
    article = httpx.get(f"{server.api}/articles/{cited['source']}", timeout=30).json()
    assert article["text"][cited["start"]:cited["end"]] == cited["passage"]
    missing = httpx.get(f"{server.api}/articles/nope.txt", timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "article_not_found"


def test_markers_come_as_openai_url_citations_that_open_the_article(client, server):
    completion = ask(client, [{"role": "user", "content": LODGED}])
    message = completion.choices[0].message
    citations = extras(completion)["citations"]
    assert message.annotations and len(message.annotations) == len(MARKER.findall(message.content))
    for note in message.annotations:
        cited = note.url_citation
        n = int(message.content[cited.start_index:cited.end_index].strip("[]"))
        c = citations[n - 1]
        assert note.type == "url_citation" and cited.title == c["title"]
        assert cited.url.startswith(server.url + "/?article=") and f"start={c['start']}" in cited.url
    page = httpx.get(message.annotations[0].url_citation.url, timeout=30)
    assert page.status_code == 200
    last = list(client.chat.completions.create(model="byline", messages=[{"role": "user", "content": LODGED}],
                                               stream=True))[-1]
    assert last.choices[0].delta.model_extra["annotations"][0]["type"] == "url_citation"
