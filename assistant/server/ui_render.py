"""HTML for the chat page: messages, citation links and the sources panel.

Everything that comes from a question, an answer or an article passes through ``_text`` before it
reaches the page: HTML special characters, and the characters that Markdown, Handlebars or template
strings could read as syntax, become numeric entities, so the browser can only show them as text.
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.answering.citations import MARKER
from assistant.types import Article

_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'$&{}*_`~|\\#[]"})


def _text(value: object) -> str:
    return str(value).translate(_ESCAPES)


def escaped(value: object) -> str:
    """Text for the page, shown as text whatever it holds (file names from an upload, for one)."""
    return _text(value)


def _paragraphs(text: str) -> str:
    """Escaped text with blank-line paragraphs and single line breaks kept."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "".join(f"<p>{'<br>'.join(_text(line) for line in b.split(chr(10)))}</p>" for b in blocks)


def question_html(question: str) -> str:
    return f'<div class="byline-question">{_paragraphs(question) or "&nbsp;"}</div>'


def streaming_html(partial: str) -> str:
    body = _paragraphs(partial) or "<p>Searching the articles…</p>"
    return f'<div class="byline-answer byline-streaming">{body}</div>'


def error_html(message: str) -> str:
    return (f'<div class="byline-error byline-done" role="alert"><p><strong>Could not answer.</strong> '
            f"{_text(message)}</p></div>")


def answer_html(turn: int, answer: dict) -> str:
    """The final answer, with every in-range ``[n]`` marker a link to citation ``n`` of this turn."""
    count = len(answer.get("citations") or [])

    def link(digits: str) -> str:
        n = int(digits)
        if not 1 <= n <= count:
            return _text(f"[{digits}]")
        return f'<a class="byline-cite" href="#byline-src-{turn}-{n}" title="Show source {n}">[{n}]</a>'

    paragraphs = []
    for block in re.split(r"\n\s*\n", answer["answer"].strip()):
        if block.strip():
            pieces = MARKER.split(block)
            body = "".join(link(p) if i % 2 else _text(p) for i, p in enumerate(pieces))
            paragraphs.append(f"<p>{body.replace(chr(10), '<br>')}</p>")
    kind = "byline-decline" if answer.get("declined") else "byline-answer"
    footer = ""
    if answer.get("declined") and count and "byline-cite" not in "".join(paragraphs):
        footer = (f'<p class="byline-considered"><a class="byline-cite" href="#byline-src-{turn}-1">'
                  f'See the {count} closest passage{"s" if count > 1 else ""} considered</a></p>')
    return f'<div class="{kind} byline-done">{"".join(paragraphs)}{footer}</div>'


