"""Main text and head metadata of an HTML article page.

Built on the standard library's streaming ``HTMLParser`` rather than a DOM library: none is installed,
and a streaming parser has no recursion, so a page of thousands of nested elements cannot exhaust the
stack. Text inside ``<article>`` (else ``<main>``) wins over the rest of the page; scripts, styles,
menus, footers and share/related widgets never reach the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
             "template", "button", "select", "textarea", "object", "canvas", "math"}
BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
              "article", "section", "tr", "td", "th", "figure", "figcaption", "main", "pre", "hr", "dd", "dt",
              "table", "body"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr"}
# Share bars, related-article lists and the like, recognised by class/id, on elements whose end tag
# is required (so the skipped region always ends).
WIDGET_TAGS = {"div", "section", "ul", "ol", "span", "figure", "table", "a"}
WIDGET = re.compile(r"(^|[\s_-])(share|sharing|social|related|newsletter|subscribe|advert|ads|promo|"
                    r"comments?|cookie|breadcrumbs?|sidebar|popup|modal|author-bio|tags)($|[\s_-])", re.I)
META_FIELDS = {
    "og:title": "title",
    "og:site_name": "publication",
    "article:published_time": "published",
    "date": "published",
    "pubdate": "published",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"article": [], "main": [], "page": []}
        self.open_containers = {"article": 0, "main": 0}
        self.depth: dict[str, int] = {}
        self.skip_until: tuple[str, int] | None = None
        self.title: list[str] = []
        self.h1: list[str] = []
        self.in_title = self.in_h1 = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        if tag in VOID_TAGS:
            self._break(tag)
            return
        depth = self.depth[tag] = self.depth.get(tag, 0) + 1
        if tag in self.open_containers:
            self.open_containers[tag] += 1
        if tag == "title":
            self.in_title = True
        elif tag == "h1" and not self.h1:
            self.in_h1 = True
        if self.skip_until is None and (tag in SKIP_TAGS or (tag in WIDGET_TAGS and _is_widget(attrs))):
            self.skip_until = (tag, depth)
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            self._break(tag)
            return
        depth = self.depth.get(tag, 0)
        if self.skip_until == (tag, depth):
            self.skip_until = None
        if self.open_containers.get(tag):
            self.open_containers[tag] -= 1
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        self._break(tag)
        if depth:
            self.depth[tag] = depth - 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.in_h1:
            self.h1.append(data)
        if not self.in_title:
            self._emit(data)

    def _break(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._emit("\n")

    def _emit(self, text: str) -> None:
        if self.skip_until is not None:
            return
        self.parts["page"].append(text)
        for name, count in self.open_containers.items():
            if count:
                self.parts[name].append(text)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        field = META_FIELDS.get(key)
        content = " ".join((attrs.get("content") or "").split())
        if field and content and field not in self.meta:
            self.meta[field] = content


def _is_widget(attrs: list[tuple[str, str | None]]) -> bool:
    values = " ".join(v for k, v in attrs if k in ("class", "id", "role") and v)
    return bool(values and WIDGET.search(values)) or any(k == "hidden" for k, _ in attrs)


def html_to_text(raw: str) -> tuple[str, dict[str, Any]]:
    """The page's main text (one block per line) and metadata: title (first ``<h1>``, else
    ``og:title``, else ``<title>``), publication (``og:site_name``) and published date.
    """
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    joined = {name: "".join(parts) for name, parts in parser.parts.items()}
    body = next(joined[name] for name in ("article", "main", "page") if joined[name].strip() or name == "page")
    text = re.sub(r"[ \t]*\n[ \t\n]*", "\n", body.replace("\xa0", " "))
    meta = dict(parser.meta)
    title = " ".join("".join(parser.h1).split()) or meta.get("title") or " ".join("".join(parser.title).split())
    if title:
        meta["title"] = title
    if "published" in meta:
        meta["published"] = meta["published"][:10]
    return text.strip(), meta
