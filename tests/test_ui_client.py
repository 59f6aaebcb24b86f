"""The chat page's Gradio API driven by the official `gradio_client`, against the real app on loopback.

The server runs in this process (uvicorn in a thread) so that one engine fault can be injected: a
question containing a trigger word makes the wrapped, otherwise real, Assistant fail mid-stream.
"""

from __future__ import annotations

import threading
import time

import pytest

from assistant.errors import StoreError
from tests.conftest import free_port

LODGED = "How many requests were lodged between August and October 2022?"
VIETNAMESE = "And how many of them were Vietnamese?"
OFF_CORPUS = "What tier did Thailand get in 2022?"


class FaultyAssistant:
    """The real Assistant, except that questions naming a fault fail the way a broken engine would."""

    def __init__(self, bot):
        self._bot = bot

    def __getattr__(self, name):
        return getattr(self._bot, name)

    def stream(self, question, history=None):
        if "CRASH" in question:
            yield "Partial answer "
            raise RuntimeError("index 7 out of range in /secret/path/engine.py")
        if "STOREGONE" in question:
            raise StoreError("cannot reach Chroma server at http://127.0.0.1:9: connection refused")
        yield from self._bot.stream(question, history)


@pytest.fixture(scope="module")
def url(bot, sample_settings):
    import uvicorn

    from assistant.server.app import create_app

    port = free_port()
    app = create_app(sample_settings.replace(port=port), bot=FaultyAssistant(bot))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=15)


def client(url):
    from gradio_client import Client

    return Client(url, verbose=False)


def text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def ask(c, question: str):
    """Send a question through the /ask endpoint; return (chat messages, sources panel html, updates seen)."""
    job = c.submit(question, api_name="/ask")
    chat, sources, _ = job.result(timeout=60)
    return chat, sources, job.outputs()


def test_ask_streams_a_cited_answer_with_its_sources(url):
    c = client(url)
    chat, sources, updates = ask(c, LODGED)
    assert len(updates) >= 2, "the question should show before the answer arrives"
    assert [m["role"] for m in chat] == ["user", "assistant"]
    answer = text(chat[1])
    assert "496" in answer and "byline-answer" in answer
    assert 'class="byline-cite" href="#byline-src-1-1"' in answer
    assert 'id="byline-src-1-1"' in sources
    assert "Cambodia Defends Efforts to Stamp Out Human Trafficking" in sources
    assert "<mark>Between August 18 and October 19, 2022, 496 requests" in sources


def test_follow_up_uses_the_previous_turn_and_new_conversation_forgets_it(url):
    c = client(url)
    ask(c, LODGED)
    chat, sources, _ = ask(c, VIETNAMESE)
    assert len(chat) == 4
    assert "398" in text(chat[3])
    assert 'id="byline-turn-2"' in sources

    chat, sources, _ = c.predict(api_name="/new_conversation")
    assert chat == [] and 'class="byline-source"' not in sources
    chat, _, _ = ask(c, OFF_CORPUS)
    assert len(chat) == 2


def test_two_sessions_do_not_share_history(url):
    first, second = client(url), client(url)
    ask(first, LODGED)
    ask(first, VIETNAMESE)
    chat, _, _ = ask(second, OFF_CORPUS)
    assert [text(m) for m in chat if m["role"] == "user"] == [
        '<div class="byline-question"><p>What tier did Thailand get in 2022?</p></div>'
    ]


def test_off_corpus_question_is_declined(url):
    chat, sources, _ = ask(client(url), OFF_CORPUS)
    reply = text(chat[-1])
    assert 'class="byline-decline' in reply
    assert "The articles don&#39;t say" in reply
    if 'class="byline-source"' in sources:
        assert "Closest passages considered" in sources


def test_hostile_question_comes_back_escaped(url):
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> ${x} {{y}}'
    chat, sources, _ = ask(client(url), hostile)
    shown = text(chat[0]) + sources
    assert "<img" not in shown and "<script" not in shown
    assert "&#60;script&#62;alert(2)&#60;/script&#62;" in text(chat[0])
    assert "${" not in shown and "{{" not in shown


@pytest.mark.parametrize("question, expected", [
    ("CRASH please", "Something went wrong inside Byline while answering (RuntimeError)"),
    ("STOREGONE please", "Cannot reach Chroma server at http://127.0.0.1:9: connection refused"),
    ("   ", "Question is blank"),
])
def test_engine_errors_become_readable_chat_messages(url, question, expected):
    c = client(url)
    chat, _, _ = ask(c, question)
    reply = text(chat[-1])
    assert "byline-error" in reply and expected in reply
    assert "Traceback" not in reply and "/secret/path" not in reply and "Partial answer" not in reply
    chat, _, _ = ask(c, LODGED)
    assert "496" in text(chat[-1]), "the session keeps working after the error"
    assert "byline-error" in text(chat[1]), "the failed turn stays visible"


def test_articles_endpoints_list_and_show_cleaned_text(url):
    c = client(url)
    table, _ = c.predict(api_name="/articles")
    assert table.count('class="byline-article-row"') == 5
    assert "Kiripost" in table and "2022-10" in table
    article = c.predict("002_7f55eb3e11389810.txt", api_name="/article")
    assert "<h3>Cambodia Defends Efforts to Stamp Out Human Trafficking</h3>" in article
    assert "496 requests were lodged countrywide" in article
    assert "5 chunks" in article
