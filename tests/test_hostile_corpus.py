"""A hostile article dump (issue 8): every file is ingested correctly or skipped with its reason, the
run finishes, and the ordinary articles next to them come out exactly as they would alone."""

from __future__ import annotations

import os
import random
import shutil

import pytest

from assistant.embedding import MAX_WORD_PIECES, word_pieces
from assistant.settings import Settings
from assistant.store import Store
from byline.index.cleaner import clean
from byline.index.ingest import NO_TEXT, ingest
from byline.index.loader import read_sidecar, sidecar_metadata
from tests.conftest import CORPUS
from tests.helpers.ingest import CountingEmbedder, sample_sentences, store_contents

LIMIT = 256_000
SECRET = "OUTSIDE-SECRET-TEXT"
LATIN1 = "Le ministre a visité Phnom Penh, où la coopération régionale fut saluée à l'unanimité."
UTF16 = "Officials in Kâmpóng Cham said 1,200 workers returned — “a record,” one said."


@pytest.fixture(scope="module")
def embedder():
    from assistant.embedding import load_embedder

    return CountingEmbedder(load_embedder(Settings()))


def article_of(size: int, seed: int) -> str:
    rng = random.Random(seed)
    sentences, parts, total = sample_sentences(), [], 0
    while total < size:
        paragraph = " ".join(rng.sample(sentences, 3))
        parts.append(paragraph)
        total += len(paragraph.encode()) + 2
    return "\n\n".join(parts)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("hostile")
    corpus, outside = root / "corpus", root / "outside"
    shutil.copytree(CORPUS, corpus)
    outside.mkdir()
    (outside / "private.txt").write_text(f"{SECRET} must never be read.", encoding="utf-8")
    (outside / "dir").mkdir()
    (outside / "dir" / "more.txt").write_text(f"{SECRET} in a directory.", encoding="utf-8")

    noise = random.Random(1)
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(noise.randrange(256) for _ in range(8000)))
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (corpus / "zero.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    (corpus / "utf16.txt").write_bytes(UTF16.encode("utf-16"))
    (corpus / "nul.txt").write_bytes(b"A ferry\x00 service resumed on Monday.\n" + b"\x00" * 2048)
    (corpus / "huge.txt").write_text(article_of(LIMIT + 50_000, 2), encoding="utf-8")
    (corpus / "big.txt").write_text(article_of(200_000, 3), encoding="utf-8")
    (corpus / "page.html").write_text(
        "<html><head><style>.secret{content:'STYLE-TEXT'}</style><script>alert('SCRIPT-TEXT')</script></head>"
        "<body><article><h1>Port reopens</h1><p>The port reopened on Tuesday after repairs.</p>"
        "<script>document.write('INLINE-SCRIPT-TEXT')</script><noscript>NOSCRIPT-TEXT</noscript>"
        "<p>Traffic is expected to recover by June.</p></article></body></html>", encoding="utf-8")
    (corpus / "deep.html").write_text("<div>" * 5000 + "<p>Deeply nested text survived.</p>" + "</div>" * 5000,
                                      encoding="utf-8")
    (corpus / "scripts-only.html").write_text("<script>var only = 'SCRIPT-ONLY';</script><style>p{}</style>",
                                              encoding="utf-8")
    (corpus / "file with spaces.txt").write_text("Spaces in the name are fine.", encoding="utf-8")
    (corpus / "ñandú – 新闻.md").write_text("# Ñandú\n\nNon-ASCII names are fine too.", encoding="utf-8")
    os.symlink(outside / "private.txt", corpus / "link-out.txt")
    os.symlink(outside / "dir", corpus / "linked-dir")
    os.symlink(corpus / "missing.txt", corpus / "dangling.txt")
    os.mkfifo(corpus / "pipe.txt")
    with open(os.path.join(os.fsencode(corpus), b"bad-\xff-name.txt"), "wb") as fh:
        fh.write(b"Undecodable file name.")

    settings = Settings.load(store=root / "store", max_file_bytes=LIMIT)
    report = ingest(corpus, settings, embedder=embedder)
    return corpus, report, store_contents(settings.store)


def test_every_hostile_file_is_ingested_or_skipped_with_its_reason(hostile):
    _, report, contents = hostile
    skipped = {s["path"]: s["reason"] for s in report.skipped}
    assert skipped == {
        "binary.txt": "binary or undecodable content",
        "image.png": "unsupported file type '.png'",
        "zero.txt": "empty file",
        "huge.txt": f"file is {skipped['huge.txt'].split()[2]} bytes, over the {LIMIT}-byte limit (max_file_bytes)",
        "scripts-only.html": "no article text left after removing boilerplate",
        "link-out.txt": "symlink points outside the corpus directory (not followed)",
        "linked-dir": "symlinked directory not followed",
        "dangling.txt": "broken or looping symlink",
        "pipe.txt": "not a regular file",
        "bad-\\xff-name.txt": "file name is not valid UTF-8",
    }
    ingested = {p.name for p in CORPUS.glob("*.txt")} | {
        "latin1.txt", "utf16.txt", "nul.txt", "big.txt", "page.html", "deep.html", "file with spaces.txt",
        "ñandú – 新闻.md"}
    assert sorted(contents["articles"]) == sorted(ingested)
    assert report.documents == len(ingested) and report.added == len(ingested)


def test_text_is_decoded_and_cleaned_correctly(hostile):
    _, _, contents = hostile
    text = {source: doc for source, (doc, _) in contents["articles"].items()}
    assert text["latin1.txt"] == LATIN1
    assert text["utf16.txt"] == UTF16
    assert text["nul.txt"] == "A ferry service resumed on Monday."
    assert text["page.html"] == "The port reopened on Tuesday after repairs.\n\nTraffic is expected to recover by June."
    assert contents["articles"]["page.html"][1]["title"] == "Port reopens"
    assert text["deep.html"] == "Deeply nested text survived."
    assert text["file with spaces.txt"] == "Spaces in the name are fine."
    assert text["ñandú – 新闻.md"] == "Non-ASCII names are fine too."


def test_no_hidden_or_outside_text_reaches_the_store(hostile):
    _, _, contents = hostile
    everything = " ".join(doc for doc, _ in contents["articles"].values())
    everything += " ".join(doc for doc, _, _ in contents["chunks"].values())
    for marker in (SECRET, "STYLE-TEXT", "SCRIPT-TEXT", "INLINE-SCRIPT-TEXT", "NOSCRIPT-TEXT", "SCRIPT-ONLY", "\x00"):
        assert marker not in everything


def test_the_200_kb_article_is_chunked_within_the_model_window(hostile):
    corpus, _, contents = hostile
    text, record = contents["articles"]["big.txt"]
    chunks = [(doc, m) for doc, m, _ in contents["chunks"].values() if m["source"] == "big.txt"]
    assert len(text) > 190_000 and record["chunks"] == len(chunks) > 200
    for doc, meta in chunks:
        assert text[meta["start"]:meta["end"]] == doc
        assert len(word_pieces(doc)) + 2 <= MAX_WORD_PIECES


def test_ordinary_articles_are_unaffected(hostile):
    _, _, contents = hostile
    sidecar, _ = read_sidecar(CORPUS)
    for path in CORPUS.glob("*.txt"):
        meta = sidecar_metadata(sidecar[path.name])
        doc, record = contents["articles"][path.name]
        assert doc == clean(path.read_text(encoding="utf-8"), "text", meta["title"]).text
        assert record["publication"] == (meta["publication"] or "")
        assert record["chunks"] >= 3


ALIAS_BOMB = "---\n" + "\n".join(
    [f'a: &a ["{"x" * 8}"' + ', "x"' * 8 + "]"]
    + [f"{b}: &{b} [" + ", ".join([f"*{a}"] * 9) + "]" for a, b in zip("abcdef", "bcdefg")]
    + ["title: *g"]) + "\n---\n\nThe harbour reopened on Monday after the storm, port officials said.\n"


def test_a_yaml_alias_bomb_is_skipped_with_its_reason_and_nothing_else_is_lost(tmp_path, embedder):
    """A few hundred bytes of nested aliases would expand to tens of millions of characters."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB) < 600
    settings = Settings.load(store=tmp_path / "store")
    report = ingest(corpus, settings, embedder=embedder)
    skipped = {s["path"]: s["reason"] for s in report.skipped}
    assert "aliases" in skipped["bomb.md"]
    assert report.documents == 5 and report.added == 5
    assert "bomb.md" not in {a.source for a in Store.open(settings).list_articles()}


def test_every_metadata_field_is_capped(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    title = " ".join(["Harbour"] * 2000)
    (corpus / "long.md").write_text(f"---\ntitle: \"{title}\"\npublication: \"{'P' * 5000}\"\n---\n\n"
                                    "The harbour reopened on Monday after the storm, port officials said.\n",
                                    encoding="utf-8")
    settings = Settings.load(store=tmp_path / "store")
    ingest(corpus, settings, embedder=embedder)
    article = Store.open(settings).article("long.md")
    assert len(article.title) <= 501 and article.title.startswith("Harbour Harbour")
    assert len(article.publication) <= 501


def test_a_page_of_navigation_links_is_no_article(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "links.txt").write_text("Previous Article\n\nNext Article\n", encoding="utf-8")
    (corpus / "links.html").write_text("<html><body><article><h1>Previous Article</h1><p>Next Article</p>"
                                       "</article></body></html>", encoding="utf-8")
    (corpus / "real.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday after the storm, "
                                     "port officials said.\n", encoding="utf-8")
    report = ingest(corpus, Settings.load(store=tmp_path / "store"), embedder=embedder)
    skipped = {s["path"]: s["reason"] for s in report.skipped}
    assert skipped == {"links.txt": NO_TEXT, "links.html": NO_TEXT}
    assert report.documents == 1
