"""Turn a raw article file into the text a reader would call the article.

Citation offsets refer to the cleaned text, so it is stored next to the chunks. Each rule removes one
kind of page boilerplate seen in real article dumps (the sample corpus has every one of them); rules
work on whole lines so that article sentences, including editorial brackets like "[the US]" inside
quotes, are never cut. A reproduction notice is taken out of the answerable text but kept as metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from byline.index.html_text import html_to_text

# Widget markup such as [responsivevoice_button voice="US English Female"] or [/caption]: a lowercase
# name with attributes, an underscore or a closing slash. "[the US]" or "[updated]" has none of these.
_ATTRS = r"(?:\s+[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s\]]+))"
SHORTCODE_INLINE = re.compile(rf"\[(?:/[a-z][\w-]*|[a-z][a-z0-9-]*_[\w-]*{_ATTRS}*|[a-z][\w-]*{_ATTRS}+)\s*/?\]")
SHORTCODE_LINE = re.compile(rf"^\[/?[a-z][\w-]*{_ATTRS}*\s*/?\]$")
READ_TIME = re.compile(r"^(reading time:?\s*)?\d+\s*(min|mins|minute|minutes)(\s+read)?$", re.I)
# "Taing Vida / Khmer Times Share:" and "KT/Chor Sokunthea": short "Name / Outlet" byline or photo
# credit lines, optionally followed by the share-button label.
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
CREDIT_LINE = re.compile(rf"^{_NAME}\s*/\s*(?:{_NAME}|supplied|file|handout)(?:\s+Share(?: this)?:?)?$")
BY_LINE = re.compile(rf"^By\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*$")
SHARE_LINE = re.compile(r"^(.{0,80}\s)?(Share|Share this|Share on \w+|Share this article):?$", re.I)
SOCIAL_WORDS = {"share", "tweet", "facebook", "twitter", "x", "whatsapp", "telegram", "email", "e-mail",
                "print", "linkedin", "pinterest", "reddit", "messenger", "copy", "link", "copied"}
AD_LINE = re.compile(r"^(advertisement|advertising|sponsored|sponsored content|ad|scroll to continue)$", re.I)
# A caption's trailing photo credit: "... Preah Sihanouk province. Kiripost/supplied".
CAPTION_CREDIT = re.compile(rf"(?<=[.!?”\"])\s+{_NAME}\s*/\s*(?:{_NAME}|supplied|file|handout)$")
# "Previous Article / Next Article" and "Related" blocks: everything after them is other articles'
# headlines.
NAVIGATION = re.compile(
    r"^(previous|next)\s+(article|post|story)|^(related|more)\s+(articles|posts|stories|news)\b"
    r"|^(read more|you may also like|recommended for you|also read)\b",
    re.I,
)
PROSE_WORDS = 30  # a line longer than this is a paragraph of an article, not a headline in a list
PROSE_AFTER_LINK = 2  # paragraphs after a navigation line that make it a link inside the article
NOTICE = re.compile(
    r"no part of this article may be reproduced|all rights reserved|may not be (re)?published"
    r"|without (prior )?written permission|^(©|copyright ©?\s*\d{4})",
    re.I,
)
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(---|\.\.\.)[ \t]*(\r?\n|\Z)", re.S)
SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
LINE_BREAKS = re.compile(r"\r\n?|[\x0c\u2028\u2029\x85]")
# Punctuation left percent-escaped by a page that put a URL-encoded subtitle in its text ("it%27s",
# "Edison%2C Woodbridge"): English never writes "%2C" or "%27", so these are read as what they encode.
PERCENT_PUNCTUATION = re.compile(r"%(2[1-9A-F]|3[ABF])", re.I)
WEB_ADDRESS = re.compile(r"\S*(?:://|www\.)\S*")  # escapes in a link are the link's own
SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', "’", "'", ")")
MIN_DEDUP_WORDS = 4


@dataclass
class CleanedArticle:
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None


def clean(raw: str, kind: str = "text", title: str | None = None) -> CleanedArticle:
    """Cleaned text, metadata found in the file itself (front matter, HTML head), and any notice."""
    metadata: dict[str, Any] = {}
    if kind == "markdown":
        raw, metadata = split_front_matter(raw)
        raw = markdown_to_text(raw)
    elif kind == "html":
        raw, metadata = html_to_text(raw)
    lines = [SPACES.sub(" ", line).strip() for line in _normalise(raw).split("\n")]
    lines = _cut_navigation(lines)
    notices = [line for line in lines if NOTICE.search(line)]
    kept = ["" if line in notices or _is_boilerplate(line) else _strip_inline(line) for line in lines]
    paragraphs = _dedupe(_paragraphs(kept, join_wrapped=kind == "markdown"))
    heading = title or metadata.get("title")
    if paragraphs and heading and _same(paragraphs[0], heading):
        paragraphs = paragraphs[1:]
        metadata.setdefault("title", heading)
    elif paragraphs and not heading and len(paragraphs) > 1 and _looks_like_headline(paragraphs[0]):
        metadata["title"] = paragraphs.pop(0)
    return CleanedArticle("\n\n".join(paragraphs), metadata, " ".join(notices) or None)


class RefusedArticle(ValueError):
    """A file that was read but cannot be taken as an article; the message says why."""


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: a few hundred bytes of nested aliases expand to millions of values (an
    "alias bomb"), and front matter has no use for them. Anchors alone are harmless."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise RefusedArticle("front matter uses YAML aliases, which can expand without bound")
        return super().compose_node(parent, index)


def split_front_matter(raw: str) -> tuple[str, dict[str, Any]]:
    """YAML front matter (title, publication, published or date) and the body after it; raises
    ``RefusedArticle`` for front matter with aliases."""
    match = FRONT_MATTER.match(raw.lstrip("\ufeff"))
    if not match:
        return raw, {}
    try:
        data = yaml.load(match.group(1), Loader=_NoAliasLoader) or {}
    except yaml.YAMLError:
        return raw, {}
    if not isinstance(data, dict):
        return raw, {}
    meta = {k: " ".join(str(data[k]).split()) for k in ("title", "publication", "published", "date")
            if data.get(k) not in (None, "")}
    if "date" in meta:
        meta.setdefault("published", meta.pop("date"))
    return raw.lstrip("\ufeff")[match.end():], meta


MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$")
MD_RULE = re.compile(r"^\s{0,3}([-*_=]\s*){3,}$|^\s*```.*$|^\s*~~~.*$")
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]+|\([^)]*\))*(?:\s+\"[^\"]*\")?\)|\[([^\]]+)\]\[[^\]]*\]")
MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
MD_CODE = re.compile(r"`([^`]*)`")
MD_QUOTE_OR_BULLET = re.compile(r"^\s*(>\s?)+|^\s*[-*+]\s+")
MD_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def markdown_to_text(raw: str) -> str:
    """Plain text of Markdown: markup gone, headings and list items on their own lines."""
    out: list[str] = []
    for line in _normalise(raw).split("\n"):
        if MD_RULE.match(line) or MD_LINK_DEF.match(line):
            out.append("")
            continue
        heading = MD_HEADING.match(line)
        if heading:
            out.extend(["", heading.group(1), ""])
            continue
        block_start = bool(MD_QUOTE_OR_BULLET.match(line))
        line = MD_QUOTE_OR_BULLET.sub("", line)
        line = MD_IMAGE.sub("", line)
        line = MD_LINK.sub(lambda m: m.group(1) or m.group(2), line)
        line = MD_STRONG.sub(r"\2", line)
        line = MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)
        line = MD_TAG.sub("", MD_CODE.sub(r"\1", line))
        if block_start:
            out.append("")
        out.append(line)
    return "\n".join(out)


def _normalise(raw: str) -> str:
    return INVISIBLE.sub("", LINE_BREAKS.sub("\n", raw)).replace("\t", " ")


def _is_boilerplate(line: str) -> bool:
    if not line:
        return False
    if SHORTCODE_LINE.match(line) or READ_TIME.match(line) or AD_LINE.match(line):
        return True
    if CREDIT_LINE.match(line) or BY_LINE.match(line):
        return True
    words = line.split()
    if NAVIGATION.match(line) and len(words) <= 3:
        return True  # a lone "Previous Article" or "Related stories" anywhere: a link, not text
    if SHARE_LINE.match(line) and len(words) <= 12:
        return True
    lowered = [w.strip(":,|·•").lower() for w in words]
    if all(w in SOCIAL_WORDS for w in lowered if w) and any(lowered):
        return True
    # Repeated sponsor or widget words: "cellcard cellcard".
    return 2 <= len(words) <= 6 and len(set(lowered)) == 1


def _decoded_punctuation(line: str) -> str:
    """``PERCENT_PUNCTUATION`` decoded outside web addresses."""
    if "%" not in line:
        return line
    pieces, at = [], 0
    for link in WEB_ADDRESS.finditer(line):
        pieces += [PERCENT_PUNCTUATION.sub(_decode, line[at:link.start()]), link.group()]
        at = link.end()
    return "".join(pieces + [PERCENT_PUNCTUATION.sub(_decode, line[at:])])


def _decode(m: re.Match) -> str:
    return chr(int(m.group(1), 16))


def _strip_inline(line: str) -> str:
    line = _decoded_punctuation(line)
    line = CAPTION_CREDIT.sub("", SHORTCODE_INLINE.sub("", line))
    return SPACES.sub(" ", line).strip()


def _cut_navigation(lines: list[str]) -> list[str]:
    """Drop a trailing navigation block ("Previous Article", "Related stories") and what follows it.
    Only a trailing one: other articles' headlines are short lines, with at most an author's bio or a
    newsletter blurb among them, while a "Read more:" link between paragraphs (USA Today puts one
    every few paragraphs) is followed by more of the article."""
    for i, line in enumerate(lines):
        if i > len(lines) // 2 and NAVIGATION.match(line) and len(line.split()) <= 6 \
                and sum(len(rest.split()) > PROSE_WORDS for rest in lines[i + 1:]) < PROSE_AFTER_LINK:
            return lines[:i]
    return lines


def _paragraphs(lines: list[str], join_wrapped: bool) -> list[str]:
    """Group lines into paragraphs: a blank line ends one. Every line of plain text is its own
    paragraph (dumps put one paragraph per line), except a hard-wrapped line that stops mid-sentence
    before a lowercase continuation; Markdown joins all lines of a block, as Markdown does.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
            current = []
            continue
        wrapped = current and (join_wrapped or (not current[-1].endswith(SENTENCE_END) and line[:1].islower()))
        if current and not wrapped:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    return paragraphs


def _dedupe(paragraphs: list[str]) -> list[str]:
    """Drop a repeated paragraph (a photo caption printed twice, a repeated widget block)."""
    seen: set[str] = set()
    out = []
    for paragraph in paragraphs:
        key = _key(paragraph)
        if len(paragraph.split()) >= MIN_DEDUP_WORDS and key in seen:
            continue
        seen.add(key)
        out.append(paragraph)
    return out


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _looks_like_headline(line: str) -> bool:
    return len(line.split()) <= 14 and line[:1].isupper() and not line.rstrip().endswith(SENTENCE_END)
