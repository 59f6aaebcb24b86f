"""Finding and reading article files: relative paths, kinds, sidecar metadata, encodings."""

from __future__ import annotations

from pathlib import Path

from byline.index.loader import RawArticle, Skipped, decode, iter_corpus
from tests.conftest import CORPUS


def load(corpus: Path, max_bytes: int = 2_000_000) -> tuple[dict[str, RawArticle], dict[str, str]]:
    found = list(iter_corpus(corpus, max_bytes))
    return ({a.source: a for a in found if isinstance(a, RawArticle)},
            {s.path: s.reason for s in found if isinstance(s, Skipped)})


def test_sample_corpus_loads_with_display_metadata():
    articles, skipped = load(CORPUS)
    assert sorted(articles) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert skipped == {}
    meta = {source: a.metadata for source, a in articles.items()}
    # Provenance notes such as "(inferred: ...)" are stripped for display; estimated dates are used,
    # and both stay marked as guesses.
    assert meta["000_01c3a06e8fece3df.txt"] == {"title": None, "publication": "The Phnom Penh Post",
                                                "published": "2022-07", "published_estimated": True,
                                                "publication_inferred": True}
    assert meta["001_ddf65abcec06f887.txt"]["publication"] == "VOD"
    assert meta["002_7f55eb3e11389810.txt"]["publication"] == "Kiripost"
    assert meta["003_4d63d15f2f6ef595.txt"]["publication"] == "Khmer Times"
    assert meta["003_4d63d15f2f6ef595.txt"]["title"] == "Officials blamed for Kingdom’s watch list placing"
    assert meta["004_4bffa7ea486c87aa.txt"] == {"title": None, "publication": None, "published": "2022-07",
                                                "published_estimated": True, "publication_inferred": False}


def test_proper_noun_parenthetical_in_a_publication_stays(tmp_path):
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "articles.json").write_text('{"articles": {"a.txt": {"publication": "The Star (Malaysia)"}}}')
    articles, _ = load(tmp_path)
    assert articles["a.txt"].metadata["publication"] == "The Star (Malaysia)"


def test_nested_files_are_named_by_relative_path_and_typed_by_suffix(tmp_path):
    (tmp_path / "2023" / "may").mkdir(parents=True)
    (tmp_path / "2023" / "may" / "flood.md").write_text("# Flood\n\nText.")
    (tmp_path / "2023" / "page.html").write_text("<p>Text.</p>")
    (tmp_path / "plain.txt").write_text("Text.")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    articles, skipped = load(tmp_path)
    assert {s: a.kind for s, a in articles.items()} == {
        "2023/may/flood.md": "markdown", "2023/page.html": "html", "plain.txt": "text"}
    assert skipped == {"photo.jpg": "unsupported file type '.jpg'"}


def test_broken_sidecar_is_reported_and_articles_still_load(tmp_path):
    (tmp_path / "a.txt").write_text("Some article text.")
    (tmp_path / "articles.json").write_text("{not json")
    articles, skipped = load(tmp_path)
    assert list(articles) == ["a.txt"]
    assert skipped["articles.json"].startswith("metadata sidecar ignored")


def test_sidecar_metadata_wins_over_nothing_and_digest_tracks_bytes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Version one.")
    first, _ = load(tmp_path)
    path.write_text("Version two.")
    second, _ = load(tmp_path)
    assert first["a.txt"].digest != second["a.txt"].digest


def test_decode_text_encodings():
    text = "Phnom Penh – café “quoted” naïve"
    assert decode(text.encode("utf-8")) == text
    assert decode("\ufeff".encode() + text.encode("utf-8")) == text
    assert decode(text.encode("utf-16")) == text
    assert decode("Plain ASCII article text.".encode("utf-16-le")) == "Plain ASCII article text."
    assert decode("Plain ASCII article text.".encode("utf-16-be")) == "Plain ASCII article text."
    assert decode("café naïve".encode("latin-1")) == "café naïve"
    assert decode("“quoted” – café".encode("cp1252")) == "“quoted” – café"
    assert decode(b"A line with a stray\x00 NUL.\n" + b"\x00" * 4096) == "A line with a stray NUL.\n"


def test_decode_refuses_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    assert decode(png) is None
    assert decode(bytes((i * 37 + 11) % 256 for i in range(4096))) is None
    assert decode(b"\x00" * 100) is None
