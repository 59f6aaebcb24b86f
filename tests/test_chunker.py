"""Chunks fit the embedding model's 256-word-piece window, keep sentences whole and map back exactly."""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from assistant.embedding import MAX_WORD_PIECES, model_dir
from assistant.settings import Settings
from byline.index.chunker import chunk_text
from byline.index.cleaner import clean
from tests.conftest import CORPUS

SETTINGS = Settings()
SAMPLES = sorted(CORPUS.glob("*.txt"))


@lru_cache(maxsize=1)
def model_tokenizer():
    """The tokenizer the embedding model itself runs, with [CLS]/[SEP] and no truncation."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir()))


def pieces_seen_by_model(text: str) -> int:
    return len(model_tokenizer()(text, truncation=False)["input_ids"])


def check_chunks(text: str, chunks) -> None:
    assert chunks, "no chunks"
    for i, chunk in enumerate(chunks):
        assert chunk.index == i
        assert text[chunk.start:chunk.end] == chunk.text
        assert pieces_seen_by_model(chunk.text) <= MAX_WORD_PIECES
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    missing = "".join(ch for i, ch in enumerate(text) if i not in covered)
    assert missing.strip() == "", f"text not in any chunk: {missing.strip()[:80]!r}"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_chunks_fit_the_model_and_map_back_exactly(path):
    text = clean(path.read_text(encoding="utf-8")).text
    chunks = chunk_text(text, SETTINGS.chunk_tokens, SETTINGS.chunk_overlap)
    check_chunks(text, chunks)
    assert len(chunks) >= 3  # every sample article is longer than one chunk


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_chunks_start_and_end_on_sentence_boundaries(path):
    text = clean(path.read_text(encoding="utf-8")).text
    for chunk in chunk_text(text, SETTINGS.chunk_tokens, SETTINGS.chunk_overlap):
        before = text[:chunk.start].rstrip()
        assert before == "" or before.endswith((".", "”", "?", "!", "countrywide")), text[chunk.start - 20:chunk.start + 20]
        assert chunk.text[0].isupper() or chunk.text[0] == "“"
        after = text[chunk.end:].lstrip()
        assert after == "" or chunk.text.endswith((".", "”", "countrywide")), chunk.text[-40:]


def test_consecutive_chunks_overlap_by_at_most_the_configured_amount():
    text = clean(SAMPLES[3].read_text(encoding="utf-8")).text
    chunks = chunk_text(text, SETTINGS.chunk_tokens, SETTINGS.chunk_overlap)
    for a, b in zip(chunks, chunks[1:]):
        assert a.start < b.start
        overlap = text[b.start:a.end] if b.start < a.end else ""
        assert pieces_seen_by_model(overlap) - 2 <= SETTINGS.chunk_overlap


@pytest.mark.parametrize("text", [
    " ".join(f"Sentence number {i} reports that {i * 7} people were counted." for i in range(400)),
    "word " * 3000,
    "An unbroken " + "x" * 5000 + " token and " + "Supercalifragilistic" * 300,
    "一二三四五六七八九十人口统计报告" * 600,
    "Emoji 🚢🚢🚢 and accents café naïve " * 400,
    ("A run-on sentence without any full stop at all and with lots of words, commas and clauses " * 60).strip(),
], ids=["many-sentences", "repeated-word", "giant-tokens", "cjk", "emoji", "run-on"])
def test_adversarial_text_stays_within_the_window(text):
    check_chunks(text, chunk_text(text, SETTINGS.chunk_tokens, SETTINGS.chunk_overlap))


def test_chunk_size_must_leave_room_for_special_tokens():
    with pytest.raises(ValueError, match="CLS"):
        chunk_text("text", MAX_WORD_PIECES, 0)


def test_short_text_is_one_chunk():
    chunks = chunk_text("One short article.", SETTINGS.chunk_tokens, SETTINGS.chunk_overlap)
    assert [(c.text, c.start, c.end) for c in chunks] == [("One short article.", 0, 18)]


def test_paragraph_break_is_preferred_over_a_mid_paragraph_cut():
    para = " ".join(["The council met on Monday and agreed the budget."] * 12)
    text = f"{para}\n\n{para}"
    chunks = chunk_text(text, SETTINGS.chunk_tokens, 0)
    assert [c.text for c in chunks] == [para, para]
    assert re.fullmatch(r"\n\n", text[chunks[0].end:chunks[1].start])
