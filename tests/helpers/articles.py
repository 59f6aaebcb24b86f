"""Articles built in memory, with their entities found by the real spaCy pipeline as ingest does."""

from __future__ import annotations

from assistant.answering.article_text import ArticleText
from assistant.sentences import split_spans
from assistant.types import Article
from byline.index.entities import find_entities


def article(source: str, text: str, title: str | None = None, published: str | None = None) -> ArticleText:
    entities = tuple(find_entities([text])[0])
    return ArticleText(Article(source=source, text=text, title=title, published=published, entities=entities),
                       split_spans(text))
