"""Example questions for the chat page, derived from whatever corpus is ingested.

No per-corpus text lives in code: the examples name the people, places and organisations that the
most articles mention (capitalised phrases, counted per article), and the title of one article.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.types import Article

_NAME = re.compile(r"[A-Z][\w-]*(?:\s+(?:(?:of|for|and|the|in|on)\s+)?[A-Z0-9][\w-]*){0,4}")
_CONNECTORS = {"of", "for", "and", "the", "in", "on"}
_CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


def _names(text: str) -> set[str]:
    """Capitalised phrases found in mid-sentence, so that words merely starting a sentence don't count."""
    found = set()
    for match in _NAME.finditer(text):
        preceding = text[: match.start()].rstrip()
        if not preceding or preceding[-1] in ".!?:;\"“”‘’'(" or not text[match.start() - 1].isspace():
            continue
        words = match.group(0).split()
        while words and (words[0].lower() in _CALENDAR or words[0].lower() == "the"):
            words = words[1:]
        while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in _CALENDAR):
            words = words[:-1]
        if words and len(" ".join(words)) >= 3:
            found.add(" ".join(words))
    return found


def example_questions(articles: list[Article], limit: int) -> list[str]:
    """Up to ``limit`` questions: one about an article's title, the rest about names many articles share."""
    texts = [a.text for a in articles if a.text]
    if not texts or limit <= 0:
        return []
    spread = Counter(name for t in texts for name in _names(t))
    ranked = sorted(spread, key=lambda n: (-spread[n], -len(n.split()), n))
    picked: list[str] = []
    for name in ranked:
        if not any(name in other or other in name for other in picked):
            picked.append(name)
    questions = []
    titles = sorted((a.title for a in articles if a.title), key=len)
    if titles:
        questions.append(f"What does the article “{titles[0]}” report?")
    questions += [f"What do the articles say about {name}?" for name in picked]
    return questions[:limit]
