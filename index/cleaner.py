"""Turn a raw article file into the text a reader would call the article.

Citation offsets refer to the cleaned text, so it is stored next to the chunks. Each rule below
removes one kind of page boilerplate seen in real article dumps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml

SHORTCODE = re.compile(r"^\[[a-z_][\w-]*(\s+[\w-]+=(\"[^\"]*\"|'[^']*'|\S+))*\s*/?\]$", re.I)
READ_TIME = re.compile(r"^\d+\s+min(ute)?s?\s+read$", re.I)
SHARE_LINE = re.compile(r"(^|\s)(Share|Share this|Share on \w+):?\s*$", re.I)
NAVIGATION = re.compile(r"^(Previous|Next)\s+(Article|Post|Story)$", re.I)
NOTICE = re.compile(
    r"(no part of this article may be reproduced|all rights reserved|may not be (re)?published"
    r"|without (prior )?written permission)",
    re.I,
)
CREDIT = re.compile(r"^[A-Z]{2,5}\s*/\s*[A-Z][\w .'-]{2,40}$")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", re.S)
SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass
class CleanedArticle:
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None


def clean(raw: str, kind: str = "text", title: str | None = None) -> CleanedArticle:
    metadata: dict[str, Any] = {}
    if kind == "markdown":
        raw, metadata = split_front_matter(raw)
    elif kind == "html":
        raw, html_title = html_to_text(raw)
        if html_title:
            metadata["title"] = html_title
    lines = [SPACES.sub(" ", line).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = _cut_navigation(lines)
    notices = [line for line in lines if NOTICE.search(line)]
    kept: list[str] = []
    for line in lines:
        if line in notices or _is_boilerplate(line):
            continue
        if line and kept and line == kept[-1]:
            continue
        kept.append(line)
    heading = title or metadata.get("title")
    paragraphs = [line for line in kept if line]
    if paragraphs and heading and _same(paragraphs[0], heading):
        paragraphs = paragraphs[1:]
        if not metadata.get("title"):
            metadata["title"] = heading
    elif paragraphs and not heading and _looks_like_headline(paragraphs[0]):
        metadata["title"] = paragraphs[0]
        paragraphs = paragraphs[1:]
    return CleanedArticle("\n\n".join(paragraphs), metadata, " ".join(notices) or None)


def split_front_matter(raw: str) -> tuple[str, dict[str, Any]]:
    match = FRONT_MATTER.match(raw)
    if not match:
        return raw, {}
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return raw, {}
    if not isinstance(data, dict):
        return raw, {}
    meta = {k: str(data[k]) for k in ("title", "publication", "published", "date") if data.get(k)}
    if "date" in meta:
        meta.setdefault("published", meta.pop("date"))
    return raw[match.end():], meta


def _is_boilerplate(line: str) -> bool:
    if not line:
        return False
    if SHORTCODE.match(line) or READ_TIME.match(line) or SHARE_LINE.search(line):
        return True
    if CREDIT.match(line):
        return True
    words = line.split()
    return len(words) >= 2 and len(set(w.lower() for w in words)) == 1


def _cut_navigation(lines: list[str]) -> list[str]:
    """Drop a trailing 'Previous Article / Next Article' block and the headlines it links to."""
    for i, line in enumerate(lines):
        if NAVIGATION.match(line) and i > len(lines) // 2:
            return lines[:i]
    return lines


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


def _looks_like_headline(line: str) -> bool:
    return len(line.split()) <= 14 and not line.rstrip().endswith((".", "”", '"', ":", "?"))


class _TextExtractor(HTMLParser):
    """Main text of an HTML page: paragraphs and headings, no scripts, styles, menus or footers."""

    SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template"}
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "article",
             "section", "tr", "figcaption", "main", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip_depth:
            self.parts.append(data)


def html_to_text(raw: str) -> tuple[str, str | None]:
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    text = re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(parser.parts).replace("\xa0", " "))
    title = " ".join("".join(parser.title).split()) or None
    return text.strip(), title
