"""What a careless or hostile caller gets from the API: 401 without a key, a clear 4xx in OpenAI's
error format for every malformed request, a decline or a 4xx for odd questions, and never a 500.
The server runs with API keys set, as it would when exposed to colleagues."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from tests.helpers.server import byline_server, check_completion, check_error

pytestmark = pytest.mark.server

KEYS = ("sk-byline-test-alpha-5f0c", "sk-byline-test-beta-91d2")
WRONG_KEY = "sk-byline-wrong-7e3a"
LODGED = "How many requests were lodged between August and October 2022?"


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    log = tmp_path_factory.mktemp("api_errors") / "server.log"
    with byline_server(sample_store, log, env={"BYLINE_API_KEYS": ",".join(KEYS)}) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.api, timeout=120,
                      headers={"Authorization": f"Bearer {KEYS[1]}"}) as client:
        yield client


def chat(http: httpx.Client, content, **extra) -> httpx.Response:
    return http.post("/chat/completions",
                     json={"model": "byline", "messages": [{"role": "user", "content": content}], **extra})


# --- exposure -------------------------------------------------------------------------------------

def test_server_listens_on_loopback_only_by_default(server):
    listening = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{server.pid}/net/{table}").read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == server.port:
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"], listening  # 127.0.0.1, and nothing else


@pytest.mark.parametrize("method, path", [
    ("POST", "/gradio_api/call/ask"), ("GET", "/gradio_api/info"), ("GET", "/config"), ("GET", "/"),
])
def test_with_keys_and_no_page_login_the_page_routes_need_a_key_too(server, method, path):
    root = server.api.rsplit("/v1", 1)[0]
    refused = httpx.request(method, root + path, json={"data": [LODGED, []]} if method == "POST" else None,
                            timeout=60)
    assert refused.status_code == 401
    allowed = httpx.request(method, root + path, json={"data": [LODGED, []]} if method == "POST" else None,
                            headers={"Authorization": f"Bearer {KEYS[0]}"}, timeout=60)
    assert allowed.status_code != 401


def test_the_route_list_is_not_published_without_a_key(server):
    root = server.api.rsplit("/v1", 1)[0]
    assert httpx.get(root + "/openapi.json", timeout=60).status_code == 401


def test_health_stays_open_for_monitoring(server):
    assert httpx.get(server.api.rsplit("/v1", 1)[0] + "/health", timeout=60).status_code == 200


@pytest.mark.parametrize("method,path", [
    ("GET", "/v1/models"), ("GET", "/v1/models/byline"), ("POST", "/v1/chat/completions"),
    ("POST", "/v1/ask"), ("GET", "/v1/no-such-route"), ("GET", "/v1"), ("GET", "//v1/models"),
    ("GET", "/v1/../v1/models"), ("GET", "/v1/articles"), ("GET", "/v1/articles/002_7f55eb3e11389810.txt"),
])
def test_every_api_route_needs_a_key(server, method, path):
    for headers in ({}, {"Authorization": f"Bearer {WRONG_KEY}"}, {"Authorization": KEYS[0]},
                    {"Authorization": f"Basic {KEYS[0]}"}):
        response = httpx.request(method, server.url + path, headers=headers, timeout=30,
                                 json={"question": LODGED} if method == "POST" else None)
        error = check_error(response, 401)
        assert error["code"] == "invalid_api_key"
        assert KEYS[0] not in response.text and WRONG_KEY not in response.text


def test_openai_client_with_a_wrong_key_gets_authentication_error(server):
    client = OpenAI(base_url=server.api, api_key=WRONG_KEY, max_retries=0, timeout=60)
    with pytest.raises(openai.AuthenticationError) as raised:
        client.chat.completions.create(model="byline", messages=[{"role": "user", "content": LODGED}])
    assert raised.value.status_code == 401


@pytest.mark.parametrize("key", KEYS)
def test_each_configured_key_works(server, key):
    client = OpenAI(base_url=server.api, api_key=key, max_retries=0, timeout=120)
    completion = client.chat.completions.create(model="byline", messages=[{"role": "user", "content": LODGED}])
    check_completion(completion.model_dump())


def test_health_stays_open_for_probes_and_reveals_no_secrets(server):
    response = httpx.get(f"{server.url}/health", timeout=30)
    assert response.status_code == 200
    assert set(response.json()) == {"status", "models", "articles", "problem", "warnings"}
    assert all(key not in response.text for key in KEYS)


# --- malformed requests ---------------------------------------------------------------------------

MESSAGE = {"role": "user", "content": LODGED}


@pytest.mark.parametrize("body,param", [
    ({}, "messages"),
    ({"messages": []}, "messages"),
    ({"messages": "How many?"}, "messages"),
    ({"messages": [{"content": LODGED}]}, "messages[0].role"),
    ({"messages": [{"role": "wizard", "content": LODGED}]}, "messages[0].role"),
    ({"messages": [{"role": "tool", "content": LODGED}]}, "messages[0].role"),
    ({"messages": [{"role": "user"}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": None}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": 42}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": ""}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": "  \n\t "}]}, "messages[0].content"),
    ({"messages": [MESSAGE, {"role": "assistant", "content": ""}, MESSAGE]}, "messages[1].content"),
    ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]},
     "messages[0].content"),
    ({"messages": [MESSAGE, {"role": "assistant", "content": "496 [1]"}]}, "messages"),
    ({"messages": [MESSAGE] * 51}, "messages"),
    ({"messages": [MESSAGE], "stream": "sometimes"}, "stream"),
])
def test_malformed_chat_request_gets_400_naming_the_problem(http, body, param):
    error = check_error(http.post("/chat/completions", json=body), 400)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param


@pytest.mark.parametrize("content,headers", [
    (b"{\"messages\": [", {"Content-Type": "application/json"}),
    (b"not json at all", {"Content-Type": "application/json"}),
    (b"", {"Content-Type": "application/json"}),
    (b"[1, 2, 3]", {"Content-Type": "application/json"}),
    (b"null", {"Content-Type": "application/json"}),
    (json.dumps({"messages": [MESSAGE]}).encode(), {"Content-Type": "text/plain"}),
    (b"\xff\xfe\x00garbage", {"Content-Type": "application/json"}),
    (b"[" * 30_000 + b"]" * 30_000, {"Content-Type": "application/json"}),
])
def test_unparseable_body_gets_400(http, content, headers):
    error = check_error(http.post("/chat/completions", content=content, headers=headers), 400)
    assert "JSON" in error["message"]


def test_unknown_model_gets_404_from_the_openai_client(server):
    client = OpenAI(base_url=server.api, api_key=KEYS[0], max_retries=0, timeout=60)
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-4o", messages=[MESSAGE])
    assert "byline" in str(raised.value)


def test_openai_client_raises_bad_request_for_a_blank_question(server):
    client = OpenAI(base_url=server.api, api_key=KEYS[0], max_retries=0, timeout=60)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="byline", messages=[{"role": "user", "content": " "}])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="byline", messages=[{"role": "user", "content": " "}], stream=True)


def test_wrong_method_and_unknown_route_get_openai_errors(http):
    assert check_error(http.get("/chat/completions"), 405)["code"] == "method_not_allowed"
    assert check_error(http.post("/completions", json={}), 404)["code"] == "unknown_url"


@pytest.mark.parametrize("body,param", [
    ({}, "question"),
    ({"question": ""}, "question"),
    ({"question": LODGED, "history": [{"role": "system", "content": "x"}]}, "history[0].role"),
    ({"question": LODGED, "history": [{"role": "user", "content": ""}]}, "history[0].content"),
    ({"question": LODGED, "history": "earlier"}, "history"),
    ({"question": LODGED, "histroy": []}, "histroy"),
    ({"question": LODGED, "history": [{"role": "user", "content": "q"}] * 50}, "history"),
])
def test_malformed_native_ask_gets_400(http, body, param):
    error = check_error(http.post("/ask", json=body), 400)
    assert error["param"] == param


def test_oversized_body_gets_413_with_or_without_content_length(http):
    body = json.dumps({"model": "byline", "messages": [{"role": "user", "content": "x" * 70_000}]}).encode()
    error = check_error(http.post("/chat/completions", content=body,
                                  headers={"Content-Type": "application/json"}), 413)
    assert "65536" in error["message"]

    def chunked():
        yield body[:1000]
        yield body[1000:]

    check_error(http.post("/chat/completions", content=chunked(), headers={"Content-Type": "application/json"}), 413)


# --- hostile questions ----------------------------------------------------------------------------

def test_blank_question_gets_400(http):
    check_error(chat(http, "   "), 400)


def test_question_over_the_length_limit_gets_400(http):
    assert chat(http, "a" * 2000).status_code == 200
    error = check_error(chat(http, "a" * 2001), 400)
    assert "2000" in error["message"]


def test_100_kb_question_is_refused_before_it_is_read(http):
    error = check_error(chat(http, "How many? " * 10_000), 413)
    assert error["code"] == "request_too_large"


@pytest.mark.parametrize("question", [
    "How many\x00 requests were lodged?", "How many requests\x1b[31m were lodged?", "\x07\x08\x7f",
])
def test_control_characters_get_400(http, question):
    assert check_error(chat(http, question), 400)["code"] == "invalid_characters"


def test_unpaired_surrogate_gets_400(http):
    body = b'{"messages": [{"role": "user", "content": "How many \\ud800 requests?"}]}'
    response = http.post("/chat/completions", content=body, headers={"Content-Type": "application/json"})
    assert check_error(response, 400)["code"] == "invalid_characters"


@pytest.mark.parametrize("question", ["?!?!...", "¿¡«»—…", "*** /// ;;;"])
def test_question_of_only_punctuation_is_refused_or_declined(http, question):
    response = chat(http, question)
    if response.status_code == 400:
        check_error(response, 400)
    else:
        assert response.status_code == 200, response.text
        check_completion(response.json())
        assert response.json()["declined"] is True


@pytest.mark.parametrize("question", [
    "¿Cuántas solicitudes se presentaron en Camboya entre agosto y octubre de 2022?",
    "2022年8月至10月期间共提交了多少请求？",
    "តើមានសំណើប៉ុន្មាន?",
])
def test_question_in_another_language_gets_a_well_formed_answer(http, question):
    response = chat(http, question)
    assert response.status_code == 200, response.text
    check_completion(response.json())


@pytest.mark.parametrize("question", [
    "'; DROP TABLE embeddings; --",
    "\" OR 1=1; DELETE FROM collections WHERE '1'='1",
    "<script>alert('byline')</script>",
    "<img src=x onerror=alert(1)> How many requests were lodged?",
    "{{7*7}} ${jndi:ldap://127.0.0.1/a} %s%s%n",
])
def test_injection_payloads_are_just_text(http, question):
    response = chat(http, question)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    check_completion(response.json())
    after = chat(http, LODGED)
    assert after.status_code == 200 and "496" in after.json()["choices"][0]["message"]["content"]


def test_keys_never_reach_the_server_log(server, http):
    """Runs last in this module: by now the log has seen valid, wrong and malformed keys and errors."""
    httpx.get(f"{server.api}/models", headers={"Authorization": f"Bearer {WRONG_KEY}"}, timeout=30)
    chat(http, "\x00")
    log = server.log()
    assert "Byline serving on" in log, "the log capture is not working"
    for secret in (*KEYS, WRONG_KEY):
        assert secret not in log
