"""The Gradio chat page: streamed, cited answers with a sources panel, and a tab listing the articles.

A conversation lives in a ``gr.State`` (one per browser tab) as a list of turns
``{"question": str, "answer": Answer-dict | None, "error": str | None}``; the chat and the sources
panel are re-rendered from it, so what the page shows and what the engine is given as history agree.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

from assistant.offline import go_offline

go_offline()

import gradio as gr  # noqa: E402  (after go_offline, which switches off Gradio's analytics)

from assistant.errors import BylineError, InputError  # noqa: E402
from assistant.retrieval.filters import DATE_PREFIX, Filters  # noqa: E402
from assistant.server import ui_conversations as conversations  # noqa: E402
from assistant.server import ui_render as render  # noqa: E402
from assistant.server.ui_examples import example_questions  # noqa: E402
from assistant.server.ui_upload import SUFFIXES, UPLOAD_FILES, add_articles, uploads_enabled  # noqa: E402

STATIC = Path(__file__).with_name("ui_static")
UNEXPECTED = ("Something went wrong inside Byline while answering ({kind}). The page still works: "
              "ask again, rephrase the question, or start a new conversation.")
EXAMPLE_SOURCE_ARTICLES = 200  # enough names to pick from; reading every article of a large store would slow start-up
ARTICLE_ROW_CLICK = """
const open = (row) => row && trigger("click", {source: row.dataset.source});
element.addEventListener("click", (e) => open(e.target.closest("tr[data-source]")));
element.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.target.closest("tr[data-source]")); }
});
"""
log = logging.getLogger(__name__)
IDLE = (gr.update(interactive=True), gr.update(visible=False))  # Ask on, Stop hidden


def theme():
    """Gradio's default look with system fonts, so the page never asks for a web font."""
    return gr.themes.Default(
        primary_hue="indigo",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def mount_ui(app, bot, settings):
    """Mount the page at ``/`` of ``app``: offline theme, own CSS/JS, optional login, no Gradio footer."""
    auth = (settings.ui_user, settings.ui_password) if settings.ui_user and settings.ui_password else None
    return gr.mount_gradio_app(
        app, build_ui(bot, settings), path="/", auth=auth,
        auth_message="Byline: sign in to ask questions about the articles.",
        theme=theme(), css_paths=[STATIC / "byline.css"],
        head=f"<script>{(STATIC / 'byline.js').read_text()}</script>",
        footer_links=[], run_history=False, show_error=False,
    )


def _history(turns: list[dict], limit: int) -> list[dict]:
    history = []
    for t in turns:
        if t.get("answer"):
            history += [{"role": "user", "content": t["question"]},
                        {"role": "assistant", "content": t["answer"]["answer"]}]
    return history[-limit:] if limit > 0 else []


def _messages(turns: list[dict], pending: dict | None = None) -> list[dict]:
    messages = []
    for n, t in enumerate(turns + ([pending] if pending else []), 1):
        if t.get("error"):
            reply = render.error_html(t["error"])
        elif t.get("answer"):
            reply = render.answer_html(n, t["answer"])
        else:
            reply = render.streaming_html(t.get("partial", ""))
        messages += [{"role": "user", "content": render.question_html(t["question"])},
                     {"role": "assistant", "content": reply}]
    return messages


def _readable(exc: Exception) -> str:
    if isinstance(exc, BylineError) and str(exc):
        text = str(exc).splitlines()[0]
        return text[:1].upper() + text[1:]
    return UNEXPECTED.format(kind=type(exc).__name__)


def _asking(ask, question: str):
    """An event handler that asks one fixed question (for the example buttons)."""

    def ask_example(turns: list[dict], *narrowing: str) -> Iterator[tuple]:
        yield from ask(question, turns, *narrowing)

    return ask_example


def page_filters(publication: str, since: str, until: str) -> Filters | None:
    """The page's filter boxes as ``Filters``; a malformed date is an ``InputError`` shown in the chat."""
    values = [(v or "").strip() or None for v in (publication, since, until)]
    for label, value in (("Published from", values[1]), ("Published up to", values[2])):
        if value and not DATE_PREFIX.match(value):
            raise InputError(f"{label}: {value!r} is not a date like 2022, 2022-07 or 2022-07-15")
    return Filters(*values) if any(values) else None


def build_ui(bot, settings):
    def sources(turns: list[dict]) -> str:
        return render.sources_html(turns, _safe_article, settings.ui_context_chars)

    def _safe_article(source: str):
        try:
            return bot.article(source)
        except Exception:
            log.exception("could not read article %s for the sources panel", source)
            return None

    def ask(question: str, turns: list[dict], publication: str = "", since: str = "", until: str = "",
            as_of: str = "") -> Iterator[tuple]:
        """Stream one answer into the chat; any failure becomes a message in the chat, never an exception,
        and the question goes back into the box to be edited and sent again. While it streams, Ask is
        off and Stop is shown."""
        turns = list(turns or [])
        question = question if isinstance(question, str) else ""
        pending = {"question": question, "partial": ""}
        busy = (gr.update(interactive=False), gr.update(visible=True))
        yield _messages(turns, pending), gr.skip(), "", gr.skip(), *busy
        kept = gr.skip()
        try:
            filters = page_filters(publication, since, until)
            reply = bot.reply(question, _history(turns, settings.max_messages), filters,
                              (as_of or "").strip() or None)
            for piece in reply:
                pending["partial"] += piece
                yield _messages(turns, pending), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            turn = {"question": question, "answer": reply.answer().to_dict(), "error": None}
        except Exception as exc:  # the page must survive whatever the engine does
            if not isinstance(exc, BylineError):
                log.exception("answering failed")
            turn = {"question": question, "answer": None, "error": _readable(exc)}
            kept = question
        turns.append(turn)
        yield _messages(turns), sources(turns), kept, turns, *IDLE

    def stopped(turns: list[dict]) -> tuple:
        """Stop pressed: the unfinished answer goes, the turns so far stay."""
        return _messages(turns or []), *IDLE

    def new_conversation() -> tuple:
        return [], sources([]), "", [], *IDLE

    def start_over() -> tuple:
        return *new_conversation(), "", gr.update(value=None)

    def keep(saved_now: dict, current: str, turns_now: list[dict]) -> tuple:
        saved_now, current = conversations.remember(saved_now, current or None, turns_now)
        return saved_now, current or "", gr.update(choices=conversations.listed(saved_now), value=current)

    def shown(turns_now: list[dict]) -> tuple:
        return _messages(turns_now), sources(turns_now)

    def reopen(saved_now: dict, current: str) -> tuple:
        """The tab's open conversation, if it had one, and the list of saved ones."""
        turns_now = conversations.opened(saved_now, current)
        current = current if turns_now else ""
        return (*shown(turns_now), turns_now, current,
                gr.update(choices=conversations.listed(saved_now), value=current or None))

    def switch(saved_now: dict, chosen: str | None) -> tuple:
        turns_now = conversations.opened(saved_now, chosen)
        return *shown(turns_now), turns_now, chosen or ""

    def give_title(saved_now: dict, current: str | None, title: str) -> tuple:
        saved_now = conversations.renamed(saved_now, current, title or "")
        return saved_now, gr.update(choices=conversations.listed(saved_now), value=current), ""

    def forget(saved_now: dict, current: str) -> tuple:
        saved_now = conversations.deleted(saved_now, current)
        return saved_now, *new_conversation(), "", gr.update(choices=conversations.listed(saved_now), value=None)

    def list_articles() -> tuple:
        try:
            articles = bot.articles()
        except Exception as exc:
            log.exception("could not list articles")
            return render.error_html(_readable(exc)), gr.update(choices=[], value=None)
        choices = [(a.title or a.source, a.source) for a in articles]
        return render.articles_table_html(articles), gr.update(choices=choices)

    def show_article(source: str | None) -> str:
        if not source:
            return render.article_html(None)
        try:
            return render.article_html(bot.article(source))
        except Exception as exc:
            log.exception("could not read article %s", source)
            return render.error_html(_readable(exc))

    def open_linked(request: gr.Request) -> tuple:
        """A citation link (``/?article=SOURCE&start=S&end=E``, as the API's annotations give) opens
        that article with the cited passage highlighted."""
        params = getattr(request, "query_params", None) or {}
        source = params.get("article")
        if not source:
            return gr.skip(), gr.skip()
        try:
            cited = (int(params.get("start", "")), int(params.get("end", "")))
        except ValueError:
            cited = None
        try:
            article = bot.article(source)
        except Exception as exc:
            log.exception("could not read linked article %s", source)
            return gr.Tabs(selected="articles"), render.error_html(_readable(exc))
        if article is None:
            return gr.Tabs(selected="articles"), render.error_html(f"No article {source!r} in the store.")
        return gr.Tabs(selected="articles"), render.article_html(article, cited)

    def pick_row(event: gr.EventData) -> str:
        return getattr(event, "source", None)

    def upload(paths: list[str] | None, progress=gr.Progress()) -> tuple:
        """Ingest the chosen files with a progress bar; then the table lists them."""
        paths = [p if isinstance(p, str) else getattr(p, "name", str(p)) for p in (paths or [])]
        done: list[str] = []

        def stored(source: str) -> None:
            done.append(source)
            progress((len(done), len(paths)), desc=f"Stored {source}")

        progress((0, len(paths)), desc="Reading the files")
        try:
            message = add_articles(paths, settings, bot.embedder, stored)
        except Exception as exc:
            if not isinstance(exc, BylineError):
                log.exception("adding articles failed")
            return render.error_html(_readable(exc)), *list_articles(), None
        return f'<p class="byline-added" role="status">{render.escaped(message)}</p>', *list_articles(), None

    try:
        listed = bot.articles()[:EXAMPLE_SOURCE_ARTICLES]
        examples = example_questions(bot, [bot.article(a.source) or a for a in listed], settings.ui_examples)
    except Exception:
        log.exception("could not derive example questions")
        examples = []

    with gr.Blocks(title="Byline", analytics_enabled=False) as page:
        turns = gr.State([])
        conversation = gr.Textbox(visible=False, elem_id="byline-current")  # its id; "" for a new one
        saved = gr.BrowserState(conversations.EMPTY, storage_key="byline-conversations",
                                secret=conversations.ui_secret(settings))
        with gr.Sidebar(label="Conversations", open=False, elem_id="byline-history"):
            past = gr.Radio(choices=[], label="Past conversations (kept in this browser)", elem_id="byline-past")
            new_title = gr.Textbox(label="Rename the open conversation", elem_id="byline-rename-text")
            with gr.Row():
                rename = gr.Button("Rename", size="sm", elem_id="byline-rename")
                delete = gr.Button("Delete", size="sm", variant="stop", elem_id="byline-delete")
        gr.HTML("<h1>Byline</h1><p>Answers from the ingested news articles, each claim linked to the "
                "passage that supports it.</p>", elem_id="byline-title", js_on_load=None)
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=360):
                        chat = gr.Chatbot(
                            elem_id="byline-chat", show_label=False, height=520, buttons=["copy"],
                            feedback_options=None, latex_delimiters=[], render_markdown=False,
                            placeholder="Ask a question about the articles. Answers cite their sources as "
                                        "[1], [2]…; click one to see the passage.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                elem_id="byline-question", show_label=False, scale=5, max_lines=6,
                                placeholder="Ask a question about the articles…", autofocus=True,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="byline-ask")
                            stop = gr.Button("Stop", variant="stop", scale=1, visible=False, elem_id="byline-stop")
                        with gr.Accordion("Filters and date", open=False, elem_id="byline-filters"):
                            with gr.Row():
                                publication = gr.Textbox(label="Publication contains", elem_id="byline-publication",
                                                         value=settings.filter_publication or "")
                                since = gr.Textbox(label="Published from (2022, 2022-07 …)", elem_id="byline-since",
                                                   value=settings.filter_published_from or "")
                                until = gr.Textbox(label="Published up to", elem_id="byline-until",
                                                   value=settings.filter_published_to or "")
                                as_of = gr.Textbox(label="Asked as of (YYYY-MM-DD; empty: today)",
                                                   elem_id="byline-as-of", value=settings.as_of or "")
                        if examples:
                            gr.HTML("<p>Or try one of these:</p>", elem_id="byline-try", js_on_load=None)
                        with gr.Row(elem_id="byline-examples"):
                            example_buttons = [gr.Button(text, size="sm") for text in examples]
                        new = gr.Button("New conversation", size="sm", elem_id="byline-new")
                    with gr.Column(scale=2, min_width=320):
                        panel = gr.HTML(sources([]), elem_id="byline-sources", js_on_load=None)
            with gr.Tab("Articles", id="articles"):
                if uploads_enabled(settings):
                    with gr.Group(elem_id="byline-upload"):
                        files = gr.File(label=f"Add articles (.txt, .md, .html; up to {UPLOAD_FILES} at a time)",
                                        file_count="multiple", file_types=list(SUFFIXES), elem_id="byline-files")
                        add = gr.Button("Add articles", elem_id="byline-add")
                        added = gr.HTML(elem_id="byline-added", js_on_load=None)
                table = gr.HTML(elem_id="byline-articles", js_on_load=ARTICLE_ROW_CLICK)
                picker = gr.Dropdown(label="Read an article's cleaned text", choices=[], elem_id="byline-picker")
                article_view = gr.HTML(render.article_html(None), elem_id="byline-article", js_on_load=None)

        outputs = [chat, panel, question, turns, send, stop]
        narrowing = [publication, since, until, as_of]
        asking = [gr.on([send.click, question.submit], ask, inputs=[question, turns, *narrowing], outputs=outputs,
                        api_name="ask", concurrency_limit=settings.ui_concurrency, concurrency_id="ask",
                        show_progress="hidden")]
        for button, text in zip(example_buttons, examples):
            asking.append(button.click(_asking(ask, text), inputs=[turns, *narrowing], outputs=outputs,
                                       api_visibility="private", concurrency_limit=settings.ui_concurrency,
                                       concurrency_id="ask", show_progress="hidden"))
        for event in asking:
            event.then(keep, inputs=[saved, conversation, turns], outputs=[saved, conversation, past],
                       api_visibility="private")
        # Starting over stops an answer still streaming, which would otherwise bring the old turns back.
        starting_over = [*outputs, conversation, past]
        new.click(start_over, outputs=starting_over, api_name="new_conversation", cancels=asking)
        chat.clear(start_over, outputs=starting_over, api_visibility="private", cancels=asking)
        # The open conversation's id lives in the tab's sessionStorage: a reload (or a restart of the
        # server) brings that conversation back, while a new tab starts a new one.
        page.load(reopen, inputs=[saved, conversation], outputs=[chat, panel, turns, conversation, past],
                  js="(saved, current) => [saved, sessionStorage.getItem('byline-current') || '']",
                  api_visibility="private")
        conversation.change(None, inputs=[conversation], js="(current) => { sessionStorage.setItem("
                            "'byline-current', current || ''); }", api_visibility="private")
        past.input(switch, inputs=[saved, past], outputs=[chat, panel, turns, conversation], cancels=asking,
                   api_visibility="private")
        rename.click(give_title, inputs=[saved, conversation, new_title], outputs=[saved, past, new_title],
                     api_visibility="private")
        delete.click(forget, inputs=[saved, conversation], outputs=[saved, *starting_over], cancels=asking,
                     api_visibility="private")
        stop.click(stopped, inputs=[turns], outputs=[chat, send, stop], api_visibility="private", cancels=asking)
        page.load(list_articles, outputs=[table, picker], api_name="articles")
        page.load(open_linked, outputs=[tabs, article_view], api_visibility="private")
        picker.change(show_article, inputs=picker, outputs=article_view, api_name="article")
        table.click(pick_row, outputs=picker, api_visibility="private")
        if uploads_enabled(settings):
            add.click(upload, inputs=files, outputs=[added, table, picker, files], api_name="add_articles",
                      concurrency_limit=1)
    return page
