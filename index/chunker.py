"""Split a cleaned article into sentence-respecting chunks that fit the embedding model.

Uses llama-index's ``SentenceSplitter``, counting in the embedding model's own word pieces rather
than tiktoken tokens: the bound that matters is MiniLM's 256-piece window, and counting in its own
units makes the bound hold by construction (tiktoken stays the unit for LLM prompt budgets).
Each chunk is re-anchored in the cleaned text so ``chunk.text == text[start:end]`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.embedding import MAX_WORD_PIECES, _wordpiece_tokenizer


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    index: int


def _word_pieces(text: str) -> list[int]:
    return _wordpiece_tokenizer().encode(text, add_special_tokens=False).ids


def chunk_text(text: str, chunk_tokens: int, overlap: int) -> list[Chunk]:
    from llama_index.core.node_parser import SentenceSplitter

    if chunk_tokens > MAX_WORD_PIECES - 2:
        raise ValueError(f"chunk_tokens must leave room for [CLS]/[SEP]: at most {MAX_WORD_PIECES - 2}")
    splitter = SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        tokenizer=_word_pieces,
        paragraph_separator="\n\n",
    )
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(text):
        start, end = _locate(text, piece, cursor)
        if start < 0:
            continue
        chunks.append(Chunk(text[start:end], start, end, len(chunks)))
        cursor = start + 1
    return chunks


def _locate(text: str, piece: str, cursor: int) -> tuple[int, int]:
    """Find the span of ``piece`` in ``text``; the splitter may have normalised inner whitespace."""
    piece = piece.strip()
    start = text.find(piece, cursor)
    if start >= 0:
        return start, start + len(piece)
    head, tail = piece[:40], piece[-40:]
    start = text.find(head, cursor)
    if start < 0:
        start = text.find(head)
    if start < 0:
        return -1, -1
    end = text.find(tail, start)
    return start, (end + len(tail)) if end >= 0 else min(len(text), start + len(piece))
