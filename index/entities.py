"""Named entities of cleaned articles, found once at ingest with spaCy and kept in the store.

Answering needs to know which spans of an article are people, organisations, places, dates, numbers,
works and events. Finding them is the slowest language step (about 14,000 tokens a second on one core
here), so it runs at ingest, over the whole cleaned text, and the store keeps ``[start, end, label]``
triples with offsets into that text; a question never parses article text.
"""

from __future__ import annotations

from typing import Iterable

from assistant.nlp import entity_pipes, pipeline

# Labels answers can be; ORDINAL ("first") and small talk about time never answer a question alone.
KEPT_LABELS = frozenset("PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE DATE TIME "
                        "PERCENT MONEY QUANTITY CARDINAL".split())
# spaCy's ner works on a text in one piece; news articles are far below this, but a 2 MB file is not.
MAX_CHARS = 200_000


def find_entities(texts: Iterable[str]) -> list[list[tuple[int, int, str]]]:
    """For each text, its entities as ``(start, end, label)`` with ``text[start:end]`` the mention."""
    nlp = pipeline()
    out = []
    for doc in nlp.pipe((t[:MAX_CHARS] for t in texts), disable=entity_pipes(), batch_size=16):
        out.append([(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in KEPT_LABELS])
    return out
