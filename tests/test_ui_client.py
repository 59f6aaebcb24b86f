"""The chat page's Gradio API driven by the official `gradio_client`, against the real app on loopback.

The server runs in this process (uvicorn in a thread) so that the engine can be rigged: a question
containing a trigger word makes the wrapped, otherwise real, Assistant fail, or stream word by word
the way the LLM path does.
"""

from __future__ import annotations

import html
import re
import threading
import time

import pytest

from assistant.errors import StoreError
from assistant.reply import Reply
from tests.conftest import free_port

pytestmark = pytest.mark.server

LODGED = "How many requests were lodged between August and October 2022?"
VIETNAMESE = "And how many of them were Vietnamese?"
OFF_CORPUS = "What tier did Thailand get in 2022?"


class RiggedAssistant:
    """The real Assistant, except for questions with a trigger word (see the module docstring)."""

    def __init__(self, bot):
        self._bot = bot

    def __getattr__(self, name):
        return getattr(self._bot, name)

    def reply(self, question, history=None, filters=None, as_of=None):
        return Reply(self._rigged(question, history, filters, as_of))

    def _rigged(self, question, history, filters, as_of):
        if "CRASH" in question:
            yield "Partial answer "
            raise RuntimeError("index 7 out of range in /secret/path/engine.py")
        if "STOREGONE" in question:
            raise StoreError("cannot reach Chroma server at http://127.0.0.1:9: connection refused")
        if question.startswith("WORDS "):
            *_, answer = self._bot.stream(question.removeprefix("WORDS "), history, filters, as_of)
            for word in answer.answer.split(" "):
                yield word + " "
            yield answer
            return
        yield from self._bot.stream(question, history, filters, as_of)


@pytest.fixture(scope="module")
def url(bot, sample_settings):
    import uvicorn

    from assistant.server.app import create_app

    port = free_port()
    app = create_app(sample_settings.replace(port=port), bot=RiggedAssistant(bot))
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
    chat, sources, *_ = job.result(timeout=60)
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


def test_pieces_show_while_the_answer_streams(url):
    chat, _, updates = ask(client(url), "WORDS " + LODGED)
    partial = [text(u[0][-1]) for u in updates if u[0] and "byline-streaming" in text(u[0][-1])]
    assert len(partial) >= 3
    assert len(set(partial)) == len(partial), "each update shows more of the answer"
    assert "496" in text(chat[-1]) and "byline-done" in text(chat[-1])


def test_follow_up_uses_the_previous_turn_and_new_conversation_forgets_it(url):
    c = client(url)
    ask(c, LODGED)
    chat, sources, _ = ask(c, VIETNAMESE)
    assert len(chat) == 4
    assert "398" in text(chat[3])
    assert 'id="byline-turn-2"' in sources

    chat, sources, *_ = c.predict(api_name="/new_conversation")
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


def test_cited_passage_is_highlighted_inside_its_paragraph(url, bot):
    _, sources, _ = ask(client(url), LODGED)
    article = bot.article("002_7f55eb3e11389810.txt").text
    quotes = re.findall(r'<blockquote class="byline-context">(.*?)</blockquote>', sources, re.S)
    assert quotes
    for quote in quotes:
        before, passage, after = re.fullmatch(r"(.*)<mark>(.*)</mark>(.*)", quote, re.S).groups()
        before, passage, after = (html.unescape(part) for part in (before, passage, after))
        start = article.index(before + passage + after)
        assert start == 0 or article[start - 1] == "\n", "the context starts at the paragraph's start"
        end = start + len(before + passage + after)
        assert end == len(article) or article[end] == "\n", "the context runs to the paragraph's end"


def test_hostile_article_text_is_escaped_in_sources_and_article_view():
    from assistant.server import ui_render
    from assistant.types import Article

    text = 'Intro.\nSee <script>alert(1)</script> and <img src=x onerror=alert(2)> {{x}} ${y} [2] here.\nEnd.'
    start = text.index("<script>")
    article = Article("evil <b>.txt", text, title="<i>Title</i>", publication="<b>Pub</b>", chunks=1)
    citation = {"n": 1, "source": article.source, "passage": text[start:start + 30], "start": start,
                "end": start + 30, "title": article.title, "publication": article.publication, "published": None}
    turn = {"question": "q", "answer": {"answer": "Claim [1] [2].", "declined": False, "citations": [citation]}}
    pages = [ui_render.sources_html([turn], lambda source: article, 400), ui_render.article_html(article),
             ui_render.articles_table_html([article]), ui_render.answer_html(1, turn["answer"])]
    for page in pages:
        assert not re.search(r"<(script|img|i|b)[\s>]", page), page
        assert "{{" not in page and "${" not in page
    assert "&#60;script&#62;alert(1)" in pages[0] and "<mark>" in pages[0]
    assert pages[3].count('class="byline-cite"') == 1, "only markers with a citation become links"