def passage_in_context(text: str, start: int, end: int, context_chars: int) -> tuple[str, str, str]:
    """(before, passage, after): the passage with the rest of its paragraph(s) around it.

    The surrounding text stops at the nearest line break, or after ``context_chars`` characters
    (cut at a word boundary) when a paragraph is very long.
    """
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > context_chars:
        cut = before[-context_chars:]
        before = "…" + cut[cut.find(" ") + 1:] if " " in cut else "…" + cut
    if len(after) > context_chars:
        cut = after[:context_chars]
        after = (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
    return before, text[start:end], after


def source_label(citation: dict) -> str:
    return citation.get("title") or citation["source"]


def sources_html(turns: list[dict], article: Callable[[str], Article | None], context_chars: int) -> str:
    """Every answered turn's citations; the newest turn is shown, the others wait for a click on ``[n]``."""
    answered = [(i, t) for i, t in enumerate(turns, 1) if t.get("answer") and t["answer"].get("citations")]
    if not answered:
        return ('<div class="byline-sources-empty">Sources appear here: click a <span class="byline-chip">[n]'
                "</span> marker in an answer to see the passage it comes from.</div>")
    texts: dict[str, str | None] = {}
    sections = []
    for turn, t in answered:
        answer = t["answer"]
        active = " byline-active" if turn == answered[-1][0] else ""
        heading = ("Closest passages considered (none of them answers the question)" if answer.get("declined")
                   else "Sources")
        items = []
        for c in answer["citations"]:
            if c["source"] not in texts:
                found = article(c["source"])
                texts[c["source"]] = found.text if found else None
            items.append(_source_item(turn, c, texts[c["source"]], context_chars))
        sections.append(
            f'<section class="byline-turn{active}" id="byline-turn-{turn}">'
            f'<h3>{heading} <span class="byline-for">for “{_text(t["question"])}”</span></h3>'
            f"{''.join(items)}</section>"
        )
    return f'<div class="byline-sources">{"".join(sections)}</div>'


def _source_item(turn: int, c: dict, article_text: str | None, context_chars: int) -> str:
    start, end = int(c["start"]), int(c["end"])
    if article_text is not None and article_text[start:end] == c["passage"]:
        before, passage, after = passage_in_context(article_text, start, end, context_chars)
    else:
        before, passage, after = "", c["passage"], ""
    meta = " · ".join(_text(v) for v in provenance(c.get("publication"), c.get("publication_inferred"),
                                                 c.get("published"), c.get("published_estimated")) if v)
    derived = ' <span class="byline-derived">(title from its first sentence)</span>' if c.get("title_derived") else ""
    file_line = f'<div class="byline-file">{_text(c["source"])}</div>' if c.get("title") else ""
    return (
        f'<article class="byline-source" id="byline-src-{turn}-{c["n"]}">'
        f'<header><span class="byline-chip">[{c["n"]}]</span> <strong>{_text(source_label(c))}</strong>{derived}'
        f'{f"<div class=byline-meta>{meta}</div>" if meta else ""}{file_line}</header>'
        f'<blockquote class="byline-context">{_text(before)}<mark>{_text(passage)}</mark>{_text(after)}</blockquote>'
        "</article>"
    )


def provenance(publication, inferred, published, estimated) -> tuple[str | None, str | None]:
    """Publication and date as shown, guesses marked: "Kiripost (publication inferred)", "about 2022-10"."""
    return (f"{publication} (publication inferred)" if publication and inferred else publication,
            f"about {published}" if published and estimated else published)


def article_html(article: Article | None, cited: tuple[int, int] | None = None) -> str:
    """The article's cleaned text; ``cited`` (start, end) is highlighted, as when a citation link opens it."""
    if article is None:
        return '<div class="byline-article-empty">Choose an article to read its cleaned text.</div>'
    meta = " · ".join(_text(v) for v in (*provenance(article.publication, article.publication_inferred,
                                                     article.published, article.published_estimated),
                                         f"{article.chunks} chunks") if v)
    notice = f'<p class="byline-notice">{_text(article.notice)}</p>' if article.notice else ""
    return (
        f'<div class="byline-article"><h3>{_text(article.title or article.source)}</h3>'
        f'<div class="byline-meta">{meta}</div><div class="byline-file">{_text(article.source)}</div>{notice}'
        f'<div class="byline-article-text">{_highlighted(article.text, cited)}</div></div>'
    )


def _highlighted(text: str, cited: tuple[int, int] | None) -> str:
    if not cited or not 0 <= cited[0] < cited[1] <= len(text):
        return _text(text)
    start, end = cited
    return f'{_text(text[:start])}<mark id="byline-cited">{_text(text[start:end])}</mark>{_text(text[end:])}'


def articles_table_html(articles: list[Article]) -> str:
    """The ingested articles; a click on a row opens that article (see ``ARTICLE_ROW_CLICK`` in ui.py)."""
    if not articles:
        return '<div class="byline-article-empty">No articles are ingested yet: run byline ingest.</div>'
    rows = "".join(
        f'<tr class="byline-article-row" data-source="{_text(a.source)}" tabindex="0" title="Read this article">'
        f"<td>{_text(a.title or a.source)}</td><td>{_text(a.publication or '')}</td>"
        f"<td>{_text(a.published or '')}</td><td>{a.chunks}</td><td class=\"byline-file\">{_text(a.source)}</td></tr>"
        for a in articles
    )
    return (f'<table class="byline-articles-table"><thead><tr><th>Title</th><th>Publication</th><th>Date</th>'
            f"<th>Chunks</th><th>File</th></tr></thead><tbody>{rows}</tbody></table>")
